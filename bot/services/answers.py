"""Answers for citizens: how a municipality's pledges are going, one focus area, one pledge.

Public rules (DESIGN.md, operational security): counts and dates at day level; places only
where an admin marked them public; never a reporter's name, never a note.

A municipality's overview takes a fixed number of queries whatever its size: the pledges with
their focus areas, the day totals of its activities since the earliest window start, the
latest day per pledge, list coverage, and when the data last changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect

from bot.domain.pace import Assessment
from bot.domain.periods import Per, Period, Window, windows
from bot.services.errors import NotFound
from bot.services.progress import Coverage, Rounds, judge, pledge_window, round_totals
from storage.models import (
    Activity,
    CoverageItem,
    FocusArea,
    Municipality,
    Pledge,
    PledgeSet,
    PoliceArea,
    Responsible,
    ResultNote,
)


@dataclass(frozen=True)
class PledgeLine:
    pledge_id: int
    short_name: str
    text: str
    responsible: Responsible
    focus_area_id: int
    focus_area: str | None
    window: Window | None
    done: int  # sum of counts in the window
    target: int | None
    at_least: bool
    unit: str | None
    coverage: Coverage | None
    assessment: Assessment
    last_day: date | None  # the latest activity, in any window
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaBlock:
    id: int
    name: str | None
    lines: tuple[PledgeLine, ...]


@dataclass(frozen=True)
class Overview:
    municipality_id: int
    municipality: str
    police_area: str | None
    period_start: date | None
    period_end: date | None
    areas: tuple[AreaBlock, ...]
    updated_at: datetime | None  # when an activity was last logged or changed
    today: date

    @property
    def lines(self) -> list[PledgeLine]:
        return [line for area in self.areas for line in area.lines]


async def _catalogue(
    session: AsyncSession, municipality_id: int, today: date
) -> list[tuple[Pledge, FocusArea, PledgeSet]]:
    """The pledges in force today (else those of the latest set), in catalogue order, in one
    query."""
    base = (
        select(Pledge, FocusArea, PledgeSet)
        .join(FocusArea, FocusArea.id == Pledge.focus_area_id)
        .join(PledgeSet, PledgeSet.id == FocusArea.pledge_set_id)
        .where(PledgeSet.municipality_id == municipality_id)
        .order_by(PledgeSet.period_start, FocusArea.position, FocusArea.id, Pledge.position)
    )
    in_force = base.where(
        PledgeSet.period_start <= today,
        or_(PledgeSet.period_end.is_(None), PledgeSet.period_end >= today),
    )
    rows = [(p, a, s) for p, a, s in await session.execute(in_force)]
    if rows:
        return rows
    latest = await session.scalar(
        select(PledgeSet.id)
        .where(PledgeSet.municipality_id == municipality_id)
        .order_by(PledgeSet.period_start.desc())
        .limit(1)
    )
    if latest is None:
        return []
    return [(p, a, s) for p, a, s in await session.execute(base.where(PledgeSet.id == latest))]


def _live_rows(slot: int) -> tuple[ColumnElement[bool], ...]:
    return (
        Activity.municipality_id == bindparam("municipality_id"),
        Activity.pledge_id == bindparam(f"pledge_{slot}"),
        Activity.deleted_at.is_(None),
        # Nothing after `today`: a report as of a past day must not count later work.
        Activity.occurred_on <= bindparam("today", type_=Date()),
    )


PLEDGES_PER_STATEMENT = 8


def _last_day_and_done(slots: int) -> CompoundSelect[Any]:
    """For `slots` pledges: each one's latest day and its sum of counts between its `start_N`
    and `end_N`, as one row per pledge. Two seeks into ix_activities_overview per pledge."""
    parts = [
        select(
            bindparam(f"pledge_{n}", type_=Integer()),
            select(func.max(Activity.occurred_on)).where(*_live_rows(n)).scalar_subquery(),
            select(func.coalesce(func.sum(Activity.count), 0))
            .where(
                *_live_rows(n),
                Activity.occurred_on >= bindparam(f"start_{n}", type_=Date()),
                Activity.occurred_on <= bindparam(f"end_{n}", type_=Date()),
            )
            .scalar_subquery(),
        )
        for n in range(slots)
    ]
    return union_all(*parts)


# Built once; a municipality's pledges go through it PLEDGES_PER_STATEMENT at a time, the last
# batch filled up with a pledge id that does not exist.
_LAST_DAY_AND_DONE = _last_day_and_done(PLEDGES_PER_STATEMENT)


async def overview(
    session: AsyncSession, municipality_id: int, today: date, *, day_ended: bool = False
) -> Overview:
    """Where each pledge in force on ``today`` stands, counting what was done up to ``today``.

    ``day_ended``: ``today`` is over (a report as of a period that has ended): a window that
    ends on ``today`` is judged as closed, so its status is final ("Uppfyllt", "Delvis
    uppfyllt", "Ej uppfyllt"), not a pace on its last day.
    """
    row = (
        await session.execute(
            select(Municipality, PoliceArea.name)
            .outerjoin(PoliceArea, PoliceArea.id == Municipality.police_area_id)
            .where(Municipality.id == municipality_id)
        )
    ).first()
    if row is None:
        raise NotFound("missing.municipality_id", municipality_id=municipality_id)
    municipality, police_area = row[0], row[1]
    catalogue = await _catalogue(session, municipality_id, today)
    pledges: list[tuple[Pledge, FocusArea, PledgeSet, Window | None]] = [
        (pledge, area, pledge_set, pledge_window(pledge, pledge_set, today))
        for pledge, area, pledge_set in catalogue
    ]
    sets = list({s.id: s for _, _, s in catalogue}.values())
    in_window: dict[int, int] = {}
    last_days: dict[int, date] = {}
    updated_at: datetime | None = None
    if pledges:
        # Per pledge, two seeks into the covering index ix_activities_overview, eight pledges to
        # a statement built once. One pass over the municipality's rows with a CASE per pledge
        # took five times as long in the largest municipality; a statement built afresh for
        # all pledges cost more to build than to run; one statement per pledge is a network
        # round trip each on PostgreSQL.
        for offset in range(0, len(pledges), PLEDGES_PER_STATEMENT):
            batch = pledges[offset : offset + PLEDGES_PER_STATEMENT]
            parameters: dict[str, object] = {"municipality_id": municipality_id, "today": today}
            for n in range(PLEDGES_PER_STATEMENT):
                slot_id, slot_window = (
                    (batch[n][0].id, batch[n][3]) if n < len(batch) else (0, None)
                )
                parameters[f"pledge_{n}"] = slot_id
                # No window: an empty range, so nothing is summed.
                parameters[f"start_{n}"] = slot_window.start if slot_window else None
                parameters[f"end_{n}"] = slot_window.end if slot_window else None
            for row in await session.execute(_LAST_DAY_AND_DONE, parameters):
                pid, last, done = int(row[0]), row[1], int(row[2] or 0)
                if not pid:
                    continue  # a filler slot
                if last is not None:
                    last_days[pid] = last
                in_window[pid] = done
        updated_at = municipality.data_updated_at
    coverage, items = await _coverage(
        session, [p for p, *_ in pledges if p.target_coverage], pledges, today
    )
    rounds = await round_totals(
        session, [(p, s) for p, _a, s, w in pledges if w is not None], today, items
    )

    blocks: list[AreaBlock] = []
    current: list[PledgeLine] = []
    area_of: FocusArea | None = None
    for pledge, area, pledge_set, window in pledges:
        if area_of is not None and area.id != area_of.id:
            blocks.append(AreaBlock(area_of.id, area_of.name, tuple(current)))
            current = []
        area_of = area
        done = in_window.get(pledge.id, 0) if window is not None else 0
        current.append(
            _line(
                pledge,
                area,
                window,
                done,
                coverage.get(pledge.id),
                last_days.get(pledge.id),
                today,
                pledge_set,
                rounds.get(pledge.id),
                day_ended=day_ended,
            )
        )
    if area_of is not None:
        blocks.append(AreaBlock(area_of.id, area_of.name, tuple(current)))
    first = sets[0] if sets else None
    return Overview(
        municipality_id,
        municipality.name,
        police_area,
        first.period_start if first else None,
        first.period_end if first else None,
        tuple(blocks),
        updated_at,
        today,
    )


async def _coverage(
    session: AsyncSession,
    covered: Sequence[Pledge],
    pledges: Sequence[tuple[Pledge, FocusArea, PledgeSet, Window | None]],
    today: date,
) -> tuple[dict[int, Coverage], dict[int, set[int]]]:
    """Coverage in the current window per list pledge, and each one's live list item ids."""
    if not covered:
        return {}, {}
    ids = [p.id for p in covered]
    items: dict[int, set[int]] = defaultdict(set)
    for item_id, pledge_id in await session.execute(
        select(CoverageItem.id, CoverageItem.pledge_id).where(
            CoverageItem.pledge_id.in_(ids), CoverageItem.removed_at.is_(None)
        )
    ):
        items[int(pledge_id)].add(int(item_id))
    window_of = {p.id: w for p, _a, _s, w in pledges}
    windowed = [
        and_(
            Activity.pledge_id == pid,
            # Repeated in every branch so that SQLite can use the partial index
            # ix_activities_coverage for each (it looks at the branches one by one).
            Activity.coverage_item_id.is_not(None),
            Activity.occurred_on.between(w.start, min(w.end, today)),
        )
        for pid, w in window_of.items()
        if pid in items and w is not None
    ]
    visits: dict[int, dict[int, int]] = defaultdict(dict)
    if windowed:
        rows = await session.execute(
            select(Activity.pledge_id, Activity.coverage_item_id, func.sum(Activity.count))
            .where(
                Activity.pledge_id.in_(list(items)),
                Activity.coverage_item_id.is_not(None),
                Activity.deleted_at.is_(None),
                or_(*windowed),
            )
            .group_by(Activity.pledge_id, Activity.coverage_item_id)
        )
        for pid, iid, total in rows:
            visits[int(pid or 0)][int(iid or 0)] = int(total or 0)
    result: dict[int, Coverage] = {}
    for pledge in covered:
        listed = items.get(pledge.id)
        if not listed:
            continue
        per_item = pledge.target_count or 1
        seen = {i: n for i, n in visits.get(pledge.id, {}).items() if i in listed}
        result[pledge.id] = Coverage(
            len(listed),
            len(seen),
            sum(min(n, per_item) for n in seen.values()),
            len(listed) * per_item,
            per_item,
        )
    return result, dict(items)


def _line(
    pledge: Pledge,
    area: FocusArea,
    window: Window | None,
    done: int,
    coverage: Coverage | None,
    last_day: date | None,
    today: date,
    pledge_set: PledgeSet | None = None,
    rounds: Rounds | None = None,
    *,
    day_ended: bool = False,
) -> PledgeLine:
    target, achieved = pledge.target_count, done
    if coverage is not None:
        target, achieved = coverage.visits_needed, coverage.visits
    elif pledge.target_coverage:
        target = None  # a list target without a list cannot be measured yet
    assessment = judge(
        pledge, pledge_set, window, target, achieved, rounds, today, day_ended=day_ended
    )
    return PledgeLine(
        pledge.id,
        pledge.short_name,
        pledge.text,
        pledge.responsible,
        area.id,
        area.name,
        window,
        done,
        pledge.target_count,
        pledge.target_at_least,
        pledge.target_unit,
        coverage,
        assessment,
        last_day,
        tuple(pledge.synonyms or ()),
    )


# --- one pledge in detail ----------------------------------------------------------------


@dataclass(frozen=True)
class WindowCount:
    window: Window
    done: int


@dataclass(frozen=True)
class PublicActivity:
    day: date
    count: int
    place: str | None  # only when an admin marked it public


@dataclass(frozen=True)
class PledgeDetail:
    line: PledgeLine
    municipality_id: int
    municipality: str
    history: tuple[WindowCount, ...]  # newest first
    result_note: str | None
    result_note_period: tuple[date, date | None] | None
    recent: tuple[PublicActivity, ...]
    municipality_slug: str = ""


RECENT = 5
HISTORY_WINDOWS = 8


def history_windows(
    target_per: str | None, period_start: date, period_end: date | None, today: date
) -> list[Window]:
    """The windows a pledge's history is told in (the latest `HISTORY_WINDOWS`, oldest
    first): its target's own kind of window, years for a whole-period or missing target. The
    bot's answer and the web page both count per these windows."""
    per = Per(target_per) if target_per else Per.YEAR
    if per is Per.PERIOD:
        per = Per.YEAR
    return windows(per, Period(period_start, period_end), until=today)[-HISTORY_WINDOWS:]


async def pledge_detail(session: AsyncSession, pledge_id: int, today: date) -> PledgeDetail:
    pledge = await session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound("missing.pledge", pledge_id=pledge_id)
    view = await overview(session, pledge.municipality_id, today)
    line = next((x for x in view.lines if x.pledge_id == pledge_id), None)
    if line is None:  # a pledge of an older set: show it on its own
        area = await session.get(FocusArea, pledge.focus_area_id)
        pledge_set = await session.get(PledgeSet, area.pledge_set_id) if area else None
        if area is None or pledge_set is None:
            raise NotFound("missing.pledge", pledge_id=pledge_id)
        line = _line(pledge, area, pledge_window(pledge, pledge_set, today), 0, None, None, today)
    area = await session.get(FocusArea, pledge.focus_area_id)
    pledge_set = await session.get(PledgeSet, area.pledge_set_id) if area else None
    history: list[WindowCount] = []
    if pledge_set is not None:
        spans = history_windows(
            pledge.target_per, pledge_set.period_start, pledge_set.period_end, today
        )
        if spans:
            rows = await session.execute(
                select(Activity.occurred_on, func.sum(Activity.count))
                .where(
                    Activity.pledge_id == pledge_id,
                    Activity.deleted_at.is_(None),
                    Activity.occurred_on >= spans[0].start,
                    Activity.occurred_on <= today,
                )
                .group_by(Activity.occurred_on)
            )
            per_day = [(day, int(total)) for day, total in rows]
            for window in reversed(spans):
                history.append(
                    WindowCount(window, sum(n for d, n in per_day if window.contains(d)))
                )
    # The latest result text about this pledge set's own period, never an older period's.
    note_query = select(ResultNote).where(ResultNote.pledge_id == pledge_id)
    note_end = func.coalesce(ResultNote.window_end, ResultNote.window_start)
    if pledge_set is not None:
        note_query = note_query.where(
            ResultNote.window_start >= pledge_set.period_start,
            ResultNote.window_start <= today,
        )
        if pledge_set.period_end is not None:
            note_query = note_query.where(note_end <= pledge_set.period_end)
    note = await session.scalar(
        note_query.order_by(
            note_end.desc(), ResultNote.window_start.desc(), ResultNote.position
        ).limit(1)
    )
    recent_rows = await session.execute(
        select(Activity.occurred_on, Activity.count, Activity.place, Activity.place_public)
        .where(Activity.pledge_id == pledge_id, Activity.deleted_at.is_(None))
        .order_by(Activity.occurred_on.desc(), Activity.id.desc())
        .limit(RECENT)
    )
    recent = tuple(
        PublicActivity(day, int(count), place if public else None)
        for day, count, place, public in recent_rows
    )
    municipality = await session.get(Municipality, view.municipality_id)
    return PledgeDetail(
        line,
        view.municipality_id,
        view.municipality,
        tuple(history),
        note.text if note else None,
        (note.window_start, note.window_end) if note else None,
        recent,
        municipality.slug if municipality is not None else "",
    )


async def focus_area_municipality(session: AsyncSession, area_id: int) -> int | None:
    return await session.scalar(
        select(PledgeSet.municipality_id)
        .join(FocusArea, FocusArea.pledge_set_id == PledgeSet.id)
        .where(FocusArea.id == area_id)
    )
