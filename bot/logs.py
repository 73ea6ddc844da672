"""Logging that never shows secrets or what people wrote.

httpx logs every request URL at INFO, and Bot API URLs contain the token. At DEBUG, PTB logs the
parameters and results of every Bot API call and every incoming update, SQLAlchemy logs result
rows and aiosqlite the statements with their values: all of them carry message bodies.

Three guards, all installed by `configure` (and `add_secrets`):
- the record factory hides the body-carrying arguments of those known library messages and
  masks every configured secret in each message as it is created, so it holds for every handler,
  including test capture;
- the formatters (text and JSON) mask the finished line, traceback included;
- httpx's own request lines are turned down to WARNING.
Database engines are created with `hide_parameters=True` (storage/db.py), so SQL errors in a
traceback do not show the values either. Our own log calls name ids, counts and exception types,
never text a person wrote.

`[bot] log_format = "json"` writes one JSON object per line: time (UTC, ISO 8601), level,
logger, message, the process id, the exception when there is one, and the extra fields listed
in `EXTRA_FIELDS` when a call passes them (`log.info(..., extra={"event": "retention"})`).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

MASK = "********"
HIDDEN = "<hidden>"
FORMATS = ("text", "json")
# Extra fields a JSON line carries when the log call passes them; anything else is left out.
EXTRA_FIELDS = (
    "event",
    "update_id",
    "municipality_id",
    "post_id",
    "period",
    "outbox_id",
    "count",
    "counts",
    "duration_ms",
)
_secrets: set[str] = set()
# Longest first, so that the whole token is masked before its secret half; kept in step with
# _secrets by add_secrets (every log record goes through redact).
_longest_first: tuple[str, ...] = ()
_installed = False

# Library messages whose arguments carry message bodies: template -> (logger prefix, positions
# of the arguments to hide). The rest of the line (the endpoint, the event) stays readable.
_BODY_ARGS: dict[str, tuple[str, tuple[int, ...]]] = {
    "Calling Bot API endpoint `%s` with parameters `%s`": ("telegram", (1,)),
    "Call to Bot API endpoint `%s` finished with return value `%s`": ("telegram", (1,)),
    "Processing update %s": ("telegram", (0,)),
    "Dropping pending update: %s": ("telegram", (0,)),
    "Webhook received data: %s": ("telegram", (0,)),
    "Request had the wrong secret token: %s": ("telegram", (0,)),
    'Can not load invalid JSON data: "%s"': ("telegram", (0,)),
    "Something went wrong processing the data received from Telegram. "
    "Received data was *not* processed! Received data was: %r": ("telegram", (0,)),
    "Row %r": ("sqlalchemy", (0,)),
    "[%s] %r": ("sqlalchemy", (1,)),  # statement parameters (engines without hide_parameters)
    "executing %s": ("aiosqlite", (0,)),
    "operation %s completed": ("aiosqlite", (0,)),
    "returning exception %s": ("aiosqlite", (0,)),
}


def redact(text: str) -> str:
    for secret in _longest_first:
        if secret and secret in text:
            text = text.replace(secret, MASK)
    return text


def _hide_bodies(record: logging.LogRecord) -> None:
    rule = _BODY_ARGS.get(record.msg) if isinstance(record.msg, str) else None
    if rule is None or not record.name.startswith(rule[0]):
        return
    args = record.args if isinstance(record.args, tuple) else (record.args,)
    record.args = tuple(HIDDEN if n in rule[1] else arg for n, arg in enumerate(args))


def _install() -> None:
    """Put the guarding record factory in place, once."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _hide_bodies(record)
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


def add_secrets(secrets: Iterable[str]) -> None:
    """Register strings that must never appear in a log line; installs the guard once."""
    _secrets.update(s for s in secrets if len(s) >= 8)
    # The token's secret half alone is also a secret (URLs may split at the colon).
    _secrets.update(s.split(":", 1)[1] for s in list(_secrets) if ":" in s)
    global _longest_first
    _longest_first = tuple(sorted(_secrets, key=len, reverse=True))
    _install()


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line; every string in it masked."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, tz=UTC)
        line: dict[str, Any] = {
            "time": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "pid": record.process,
        }
        for key in EXTRA_FIELDS:
            if key in record.__dict__:
                line[key] = _plain(record.__dict__[key])
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exception"] = redact(record.exc_text)
        if record.stack_info:
            line["stack"] = redact(self.formatStack(record.stack_info))
        return redact(json.dumps(line, ensure_ascii=False, default=str))


def _plain(value: Any) -> Any:
    """A JSON-friendly, masked copy of an extra field's value."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return redact(str(value))


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a record is emitted (not when configured), so
    a replaced or captured stderr is followed."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure(
    level: str = "INFO",
    secrets: Iterable[str] = (),
    fmt: str = "text",
    stream: TextIO | None = None,
) -> None:
    """Log to standard error (or `stream`) as text lines or JSON lines, at `level`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown log format {fmt!r}")
    add_secrets(secrets)
    handler: logging.Handler = _StderrHandler() if stream is None else logging.StreamHandler(stream)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            RedactingFormatter(
                "%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S"
            )
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
