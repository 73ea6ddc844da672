"""/paus through the real application: pause, show, resume, typed dates, refusals, redelivery."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.console.transport import ApiCall
from bot.console.updates import Person
from bot.domain.pause import FOREVER
from bot.render import callbacks
from bot.services.examples import load_examples
from storage import catalogue, people
from storage.models import AuditEntry, Reporter, Role
from tests.conftest import ADMIN, CITIZEN, REPORTER, Harness, replies

TODAY = date(2026, 11, 21)  # a Saturday
REPORTER_EN = Person(200_011, "Sam", "en")


async def _setup(h: Harness) -> None:
    async with h.services.db.transaction() as session:
        await load_examples(session, today=TODAY, now=h.services.now())
    for person, place, role in (
        (REPORTER, "Härjedalen", Role.REPORTER),
        (ADMIN, "Åsele", Role.ADMIN),
        (REPORTER_EN, "Härjedalen", Role.REPORTER),
    ):
        async with h.services.db.transaction() as session:
            municipality = await catalogue.municipality_by_name(session, place)
            assert municipality is not None
            reporter = await people.ensure_reporter(session, person.user_id)
            await people.grant(session, reporter, municipality, role)


async def _paused_until(h: Harness, person: Person = REPORTER) -> date | None:
    async with h.services.db.read() as session:
        reporter = await people.reporter_by_user(session, person.user_id)
        assert reporter is not None
        return reporter.paused_until


async def _audit(h: Harness) -> list[tuple[str, int | None, dict[str, object]]]:
    async with h.services.db.read() as session:
        rows = await session.execute(
            select(AuditEntry.action, AuditEntry.actor_user_id, AuditEntry.details)
            .where(AuditEntry.entity == "reporter")
            .order_by(AuditEntry.id)
        )
        return [(a, u, d) for a, u, d in rows]


def _buttons(calls: list[ApiCall]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}


def _only_reply(calls: list[ApiCall]) -> str:
    texts = replies(calls)
    assert len(texts) == 1, texts
    return texts[0]


async def test_pause_show_and_resume(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "/paus")
    text = _only_reply(calls)
    assert text.startswith("Påminnelserna är på.")
    assert "löften i Härjedalen som ligger efter plan" in text
    assert list(_buttons(calls)) == ["1 vecka", "2 veckor", "4 veckor", "Tills vidare"]

    text = _only_reply(await harness.send(REPORTER, "/paus 2 veckor"))
    assert text == (
        "Klart! Påminnelserna är pausade till och med fredag 4 december. "
        "Skriv /paus av när du vill ha dem igen."
    )
    assert await _paused_until(harness) == date(2026, 12, 4)

    calls = await harness.send(REPORTER, "/paus")
    text = _only_reply(calls)
    assert text.startswith("Påminnelserna är pausade till och med fredag 4 december.")
    assert "Slå på igen" in _buttons(calls)

    calls = await harness.press(REPORTER, _buttons(calls)["Slå på igen"])
    assert _only_reply(calls) == "Klart! Påminnelserna är på igen."
    assert "Slå på igen" not in _buttons(calls)  # the edited message offers pauses only
    assert await _paused_until(harness) is None

    assert [(a, u) for a, u, _ in await _audit(harness)] == [
        ("reminders.pause", REPORTER.user_id),
        ("reminders.resume", REPORTER.user_id),
    ]
    assert (await _audit(harness))[0][2] == {"paused_until": [None, "2026-12-04"]}


async def test_buttons_pause_for_weeks_or_until_further_notice(harness: Harness) -> None:
    await _setup(harness)
    buttons = _buttons(await harness.send(REPORTER, "/paus"))
    assert all(len(data.encode()) <= callbacks.MAX_BYTES for data in buttons.values())

    calls = await harness.press(REPORTER, buttons["1 vecka"])
    assert _only_reply(calls).startswith(
        "Klart! Påminnelserna är pausade till och med fredag 27 november."
    )
    assert await _paused_until(harness) == date(2026, 11, 27)

    calls = await harness.press(REPORTER, buttons["Tills vidare"])
    assert _only_reply(calls).startswith("Klart! Påminnelserna är pausade tills vidare.")
    assert await _paused_until(harness) == FOREVER
    assert _only_reply(await harness.send(REPORTER, "/paus")).startswith(
        "Påminnelserna är pausade tills vidare."
    )


async def test_typed_dates_and_words(harness: Harness) -> None:
    await _setup(harness)
    reply = _only_reply(await harness.send(REPORTER, "/paus till 24/12"))
    assert "pausade till och med torsdag 24 december" in reply
    assert await _paused_until(harness) == date(2026, 12, 24)

    reply = _only_reply(await harness.send(REPORTER, "/paus till 2027-01-06"))
    assert "pausade till och med onsdag 6 januari 2027" in reply
    assert await _paused_until(harness) == date(2027, 1, 6)

    await harness.send(REPORTER, "/paus tre veckor")
    assert await _paused_until(harness) == date(2026, 12, 11)

    await harness.send(REPORTER, "/paus tills vidare")
    assert await _paused_until(harness) == FOREVER

    assert _only_reply(await harness.send(REPORTER, "/paus av")) == (
        "Klart! Påminnelserna är på igen."
    )
    assert await _paused_until(harness) is None
    # Saying it again changes nothing, and the audit trail shows no change that did not happen.
    assert _only_reply(await harness.send(REPORTER, "/paus av")) == "Påminnelserna är redan på."
    actions = [a for a, _, _ in await _audit(harness)]
    assert actions == ["reminders.pause"] * 4 + ["reminders.resume"]


async def test_admins_may_pause_too(harness: Harness) -> None:
    await _setup(harness)
    reply = _only_reply(await harness.send(ADMIN, "/paus 1 vecka"))
    assert reply.startswith("Klart! Påminnelserna är pausade till och med fredag 27 november.")
    assert await _paused_until(harness, ADMIN) == date(2026, 11, 27)


async def test_bad_input_gets_a_clear_answer_and_changes_nothing(harness: Harness) -> None:
    await _setup(harness)
    await harness.send(REPORTER, "/paus 2 veckor")
    before = await _audit(harness)
    cases = {
        "/paus imorgon kanske": "Jag förstod inte hur länge du vill pausa. Skriv till exempel "
        "/paus 2 veckor",
        "/paus till 31/2": "Det datumet finns inte i kalendern.",
        "/paus till 2025-01-01": "Det datumet har redan varit.",
        "/paus 3 år": "Det är mer än ett år fram. Vill du pausa utan slutdatum, skriv "
        "/paus tills vidare.",
        "/paus 0 veckor": "Jag förstod inte hur länge du vill pausa.",
    }
    for command, expected in cases.items():
        assert _only_reply(await harness.send(REPORTER, command)).startswith(expected), command
    assert await _paused_until(harness) == date(2026, 12, 4)
    assert await _audit(harness) == before

    # A made-up button is answered as stale and changes nothing either.
    calls = await harness.press(REPORTER, callbacks.encode("pu", "w", 99))
    assert [c.params.get("show_alert") for c in calls if c.method == "answerCallbackQuery"] == [
        True
    ]
    assert await _paused_until(harness) == date(2026, 12, 4)


async def test_citizens_are_told_it_is_for_reporters(harness: Harness) -> None:
    await _setup(harness)
    for command in ("/paus", "/paus 2 veckor", "/paus hej"):
        reply = _only_reply(await harness.send(CITIZEN, command))
        assert reply.startswith("Det här är till för rapportörer."), command
    calls = await harness.press(CITIZEN, callbacks.encode("pu", "tv"))
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert str(answer.params.get("text", "")).startswith("Det här är till för rapportörer.")
    async with harness.services.db.read() as session:
        assert await people.reporter_by_user(session, CITIZEN.user_id) is None
        assert (await session.scalars(select(Reporter.paused_until))).all() == [None] * 5
    assert await _audit(harness) == []


async def test_a_redelivered_update_is_applied_once(harness: Harness) -> None:
    await _setup(harness)
    update = harness.factory.message(REPORTER, "/paus 2 veckor")
    first = await harness.feed(update)
    second = await harness.feed(update)
    assert len(replies(first)) == 1
    assert second == []
    assert len(await _audit(harness)) == 1

    # The same button press delivered twice: one change, one edit.
    buttons = _buttons(await harness.send(REPORTER, "/paus"))
    press = harness.factory.callback(REPORTER, buttons["Slå på igen"])
    first = await harness.feed(press)
    second = await harness.feed(press)
    assert len(replies(first)) == 1
    assert replies(second) == []
    assert await _paused_until(harness) is None
    assert [a for a, _, _ in await _audit(harness)] == ["reminders.pause", "reminders.resume"]


async def test_english(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER_EN, "/pause")
    assert _only_reply(calls).startswith("Reminders are on.")
    assert list(_buttons(calls)) == ["1 week", "2 weeks", "4 weeks", "Until further notice"]
    reply = _only_reply(await harness.send(REPORTER_EN, "/pause 2 weeks"))
    assert reply == (
        "Done! Reminders are paused through Friday 4 December. "
        "Send /pause off to turn them back on."
    )
