"""Telegram's conventions through the real application: HTML as the bot's default parse mode
(no call names it), replies kept as data in either stored shape, the time zone in Defaults."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.console.transport import html_problem
from bot.delivery.scheduler import _unlimited_bot
from bot.render import texts
from bot.render.links import pledge_link, start_link
from storage.models import Pledge, ProcessedUpdate
from tests.conftest import ADMIN, CITIZEN, REPORTER, Harness, replies
from tests.e2e.test_export import _buttons as export_buttons
from tests.e2e.test_export import _document as export_document
from tests.e2e.test_export import _setup as export_setup
from tests.e2e.test_reporting import _mine, _setup
from tests.inbox.test_processor import DEAD_PID, processor, store

ROOT = Path(__file__).resolve().parents[2]


def test_no_handler_names_a_parse_mode() -> None:
    """HTML is the application's default: the handlers never pass parse_mode."""
    for path in sorted((ROOT / "bot" / "handlers").glob("*.py")):
        assert "parse_mode=" not in path.read_text(encoding="utf-8"), path.name


async def test_the_default_parse_mode_reaches_the_wire(harness: Harness) -> None:
    # A reply that once went out as plain text, and one that always was HTML: both HTML now.
    [unknown] = await harness.send(CITIZEN, "/finnsinte")
    [welcome] = await harness.send(CITIZEN, "/start")
    assert unknown.text == texts.unknown_command("sv")
    assert unknown.params["parse_mode"] == "HTML"
    assert welcome.params["parse_mode"] == "HTML"
    assert "<b>" in (welcome.text or "")
    assert harness.app.bot.defaults is not None
    assert harness.app.bot.defaults.tzinfo == ZoneInfo("Europe/Stockholm")


async def test_the_bot_that_paces_itself_has_the_same_defaults(harness: Harness) -> None:
    """The outbox's and the scheduler's bot (no rate limiter) is an ExtBot with the defaults:
    a plain telegram.Bot would ignore them."""
    bot = _unlimited_bot(harness.app)
    assert isinstance(bot, ExtBot)
    assert bot.defaults is harness.app.bot.defaults
    async with bot:
        await bot.send_message(CITIZEN.user_id, "<b>hej</b>")
    [call] = harness.transport.sent("sendMessage")
    assert call.params["parse_mode"] == "HTML"


def test_the_offline_api_refuses_html_telegram_cannot_parse() -> None:
    assert html_problem("<b>3</b> av 4 &amp; mer") is None
    assert html_problem('<a href="https://t.me/x">x</a>') is None
    assert html_problem("1 < 2") is not None
    assert html_problem("<b>open") is not None
    assert html_problem("<br>") is not None


async def test_an_unescaped_reply_would_be_refused(harness: Harness) -> None:
    """The offline API answers 400 as Telegram does, so a text that is not HTML-safe cannot
    pass the tests unnoticed now that every text is sent as HTML."""
    bot = harness.app.bot
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(CITIZEN.user_id, "3 < 4")
    assert harness.transport.refused[0].params["parse_mode"] == "HTML"


async def _reply_lost_at_commit(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """A report is saved with its reply recorded, and the process dies as the reply goes out."""
    await _setup(h)
    await store(h, h.factory.message(REPORTER, "3 trafikkontroller E45 igår"))
    transport = h.transport
    request = transport.do_request

    async def stopped(url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage"):
            raise asyncio.CancelledError
        return await request(url, *args, **kwargs)

    monkeypatch.setattr(transport, "do_request", stopped)
    with pytest.raises(asyncio.CancelledError):
        await processor(h, worker=f"{socket.gethostname()}:{DEAD_PID}").drain()
    monkeypatch.setattr(transport, "do_request", request)
    assert len(await _mine(h)) == 1


@pytest.mark.parametrize("stored", ["as recorded now", "with parse_mode, as before"])
async def test_a_recorded_reply_is_sent_as_html_in_either_shape(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, stored: str
) -> None:
    """Replies kept as data are recorded without a parse mode (the default applies); rows
    recorded by the earlier version carry "parse_mode": "HTML" and are sent the same way."""
    await _reply_lost_at_commit(harness, monkeypatch)
    async with harness.services.db.transaction() as session:
        row = (await session.scalars(select(ProcessedUpdate))).one()
        assert row.payload is not None
        reply = dict(row.payload["reply"])
        assert "parse_mode" not in reply
        if stored != "as recorded now":
            reply["parse_mode"] = "HTML"
            await session.execute(
                update(ProcessedUpdate)
                .where(ProcessedUpdate.key == row.key)
                .values(payload={**row.payload, "reply": reply})
            )
    restarted = processor(harness, worker="restarted")
    assert await restarted.recover() == 1
    assert await restarted.drain() == 1
    [call] = harness.transport.sent("sendMessage")
    assert call.params["parse_mode"] == "HTML"
    assert replies([call])[0].startswith("✅ Sparat: <b>trafikkontroller</b> · 3 st")


def test_deep_links_are_built_by_telegrams_rule() -> None:
    code = "in_" + "A" * 32
    assert start_link("LoftesbotenBot", code) == f"https://t.me/LoftesbotenBot?start={code}"
    assert start_link("@LoftesbotenBot", code) == f"https://t.me/LoftesbotenBot?start={code}"
    assert pledge_link("LoftesbotenBot", 12) == "https://t.me/LoftesbotenBot?start=p_12"
    assert pledge_link(None, 12) is None
    with pytest.raises(ValueError, match="characters"):
        start_link("LoftesbotenBot", "x" * 65)  # Telegram drops a payload over 64 characters
    with pytest.raises(ValueError, match="allowed"):
        start_link("LoftesbotenBot", "p 12")


async def test_the_shared_pledge_link_opens_the_pledge(harness: Harness) -> None:
    """The link in a pledge's card, followed: Telegram sends /start <payload>."""
    await _setup(harness)
    async with harness.services.db.read() as session:
        pledge_id = await session.scalar(select(Pledge.id).order_by(Pledge.id))
    link = pledge_link(harness.app.bot.username, pledge_id or 0)
    assert link is not None
    payload = parse_qs(urlsplit(link).query)["start"][0]
    [card] = replies(await harness.send(CITIZEN, f"/start {payload}"))
    assert link in card


async def test_the_export_files_caption_is_shown_as_html(harness: Harness) -> None:
    """The caption was always written as HTML but went out without a parse mode, so the admin
    saw its tags; with the default it is read as HTML."""
    await export_setup(harness)
    calls = await harness.send(ADMIN, "/export")
    calls = await harness.press(ADMIN, export_buttons(calls)["Härjedalen"])
    calls = await harness.press(ADMIN, export_buttons(calls)["CSV · publikt"])
    sent, _ = export_document(calls)
    assert "<b>Export</b>" in (sent.text or "")
    assert sent.params["parse_mode"] == "HTML"
