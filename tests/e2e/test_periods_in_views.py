"""Views speak of one period at a time: a recurring target is judged over all its windows so far
(never "Uppfyllt" after missed weeks), result texts come from the pledge set's own period and
a report as of a past period quotes nothing written after it; extra activities are told in
words without a reporter's note."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, select
from telegram import Bot

from bot.app import OFFLINE_TOKEN
from bot.console.transport import ApiCall
from bot.delivery import scheduler as jobs
from bot.delivery.outbox import Pacer, ScaledTime
from bot.render import report as report_render
from bot.services import schedule as schedules
from bot.services.examples import load_examples
from bot.services.reports import build_report, read_period
from storage import catalogue, people
from storage.models import Activity, ActivitySource, Municipality, Pledge, ResultNote, Role
from tests.conftest import CITIZEN, REPORTER, Harness, Person, replies

TODAY = date(2026, 11, 21)  # Saturday of ISO week 47
ADMIN = Person(100_003, "Alex", "sv")  # the example data's admin, of every municipality
CHANNEL = "@harjedalen_loften"
Q4_DUE = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
BEFORE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def _setup(h: Harness) -> None:
    async with h.services.db.transaction() as session:
        await load_examples(session, today=TODAY, now=h.services.now())


def _text(calls: list[ApiCall]) -> str:
    return "\n".join(replies(calls))


async def _pledge(h: Harness, municipality: str, short_name: str) -> Pledge:
    async with h.services.db.read() as session:
        place = await catalogue.municipality_by_name(session, municipality)
        assert place is not None
        pledge = await session.scalar(
            select(Pledge).where(
                Pledge.municipality_id == place.id, Pledge.short_name == short_name
            )
        )
    assert pledge is not None
    return pledge


async def _no_notes(h: Harness, pledge: Pledge) -> None:
    async with h.services.db.transaction() as session:
        await session.execute(delete(ResultNote).where(ResultNote.pledge_id == pledge.id))


async def _note(h: Harness, pledge: Pledge, start: date, end: date | None, text: str) -> None:
    async with h.services.db.transaction() as session:
        session.add(
            ResultNote(
                pledge_id=pledge.id,
                window_start=start,
                window_end=end,
                text=text,
                source="https://example.org/uppfoljning",
                created_at=h.services.now(),
            )
        )


async def test_a_weekly_pledge_is_judged_over_all_its_weeks(harness: Harness) -> None:
    await _setup(harness)
    # Haparanda's "synlig polis", at least once a week since 1 July 2025: done in weeks 40,
    # 41, 43, 45, 46 and 47 of 2026 only. This week is done; the weeks before mostly not.
    text = _text(await harness.send(CITIZEN, "hur går det i Haparanda?"))
    line = next(x for x in text.split("\n") if "<b>synlig polis</b>" in x)
    assert "1 av minst 1 tillfälle denna vecka" in line  # the current week, beside
    assert "målet nått i 6 av 73 veckor" in line  # weeks 27/2025 .. 47/2026, 47 kept
    assert "<i>Efter plan</i>" in line
    assert "Uppfyllt" not in line

    pledge = await _pledge(harness, "Haparanda", "synlig polis")
    view = _text(await harness.send(CITIZEN, f"/start p_{pledge.id}"))
    now = next(x for x in view.split("\n") if x.startswith("Nu: "))
    assert "målet nått i 6 av 73 veckor" in now
    assert now.endswith("<i>Efter plan</i>")


async def test_a_half_year_report_is_not_met_when_weeks_were_missed(harness: Harness) -> None:
    await _setup(harness)
    pledge = await _pledge(harness, "Haparanda", "synlig polis")
    async with harness.services.db.read() as session:
        report = await build_report(
            session, pledge.municipality_id, read_period("2026-H2", TODAY), TODAY
        )
    text = "\n".join(report_render.telegram_messages(report))
    block = text.split("<b>synlig polis</b>", 1)[1].split("\n•", 1)[0]
    assert "Under perioden: 6 tillfällen" in block
    assert "målet nått i 6 av 73 veckor" in block
    assert "<i>Efter plan</i>" in block
    assert "Uppfyllt" not in block
    [row] = [r for r in report_render.chart(report)[3] if r.label == "synlig polis"]
    assert (row.done, row.target, row.unit, row.status) == (6, 73, "veckor", "Efter plan")

    # The admin's preview of the quarter just ended (Q3): week 40 was kept, the 65 before not.
    preview = _text(await harness.press(ADMIN, f"1|sh|{pledge.municipality_id}|p"))
    block = preview.split("<b>synlig polis</b>", 1)[1].split("\n•", 1)[0]
    assert "målet nått i 1 av 66 veckor" in block
    assert "<i>Efter plan</i>" in block
    assert "Uppfyllt" not in block


async def test_a_result_of_an_older_period_is_not_shown_as_the_current_sets(
    harness: Harness,
) -> None:
    await _setup(harness)
    pledge = await _pledge(harness, "Härjedalen", "föräldramöten")  # set 2026–2027
    await _no_notes(harness, pledge)
    await _note(harness, pledge, date(2019, 1, 1), date(2020, 12, 31), "Resultat från 2019.")
    view = _text(await harness.send(CITIZEN, f"/start p_{pledge.id}"))
    assert "Resultat från 2019" not in view
    assert "Senaste resultat" not in view

    await _note(harness, pledge, date(2026, 1, 1), date(2026, 6, 30), "Våren 2026: tre möten.")
    view = _text(await harness.send(CITIZEN, f"/start p_{pledge.id}"))
    assert "<b>Senaste resultat (2026)</b>\nVåren 2026: tre möten." in view
    assert "Resultat från 2019" not in view


async def test_a_past_quarters_report_quotes_only_that_quarter(harness: Harness) -> None:
    await _setup(harness)
    pledge = await _pledge(harness, "Härjedalen", "föräldramöten")
    await _no_notes(harness, pledge)
    await _note(harness, pledge, date(2019, 1, 1), date(2020, 12, 31), "Resultat från 2019.")
    await _note(harness, pledge, date(2026, 1, 1), date(2026, 6, 30), "Våren: två möten.")
    await _note(harness, pledge, date(2026, 1, 1), date(2026, 12, 31), "Fram till november: fem.")
    async with harness.services.db.transaction() as session:
        session.add(
            Activity(
                municipality_id=pledge.municipality_id,
                pledge_id=None,
                occurred_on=date(2026, 8, 16),
                count=1,
                note="Intern anteckning om insatsen",
                source=ActivitySource.TELEGRAM,
                created_at=harness.services.now(),
            )
        )
    async with harness.services.db.read() as session:
        q3 = await build_report(
            session, pledge.municipality_id, read_period("2026-Q3", TODAY), TODAY
        )
        q4 = await build_report(
            session, pledge.municipality_id, read_period("2026-Q4", TODAY), TODAY
        )
    q3_text = "\n".join(report_render.telegram_messages(q3))
    # The admin's preview of the quarter just ended (Q3 on 21 November) says the same.
    preview = _text(await harness.press(ADMIN, f"1|sh|{pledge.municipality_id}|p"))
    assert "kvartal 3 2026" in preview
    assert "Senaste resultat: Våren: två möten." in preview
    assert "Fram till november" not in preview
    assert "Resultat från 2019" not in preview
    assert "• 16 aug: 1 insats\n" in preview  # an extra activity, in words, no note
    assert "Intern anteckning" not in preview
    assert "Senaste resultat: Våren: två möten." in q3_text
    assert "Fram till november" not in q3_text
    assert "Resultat från 2019" not in q3_text
    q4_text = "\n".join(report_render.telegram_messages(q4))
    assert "Senaste resultat: Fram till november: fem." in q4_text
    assert "Resultat från 2019" not in q4_text


async def test_extra_activities_are_told_in_words_in_the_channel_post(harness: Harness) -> None:
    await _setup(harness)
    async with harness.services.db.transaction() as session:
        place = await session.scalar(select(Municipality).where(Municipality.name == "Härjedalen"))
        assert place is not None
        place.channel = CHANNEL
        mid = place.id

        def extra(day: date, **kw: Any) -> Activity:
            return Activity(
                municipality_id=mid,
                pledge_id=None,
                occurred_on=day,
                count=kw.pop("count", 1),
                created_at=harness.services.now(),
                **kw,
            )

        session.add_all(
            [
                # Logged by a reporter: the note is internal, the place not public.
                extra(
                    date(2026, 10, 16),
                    source=ActivitySource.TELEGRAM,
                    note="Hemlig anteckning",
                    place="Storgatan 1",
                ),
                # Logged with a place an admin marked public.
                extra(
                    date(2026, 11, 2),
                    count=2,
                    source=ActivitySource.TELEGRAM,
                    note="Hemlig anteckning",
                    place="Torget",
                    place_public=True,
                ),
                # Read from a published follow-up page: its words were public already.
                extra(
                    date(2026, 12, 1),
                    source=ActivitySource.IMPORT,
                    note="Polisen höll en öppen träff om bedrägerier.",
                ),
            ]
        )
    harness.clock.set(BEFORE)
    async with harness.services.db.transaction() as session:
        await schedules.ensure_schedules(session, harness.services.now())
    harness.clock.set(Q4_DUE)
    bot = Bot(OFFLINE_TOKEN, request=harness.transport)
    scheduler = jobs.Scheduler(harness.services, bot, pacer=Pacer(time=ScaledTime(1000.0)))
    await bot.initialize()
    try:
        result = await scheduler.tick()
    finally:
        assert scheduler.leadership is not None
        await scheduler.leadership.release()
    assert [p.outcome for p in result.posts] == ["sent"]
    text = "\n".join(c.text or "" for c in harness.transport.calls if c.chat_id == CHANNEL)
    extras = text.split("<b>Extra insatser utöver löftena</b>", 1)[1]
    assert "• 16 okt: 1 insats\n" in extras
    assert "• 2 nov: 2 insatser · Torget\n" in extras
    assert "• 1 dec: Polisen höll en öppen träff om bedrägerier.\n" in extras
    assert "Hemlig" not in text
    assert "Storgatan" not in text


async def test_the_reporters_confirmation_shows_the_weeks_too(harness: Harness) -> None:
    await _setup(harness)
    async with harness.services.db.transaction() as session:
        place = await catalogue.municipality_by_name(session, "Haparanda")
        assert place is not None
        reporter = await people.ensure_reporter(session, REPORTER.user_id)
        await people.grant(session, reporter, place, Role.REPORTER)
    reply = _text(await harness.send(REPORTER, "synlig polis på torget i dag"))
    assert (
        "Nu 2 av minst 1 tillfälle (vecka 47 2026), målet nått i 6 av 73 veckor – <i>Efter plan</i>"
    ) in reply


async def test_a_report_of_an_ended_period_gives_final_words(harness: Harness) -> None:
    await _setup(harness)
    # Åsele's "trafikinsatser" in 2026, its set's only year: raised to at least 10, so the
    # work done falls short.
    pledge = await _pledge(harness, "Åsele", "trafikinsatser")
    async with harness.services.db.transaction() as session:
        row = await session.get(Pledge, pledge.id)
        assert row is not None
        row.target_count = 10

    async def status_in(period: str, today: date) -> str:
        async with harness.services.db.read() as session:
            report = await build_report(
                session, pledge.municipality_id, read_period(period, today), today
            )
        text = "\n".join(report_render.telegram_messages(report))
        block = text.split("<b>trafikinsatser</b>", 1)[1].split("\n•", 1)[0]
        return block.rsplit("<i>", 1)[1].split("</i>", 1)[0]

    # On the last day the year is still running; once it has ended, the words are final.
    assert await status_in("2026", date(2026, 12, 31)) == "Efter plan"
    assert await status_in("2026", date(2027, 1, 2)) == "Delvis uppfyllt"
    assert await status_in("2026-Q4", date(2027, 1, 2)) == "Delvis uppfyllt"
    # A past quarter inside the year: the year had not ended then.
    assert await status_in("2026-Q3", date(2027, 1, 2)) != "Delvis uppfyllt"


async def test_a_set_that_has_ended_gets_final_words_not_no_target(harness: Harness) -> None:
    await _setup(harness)
    # Åsele's only set is 2026; asked in February 2027, its yearly targets are judged final.
    harness.clock.set(datetime(2027, 2, 1, 12, 0, tzinfo=UTC))
    text = _text(await harness.send(CITIZEN, "hur går det i Åsele?"))
    line = next(x for x in text.split("\n") if "<b>trafikinsatser</b>" in x)
    assert "av minst 4 trafikinsatser under 2026" in line
    assert "<i>Uppfyllt</i>" in line or "<i>Delvis uppfyllt</i>" in line
    assert "mätbart" not in line
    # A pledge without a target still says so.
    other = next(x for x in text.split("\n") if "<b>trafikutbildning</b>" in x)
    assert "<i>Inget mätbart mål</i>" in other
