"""How one pledge stands in its current window: counts against the target, or list coverage.

Used by the reporter's confirmation ("nu 3 av minst 4 trafikinsatser i år") and by every
public view that shows progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.pace import Assessment, Status, apply_override, assess
from bot.domain.periods import Per, Period, Window, window_containing
from storage import activities
from storage.models import CoverageItem, Pledge, PledgeSet


@dataclass(frozen=True)
class Coverage:
    items: int  # items on the list
    covered: int  # items visited at least once in the window
    visits: int  # visits counted towards the target (at most `per_item` per item)
    visits_needed: int  # items × per_item
    per_item: int


@dataclass(frozen=True)
class PledgeProgress:
    pledge_id: int
    window: Window | None
    done: int  # sum of counts in the window
    last_day: date | None  # latest activity in the window
    target: int | None
    at_least: bool
    unit: str | None
    coverage: Coverage | None
    assessment: Assessment


def pledge_window(pledge: Pledge, pledge_set: PledgeSet, today: date) -> Window | None:
    """The window a pledge is measured in today: its target's, else the calendar year."""
    period = Period(pledge_set.period_start, pledge_set.period_end)
    per = Per(pledge.target_per) if pledge.target_per else Per.YEAR
    window = window_containing(per, today, period, open_end_horizon=today)
    if window is None and per is Per.TERM:
        # July, between terms: show the spring term just ended.
        window = window_containing(per, date(today.year, 6, 30), period)
    return window


async def pledge_progress(
    session: AsyncSession,
    pledge: Pledge,
    pledge_set: PledgeSet,
    today: date,
    items: list[CoverageItem] | None = None,
) -> PledgeProgress:
    window = pledge_window(pledge, pledge_set, today)
    if window is None:
        return PledgeProgress(
            pledge.id,
            None,
            0,
            None,
            pledge.target_count,
            pledge.target_at_least,
            pledge.target_unit,
            None,
            assess(pledge.target_count, 0, None, today),
        )
    done, last_day = await activities.pledge_totals(session, pledge, window.start, window.end)
    coverage: Coverage | None = None
    target = pledge.target_count
    achieved = done
    if pledge.target_coverage:
        if items is None:
            items = (await activities.coverage_items(session, [pledge.id]))[pledge.id]
        if items:
            per_item = pledge.target_count or 1
            visits = await activities.coverage_visits(session, pledge.id, window.start, window.end)
            listed = {item.id for item in items}
            counted = sum(min(n, per_item) for item_id, n in visits.items() if item_id in listed)
            covered = sum(1 for item_id in visits if item_id in listed)
            coverage = Coverage(len(items), covered, counted, len(items) * per_item, per_item)
            target, achieved = coverage.visits_needed, counted
    assessment = assess(target, achieved, window, today)
    if pledge.status_override:
        assessment = apply_override(assessment, Status(pledge.status_override))
    return PledgeProgress(
        pledge.id,
        window,
        done,
        last_day,
        pledge.target_count,
        pledge.target_at_least,
        pledge.target_unit,
        coverage,
        assessment,
    )
