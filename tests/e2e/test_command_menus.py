"""Command menus per role and the bot's descriptions, through the real application and the
in-process Bot API: what start-up sets, and how a change of role changes one person's menu,
after its commit."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest

from bot.app import build_application
from bot.config import DatabaseSettings, Secret, Settings, TelegramSettings, WebhookSettings
from bot.console.transport import ApiCall, OfflineTransport
from bot.menus import sync_role_menus
from bot.render import commands, texts
from bot.render.commands import menu
from bot.serve import Serving, run
from bot.services import access
from bot.services.core import Services
from bot.services.examples import load_examples
from storage import catalogue
from storage import people as stored
from storage.db import Database
from storage.models import Role
from tests.conftest import ADMIN, REPORTER, Harness, Person, replies
from tests.e2e.test_team import NEWCOMER, TODAY, _buttons, _code_from_chat, _setup

SECRET = "k3Jx9_wQz-5mN2pL8vR4tY7uH1aS6dF0gZc"
CITIZEN_MENU_SV = {"start", "hjalp", "hurgardet", "loften", "kommun", "prenumerera", "avsluta"}
REPORTER_ONLY = {"logga", "mina", "angra"}
ADMIN_ONLY = {"inbjudan", "rapportorer", "schema"}


async def _grant(db: Database, person: Person, municipality: str, role: Role) -> None:
    async with db.transaction() as session:
        place = await catalogue.municipality_by_name(session, municipality)
        assert place is not None
        reporter = await stored.ensure_reporter(session, person.user_id)
        await stored.grant(session, reporter, place, role)


def _scope(call: ApiCall) -> dict[str, Any]:
    scope = call.params.get("scope") or {"type": "default"}
    return json.loads(scope) if isinstance(scope, str) else dict(scope)


def _names(call: ApiCall) -> list[str]:
    listed = call.params["commands"]
    listed = json.loads(listed) if isinstance(listed, str) else listed
    return [c["command"] for c in listed]


def _menu_calls(calls: list[ApiCall], chat_id: int) -> dict[tuple[str, str | None], ApiCall]:
    """(method, language_code) -> the call, for one chat's scope."""
    return {
        (c.method, c.params.get("language_code")): c
        for c in calls
        if c.method in ("setMyCommands", "deleteMyCommands")
        and _scope(c) == {"type": "chat", "chat_id": chat_id}
    }


def test_every_menu_is_one_telegram_accepts() -> None:
    for role in ("citizen", "reporter", "admin"):
        for lang in ("sv", "en"):
            entries = menu(role, lang)  # type: ignore[arg-type]
            assert 0 < len(entries) <= 100
            for entry in entries:
                assert re.fullmatch(r"[a-z0-9_]{1,32}", entry.command)
                assert 1 <= len(entry.description) <= 256
            assert len({e.command for e in entries}) == len(entries)
    assert {c.command for c in menu("citizen", "sv")} >= CITIZEN_MENU_SV
    assert not {c.command for c in menu("citizen", "sv")} & (REPORTER_ONLY | ADMIN_ONLY)
    reporter = [c.command for c in menu("reporter", "sv")]
    assert reporter[:3] == ["logga", "mina", "angra"]  # their work first
    assert not set(reporter) & ADMIN_ONLY
    admin = {c.command for c in menu("admin", "sv")}
    assert admin >= CITIZEN_MENU_SV | REPORTER_ONLY | ADMIN_ONLY
    # English names where the bot answers to one; every name in a menu is a command it knows.
    english = {c.command for c in menu("admin", "en")}
    assert {"help", "progress", "undo", "schedule"} <= english
    known = {n for c in texts.COMMANDS for n in (c.name, *c.aliases)}
    assert english <= known


def test_the_descriptions_fit_telegrams_limits() -> None:
    for lang in ("sv", "en"):
        short = texts.bot_short_description(lang)  # type: ignore[arg-type]
        long = texts.bot_description(lang)  # type: ignore[arg-type]
        assert 0 < len(short) <= texts.SHORT_DESCRIPTION_LIMIT
        assert 0 < len(long) <= texts.DESCRIPTION_LIMIT
    assert "kommun" in texts.bot_description("sv") and "polisen" in texts.bot_description("sv")
    assert "municipality" in texts.bot_description("en")


