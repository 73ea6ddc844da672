"""Security review: callback data is small and never trusted for identity.

A broad walk through the journeys of a citizen, a reporter and an admin collects every button
the bot sends. Each one carries at most 64 bytes, and each one pressed by somebody else (a
citizen; a reporter of another municipality) changes nothing that is not theirs, shows them
nothing internal, and is answered politely.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.console.transport import ApiCall
from bot.console.updates import Person
from bot.render import callbacks
from storage import catalogue, people
from storage.models import Activity, Feedback, Role
from tests.conftest import Harness
from tests.security.world import (
    ADMIN_ALL,
    CITIZEN,
    REPORTER_A,
    REPORTER_B,
    build_world,
    callback_data,
    foreign_changes,
    snapshot,
    texts_to,
)

PAGE = (Path(__file__).resolve().parents[1] / "e2e" / "pages" / "storberga.txt").read_bytes()
HIDDEN_PLACE = "Hemlighult"  # where A's reporter was: internal, never public
MESSAGE_METHODS = (
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "sendPhoto",
    "sendDocument",
)


def _labels(calls: Iterable[ApiCall]) -> dict[str, str]:
    return {
        b["text"]: b["callback_data"]
        for c in calls
        for row in c.buttons
        for b in row
        if "callback_data" in b
    }


async def _press(h: Harness, person: Person, calls: list[ApiCall], *starts: str) -> list[ApiCall]:
    """Press the first button whose label starts with one of `starts`."""
    labels = _labels(calls)
    for start in starts:
        for label, data in labels.items():
            if label.startswith(start):
                return await h.press(person, data)
    raise AssertionError(f"no button {starts} among {list(labels)}")


async def _walk(h: Harness) -> None:
    """Citizen, reporter and admin journeys, pressing a button of every kind on the way."""
    # A citizen: help, overview → area → pledge → chart → subscribe, choose a municipality.
    calls = await h.send(CITIZEN, "/start")
    await _press(h, CITIZEN, calls, "Visa hjälp")
    overview = await h.send(CITIZEN, "hur går det i Härjedalen?")
    area = await _press(h, CITIZEN, overview, "Trafiksäkerhet")
    pledge = await _press(h, CITIZEN, area, "trafikkontroller")
    await _press(h, CITIZEN, pledge, "⬅️ Alla löften")
    await _press(h, CITIZEN, overview, "📊")
    await _press(h, CITIZEN, overview, "🔔")
    places = await h.send(CITIZEN, "/kommun")
    await _press(h, CITIZEN, places, "Åsele")

    # A reporter: a sure message (undo, change count, day, place, delete, restore) …
    saved = await h.send(REPORTER_A, f"2 trafikkontroller {HIDDEN_PLACE} idag")
    entry = await _press(h, REPORTER_A, saved, "Ändra")
    counts = await _press(h, REPORTER_A, entry, "Antal")
    await _press(h, REPORTER_A, counts, "3")
    entry = await _press(h, REPORTER_A, saved, "Ändra")
    days = await _press(h, REPORTER_A, entry, "Datum")
    await _press(h, REPORTER_A, days, "i går", "I går")
    await _press(h, REPORTER_A, counts, "Skriv ett annat antal")
    await h.send(REPORTER_A, "4")
    await _press(h, REPORTER_A, days, "Skriv ett datum")
    await h.send(REPORTER_A, "igår")
    await _press(h, REPORTER_A, entry, "Plats")
    await h.send(REPORTER_A, f"{HIDDEN_PLACE} norra")
    deleted = await _press(h, REPORTER_A, entry, "🗑")
    await _press(h, REPORTER_A, deleted, "Ta tillbaka")
    undone = await _press(h, REPORTER_A, saved, "↩️")
    await _press(h, REPORTER_A, undone, "Ta tillbaka")
    # … a list item, an unsure message (pick, all pledges, extra), /mina, /logga, /paus.
    listed = await h.send(REPORTER_A, "lag och rätt igår")
    await _press(h, REPORTER_A, listed, "Södra skolan", "Hede")
    offer = await h.send(REPORTER_A, "blåbärsplockning i skogen")
    await _press(h, REPORTER_A, offer, "trafikkontroller")
    offer = await h.send(REPORTER_A, "svampplockning i skogen")
    await _press(h, REPORTER_A, offer, "Extra insats")
    ask = await h.send(REPORTER_A, "skolbesk")
    if any(b.startswith("Inget av dem") for b in _labels(ask)):
        await _press(h, REPORTER_A, ask, "Inget av dem")
    await h.send(REPORTER_A, "/mina")
    steps = await h.send(REPORTER_A, "/logga")
    steps = await _press(h, REPORTER_A, steps, "Trafiksäkerhet", "Ungdomar")
    card = await _press(h, REPORTER_A, steps, "trafikkontroller", "lag och rätt", "skolbesök")
    await _press(h, REPORTER_A, await _press(h, REPORTER_A, card, "Antal"), "4")
    await _press(h, REPORTER_A, await _press(h, REPORTER_A, card, "Dag"), "i går", "I går")
    await _press(h, REPORTER_A, card, "Plats")
    await h.send(REPORTER_A, "Sveg")
    await _press(h, REPORTER_A, card, "✅ Spara")
    await _press(h, REPORTER_A, card, "Avbryt")
    pause = await h.send(REPORTER_A, "/paus")
    paused = await _press(h, REPORTER_A, pause, "2 veckor")
    await _press(h, REPORTER_A, paused, "Slå på igen")

    # An admin of every municipality: invites, team, lists, schedule, export, import.
    invite = await h.send(ADMIN_ALL, "/inbjudan")
    roles = await _press(h, ADMIN_ALL, invite, "Åsele")
    await _press(h, ADMIN_ALL, roles, "Rapportör – kommunen")
    team = await h.send(ADMIN_ALL, "/rapportorer")
    confirm = await _press(h, ADMIN_ALL, team, "Ta bort")
    assert _labels(confirm)  # "Ja, ta bort" is collected but not pressed here
    lists = await h.send(ADMIN_ALL, "/lista")
    prompt = await _press(h, ADMIN_ALL, lists, "lag och rätt")
    await _press(h, ADMIN_ALL, prompt, "Avbryt")
    schema = await h.send(ADMIN_ALL, "/schema")
    view = await _press(h, ADMIN_ALL, schema, "Åsele")
    await _press(h, ADMIN_ALL, view, "Slå på godkännande")
    await _press(h, ADMIN_ALL, view, "Förhandsvisa")
    export = await h.send(ADMIN_ALL, "/export")
    kinds = await _press(h, ADMIN_ALL, export, "Åsele")
    await _press(h, ADMIN_ALL, kinds, "CSV · publikt")
    await h.send(ADMIN_ALL, "/paus")
    async with h.services.db.transaction() as session:
        place = await catalogue.get_or_create_municipality(session, "Storberga")
        admin = await people.ensure_reporter(session, ADMIN_ALL.user_id)
        await people.grant(session, admin, place, Role.ADMIN)
    h.transport.files["page"] = PAGE
    document = {"file_id": "page", "file_unique_id": "page", "file_name": "sida.txt"}
    preview = await h.send(ADMIN_ALL, None, extra={"document": document})
    assert _labels(preview), "the import preview has no buttons"


def _one_of_each_shape(buttons: list[str], keep: int = 2) -> list[str]:
    """A count keyboard has eight buttons of one shape; two of each shape are enough."""
    shapes: dict[tuple[str, ...], list[str]] = {}
    for data in buttons:
        parts = data.split(callbacks.SEPARATOR)
        shape = tuple("#" if p.isdigit() else p for p in parts)
        shapes.setdefault(shape, []).append(data)
    return [data for found in shapes.values() for data in found[:keep]]


async def test_every_button_is_small_and_worthless_in_other_hands(harness: Harness) -> None:
    await build_world(harness)
    harness.transport.clear()
    await _walk(harness)
    assert not harness.errors

    sent = [c for c in harness.transport.calls if c.method in MESSAGE_METHODS]
    buttons = callback_data(sent)
    for data in buttons:
        assert len(data.encode("utf-8")) <= callbacks.MAX_BYTES, data
        assert callbacks.decode(data) is not None, data
    actions = {r.action for r in map(callbacks.decode, buttons) if r is not None}
    # The walk reached every journey's buttons (a journey that stops sending buttons fails).
    expected = {"help", "co", "ca", "cp", "cc", "cs", "cm", "un", "rs", "me", "dl", "mc", "sc"}
    expected |= {"cw", "md", "sd", "dw", "mp", "ci", "dp", "dx", "lg", "lk", "lc", "ld", "ls"}
    expected |= {"lx", "lq", "pu", "iv", "rm", "ry", "ri", "ll", "la", "sh", "pp", "ex", "imp"}
    assert expected <= actions, expected - actions

    for intruder in (CITIZEN, REPORTER_B):
        before = await snapshot(harness)
        for data in _one_of_each_shape(buttons):
            calls = await harness.press(intruder, data)
            after = await snapshot(harness)
            changed = foreign_changes(before, after, intruder.user_id)
            assert not changed, f"{intruder.first_name} pressed {data!r}: {changed}"
            answers = [c for c in calls if c.method == "answerCallbackQuery"]
            assert answers, f"{data!r} pressed by {intruder.first_name} was never answered"
            shown = texts_to(calls, intruder.user_id)
            assert not [t for t in shown if "Något gick fel" in t], (data, shown)
            assert not [t for t in shown if HIDDEN_PLACE in t], (data, shown)
            # Nothing went to anybody else's chat.
            elsewhere = {c.chat_id for c in calls if c.method in MESSAGE_METHODS}
            assert elsewhere <= {intruder.user_id, None}, (data, elsewhere)
            before = after
    assert not harness.errors


@pytest.mark.parametrize(
    "data",
    [
        "1|" + "x" * 70,
        "1|un|" + "9" * 61,
        "1|un|1|" + "é" * 30,
    ],
)
async def test_callback_data_over_64_bytes_is_stale(harness: Harness, data: str) -> None:
    """Telegram never sends more than 64 bytes; if something does, it decodes to nothing."""
    assert len(data.encode()) > callbacks.MAX_BYTES
    assert callbacks.decode(data) is None
    with pytest.raises(ValueError, match="64 bytes"):
        callbacks.encode("un", "9" * 62)
    calls = await harness.press(CITIZEN, data)
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.params.get("show_alert") is True


@pytest.mark.parametrize(
    ("person", "data"),
    [
        (REPORTER_A, "1|me|" + "9" * 59),  # 64 bytes: valid data, an id no database has
        (REPORTER_A, "1|sc|3000000000|2"),  # beyond PostgreSQL's INTEGER
        (ADMIN_ALL, "1|sh|" + "9" * 20 + "|v"),
        (ADMIN_ALL, "1|ry|-9999999999"),
        (CITIZEN, "1|cp|99999999999999"),
    ],
)
async def test_numbers_no_id_can_be_are_refused_politely(
    harness: Harness, person: Person, data: str
) -> None:
    """Regression (found by test_fuzz): a forged button with a huge number crashed the lookup
    (OverflowError on SQLite, DataError on PostgreSQL) instead of being refused."""
    await build_world(harness)
    calls = await harness.press(person, data)
    assert not harness.errors
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.params.get("show_alert") is True


@pytest.mark.parametrize(
    ("person", "text"),
    [
        (ADMIN_ALL, "/kortnamn 99999999999 nytt namn"),
        (ADMIN_ALL, "/kortnamn ² nytt namn"),
        (CITIZEN, "/start p_9999999999"),
    ],
)
async def test_typed_numbers_no_id_can_be_are_answered_politely(
    harness: Harness, person: Person, text: str
) -> None:
    """Regression (found by test_fuzz): the same for numbers typed into commands."""
    await build_world(harness)
    calls = await harness.send(person, text)
    assert not harness.errors
    shown = texts_to(calls, person.user_id)
    assert shown
    assert not [t for t in shown if "Något gick fel" in t]


async def test_a_nul_character_is_stored_without_it(harness: Harness) -> None:
    """Regression (found by test_fuzz on PostgreSQL, whose text cannot hold U+0000): a message
    or a command carrying one failed the whole write with an unhandled database error."""
    w = await build_world(harness)
    for person, text in (
        (REPORTER_A, "2 trafikkontroller Sveg\x00 idag"),
        (ADMIN_ALL, f"/kortnamn {w.a_pledge} nytt\x00namn"),
        (CITIZEN, "/kommun Härjedalen"),
        (CITIZEN, "/tyck Bra\x00 jobbat"),
    ):
        calls = await harness.send(person, text)
        assert not harness.errors, text
        assert texts_to(calls, person.user_id), text
    async with harness.services.db.read() as session:
        notes = list(await session.scalars(select(Activity.note)))
        feedback = list(await session.scalars(select(Feedback.text)))
    assert "2 trafikkontroller Sveg idag" in notes
    assert "Bra jobbat" in feedback
