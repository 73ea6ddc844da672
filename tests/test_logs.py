"""The token never reaches a log line, whoever logs it and at whatever level."""

from __future__ import annotations

import logging

import pytest

from bot import logs
from bot.app import build_application
from bot.config import Secret, Settings, TelegramSettings
from bot.console.transport import OfflineTransport
from bot.services.core import Services
from storage.db import Database

TOKEN = "987654321:AAF-secret-part-of-the-token-xyz"


def test_httpx_style_request_lines_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    logs.add_secrets([TOKEN])
    caplog.set_level(logging.DEBUG)
    url = f"https://api.telegram.org/bot{TOKEN}/getUpdates"
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)
    logging.getLogger("telegram.ext").debug("calling %s", url)
    logging.getLogger("x").error("half of it: %s", TOKEN.split(":")[1])
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text
    assert "getUpdates" in text
    assert logs.MASK in text


def test_formatter_masks_tracebacks() -> None:
    logs.add_secrets([TOKEN])
    formatter = logs.RedactingFormatter("%(message)s")
    try:
        raise RuntimeError(f"failed to reach /bot{TOKEN}/getMe")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (), None)
        import sys

        record.exc_info = sys.exc_info()
    assert TOKEN not in formatter.format(record)


async def test_application_debug_logs_never_contain_the_token(
    caplog: pytest.LogCaptureFixture, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    logs.add_secrets([TOKEN])
    caplog.set_level(logging.DEBUG)
    settings = Settings(telegram=TelegramSettings(token=Secret(TOKEN)))
    db = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    app = build_application(Services(settings=settings, db=db), request=OfflineTransport())
    await app.initialize()
    await app.bot.get_me()
    await app.shutdown()
    await db.dispose()
    assert caplog.records, "expected PTB to log at DEBUG"
    assert TOKEN not in caplog.text
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
