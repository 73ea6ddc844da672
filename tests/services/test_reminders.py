"""Weekly reminders to reporters: who is reminded of which pledges, once per ISO week."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, select

from bot.delivery.reminders import queue_reminders
from bot.domain.pace import Status, assess
from bot.domain.pause import FOREVER
from bot.domain.periods import Per, Window
from bot.services import answers
from bot.services.answers import Overview, PledgeLine
from bot.services.examples import load_examples
from bot.services.reminders import ReminderRun, due_items, reminder_key, reminders_due
from storage import catalogue, people
from storage.db import Database
from storage.models import (
    Activity,
    ActivitySource,
    Membership,
    Organisation,
    OutboxMessage,
    Pledge,
    PostSchedule,
    Reporter,
    Responsible,
    Role,
)
from tests.conftest import NOW

TODAY = date(2026, 11, 21)  # a Saturday, ISO week 47

POLICE = 300_001
KOMMUN = 300_002
ANYONE = 300_003

# Härjedalen on TODAY with the example data: "lag och rätt" is behind pace; these had nothing
# logged for three weeks or more (or ever); "trafikkontroller" (1 Nov) and "skolbesök" (12 Nov)
# are active; nothing there has a measurable target except "lag och rätt" (a list).
HARJEDALEN_POLICE = {"lag och rätt", "föräldramöten", "narkotikatips", "integrationsbesök"}
HARJEDALEN_KOMMUN = {
    "ANDT-utbildning",
    "tobaksfri duo",
    "drogvaneundersökning",
    "rökfria skolgårdar",
}
HARJEDALEN_BOTH = {"samverkan"}


async def _examples(db: Database) -> None:
    async with db.transaction() as session:
        await load_examples(session, today=TODAY, now=NOW)


async def _reporter(
    db: Database,
    user_id: int,
    *places: str,
    organisation: Organisation | None = None,
    language: str | None = None,
    paused_until: date | None = None,
) -> None:
    async with db.transaction() as session:
        reporter = await people.ensure_reporter(
            session, user_id, display_name=f"Rapportör {user_id}", organisation=organisation
        )
        reporter.language = language
        reporter.paused_until = paused_until
        for name in places:
            place = await catalogue.municipality_by_name(session, name)
            assert place is not None
            await people.grant(session, reporter, place, Role.REPORTER)


async def _pledge(db: Database, municipality: str, short_name: str) -> Pledge:
    async with db.read() as session:
        place = await catalogue.municipality_by_name(session, municipality)
        assert place is not None
        pledge = await session.scalar(
            select(Pledge).where(
                Pledge.municipality_id == place.id, Pledge.short_name == short_name
            )
        )
        assert pledge is not None
        return pledge


async def _log(db: Database, municipality: str, short_name: str, day: date, count: int = 1) -> None:
    pledge = await _pledge(db, municipality, short_name)
    async with db.transaction() as session:
        session.add(
            Activity(
                municipality_id=pledge.municipality_id,
                pledge_id=pledge.id,
                occurred_on=day,
                count=count,
                source=ActivitySource.EXAMPLE,
            )
        )


async def _set_target(db: Database, municipality: str, short_name: str, count: int) -> None:
    pledge = await _pledge(db, municipality, short_name)
    async with db.transaction() as session:
        row = await session.get(Pledge, pledge.id)
        assert row is not None
        row.target_count = count


async def _status(db: Database, municipality: str, short_name: str) -> Status:
    pledge = await _pledge(db, municipality, short_name)
    async with db.read() as session:
        view = await answers.overview(session, pledge.municipality_id, TODAY)
    return next(x for x in view.lines if x.pledge_id == pledge.id).assessment.status


async def _run(db: Database, today: date = TODAY) -> ReminderRun:
    async with db.transaction() as session:
        return await queue_reminders(session, today=today, now=NOW)


async def _named(db: Database, today: date = TODAY) -> dict[int, dict[str, set[str]]]:
    """Per reporter: municipality -> the short names their reminder names."""
    async with db.read() as session:
        reminders, _ = await reminders_due(session, today=today)
    return {
        r.telegram_user_id: {
            block.municipality: {item.line.short_name for item in block.items} for block in r.blocks
        }
        for r in reminders
    }


async def _queued(db: Database) -> dict[int, list[OutboxMessage]]:
    async with db.read() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        found: dict[int, list[OutboxMessage]] = {}
        for row in rows:
            found.setdefault(row.chat_id, []).append(row)
        return found


# --- which pledges ------------------------------------------------------------------------


async def test_behind_and_idle_pledges_are_named_and_active_ones_are_not(db: Database) -> None:
    await _examples(db)
    await _reporter(db, POLICE, "Härjedalen", organisation=Organisation.POLICE)
    # Three of its four schools are named in the example activities: on pace, but idle.
    assert await _status(db, "Härjedalen", "lag och rätt") is Status.ON_TRACK

    run = await _run(db)

    named = (await _named(db))[POLICE]
    assert named == {"Härjedalen": HARJEDALEN_POLICE | HARJEDALEN_BOTH}
    assert "trafikkontroller" not in named["Härjedalen"]  # logged 1 November: active
    assert "skolbesök" not in named["Härjedalen"]
    [row] = (await _queued(db))[POLICE]
    assert row.key == f"remind:2026-W47:{POLICE}"
    assert row.status == "pending"
    text = row.text
    assert text.startswith("<b>Påminnelse – Härjedalen</b>\n")
    assert "• <b>lag och rätt</b>: inget loggat på 4 veckor" in text
    assert "• <b>narkotikatips</b>: inget loggat på 21 veckor" in text  # 24 June
    assert "Skriv vad du gjort, t.ex. ”lag och rätt i går”, eller använd /logga." in text
    assert text.endswith("Ledig? /paus stänger av påminnelserna.")
    assert "Rapportör" not in text and "Robin" not in text  # no names of people
    assert run.reminded >= 1 and run.queued == run.reminded
    assert run.pledges_mentioned >= len(HARJEDALEN_POLICE | HARJEDALEN_BOTH)
    assert run.skipped_paused == 0


async def test_a_pledge_behind_pace_with_a_count_target_shows_its_figures(db: Database) -> None:
    await _examples(db)
    await _set_target(db, "Åsele", "trafikinsatser", 10)  # 4 done by 12 October
    await _reporter(db, POLICE, "Åsele", organisation=Organisation.POLICE)
    assert await _status(db, "Åsele", "trafikinsatser") is Status.BEHIND
    await _run(db)
    [row] = (await _queued(db))[POLICE]
    line = next(x for x in row.text.splitlines() if "trafikinsatser" in x)
    assert line.startswith("• <b>trafikinsatser</b>: 4 av minst 10 ")
    assert "i år – efter plan, inget loggat på 5 veckor" in line


async def test_a_pledge_on_track_and_active_is_not_named(db: Database) -> None:
    await _examples(db)
    # Haparanda's "droginsatser": 2 a half-year, 1 done in September. With a target of 3,
    # one more last Monday and the earlier half-years of the period kept (3 in the autumn of
    # 2025, 2 + 1 in the spring of 2026) it is on track, and active.
    await _set_target(db, "Haparanda", "droginsatser", 3)
    await _log(db, "Haparanda", "droginsatser", date(2025, 9, 1), 3)
    await _log(db, "Haparanda", "droginsatser", date(2026, 6, 1))
    await _log(db, "Haparanda", "droginsatser", date(2026, 11, 16))
    assert await _status(db, "Haparanda", "droginsatser") is Status.ON_TRACK
    await _reporter(db, POLICE, "Haparanda", organisation=Organisation.POLICE)
    named = (await _named(db))[POLICE]["Haparanda"]
    assert "droginsatser" not in named
    assert "synlig polis" not in named  # met this week
    assert "droger i trafiken" in named  # idle since 28 August


async def test_a_pledge_on_track_but_idle_is_named(db: Database) -> None:
    await _examples(db)
    # "föräldraträffar": 2 in the period, 1 done (5 April): on track, but idle for months.
    assert await _status(db, "Haparanda", "föräldraträffar") is Status.ON_TRACK
    await _reporter(db, POLICE, "Haparanda", organisation=Organisation.POLICE)
    await _run(db)
    [row] = (await _queued(db))[POLICE]
    line = next(x for x in row.text.splitlines() if "föräldraträffar" in x)
    assert line == "• <b>föräldraträffar</b>: inget loggat på 32 veckor"


async def test_the_organisation_chooses_the_pledges(db: Database) -> None:
    await _examples(db)
    await _reporter(db, POLICE, "Härjedalen", organisation=Organisation.POLICE)
    await _reporter(db, KOMMUN, "Härjedalen", organisation=Organisation.MUNICIPALITY)
    await _reporter(db, ANYONE, "Härjedalen")
    named = await _named(db)
    assert named[POLICE]["Härjedalen"] == HARJEDALEN_POLICE | HARJEDALEN_BOTH
    assert named[KOMMUN]["Härjedalen"] == HARJEDALEN_KOMMUN | HARJEDALEN_BOTH
    assert named[ANYONE]["Härjedalen"] == HARJEDALEN_POLICE | HARJEDALEN_KOMMUN | HARJEDALEN_BOTH


async def test_one_message_covers_all_of_a_reporters_municipalities(db: Database) -> None:
    await _examples(db)
    await _set_target(db, "Åsele", "trafikinsatser", 10)  # 4 done by 12 October: behind
    await _reporter(db, POLICE, "Åsele", "Härjedalen", organisation=Organisation.POLICE)
    run = await _run(db)
    [row] = (await _queued(db))[POLICE]
    text = row.text
    assert text.startswith("<b>Veckans påminnelse</b>\n\n<b>Härjedalen</b>\n")
    assert text.index("<b>Härjedalen</b>") < text.index("<b>Åsele</b>")  # Swedish order
    assert "• <b>trafikinsatser</b>: 4 av minst 10 " in text  # Åsele's, behind
    assert run.queued == run.reminded


async def test_english_reporters_get_english(db: Database) -> None:
    await _examples(db)
    await _set_target(db, "Härjedalen", "narkotikatips", 10)  # 3 done by 24 June: behind
    await _reporter(db, POLICE, "Härjedalen", organisation=Organisation.POLICE, language="en-GB")
    await _run(db)
    [row] = (await _queued(db))[POLICE]
    assert row.text.startswith("<b>Reminder – Härjedalen</b>\n")
    assert "• <b>narkotikatips</b>: 3 of at least 10 " in row.text
    assert "– behind, nothing logged for 21 weeks" in row.text
    assert "On leave? /pause turns the reminders off." in row.text


async def test_names_are_escaped(db: Database) -> None:
    await _examples(db)
    pledge = await _pledge(db, "Härjedalen", "narkotikatips")
    async with db.transaction() as session:
        row = await session.get(Pledge, pledge.id)
        assert row is not None
        row.short_name = "tips <b>&</b>"
    await _reporter(db, POLICE, "Härjedalen", organisation=Organisation.POLICE)
    await _run(db)
    [message] = (await _queued(db))[POLICE]
    assert "<b>tips &lt;b&gt;&amp;&lt;/b&gt;</b>: inget loggat" in message.text


# --- who ----------------------------------------------------------------------------------


async def test_paused_reporters_are_skipped_until_their_pause_ends(db: Database) -> None:
    await _examples(db)
    await _reporter(db, 300_010, "Härjedalen", paused_until=TODAY + timedelta(days=6))
    await _reporter(db, 300_011, "Härjedalen", paused_until=TODAY)  # the last paused day
    await _reporter(db, 300_012, "Härjedalen", paused_until=FOREVER)  # tills vidare
    await _reporter(db, 300_013, "Härjedalen", paused_until=TODAY - timedelta(days=1))  # over
    run = await _run(db)
    queued = await _queued(db)
    assert 300_010 not in queued and 300_011 not in queued and 300_012 not in queued
    assert 300_013 in queued
    assert run.skipped_paused == 3


async def test_revoked_memberships_are_not_reminded(db: Database) -> None:
    await _examples(db)
    await _reporter(db, POLICE, "Härjedalen", "Åsele", organisation=Organisation.POLICE)
    await _reporter(db, KOMMUN, "Härjedalen", organisation=Organisation.MUNICIPALITY)
    async with db.transaction() as session:
        memberships = await session.scalars(
            select(Membership)
            .join(Reporter, Reporter.id == Membership.reporter_id)
            .where(Reporter.telegram_user_id.in_([POLICE, KOMMUN]))
        )
        harjedalen = await catalogue.municipality_by_name(session, "Härjedalen")
        assert harjedalen is not None
        for membership in memberships:
            if membership.municipality_id == harjedalen.id:
                membership.revoked_at = NOW
    named = await _named(db)
    assert set(named[POLICE]) == {"Åsele"}
    assert KOMMUN not in named
    await _run(db)
    assert KOMMUN not in await _queued(db)


async def test_municipalities_with_reminders_off_are_skipped(db: Database) -> None:
    await _examples(db)
    harjedalen = (await _pledge(db, "Härjedalen", "samverkan")).municipality_id
    async with db.transaction() as session:
        session.add(PostSchedule(municipality_id=harjedalen, reminder_weeks=0))
    await _reporter(db, POLICE, "Härjedalen", organisation=Organisation.POLICE)
    await _reporter(db, KOMMUN, "Härjedalen", "Åsele", organisation=Organisation.MUNICIPALITY)
    run = await _run(db)
    queued = await _queued(db)
    assert POLICE not in queued
    assert "Härjedalen" not in queued[KOMMUN][0].text
    assert "Påminnelse – Åsele" in queued[KOMMUN][0].text
    assert run.skipped_paused == 0


async def test_the_municipalitys_weeks_set_how_long_is_idle(db: Database) -> None:
    await _examples(db)
    harjedalen = (await _pledge(db, "Härjedalen", "samverkan")).municipality_id
    async with db.transaction() as session:
        session.add(PostSchedule(municipality_id=harjedalen, reminder_weeks=10))
    await _reporter(db, KOMMUN, "Härjedalen", organisation=Organisation.MUNICIPALITY)
    named = (await _named(db))[KOMMUN]["Härjedalen"]
    assert "tobaksfri duo" not in named  # 22 September: 8 weeks
    assert {"ANDT-utbildning", "samverkan", "drogvaneundersökning"} <= named


# --- once a week ----------------------------------------------------------------------------


async def test_a_second_run_in_the_same_week_queues_nothing_and_the_next_week_queues_again(
    db: Database,
) -> None:
    await _examples(db)
    await _reporter(db, POLICE, "Härjedalen", organisation=Organisation.POLICE)
    first = await _run(db)
    assert first.queued == first.reminded > 0
    again = await _run(db, TODAY + timedelta(days=1))  # Sunday: still week 47
    assert again.queued == 0
    assert again.reminded == first.reminded
    assert len((await _queued(db))[POLICE]) == 1

    monday = TODAY + timedelta(days=2)  # week 48
    following = await _run(db, monday)
    assert following.queued == following.reminded > 0
    keys = [row.key for row in (await _queued(db))[POLICE]]
    assert keys == [f"remind:2026-W47:{POLICE}", f"remind:2026-W48:{POLICE}"]
    assert reminder_key(POLICE, date(2027, 1, 1)) == f"remind:2026-W53:{POLICE}"


async def test_nothing_to_say_queues_nothing(db: Database) -> None:
    await _examples(db)
    await _reporter(db, POLICE, "Haparanda", organisation=Organisation.POLICE)
    yesterday = TODAY - timedelta(days=1)
    for name in (
        "orossamtal",
        "droginsatser",
        "droger i trafiken",
        "föräldraträffar",
        "våld i nära relation",
    ):
        await _log(db, "Haparanda", name, yesterday)
    assert POLICE not in await _named(db)
    await _run(db)
    assert POLICE not in await _queued(db)


async def test_the_number_of_queries_does_not_grow_with_the_reporters(db: Database) -> None:
    await _examples(db)
    await _reporter(db, 310_000, "Härjedalen", "Åsele", organisation=Organisation.POLICE)

    async def statements() -> int:
        seen: list[str] = []

        def count(*args: Any) -> None:
            seen.append(str(args[2]))

        event.listen(db.engine.sync_engine, "before_cursor_execute", count)
        try:
            async with db.read() as session:
                await reminders_due(session, today=TODAY)
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", count)
        return len(seen)

    few = await statements()
    for n in range(1, 21):
        await _reporter(db, 310_000 + n, "Härjedalen", "Åsele", organisation=Organisation.POLICE)
    assert await statements() == few


# --- the rule itself ----------------------------------------------------------------------


def _line(
    *,
    target: int | None,
    done: int,
    window: Window | None,
    last_day: date | None,
    today: date,
) -> PledgeLine:
    return PledgeLine(
        pledge_id=1,
        short_name="skolbesök",
        text="",
        responsible=Responsible.POLICE,
        focus_area_id=1,
        focus_area=None,
        window=window,
        done=done,
        target=target,
        at_least=True,
        unit=None,
        coverage=None,
        assessment=assess(target, done, window, today),
        last_day=last_day,
    )


def _view(line: PledgeLine, today: date) -> Overview:
    return Overview(
        1, "Storberga", None, None, None, (answers.AreaBlock(1, None, (line,)),), None, today
    )


def test_a_window_that_began_less_than_the_weeks_ago_is_not_idle() -> None:
    today = date(2027, 1, 12)
    year = Window(Per.YEAR, date(2027, 1, 1), date(2027, 12, 31))
    line = _line(target=None, done=0, window=year, last_day=date(2026, 6, 1), today=today)
    assert due_items(_view(line, today), 3, today) == []
    later = date(2027, 1, 22)  # three weeks after New Year's Day
    line = _line(target=None, done=0, window=year, last_day=date(2026, 6, 1), today=later)
    [item] = due_items(_view(line, later), 3, later)
    assert item.idle and not item.behind


def test_a_met_or_closed_or_unwindowed_pledge_is_never_named() -> None:
    today = date(2026, 11, 21)
    year = Window(Per.YEAR, date(2026, 1, 1), date(2026, 12, 31))
    met = _line(target=2, done=2, window=year, last_day=date(2026, 3, 1), today=today)
    assert met.assessment.status is Status.MET
    assert due_items(_view(met, today), 3, today) == []
    closed = Window(Per.HALF_YEAR, date(2026, 1, 1), date(2026, 6, 30))
    over = _line(target=2, done=0, window=closed, last_day=None, today=today)
    assert due_items(_view(over, today), 3, today) == []
    none = _line(target=None, done=0, window=None, last_day=None, today=today)
    assert due_items(_view(none, today), 3, today) == []
    idle = _line(target=None, done=0, window=year, last_day=None, today=today)
    assert due_items(_view(idle, today), 0, today) == []  # reminders off
    [item] = due_items(_view(idle, today), 3, today)
    assert item.idle


def test_activity_exactly_the_weeks_ago_is_not_idle() -> None:
    today = date(2026, 11, 21)
    year = Window(Per.YEAR, date(2026, 1, 1), date(2026, 12, 31))
    edge = _line(target=None, done=1, window=year, last_day=date(2026, 10, 31), today=today)
    assert due_items(_view(edge, today), 3, today) == []
    before = _line(target=None, done=1, window=year, last_day=date(2026, 10, 30), today=today)
    assert len(due_items(_view(before, today), 3, today)) == 1
