"""Every figure a reporter's message leaves behind was read, or asked in one tap.

Days and counts that the reader did not understand, a kommun the reporter does not report for,
typed answers to the bot's own questions, the field's words and the words the bot learns.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.console.transport import ApiCall
from bot.services.examples import load_examples
from storage import catalogue, people
from storage.models import Activity, ChatState, Draft, Pledge, Reporter, Role
from tests.conftest import ADMIN, REPORTER, Harness, Person, replies

TODAY = date(2026, 11, 21)  # a Saturday
HAPARANDA = Person(200_021, "Aino", "sv")  # a reporter in Haparanda only
EN = Person(200_022, "Sam", "en")  # a reporter in Härjedalen who writes English


async def _grant(h: Harness, user_id: int, municipality: str, role: Role) -> None:
    async with h.services.db.transaction() as session:
        place = await catalogue.municipality_by_name(session, municipality)
        assert place is not None
        reporter = await people.ensure_reporter(session, user_id)
        await people.grant(session, reporter, place, role)


async def _setup(h: Harness) -> None:
    async with h.services.db.transaction() as session:
        await load_examples(session, today=TODAY, now=h.services.now())
    await _grant(h, REPORTER.user_id, "Härjedalen", Role.REPORTER)
    await _grant(h, HAPARANDA.user_id, "Haparanda", Role.REPORTER)
    await _grant(h, EN.user_id, "Härjedalen", Role.REPORTER)
    await _grant(h, ADMIN.user_id, "Härjedalen", Role.ADMIN)


async def _mine(h: Harness, user_id: int = REPORTER.user_id) -> list[Activity]:
    async with h.services.db.read() as session:
        rows = await session.scalars(
            select(Activity)
            .join(Reporter, Reporter.id == Activity.reporter_id)
            .where(Reporter.telegram_user_id == user_id, Activity.deleted_at.is_(None))
            .order_by(Activity.id)
        )
        return list(rows)


async def _pledge(h: Harness, pledge_id: int | None) -> str | None:
    async with h.services.db.read() as session:
        pledge = None if pledge_id is None else await session.get(Pledge, pledge_id)
        return None if pledge is None else pledge.short_name


async def _municipality(h: Harness, activity: Activity) -> str:
    async with h.services.db.read() as session:
        from storage.models import Municipality

        place = await session.get(Municipality, activity.municipality_id)
        assert place is not None
        return place.name


def _buttons(calls: list[ApiCall]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}


def _reply(calls: list[ApiCall]) -> str:
    texts = replies(calls)
    assert len(texts) == 1, texts
    return texts[0]


async def _waiting(h: Harness, user_id: int) -> int:
    async with h.services.db.read() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(ChatState).where(ChatState.user_id == user_id)
            )
            or 0
        )


# --- days -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "days_ago"),
    [
        ("skolbesök 3 dagar sedan", 3),
        ("skolbesök för 3 dagar sedan", 3),
        ("skolbesök för tre dagar sen", 3),
    ],
)
async def test_days_back_are_read(harness: Harness, message: str, days_ago: int) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, message)
    assert _reply(calls).startswith("✅ Sparat")
    [activity] = await _mine(harness)
    assert activity.occurred_on == TODAY - timedelta(days=days_ago)


@pytest.mark.parametrize("message", ["skolbesök 32/13", "skolbesök 12/13", "skolbesök 0/0"])
async def test_a_day_like_number_that_is_no_date_is_asked(harness: Harness, message: str) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, message)
    assert "Vilken dag gällde det?" in _reply(calls)
    assert await _mine(harness) == []
    buttons = _buttons(calls)
    assert "i går" in buttons and "Spara inte" in buttons
    calls = await harness.press(REPORTER, buttons["i går"])
    assert replies(calls)[0].startswith("✅ Sparat: <b>skolbesök</b> · 1 st · i går")
    [activity] = await _mine(harness)
    assert activity.occurred_on == TODAY - timedelta(days=1)


async def test_last_week_is_a_week_and_its_days_are_offered(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "skolbesök på Hede skola i förra veckan")
    assert "Vilken dag gällde det?" in _reply(calls)
    buttons = _buttons(calls)
    # Monday 9 to Sunday 15 November: last week's days, and only those.
    days = [text for text in buttons if "november" in text]
    assert days == [f"{name} {n} november" for name, n in (
        ("söndag", 15), ("lördag", 14), ("fredag", 13), ("torsdag", 12), ("onsdag", 11),
        ("tisdag", 10), ("måndag", 9),
    )]  # fmt: skip
    await harness.press(REPORTER, buttons["onsdag 11 november"])
    [activity] = await _mine(harness)
    assert activity.occurred_on == date(2026, 11, 11)
    assert activity.place == "Hede skola"


async def test_a_day_may_be_typed_instead_of_tapped(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "föräldramöte i Funäsdalen förra veckan")
    assert "Vilken dag gällde det?" in _reply(calls)
    calls = await harness.send(REPORTER, "i tisdags")  # this week's Tuesday: the 17th
    assert _reply(calls).startswith("✅ Sparat: <b>föräldramöten</b>")
    [activity] = await _mine(harness)
    assert activity.occurred_on == date(2026, 11, 17)
    assert await _waiting(harness, REPORTER.user_id) == 0


@pytest.mark.parametrize(
    ("message", "days_ago"),
    [
        ("traffic control on E45 yesterday", 1),
        ("speed check E45 2 days ago", 2),
        ("school visit Hede skola last Friday", 1),
        ("2 traffic controls today", 0),
    ],
)
async def test_english_days_are_read(harness: Harness, message: str, days_ago: int) -> None:
    await _setup(harness)
    calls = await harness.send(EN, message)
    assert _reply(calls).startswith("✅ Saved"), _reply(calls)
    [activity] = await _mine(harness, EN.user_id)
    assert activity.occurred_on == TODAY - timedelta(days=days_ago)


# --- counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "skolbesök 12345678901234567890",
        "1e6 skolbesök",
        "3,5 skolbesök",
        "tusen skolbesök",
        "en miljon skolbesök",
    ],
)
async def test_a_number_that_is_not_read_makes_the_bot_ask_the_count(
    harness: Harness, message: str
) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, message)
    assert "Hur många gånger?" in _reply(calls)
    assert await _mine(harness) == []
    calls = await harness.send(REPORTER, "2")  # typed instead of tapped
    assert _reply(calls).startswith("✅ Sparat: <b>skolbesök</b> · 2 st")
    [activity] = await _mine(harness)
    assert activity.count == 2


async def test_the_count_buttons_save_the_tapped_count(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "ca 3 trafikkontroller E45 igår")
    assert "Hur många gånger?" in _reply(calls)
    calls = await harness.press(REPORTER, _buttons(calls)["4"])
    assert replies(calls)[0].startswith("✅ Sparat: <b>trafikkontroller</b> · 4 st · i går")
    [activity] = await _mine(harness)
    assert (activity.count, activity.place) == (4, "E45")
    assert await _waiting(harness, REPORTER.user_id) == 0  # the typed question went with it


async def test_a_report_instead_of_an_answer_is_read_as_a_report(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "3,5 skolbesök")
    assert "Hur många gånger?" in _reply(calls)
    calls = await harness.send(REPORTER, "2 trafikkontroller igår")
    assert _reply(calls).startswith("✅ Sparat: <b>trafikkontroller</b> · 2 st · i går")


@pytest.mark.parametrize(
    ("who", "message", "pledge", "count"),
    [
        (HAPARANDA, "föräldramöte, ca 40 föräldrar", "föräldraträffar", 1),
        (HAPARANDA, "patrull på torget under lördagen", "synlig polis", 1),
        (HAPARANDA, "fotpatrull i centrum 2 timmar", "synlig polis", 1),
        (HAPARANDA, "fanns på torget 2 timmar", "synlig polis", 1),
        (HAPARANDA, "nykterhetskontroller x2 på E4", "droger i trafiken", 2),
        (REPORTER, "fartkontroll på 52:an", "trafikkontroller", 1),
        (REPORTER, "hastighetskontroll väg 311 kl 14-16", "trafikkontroller", 1),
    ],
)
async def test_the_fields_words_are_understood_and_other_numbers_are_not_counts(
    harness: Harness, who: Person, message: str, pledge: str, count: int
) -> None:
    await _setup(harness)
    calls = await harness.send(who, message)
    assert _reply(calls).startswith("✅ Sparat"), _reply(calls)
    [activity] = await _mine(harness, who.user_id)
    assert await _pledge(harness, activity.pledge_id) == pledge
    assert activity.count == count


# --- another kommun -------------------------------------------------------------------------


async def test_a_message_naming_another_kommun_is_not_saved_under_the_reporters(
    harness: Harness,
) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "två föräldramöten i Åsele i fredags")
    text = _reply(calls)
    assert "Åsele" in text and "du rapporterar för Härjedalen" in text
    assert await _mine(harness) == []
    calls = await harness.press(REPORTER, _buttons(calls)["Spara inte"])
    assert "jag sparade ingenting" in replies(calls)[0]
    assert await _mine(harness) == []
    async with harness.services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Draft)) == 0


async def test_the_reporter_may_say_it_was_their_own_kommun_after_all(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "samverkansmöte med Östersund i Sveg igår")
    calls = await harness.press(REPORTER, _buttons(calls)["Ja, Härjedalen"])
    assert replies(calls)[0].startswith("✅ Sparat: <b>samverkan</b>")
    [activity] = await _mine(harness)
    assert await _municipality(harness, activity) == "Härjedalen"
    assert activity.occurred_on == TODAY - timedelta(days=1)


# --- typed answers inside button menus --------------------------------------------------------


async def test_a_number_typed_in_the_count_menu_changes_the_count(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "2 trafikkontroller igår")
    calls = await harness.press(REPORTER, _buttons(calls)["Ändra"])
    calls = await harness.press(REPORTER, _buttons(calls)["Antal"])
    assert "Hur många?" in replies(calls)[0]
    calls = await harness.send(REPORTER, "5")
    assert _reply(calls).startswith("✏️ Ändrat: <b>trafikkontroller</b> · 5 st")
    [activity] = await _mine(harness)
    assert activity.count == 5
    assert await _waiting(harness, REPORTER.user_id) == 0


async def test_a_day_typed_in_the_date_menu_changes_the_day(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "2 trafikkontroller igår")
    calls = await harness.press(REPORTER, _buttons(calls)["Ändra"])
    calls = await harness.press(REPORTER, _buttons(calls)["Datum"])
    calls = await harness.send(REPORTER, "i tisdags")
    assert _reply(calls).startswith("✏️ Ändrat: <b>trafikkontroller</b> · 2 st · tisdag 17")
    [activity] = await _mine(harness)
    assert activity.occurred_on == date(2026, 11, 17)


async def test_a_written_count_that_is_no_number_keeps_the_question(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "2 trafikkontroller igår")
    calls = await harness.press(REPORTER, _buttons(calls)["Ändra"])
    calls = await harness.press(REPORTER, _buttons(calls)["Antal"])
    calls = await harness.press(REPORTER, _buttons(calls)["Skriv ett annat antal"])
    calls = await harness.send(REPORTER, "många")
    assert "Skriv antalet med siffror" in _reply(calls)
    calls = await harness.send(REPORTER, "12")
    assert _reply(calls).startswith("✏️ Ändrat: <b>trafikkontroller</b> · 12 st")


# --- the bot learns a kommun's words ----------------------------------------------------------


async def test_a_pick_teaches_the_bot_and_an_admin_can_remove_the_word(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "lektion med nian")
    assert "Jag är inte säker" in _reply(calls)
    await harness.press(REPORTER, _buttons(calls)["lag och rätt"])
    [first] = await _mine(harness)
    assert await _pledge(harness, first.pledge_id) == "lag och rätt"

    # The next such message is saved at once.
    calls = await harness.send(REPORTER, "lektion med nian igår")
    assert _reply(calls).startswith("✅ Sparat: <b>lag och rätt</b> · 1 st · i går")

    # The admin sees the word and removes it; then the bot asks again.
    calls = await harness.send(ADMIN, "/ord")
    text = _reply(calls)
    assert "”lektion med nian” → lag och rätt (Härjedalen)" in text
    calls = await harness.press(ADMIN, _buttons(calls)["🗑 1. lektion med nian"])
    assert "Borttaget: ”lektion med nian”" in replies(calls)[0]
    calls = await harness.send(REPORTER, "lektion med nian")
    assert "Jag är inte säker" in _reply(calls)

    # Reporters cannot see or remove the words.
    calls = await harness.send(REPORTER, "/ord")
    assert "till för administratörer" in _reply(calls)


async def test_a_tap_in_the_count_menu_ends_the_wait_for_a_typed_count(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "2 trafikkontroller igår")
    calls = await harness.press(REPORTER, _buttons(calls)["Ändra"])
    calls = await harness.press(REPORTER, _buttons(calls)["Antal"])
    await harness.press(REPORTER, _buttons(calls)["3"])
    assert await _waiting(harness, REPORTER.user_id) == 0
    calls = await harness.send(REPORTER, "skolbesök på Hede skola idag")
    assert _reply(calls).startswith("✅ Sparat: <b>skolbesök</b>")
    assert [a.count for a in await _mine(harness)] == [3, 1]
