"""Security review: the token, invite codes and message bodies never reach a log line.

The application runs as `loftesbot run` runs it (the token registered with `logs.configure`,
PTB's own HTTPX transport, long polling through the Updater), with every logger at DEBUG and
every record captured three ways: the bot's own stderr handler, a plain handler on the root
logger, and pytest's caplog. The Bot API is an httpx MockTransport, so httpx really logs the
request URLs that carry the token, PTB really logs the parameters and results of its calls,
and SQLAlchemy really logs statements and rows. One call fails with a 500 and one cannot
connect, so the error paths log too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from sqlalchemy import select
from telegram import Update
from telegram.ext import TypeHandler
from telegram.request import HTTPXRequest

from bot import logs
from bot.app import build_application
from bot.clock import FrozenClock
from bot.config import TOKEN_RE, DatabaseSettings, Secret, Settings, TelegramSettings
from bot.console.transport import BOT_USER
from bot.console.updates import Person, UpdateFactory
from bot.services.core import Services
from bot.services.examples import ADMIN, CITIZEN, REPORTER, load_examples
from storage import catalogue, people
from storage.db import Database
from storage.models import Activity, Feedback, Role

TOKEN = "7612345098:AAHx9-secretHalfOfTheToken_q1w2e3r4t5y6"
SECRET_HALF = TOKEN.split(":", 1)[1]
BODY = "hemlig-text-123"
PAGE = (Path(__file__).resolve().parents[1] / "e2e" / "pages" / "storberga.txt").read_bytes()

CITIZEN_P = Person(CITIZEN.user_id, CITIZEN.first_name, "sv")
REPORTER_P = Person(REPORTER.user_id, REPORTER.first_name, "sv")
ADMIN_P = Person(ADMIN.user_id, ADMIN.first_name, "sv")


@dataclass
class FakeBotApi:
    """The Bot API behind httpx.MockTransport: answers like Telegram, records every call,
    serves queued updates to getUpdates and fails calls on request."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    pending: deque[dict[str, Any]] = field(default_factory=deque)
    files: dict[str, bytes] = field(default_factory=dict)
    faults: deque[tuple[str, str]] = field(default_factory=deque)  # (method, "500"|"connect")
    polls: int = 0
    next_id: int = 1000

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/file/bot"):
            content = self.files.get(path.rsplit("/", 1)[-1])
            if content is None:
                return httpx.Response(404, json={"ok": False, "error_code": 404})
            return httpx.Response(200, content=content)
        method = path.rsplit("/", 1)[-1]
        params = self._params(request)
        for fault in list(self.faults):
            if fault[0] == method:
                self.faults.remove(fault)
                if fault[1] == "connect":
                    raise httpx.ConnectError("All connection attempts failed", request=request)
                return httpx.Response(
                    500,
                    json={"ok": False, "error_code": 500, "description": "Internal Server Error"},
                )
        self.calls.append((method, params))
        return httpx.Response(200, json={"ok": True, "result": await self._result(method, params)})

    @staticmethod
    def _params(request: httpx.Request) -> dict[str, Any]:
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/x-www-form-urlencoded"):
            return dict(parse_qsl(request.content.decode()))
        if kind.startswith("application/json"):
            loaded: dict[str, Any] = json.loads(request.content or b"{}")
            return loaded
        return {}  # multipart (a document): nothing the fake needs

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            self.polls += 1
            if not self.pending:
                await asyncio.sleep(0.01)
                return []
            batch = list(self.pending)
            self.pending.clear()
            return batch
        if method == "getFile":
            file_id = str(params.get("file_id"))
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": len(self.files.get(file_id, b"")),
                "file_path": f"documents/{file_id}",
            }
        if method in {"sendMessage", "sendDocument", "sendPhoto", "editMessageText"}:
            self.next_id += 1
            chat_id = int(params.get("chat_id") or 1)
            message: dict[str, Any] = {
                "message_id": int(params.get("message_id") or self.next_id),
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
            }
            if "text" in params:
                message["text"] = params["text"]
            if "reply_markup" in params:
                message["reply_markup"] = json.loads(params["reply_markup"])
            return message
        return True

    def buttons(self, since: int = 0) -> dict[str, str]:
        found: dict[str, str] = {}
        for _method, params in self.calls[since:]:
            markup = params.get("reply_markup")
            if markup:
                for row in json.loads(markup).get("inline_keyboard", []):
                    for button in row:
                        if "callback_data" in button:
                            found[button["text"]] = button["callback_data"]
        return found

    def texts(self, since: int = 0) -> list[str]:
        return [str(p.get("text", "")) for m, p in self.calls[since:] if "text" in p]


