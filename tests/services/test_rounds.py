"""A list pledge kept every term is judged term by term, by the same service every view uses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from bot.domain.pace import Status
from bot.services import answers
from bot.services.examples import load_examples
from storage import catalogue
from storage.db import Database
from storage.models import Activity, ActivitySource, CoverageItem, Pledge
from tests.conftest import NOW

TODAY = date(2026, 11, 21)  # autumn term 2026 is running


async def _visits(db: Database, days_per_item: list[list[date]]) -> int:
    """Härnösand's "skolbesök" (every school on its list, each term): visits naming items."""
    async with db.transaction() as session:
        await load_examples(session, today=TODAY, now=NOW)
        place = await catalogue.municipality_by_name(session, "Härnösand")
        assert place is not None
        pledge = await session.scalar(
            select(Pledge).where(
                Pledge.municipality_id == place.id, Pledge.short_name == "skolbesök"
            )
        )
        assert pledge is not None
        # Only the visits of this test: the example data's own visits are taken away.
        await session.execute(delete(Activity).where(Activity.pledge_id == pledge.id))
        items = list(
            await session.scalars(
                select(CoverageItem)
                .where(CoverageItem.pledge_id == pledge.id)
                .order_by(CoverageItem.position)
            )
        )
        assert len(items) == len(days_per_item) == 5
        for item, days in zip(items, days_per_item, strict=True):
            for day in days:
                session.add(
                    Activity(
                        municipality_id=place.id,
                        pledge_id=pledge.id,
                        coverage_item_id=item.id,
                        occurred_on=day,
                        count=1,
                        source=ActivitySource.TELEGRAM,
                        created_at=NOW,
                    )
                )
        return pledge.id


async def _line(db: Database, pledge_id: int) -> answers.PledgeLine:
    async with db.read() as session:
        place = await session.get(Pledge, pledge_id)
        assert place is not None
        view = await answers.overview(session, place.municipality_id, TODAY)
    return next(x for x in view.lines if x.pledge_id == pledge_id)


async def test_every_term_kept_so_far(db: Database) -> None:
    autumn_2025, spring_2026 = date(2025, 10, 1), date(2026, 3, 1)
    pledge_id = await _visits(db, [[autumn_2025, spring_2026]] * 5)
    line = await _line(db, pledge_id)
    rounds = line.assessment.rounds
    assert rounds is not None
    assert (rounds.kept, rounds.judged, rounds.missed) == (2, 2, ())
    # Nothing on the list yet this autumn, late in the term: behind in the running term.
    assert line.coverage is not None and line.coverage.covered == 0
    assert line.assessment.status is Status.BEHIND


async def test_a_school_missed_in_the_spring_misses_the_term(db: Database) -> None:
    autumn_2025, spring_2026, autumn_2026 = date(2025, 10, 1), date(2026, 3, 1), date(2026, 9, 1)
    visits = [[autumn_2025, spring_2026, autumn_2026]] * 4 + [[autumn_2025, autumn_2026]]
    pledge_id = await _visits(db, visits)
    line = await _line(db, pledge_id)
    rounds = line.assessment.rounds
    assert rounds is not None
    # Autumn 2025 kept, spring 2026 missed, autumn 2026 already kept (every school visited).
    assert (rounds.kept, rounds.judged, rounds.running_kept) == (2, 3, True)
    assert [w.code() for w in rounds.missed] == ["2026-VT"]
    assert line.assessment.status is Status.BEHIND
