"""How one pledge stands in its current window: counts against the target, or list coverage.

Used by the reporter's confirmation ("nu 3 av minst 4 trafikinsatser i år") and by every
public view that shows progress.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.pace import Assessment, Status, apply_override, assess, assess_rounds
from bot.domain.periods import Per, Period, Window, is_recurring, window_containing, windows
from storage import activities
from storage.models import Activity, CoverageItem, Pledge, PledgeSet

Rounds = list[tuple[Window, int]]


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
    """The window a pledge is measured in today: its target's, else the calendar year. After
    the period, its last window (judged closed: final words); before it, its first (not yet
    assessed). Never "no window" for a set that has a target, which would read as no
    measurable target."""
    period = Period(pledge_set.period_start, pledge_set.period_end)
    per = Per(pledge.target_per) if pledge.target_per else Per.YEAR
    window = window_containing(per, today, period, open_end_horizon=today)
    if window is None and per is Per.TERM and period.contains(today):
        # July, between terms: show the spring term just ended.
        window = window_containing(per, date(today.year, 6, 30), period)
    if window is None and period.end is not None and today > period.end:
        window = window_containing(per, period.end, period)
    if window is None and today < period.start:
        window = window_containing(per, period.start, period, open_end_horizon=period.start)
    return window


def recurring_per(pledge: Pledge, pledge_set: PledgeSet) -> Per | None:
    """The window kind a pledge's target recurs in over its period ("minst 1 i veckan" over
    two years), or None when it is judged in its current window alone. A target without a
    stated window is not recurring (it is shown per calendar year, as before)."""
    if not pledge.target_per or not (pledge.target_count or pledge.target_coverage):
        return None
    per = Per(pledge.target_per)
    period = Period(pledge_set.period_start, pledge_set.period_end)
    return per if is_recurring(per, period) else None


async def round_totals(
    session: AsyncSession,
    pledges: Sequence[tuple[Pledge, PledgeSet]],
    today: date,
    items: Mapping[int, set[int]],
) -> dict[int, Rounds]:
    """For each recurring pledge (``recurring_per``): every window of its period up to today's,
    with what was achieved in it: the sum of counts, or for a list pledge with a list
    (``items``: pledge id -> live item ids) the visits counted towards the target (at most
    ``target_count`` per item). Two queries at most, whatever the number of pledges."""
    spans: dict[int, list[Window]] = {}
    for pledge, pledge_set in pledges:
        per = recurring_per(pledge, pledge_set)
        if per is None:
            continue
        period = Period(pledge_set.period_start, pledge_set.period_end)
        found = windows(per, period, until=today)
        if found:
            spans[pledge.id] = found
    if not spans:
        return {}
    first = min(found[0].start for found in spans.values())
    listed = {pid for pid in spans if items.get(pid)}
    plain = [pid for pid in spans if pid not in listed]
    per_day: dict[int, list[tuple[date, int]]] = defaultdict(list)
    if plain:
        for pid, day, total in await session.execute(
            select(Activity.pledge_id, Activity.occurred_on, func.sum(Activity.count))
            .where(
                Activity.pledge_id.in_(plain),
                Activity.deleted_at.is_(None),
                Activity.occurred_on >= first,
                Activity.occurred_on <= today,
            )
            .group_by(Activity.pledge_id, Activity.occurred_on)
        ):
            per_day[int(pid or 0)].append((day, int(total or 0)))
    visits: dict[int, list[tuple[int, date, int]]] = defaultdict(list)
    if listed:
        for pid, item_id, day, total in await session.execute(
            select(
                Activity.pledge_id,
                Activity.coverage_item_id,
                Activity.occurred_on,
                func.sum(Activity.count),
            )
            .where(
                Activity.pledge_id.in_(list(listed)),
                Activity.coverage_item_id.is_not(None),
                Activity.deleted_at.is_(None),
                Activity.occurred_on >= first,
                Activity.occurred_on <= today,
            )
            .group_by(Activity.pledge_id, Activity.coverage_item_id, Activity.occurred_on)
        ):
            visits[int(pid or 0)].append((int(item_id or 0), day, int(total or 0)))
    per_item = {pledge.id: pledge.target_count or 1 for pledge, _ in pledges}
    result: dict[int, Rounds] = {}
    for pid, found in spans.items():
        starts = [window.start for window in found]

        def slot(day: date, found: list[Window] = found, starts: list[date] = starts) -> int:
            """The index of the window holding `day`, or -1 (a July day between terms)."""
            index = bisect_right(starts, day) - 1
            return index if index >= 0 and found[index].contains(day) else -1

        achieved = [0] * len(found)
        if pid in listed:
            seen: dict[tuple[int, int], int] = defaultdict(int)
            for item_id, day, n in visits.get(pid, []):
                index = slot(day)
                if item_id in items[pid] and index >= 0:
                    seen[index, item_id] += n
            for (index, _item), n in seen.items():
                achieved[index] += min(n, per_item[pid])
        else:
            for day, n in per_day.get(pid, []):
                index = slot(day)
                if index >= 0:
                    achieved[index] += n
        result[pid] = list(zip(found, achieved, strict=True))
    return result


def judge(
    pledge: Pledge,
    pledge_set: PledgeSet | None,
    window: Window | None,
    target: int | None,
    achieved: int,
    rounds: Rounds | None,
    today: date,
    *,
    day_ended: bool = False,
) -> Assessment:
    """The one status of a pledge, used by every view: over all its windows so far when its
    target recurs (``rounds``), else in its current window; then an admin's override.

    ``day_ended``: ``today`` is over (a report as of a period's last day, made later): a window
    ending on ``today`` is judged closed, with its final status."""
    day = today
    if day_ended and window is not None and window.end == today:
        day = today + timedelta(days=1)
    if rounds and window is not None and pledge_set is not None:
        assessment = assess_rounds(target, rounds, day, period_end=pledge_set.period_end)
    else:
        assessment = assess(target, achieved, window, day)
    if pledge.status_override:
        assessment = apply_override(assessment, Status(pledge.status_override))
    return assessment


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
    done, last_day = await activities.pledge_totals(
        session, pledge, window.start, min(window.end, today)
    )
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
    live = {pledge.id: {item.id for item in items}} if items else {}
    rounds = (await round_totals(session, [(pledge, pledge_set)], today, live)).get(pledge.id)
    assessment = judge(pledge, pledge_set, window, target, achieved, rounds, today)
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