class Capture(logging.Handler):
    """Every record, and every record as a plain (non-redacting) formatter writes it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def debug_logging(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> Iterator[Capture]:
    """`logs.configure` as `loftesbot run` calls it (its stderr handler writes into capsys),
    then every logger turned up to DEBUG."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    names = ["telegram", "httpx", "httpcore", "sqlalchemy", "sqlalchemy.engine", "aiosqlite"]
    names += list(logging.root.manager.loggerDict)
    saved_levels = {name: logging.getLogger(name).level for name in names}
    capture = Capture()
    logs.configure("DEBUG", secrets=[TOKEN])
    root.addHandler(capture)
    root.addHandler(caplog.handler)  # configure() replaced the root handlers
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


class RunningBot:
    """The application as `loftesbot run` builds it, fed through the Updater's long polling."""

    def __init__(self, db: Database, clock: FrozenClock) -> None:
        self.api = FakeBotApi()
        settings = Settings(
            telegram=TelegramSettings(token=Secret(TOKEN)),
            database=DatabaseSettings(url=db.display_url),
        )
        self.services = Services(settings=settings, db=db, clock=clock)
        request = HTTPXRequest(httpx_kwargs={"transport": self.api.transport()})
        self.app = build_application(self.services, request=request)
        self.factory = UpdateFactory(self.app.bot, now=clock.now())
        self.done: dict[int, asyncio.Event] = {}
        self.errors: list[BaseException] = []

        async def mark(update: object, context: Any) -> None:
            if isinstance(update, Update):
                self.done.setdefault(update.update_id, asyncio.Event()).set()

        async def collect(update: object, context: Any) -> None:
            self.errors.append(context.error)

        self.app.add_handler(TypeHandler(Update, mark), group=100)
        self.app.add_error_handler(collect)

    async def __aenter__(self) -> RunningBot:
        await self.app.initialize()
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()

    async def deliver(self, data: dict[str, Any]) -> list[str]:
        """Hand one update to getUpdates and wait until every handler group has run."""
        before = len(self.api.calls)
        update_id = int(data["update_id"])
        event = self.done.setdefault(update_id, asyncio.Event())
        self.api.pending.append(data)
        await asyncio.wait_for(event.wait(), timeout=20)
        return self.api.texts(before)

    async def send(self, person: Person, text: str | None, **kwargs: Any) -> list[str]:
        return await self.deliver(self.factory.message(person, text, **kwargs))

    async def press(self, person: Person, label: str) -> list[str]:
        data = self.api.buttons()[label]
        return await self.deliver(self.factory.callback(person, data))