async def test_start_up_sets_menus_descriptions_and_each_role_holders_menu(db: Database) -> None:
    """`serve.run`'s post_init: the citizens' menus in Default and AllPrivateChats, Swedish and
    English; both descriptions in both languages; then each reporter's and admin's own."""
    settings = Settings(
        telegram=TelegramSettings(
            mode="webhook",
            webhook=WebhookSettings(
                listen="127.0.0.1",
                port=0,
                path="hook",
                public_url="https://bot.example.org/",
                secret_token=Secret(SECRET),
            ),
        ),
        database=DatabaseSettings(url=db.display_url),
    )
    services = Services(settings=settings, db=db)
    async with db.transaction() as session:
        await load_examples(session, today=TODAY, now=services.now())
    await _grant(db, ADMIN, "Härjedalen", Role.ADMIN)
    await _grant(db, REPORTER, "Åsele", Role.REPORTER)
    transport = OfflineTransport()
    app = build_application(services, request=transport)
    stop = asyncio.Event()
    ready: asyncio.Future[Serving] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run(app, settings, stop=stop, on_ready=ready.set_result))
    try:
        await asyncio.wait_for(ready, 10)
        for _ in range(300):
            if _menu_calls(transport.calls, REPORTER.user_id):
                break
            await asyncio.sleep(0.02)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)

    calls = transport.calls
    general = {
        (_scope(c)["type"], c.params.get("language_code")): _names(c)
        for c in calls
        if c.method == "setMyCommands" and _scope(c)["type"] != "chat"
    }
    assert set(general) == {
        (scope, code) for scope in ("default", "all_private_chats") for code in (None, "en")
    }
    assert set(general["default", None]) >= CITIZEN_MENU_SV
    assert not set(general["default", None]) & (REPORTER_ONLY | ADMIN_ONLY)
    assert "help" in general["default", "en"] and "hjalp" not in general["default", "en"]
    for method, text in (
        ("setMyDescription", texts.bot_description),
        ("setMyShortDescription", texts.bot_short_description),
    ):
        sent = {c.params.get("language_code"): c for c in calls if c.method == method}
        key = "description" if method == "setMyDescription" else "short_description"
        assert sent[None].params[key] == text("sv")
        assert sent["en"].params[key] == text("en")
    # Each role holder's own menu, in both languages (the example data's people too).
    reporter = _menu_calls(calls, REPORTER.user_id)
    admin = _menu_calls(calls, ADMIN.user_id)
    assert set(reporter) == set(admin) == {("setMyCommands", None), ("setMyCommands", "en")}
    assert set(_names(reporter["setMyCommands", None])) >= REPORTER_ONLY
    assert not set(_names(reporter["setMyCommands", None])) & ADMIN_ONLY
    assert set(_names(admin["setMyCommands", None])) >= REPORTER_ONLY | ADMIN_ONLY
    assert "undo" in _names(reporter["setMyCommands", "en"])


