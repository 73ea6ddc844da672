"""The progress report ("Hur går det med medborgarlöftena?") for one municipality and period.

A report is read as of the period's last day (or today, while the period runs; once the period
has ended, a window that ended with it is judged closed, with its final status): each pledge
of the set in force then, with what was done inside the report period, where it stands against
its target in its own window (a yearly target in a quarterly report: "so far this year"), the
status word, and the latest published result note of the same pledge-set period whose window
ends by the report period's end (a Q3 report never quotes a year's text written in December).
Extra activities outside the pledges get a short section. Public rules apply (DESIGN.md): counts
and days only, a place only where an admin marked it public, never a reporter and never an
activity's note. The one text an extra activity may show is one taken from a published page
(an imported "extra insats", source ``import``): that text was public before the bot read it.

Periods are the codes of `bot.domain.periods.parse_window` ("2026-Q3", "2026", "2026-H1",
"2026-T2", also months, terms and weeks) or "period" for the whole pledge-set period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.periods import Per, Window, parse_window, previous_quarter
from bot.services.answers import Overview, PledgeLine, overview
from bot.services.errors import NotFound, ServiceError
from storage.models import (
    Activity,
    ActivitySource,
    FocusArea,
    Municipality,
    Pledge,
    PledgeSet,
    ResultNote,
)

WHOLE_PERIOD = ("period", "perioden", "hela", "set")
RECENT_EXTRAS = 5


class BadPeriod(ServiceError):
    """A period code that cannot be read, or a period that has not begun."""


@dataclass(frozen=True)
class ReportPeriod:
    key: str  # "2026-Q3", "2026", "P2024-01-01" (a whole pledge-set period)
    window: Window

    def label(self, lang: str = "sv") -> str:
        if self.window.per is Per.PERIOD:
            start, end = self.window.start.year, self.window.end.year
            years = str(start) if start == end else f"{start}–{end}"
            return f"löftesperioden {years}" if lang == "sv" else f"the pledge period {years}"
        return self.window.label(lang)


def previous_period(today: date) -> ReportPeriod:
    """The default: the quarter just ended."""
    window = previous_quarter(today)
    return ReportPeriod(window.code(), window)


def read_period(text: str | None, today: date) -> ReportPeriod | None:
    """A period code as typed (None: the quarter just ended). Returns None for the whole
    pledge-set period, which depends on the municipality (see `whole_period`). Raises BadPeriod
    for an unreadable code or a period that has not begun."""
    if text is None or not text.strip():
        return previous_period(today)
    if text.strip().lower() in WHOLE_PERIOD:
        return None
    try:
        window = parse_window(text)
    except ValueError:
        raise BadPeriod("period.unreadable", text=repr(text.strip())) from None
    if window.start > today:
        raise BadPeriod("period.not_begun", sv=window.label("sv"), en=window.label("en"))
    return ReportPeriod(window.code(), window)


async def whole_period(session: AsyncSession, municipality_id: int, today: date) -> ReportPeriod:
    """The period of the pledge set in force today (else the latest one)."""
    sets = list(
        await session.scalars(
            select(PledgeSet)
            .where(PledgeSet.municipality_id == municipality_id, PledgeSet.period_start <= today)
            .order_by(PledgeSet.period_start.desc())
            .limit(1)
        )
    )
    if not sets:
        raise BadPeriod("period.no_pledges")
    chosen = sets[0]
    end = chosen.period_end or date(today.year, 12, 31)
    return ReportPeriod(
        f"P{chosen.period_start.isoformat()}", Window(Per.PERIOD, chosen.period_start, end)
    )


@dataclass(frozen=True)
class ReportLine:
    line: PledgeLine  # where the pledge stands in its own window, as of the report day
    in_period: int  # sum of counts inside the report period
    last_in_period: date | None
    note: str | None  # the latest published result note up to the period's end


@dataclass(frozen=True)
class ReportArea:
    name: str | None
    lines: tuple[ReportLine, ...]


@dataclass(frozen=True)
class ExtraActivity:
    day: date
    count: int
    place: str | None  # only when public
    text: str | None = None  # only a published page's own words (an imported extra)
    until: date | None = None  # known only as a span of days (an imported "under 2019")


@dataclass(frozen=True)
class Report:
    municipality_id: int
    municipality: str
    slug: str
    police_area: str | None
    period: ReportPeriod
    as_of: date  # the period's last day, or today while it runs
    complete: bool  # the period has ended
    view: Overview
    areas: tuple[ReportArea, ...]
    extra_total: int
    extra_entries: int
    extras: tuple[ExtraActivity, ...]  # the latest few, newest first
    comment: str | None = None  # admins' closing comment (approval)

    @property
    def lines(self) -> list[ReportLine]:
        return [line for area in self.areas for line in area.lines]

    @property
    def empty(self) -> bool:
        return not self.areas


async def build_report(
    session: AsyncSession,
    municipality_id: int,
    period: ReportPeriod | None,
    today: date,
    *,
    comment: str | None = None,
) -> Report:
    """The report for one municipality; `period` None means the whole pledge-set period."""
    municipality = await session.get(Municipality, municipality_id)
    if municipality is None:
        raise NotFound("missing.municipality_id", municipality_id=municipality_id)
    if period is None:
        period = await whole_period(session, municipality_id, today)
    window = period.window
    as_of = min(window.end, today)
    # A period that has ended is judged as of the end of its last day: final words.
    view = await overview(session, municipality_id, as_of, day_ended=today > as_of)
    pledge_ids = [line.pledge_id for line in view.lines]

    in_period: dict[int, tuple[int, date | None]] = {}
    notes: dict[int, str] = {}
    if pledge_ids:
        rows = await session.execute(
            select(Activity.pledge_id, func.sum(Activity.count), func.max(Activity.occurred_on))
            .where(
                Activity.municipality_id == municipality_id,
                Activity.pledge_id.in_(pledge_ids),
                Activity.deleted_at.is_(None),
                Activity.occurred_on.between(window.start, as_of),
            )
            .group_by(Activity.pledge_id)
        )
        for pid, total, last in rows:
            in_period[int(pid or 0)] = (int(total or 0), last)
        note_end = func.coalesce(ResultNote.window_end, ResultNote.window_start)
        note_rows = await session.execute(
            select(ResultNote.pledge_id, ResultNote.text)
            .join(Pledge, Pledge.id == ResultNote.pledge_id)
            .join(FocusArea, FocusArea.id == Pledge.focus_area_id)
            .join(PledgeSet, PledgeSet.id == FocusArea.pledge_set_id)
            .where(
                ResultNote.pledge_id.in_(pledge_ids),
                # Written as of the report period's end at the latest ...
                note_end <= window.end,
                # ... and about the pledge set's own period, never an older one's.
                ResultNote.window_start >= PledgeSet.period_start,
                or_(PledgeSet.period_end.is_(None), note_end <= PledgeSet.period_end),
            )
            # The latest: the one reaching furthest, then the one starting latest.
            .order_by(note_end.desc(), ResultNote.window_start.desc(), ResultNote.position)
        )
        for pid, text in note_rows:
            notes.setdefault(int(pid), text)

    areas = tuple(
        ReportArea(
            area.name,
            tuple(
                ReportLine(
                    line,
                    in_period.get(line.pledge_id, (0, None))[0],
                    in_period.get(line.pledge_id, (0, None))[1],
                    notes.get(line.pledge_id),
                )
                for line in area.lines
            ),
        )
        for area in view.areas
    )

    extra_filter = (
        Activity.municipality_id == municipality_id,
        Activity.pledge_id.is_(None),
        Activity.deleted_at.is_(None),
        Activity.occurred_on.between(window.start, as_of),
    )
    totals = (
        await session.execute(
            select(func.coalesce(func.sum(Activity.count), 0), func.count()).where(*extra_filter)
        )
    ).one()
    extras: Sequence[ExtraActivity] = []
    if totals[1]:
        extras = [
            ExtraActivity(
                day,
                int(count),
                place if public else None,
                note if source is ActivitySource.IMPORT and note else None,
                until,
            )
            for day, count, place, public, source, note, until in await session.execute(
                select(
                    Activity.occurred_on,
                    Activity.count,
                    Activity.place,
                    Activity.place_public,
                    Activity.source,
                    # Read only for imported extras: a reporter's note never leaves.
                    case((Activity.source == ActivitySource.IMPORT, Activity.note), else_=None),
                    Activity.occurred_until,
                )
                .where(*extra_filter)
                .order_by(Activity.occurred_on.desc(), Activity.id.desc())
                .limit(RECENT_EXTRAS)
            )
        ]
    return Report(
        municipality_id,
        municipality.name,
        municipality.slug,
        view.police_area,
        period,
        as_of,
        today > window.end,
        view,
        areas,
        int(totals[0] or 0),
        int(totals[1] or 0),
        tuple(extras),
        comment,
    )