async def _prepare(db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as session:
        await load_examples(session, today=clock.now().date(), now=clock.now())
        place = await catalogue.get_or_create_municipality(session, "Storberga")
        admin = await people.ensure_reporter(session, ADMIN.user_id)
        await people.grant(session, admin, place, Role.ADMIN)


async def _session(bot: RunningBot) -> str:
    """A realistic hour of use; returns the invite code the admin made."""
    # A citizen: start, questions, a synpunkt carrying the secret body.
    await bot.send(CITIZEN_P, "/start")
    await bot.send(CITIZEN_P, "hur går det i Härjedalen?")
    await bot.press(CITIZEN_P, "📊 Visa diagram")
    await bot.send(CITIZEN_P, f"har ni besökt skolorna? {BODY}")
    replies = await bot.send(CITIZEN_P, f"/tyck {BODY} på Storgatan")
    assert any("Tack!" in r for r in replies), replies

    # A reporter logs with the body as the place, changes it, and looks at the entries.
    replies = await bot.send(REPORTER_P, f"2 trafikkontroller {BODY} idag")
    assert replies, "the reporter got no answer"
    await bot.send(REPORTER_P, "/mina")
    await bot.send(REPORTER_P, BODY)

    # An admin invites from the chat and imports a page sent as a file.
    await bot.send(ADMIN_P, "/inbjudan")
    await bot.press(ADMIN_P, "Härjedalen")
    replies = await bot.press(ADMIN_P, "Rapportör – polisen")
    match = re.search(r"start=(in_[A-Za-z0-9_-]+)", " ".join(replies))
    assert match is not None, replies
    bot.api.files["page1"] = PAGE
    document = {"file_id": "page1", "file_unique_id": "page1", "file_name": "sida.txt"}
    await bot.send(ADMIN_P, None, extra={"document": {**document, "file_size": len(PAGE)}})
    replies = await bot.press(ADMIN_P, "Importera")
    assert any("Importerat" in r for r in replies), replies
    await bot.send(ADMIN_P, "/export")

    # Bot API calls that fail: a 500 from the server, then no connection at all.
    bot.api.faults.append(("sendMessage", "500"))
    await bot.send(CITIZEN_P, "/hjalp")
    bot.api.faults.append(("sendMessage", "connect"))
    await bot.send(CITIZEN_P, "/hjalp")
    return match.group(1)


async def _run_and_scan(
    db: Database,
    clock: FrozenClock,
    capture: Capture,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> list[str]:
    """Run the session and return every log line that shows a secret or a body."""
    await _prepare(db, clock)
    async with RunningBot(db, clock) as bot:
        code = await _session(bot)
    # Only the two planted failures reached the error handler.
    assert [type(e).__name__ for e in bot.errors] == ["NetworkError", "NetworkError"]

    # What is looked for was really there: the body is stored, the URLs were logged.
    async with db.read() as session:
        feedback = list(await session.scalars(select(Feedback.text)))
        logged = list(await session.execute(select(Activity.note, Activity.place)))
    assert any(BODY in text for text in feedback)
    assert any(BODY in f"{note} {place}" for note, place in logged)
    messages = [r.getMessage() for r in capture.records]
    assert any(m.startswith("HTTP Request: POST https://api.telegram.org/bot") for m in messages), (
        "httpx did not log the request URLs"
    )
    assert any("/sendMessage" in m and "HTTP/1.1 500" in m for m in messages)
    assert any("Calling Bot API endpoint `sendMessage`" in m for m in messages)
    assert any("Calling Bot API endpoint `getUpdates`" in m for m in messages)
    assert any("INSERT INTO feedback" in m for m in messages)
    assert any(r.levelno >= logging.ERROR and r.exc_info for r in capture.records)

    stderr = capsys.readouterr().err
    assert "unhandled error" in stderr  # the bot's own handler wrote the error, traceback too
    assert "Logging error" not in stderr
    outputs = {
        "stderr (the bot's handler)": stderr,
        "plain root handler": "\n".join(capture.lines),
        "record messages": "\n".join(messages),
        "caplog": caplog.text,
    }
    problems = []
    for secret, what in (
        (TOKEN, "the token"),
        (SECRET_HALF, "the token's secret half"),
        (code, "an invite code"),
        (BODY, "a message body"),
    ):
        for where, text in outputs.items():
            lines = [line for line in text.splitlines() if secret in line]
            problems += [f"{what} in {where}: {line[:240]}" for line in lines[:3]]
    return problems


async def test_no_token_invite_code_or_message_body_in_any_debug_log(
    db: Database,
    clock: FrozenClock,
    debug_logging: Capture,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert TOKEN_RE.match(TOKEN)
    problems = await _run_and_scan(db, clock, debug_logging, caplog, capsys)
    assert not problems, "\n".join(problems)


async def test_the_scan_finds_leaks_when_the_guards_are_off(
    backend: str,
    db: Database,
    clock: FrozenClock,
    debug_logging: Capture,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The planted case: without the guarding record factory (`bot.logs`) the same session
    leaks, so the test above can fail."""
    if backend != "sqlite":
        pytest.skip("one backend is enough to show the scan works")
    guarded = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    try:
        problems = "\n".join(await _run_and_scan(db, clock, debug_logging, caplog, capsys))
    finally:
        logging.setLogRecordFactory(guarded)
    assert "the token in plain root handler: INFO httpx: HTTP Request: POST" in problems
    assert "the token's secret half in caplog" in problems
    assert "an invite code in record messages" in problems
    assert "a message body in plain root handler: DEBUG telegram" in problems
