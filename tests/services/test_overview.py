"""The citizen overview's per-pledge figures, read eight pledges to a statement: a municipality
with more pledges than that gets every one right, the last batch included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.services import answers
from storage.db import Database
from storage.models import (
    Activity,
    ActivitySource,
    FocusArea,
    Municipality,
    Pledge,
    PledgeSet,
    Responsible,
)

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
PER = ["year", "quarter", "month", None, "year", "week", "year", "term", "year", "quarter", None]


async def test_every_pledge_of_a_long_list_gets_its_own_sum_and_latest_day(db: Database) -> None:
    expected: dict[int, tuple[int, date | None]] = {}
    async with db.transaction() as session:
        place = Municipality(name="Långlista", slug="langlista")
        session.add(place)
        await session.flush()
        pledge_set = PledgeSet(
            municipality_id=place.id, period_start=date(2025, 1, 1), source="test"
        )
        session.add(pledge_set)
        await session.flush()
        area = FocusArea(pledge_set_id=pledge_set.id, name="Trygghet", position=0)
        session.add(area)
        await session.flush()
        pledges = [
            Pledge(
                focus_area_id=area.id,
                municipality_id=place.id,
                position=n,
                text=f"Löfte nummer {n}",
                short_name=f"insats {n}",
                responsible=Responsible.POLICE,
                target_count=10,
                target_per=per,
            )
            for n, per in enumerate(PER)
        ]
        session.add_all(pledges)
        await session.flush()
        for n, pledge in enumerate(pledges):
            # Pledge n: n + 1 activities of count n + 1, one a day going back from n days ago
            # (so each pledge has a latest day of its own), one removed on today, one in the
            # future (neither counts), and one a year and a half ago.
            days = [TODAY - timedelta(days=n + k) for k in range(n + 1)]
            old = TODAY - timedelta(days=550)
            for day in [*days, old]:
                session.add(_activity(place.id, pledge.id, day, n + 1))
            session.add(_activity(place.id, pledge.id, TODAY, 50, deleted=True))
            session.add(_activity(place.id, pledge.id, TODAY + timedelta(days=2), 70))
            expected[pledge.id] = (n, max(days))
    async with db.read() as session:
        view = await answers.overview(session, place.id, TODAY)
    lines = {line.pledge_id: line for line in view.lines}
    assert set(lines) == set(expected)
    # Every pledge has a window: no target period means the calendar year.
    assert all(line.window is not None for line in lines.values())
    for pledge_id, (n, last) in expected.items():
        line = lines[pledge_id]
        assert line.last_day == last, line.short_name
        assert line.window is not None
        counted = [
            TODAY - timedelta(days=n + k)
            for k in range(n + 1)
            if line.window.start <= TODAY - timedelta(days=n + k) <= line.window.end
        ]
        assert line.done == len(counted) * (n + 1), line.short_name
    # The figures are not all zero: the windows do hold some of these days.
    assert sum(line.done for line in lines.values()) > 0


def _activity(
    municipality_id: int, pledge_id: int, day: date, count: int, *, deleted: bool = False
) -> Activity:
    return Activity(
        municipality_id=municipality_id,
        pledge_id=pledge_id,
        occurred_on=day,
        count=count,
        source=ActivitySource.TELEGRAM,
        created_at=NOW,
        deleted_at=NOW if deleted else None,
    )
