"""The token never reaches a log line, whoever logs it and at whatever level."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import logs
from bot.app import build_application
from bot.config import Secret, Settings, TelegramSettings
from bot.console.transport import OfflineTransport
from bot.console.updates import Person
from bot.services.core import Services
from bot.services.examples import load_examples
from storage.db import Database
from tests.conftest import NOW, Harness

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


# --- JSON lines, and no message bodies ---------------------------------------------------------

BODY = "hemlig-synpunkt-4711"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """`logs.configure` replaces the root handlers and levels: put them back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    names = ["httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio", "telegram", "sqlalchemy"]
    names += ["sqlalchemy.engine", *logging.root.manager.loggerDict]
    levels = {name: logging.getLogger(name).level for name in names}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, saved in levels.items():
            logging.getLogger(name).setLevel(saved)


def _json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_parse_and_carry_time_level_logger_and_extras(restore_logging: None) -> None:
    stream = io.StringIO()
    logs.configure("INFO", secrets=[TOKEN], fmt="json", stream=stream)
    log = logging.getLogger("bot.test")
    log.info("retention: %d chats", 3, extra={"event": "retention", "counts": {"chats": 3}})
    log.info("not a field", extra={"chat_text": BODY})  # not on the list: left out
    log.debug("below the level")
    log.warning("line one\nline two with /bot%s/getMe", TOKEN)
    first, second, third = _json_lines(stream)
    assert first["level"] == "INFO"
    assert first["logger"] == "bot.test"
    assert first["message"] == "retention: 3 chats"
    assert first["event"] == "retention"
    assert first["counts"] == {"chats": 3}
    assert first["time"].endswith("Z")
    stamp = datetime.fromisoformat(first["time"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=5)
    assert BODY not in json.dumps(second) and "chat_text" not in second
    assert third["level"] == "WARNING"
    assert third["message"].startswith("line one\nline two with /bot********/getMe")
    assert TOKEN not in stream.getvalue()
    assert TOKEN.split(":")[1] not in stream.getvalue()


def test_json_lines_mask_the_token_in_a_traceback(restore_logging: None) -> None:
    stream = io.StringIO()
    logs.configure("INFO", secrets=[TOKEN], fmt="json", stream=stream)
    try:
        raise RuntimeError(f"failed to reach https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError:
        logging.getLogger("bot.test").exception("the call failed")
    [line] = _json_lines(stream)
    assert line["level"] == "ERROR"
    assert line["message"] == "the call failed"
    assert "Traceback (most recent call last)" in line["exception"]
    expected = "RuntimeError: failed to reach https://api.telegram.org/bot********/getMe"
    assert expected in line["exception"]
    assert TOKEN not in stream.getvalue()
    assert TOKEN.split(":")[1] not in stream.getvalue()


def test_unknown_log_format_is_refused() -> None:
    with pytest.raises(ValueError, match="log format"):
        logs.configure("INFO", fmt="xml")


def test_library_messages_with_bodies_keep_their_shape_but_not_the_body(
    restore_logging: None,
) -> None:
    stream = io.StringIO()
    logs.configure("DEBUG", fmt="text", stream=stream)
    ptb = logging.getLogger("telegram.ext.ExtBot")
    ptb.debug("Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage", {"text": BODY})
    ptb.debug("Call to Bot API endpoint `%s` finished with return value `%s`", "x", [BODY])
    logging.getLogger("telegram.ext.Application").debug("Processing update %s", {"t": BODY})
    logging.getLogger("sqlalchemy.engine.Engine").debug("Row %r", (BODY,))
    logging.getLogger("sqlalchemy.engine.Engine").info("[%s] %r", "generated", (BODY,))
    logging.getLogger("aiosqlite").warning("executing %s", f"partial(execute, {BODY})")
    text = stream.getvalue()
    assert BODY not in text
    assert "Calling Bot API endpoint `sendMessage` with parameters `<hidden>`" in text
    assert "Processing update <hidden>" in text
    # The same template from our own code is left alone.
    logging.getLogger("bot.test").info("Row %r", ("ours",))
    assert "Row ('ours',)" in stream.getvalue()


@pytest.fixture
async def quiet_harness(harness: Harness) -> Harness:
    async with harness.services.db.transaction() as session:
        await load_examples(session, today=NOW.date(), now=NOW)
    return harness


async def test_a_citizens_words_never_reach_the_json_log_even_at_debug(
    quiet_harness: Harness, restore_logging: None
) -> None:
    stream = io.StringIO()
    logs.configure("DEBUG", secrets=[TOKEN], fmt="json", stream=stream)
    for name in ("telegram", "sqlalchemy.engine", "aiosqlite"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    citizen = Person(200_101, "Kim", "sv")
    assert await quiet_harness.send(citizen, "/kommun Härjedalen")
    replies = await quiet_harness.send(citizen, f"/tyck {BODY} vid busshållplatsen")
    assert any("Tack" in (c.text or "") for c in replies)
    await quiet_harness.send(citizen, f"hur går det i Härjedalen? {BODY}")
    lines = _json_lines(stream)
    assert any("Calling Bot API endpoint `sendMessage`" in line["message"] for line in lines)
    assert any(line["logger"].startswith("sqlalchemy.engine") for line in lines)
    assert BODY not in stream.getvalue()