async def _role_seen_at_each_menu_call(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, int, str]]:
    """For every menu call: what a fresh read of the database says the person is, at the moment
    the call reaches Telegram. Inside the transaction that changed the role, it would still say
    the old role."""
    seen: list[tuple[str, int, str]] = []
    request = h.transport.do_request

    async def watching(url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        answer = await request(url, *args, **kwargs)
        call = h.transport.calls[-1] if h.transport.calls else None
        if call is not None and call.method in ("setMyCommands", "deleteMyCommands"):
            chat = _scope(call).get("chat_id")
            if chat is not None:
                async with h.services.db.read() as session:
                    role = commands.role_of(await access.who_is(session, int(chat)))
                seen.append((call.method, int(chat), role))
        return answer

    monkeypatch.setattr(h.transport, "do_request", watching)
    return seen


async def test_redeeming_an_invite_gives_the_reporters_menu_after_the_commit(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _setup(harness)
    code = await _code_from_chat(harness)
    seen = await _role_seen_at_each_menu_call(harness, monkeypatch)
    calls = await harness.send(NEWCOMER, f"/start {code}")
    assert "Du kan nu rapportera" in replies(calls)[0]
    menus = _menu_calls(calls, NEWCOMER.user_id)
    assert set(menus) == {("setMyCommands", None), ("setMyCommands", "en")}
    swedish = _names(menus["setMyCommands", None])
    assert swedish[:3] == ["logga", "mina", "angra"]
    assert set(swedish) >= CITIZEN_MENU_SV and not set(swedish) & ADMIN_ONLY
    assert "undo" in _names(menus["setMyCommands", "en"])
    # The reply first, then the menu; and the menu call saw the committed role.
    assert [c.method for c in calls].index("sendMessage") < calls.index(
        menus["setMyCommands", None]
    )
    assert seen == [("setMyCommands", NEWCOMER.user_id, "reporter")] * 2


async def test_an_admin_invite_gives_the_admins_menu(harness: Harness) -> None:
    await _setup(harness)
    code = await _code_from_chat(harness, "Administratör")
    calls = await harness.send(NEWCOMER, f"/start {code}")
    menus = _menu_calls(calls, NEWCOMER.user_id)
    assert set(_names(menus["setMyCommands", None])) >= REPORTER_ONLY | ADMIN_ONLY


async def _remove(h: Harness, person: Person) -> list[ApiCall]:
    buttons = _buttons(await h.send(ADMIN, "/rapportorer"))
    calls = await h.press(ADMIN, buttons[f"Ta bort {person.first_name} (Härjedalen)"])
    return await h.press(ADMIN, _buttons(calls)["Ja, ta bort"])


async def test_removing_a_reporter_resets_their_menu(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _setup(harness)
    code = await _code_from_chat(harness)
    await harness.send(NEWCOMER, f"/start {code}")
    seen = await _role_seen_at_each_menu_call(harness, monkeypatch)
    calls = await _remove(harness, NEWCOMER)
    assert "Nora" in replies(calls)[0]
    menus = _menu_calls(calls, NEWCOMER.user_id)
    # The chat's own menu is deleted: Telegram shows the citizens' menu again.
    assert set(menus) == {("deleteMyCommands", None), ("deleteMyCommands", "en")}
    assert seen == [("deleteMyCommands", NEWCOMER.user_id, "citizen")] * 2
    # The admin's own menu is not touched.
    assert _menu_calls(calls, ADMIN.user_id) == {}


async def test_a_reporter_removed_in_one_kommun_keeps_the_menu_of_another(
    harness: Harness,
) -> None:
    await _setup(harness)
    code = await _code_from_chat(harness)
    await harness.send(NEWCOMER, f"/start {code}")
    await _grant(harness.services.db, NEWCOMER, "Åsele", Role.REPORTER)
    calls = await _remove(harness, NEWCOMER)
    menus = _menu_calls(calls, NEWCOMER.user_id)
    assert set(menus) == {("setMyCommands", None), ("setMyCommands", "en")}
    assert set(_names(menus["setMyCommands", None])) >= REPORTER_ONLY


async def test_a_refused_menu_call_does_not_undo_or_repeat_the_redemption(
    harness: Harness,
) -> None:
    """Telegram refusing the menu is logged; the role stays and the person got their answer."""
    await _setup(harness)
    code = await _code_from_chat(harness)
    harness.transport.fail_next("setMyCommands", 400)
    calls = await harness.send(NEWCOMER, f"/start {code}")
    assert "Du kan nu rapportera" in replies(calls)[0]
    async with harness.services.db.read() as session:
        assert commands.role_of(await access.who_is(session, NEWCOMER.user_id)) == "reporter"


async def test_the_start_up_sync_repairs_a_refresh_lost_after_the_commit(harness: Harness) -> None:
    """A role taken away, and the process gone before the menu call: the next start-up
    deletes that chat's menu; a role given the same way gets its menu."""
    await _setup(harness)
    code = await _code_from_chat(harness)
    await harness.send(NEWCOMER, f"/start {code}")
    async with harness.services.db.transaction() as session:
        [(membership, _place)] = await stored.active_memberships(session, NEWCOMER.user_id)
        membership.revoked_at = harness.clock.now()  # as revoke_member does; no refresh
    await _grant(harness.services.db, REPORTER, "Åsele", Role.REPORTER)
    harness.transport.clear()
    done = await sync_role_menus(harness.app.bot, harness.services.db)
    calls = harness.transport.calls
    assert done == len({_scope(c)["chat_id"] for c in calls})  # the example data's people too
    assert set(_menu_calls(calls, NEWCOMER.user_id)) == {
        ("deleteMyCommands", None),
        ("deleteMyCommands", "en"),
    }
    assert set(_names(_menu_calls(calls, REPORTER.user_id)["setMyCommands", None])) >= (
        REPORTER_ONLY
    )
    assert set(_names(_menu_calls(calls, ADMIN.user_id)["setMyCommands", None])) >= ADMIN_ONLY


async def test_the_menu_is_refreshed_even_when_the_reply_fails(harness: Harness) -> None:
    await _setup(harness)
    code = await _code_from_chat(harness)
    harness.transport.fail_next("sendMessage", 400)
    calls = await harness.send(NEWCOMER, f"/start {code}")
    assert set(_menu_calls(calls, NEWCOMER.user_id)) == {
        ("setMyCommands", None),
        ("setMyCommands", "en"),
    }
    assert len(harness.errors) == 1  # the failed reply, reported by the error handler
    harness.errors.clear()
