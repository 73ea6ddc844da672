"""Logging that never shows secrets.

httpx logs every request URL at INFO, and Bot API URLs contain the token. Two guards: the
record factory masks every configured secret in each message as it is created (so it holds for
every handler, including test capture), and the formatter masks the finished line, traceback
included. httpx's own request lines are also turned down to WARNING.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import Any

MASK = "********"
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    for secret in _secrets:
        if secret and secret in text:
            text = text.replace(secret, MASK)
    return text


def add_secrets(secrets: Iterable[str]) -> None:
    """Register strings that must never appear in a log line; installs the guard once."""
    global _installed
    _secrets.update(s for s in secrets if len(s) >= 8)
    # The token's secret half alone is also a secret (URLs may split at the colon).
    _secrets.update(s.split(":", 1)[1] for s in list(_secrets) if ":" in s)
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _secrets:
            try:
                message = record.getMessage()
            except (TypeError, ValueError):
                return record
            masked = redact(message)
            if masked != message:
                record.msg, record.args = masked, ()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    add_secrets(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
