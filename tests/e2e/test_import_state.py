"""An admin's pending import waits in the database (`chat_states`, kind "import"), like every
other dialogue: a restart, or another instance, between the preview and the press still imports;
a press for an import that no longer waits gets a polite answer and writes nothing.

"A restart" is a second Application built on the same database (a new `Database` on the same
URL, new in-memory `user_data`), as `loftesbot run` would build after the process came back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.app import build_application
from bot.console.transport import OfflineTransport
from bot.console.updates import UpdateFactory
from bot.render import admin as render
from bot.services import pending_import
from bot.services.core import Services
from storage.db import Database
from storage.models import ChatState, Role
from tests.conftest import ADMIN, Harness, replies
from tests.e2e.test_admin_import import (
    PAGE,
    _buttons,
    _grant,
    _import_seed_000_for_2019,
    _notes_by_pledge,
    _pledges,
    _seed,
    _send_file,
)


@asynccontextmanager
async def _restarted(h: Harness, database_url: str) -> AsyncIterator[Harness]:
    """The bot as a new process would build it: a new Application, services and connection
    pool on the same database; nothing carried over in memory. Update ids go on from `h`'s."""
    db = Database(database_url)
    services = Services(settings=h.services.settings, db=db, clock=h.clock)
    transport = OfflineTransport()
    app = build_application(services, request=transport)
    factory = UpdateFactory(
        app.bot,
        next_update_id=h.factory.next_update_id,
        next_message_id=h.factory.next_message_id,
        now=h.clock.now(),
    )
    again = Harness(app, transport, factory, services, h.clock)

    async def collect(update: object, context: Any) -> None:
        again.errors.append(context.error)

    app.add_error_handler(collect)
    await app.initialize()
    transport.clear()
    try:
        yield again
    finally:
        await app.shutdown()
        await db.dispose()  # its own pool; the first application's stays open
    assert not again.errors, again.errors


async def _states(h: Harness) -> list[tuple[int, str, dict[str, Any]]]:
    async with h.services.db.read() as session:
        rows = await session.execute(select(ChatState.user_id, ChatState.kind, ChatState.payload))
        return [(int(u), str(k), dict(p)) for u, k, p in rows]


def _alert(calls: list[Any]) -> str:
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    return str(answer.params.get("text", ""))


async def test_the_pending_import_survives_a_restart(harness: Harness, database_url: str) -> None:
    await _grant(harness, ADMIN.user_id, "Storberga", Role.ADMIN)
    calls = await _send_file(harness, ADMIN, PAGE)
    buttons = _buttons(calls)
    states = await _states(harness)

    async with _restarted(harness, database_url) as again:
        calls = await again.press(ADMIN, buttons["Importera"])
        done = [c.text for c in calls if c.method == "editMessageText"]
        assert done and "Importerat" in str(done[0]), [c.params for c in calls]
    assert await _pledges(harness) > 0
    [(user_id, kind, payload)] = states
    assert (user_id, kind) == (ADMIN.user_id, pending_import.KIND)
    assert payload["document"]["municipality"] == "Storberga"  # the read page, as JSON
    assert harness.app.user_data.get(ADMIN.user_id, {}) == {}  # nothing kept in memory
    assert await _states(harness) == []  # used up with the import, in its transaction

    # Pressed again (an old message): it no longer waits; said politely, nothing written.
    before = await _pledges(harness)
    calls = await harness.press(ADMIN, buttons["Importera"])
    assert _alert(calls) == render.preview_expired("sv")
    assert replies(calls) == []
    assert await _pledges(harness) == before


async def test_a_choice_for_a_follow_up_result_survives_a_restart(
    harness: Harness, database_url: str
) -> None:
    await _grant(harness, ADMIN.user_id, "Härjedalen", Role.ADMIN)
    await _import_seed_000_for_2019(harness)
    calls = await _send_file(harness, ADMIN, _seed("001"))
    calls = await harness.press(ADMIN, _buttons(calls)["Ändra: Drogförebyggande arbete i skolorna"])
    calls = await harness.press(ADMIN, _buttons(calls)["utbildningsinsatser"])
    buttons = _buttons(calls)
    async with _restarted(harness, database_url) as again:
        await again.press(ADMIN, buttons["Importera"])
    notes = await _notes_by_pledge(harness)
    assert any("drogförebyggande" in t.lower() or "ANDT" in t for t in notes["utbildningsinsatser"])
    assert "drogförebyggande arbete i skolorna" not in notes


async def test_an_import_that_no_longer_waits_is_answered_politely(harness: Harness) -> None:
    await _grant(harness, ADMIN.user_id, "Storberga", Role.ADMIN)
    expired = render.preview_expired("sv")

    # Cancelled: the cancel is written, a later press finds nothing.
    first = _buttons(await _send_file(harness, ADMIN, PAGE))
    calls = await harness.press(ADMIN, first["Avbryt"])
    assert replies(calls) == [render.import_cancelled("sv")]
    assert await _states(harness) == []
    assert _alert(await harness.press(ADMIN, first["Importera"])) == expired
    assert _alert(await harness.press(ADMIN, first["Avbryt"])) == expired

    # A newer preview replaces an older one: the older's buttons are stale.
    older = _buttons(await _send_file(harness, ADMIN, PAGE))
    newer = _buttons(await _send_file(harness, ADMIN, PAGE))
    assert _alert(await harness.press(ADMIN, older["Importera"])) == expired
    assert await _pledges(harness) == 0

    # Expired after a day.
    harness.clock.advance(pending_import.TTL + timedelta(minutes=1))
    assert _alert(await harness.press(ADMIN, newer["Importera"])) == expired
    assert await _pledges(harness) == 0
    assert not harness.errors


async def test_a_waiting_import_does_not_take_the_admins_messages(harness: Harness) -> None:
    await _grant(harness, ADMIN.user_id, "Storberga", Role.ADMIN)
    await _grant(harness, ADMIN.user_id, "Storberga", Role.REPORTER)
    buttons = _buttons(await _send_file(harness, ADMIN, PAGE))
    calls = await harness.send(ADMIN, "hur går det?")
    assert replies(calls)
    [(_, kind, _)] = await _states(harness)
    assert kind == pending_import.KIND
    calls = await harness.press(ADMIN, buttons["Importera"])
    [done] = [c.text for c in calls if c.method == "editMessageText"]
    assert done is not None and "Importerat" in done


async def test_an_english_admin_gets_the_polite_answer_in_english(harness: Harness) -> None:
    from tests.conftest import CITIZEN_EN

    await _grant(harness, CITIZEN_EN.user_id, "Storberga", Role.ADMIN)
    buttons = _buttons(await _send_file(harness, CITIZEN_EN, PAGE))
    await harness.press(CITIZEN_EN, buttons["Cancel"])
    calls = await harness.press(CITIZEN_EN, buttons["Import"])
    assert _alert(calls) == "This preview is no longer valid. Send the page again."
