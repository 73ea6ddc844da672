"""Periods and target windows.

A *period* is the span a pledge set (medborgarlöfte) covers: a start date and an inclusive end
date, or no end at all ("tills vidare"). A *window* is one stretch of that period in which a
target such as "minst 4 per år" is counted: a calendar year, half-year, tertial, quarter, school
term, month or ISO week, intersected with the period, or the whole period itself.

Windows are calendar windows clipped to the period. A period starting 2026-05-15 has a first
year window 2026-05-15..2026-12-31 and a first quarter window 2026-05-15..2026-06-30; a period
ending 2027-03-10 has a last month window 2027-03-01..2027-03-10.

Decisions:

* School terms are spring (vårtermin) 1 January-30 June and autumn (hösttermin) 1 August-
  31 December. July belongs to no term: ``window_containing(Per.TERM, ...)`` returns ``None``
  for a day in July and ``windows(Per.TERM, ...)`` leaves July out.
* ISO weeks run Monday-Sunday and are never split at a year boundary: 2020-12-28..2021-01-03 is
  one window, ISO week 53 of 2020. Only the period clips a week.
* ``Per.PERIOD`` is the whole period. An open-ended period has no end, so its whole-period
  window needs a horizon chosen by the caller (see ``window_containing`` and ``windows``).
* Nothing here reads the clock: "today" is always a parameter.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "Per",
    "Period",
    "Window",
    "is_recurring",
    "parse_window",
    "previous_quarter",
    "window_containing",
    "windows",
]


class Per(StrEnum):
    """What a target is counted per. The values are stored in JSON and the database."""

    YEAR = "year"
    HALF_YEAR = "half_year"
    TERTIAL = "tertial"
    QUARTER = "quarter"
    TERM = "term"
    MONTH = "month"
    WEEK = "week"
    PERIOD = "period"


@dataclass(frozen=True, slots=True)
class Period:
    """The period of a pledge set. ``end`` is inclusive; ``None`` means open-ended."""

    start: date
    end: date | None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"period end {self.end} is before its start {self.start}")

    @property
    def is_open_ended(self) -> bool:
        return self.end is None

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_LANGS = ("sv", "en")


@dataclass(frozen=True, slots=True)
class Window:
    """One target window, both ends inclusive, already clipped to its period.

    Which calendar window it is (for ``label`` and ``code``) is read from ``start``; a clipped
    window keeps the name of the calendar window it was cut from.
    """

    per: Per
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"window end {self.end} is before its start {self.start}")

    @property
    def days(self) -> int:
        """Number of days in the window, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def has_started(self, today: date) -> bool:
        return today >= self.start

    def is_closed(self, today: date) -> bool:
        return today > self.end

    def label(self, lang: str = "sv") -> str:
        """A name for people: ``"kvartal 3 2026"`` (sv) or ``"Q3 2026"`` (en).

        Raises ValueError for a language other than ``"sv"`` or ``"en"``.
        """
        if lang not in _LANGS:
            raise ValueError(f"unsupported language {lang!r}; expected one of {_LANGS}")
        sv = lang == "sv"
        year = self.start.year
        month = self.start.month
        match self.per:
            case Per.YEAR:
                return str(year)
            case Per.HALF_YEAR:
                if sv:
                    return f"{'första' if month <= 6 else 'andra'} halvåret {year}"
                return f"{'first' if month <= 6 else 'second'} half of {year}"
            case Per.TERTIAL:
                return f"tertial {(month - 1) // 4 + 1} {year}"
            case Per.QUARTER:
                number = (month - 1) // 3 + 1
                return f"kvartal {number} {year}" if sv else f"Q{number} {year}"
            case Per.TERM:
                spring = month <= 6
                if sv:
                    return f"{'vårterminen' if spring else 'höstterminen'} {year}"
                return f"{'spring' if spring else 'autumn'} term {year}"
            case Per.MONTH:
                names = MONTHS_SV if sv else MONTHS_EN
                return f"{names[month - 1]} {year}"
            case Per.WEEK:
                iso_year, iso_week, _ = self.start.isocalendar()
                return f"{'vecka' if sv else 'week'} {iso_week} {iso_year}"
            case Per.PERIOD:
                return "hela perioden" if sv else "the whole period"

    def code(self) -> str:
        """The compact code ``parse_window`` reads: ``"2026"``, ``"2026-Q3"``, ``"2020-W53"``.

        A whole-period window has no code (ValueError). Clipping is not encoded: parsing the
        code gives back the unclipped calendar window.
        """
        year = self.start.year
        month = self.start.month
        match self.per:
            case Per.YEAR:
                return f"{year:04d}"
            case Per.HALF_YEAR:
                return f"{year:04d}-H{1 if month <= 6 else 2}"
            case Per.TERTIAL:
                return f"{year:04d}-T{(month - 1) // 4 + 1}"
            case Per.QUARTER:
                return f"{year:04d}-Q{(month - 1) // 3 + 1}"
            case Per.TERM:
                return f"{year:04d}-{'VT' if month <= 6 else 'HT'}"
            case Per.MONTH:
                return f"{year:04d}-{month:02d}"
            case Per.WEEK:
                iso_year, iso_week, _ = self.start.isocalendar()
                return f"{iso_year:04d}-W{iso_week:02d}"
            case Per.PERIOD:
                raise ValueError("a whole-period window has no code")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _calendar_bounds(per: Per, day: date) -> tuple[date, date] | None:
    """The unclipped calendar window of kind ``per`` containing ``day``.

    ``None`` for a July day and ``Per.TERM`` (no term). Not defined for ``Per.PERIOD``.
    """
    year, month = day.year, day.month
    match per:
        case Per.YEAR:
            return date(year, 1, 1), date(year, 12, 31)
        case Per.HALF_YEAR:
            if month <= 6:
                return date(year, 1, 1), date(year, 6, 30)
            return date(year, 7, 1), date(year, 12, 31)
        case Per.TERTIAL:
            first = (month - 1) // 4 * 4 + 1
            return date(year, first, 1), _month_end(year, first + 3)
        case Per.QUARTER:
            first = (month - 1) // 3 * 3 + 1
            return date(year, first, 1), _month_end(year, first + 2)
        case Per.TERM:
            if month <= 6:
                return date(year, 1, 1), date(year, 6, 30)
            if month == 7:
                return None
            return date(year, 8, 1), date(year, 12, 31)
        case Per.MONTH:
            return date(year, month, 1), _month_end(year, month)
        case Per.WEEK:
            monday = day - timedelta(days=day.weekday())
            return monday, monday + timedelta(days=6)
        case Per.PERIOD:
            raise ValueError("Per.PERIOD has no calendar window")


def window_containing(
    per: Per, day: date, period: Period, *, open_end_horizon: date | None = None
) -> Window | None:
    """The window of kind ``per`` that contains ``day``, clipped to ``period``.

    Returns ``None`` when ``day`` is outside the period, and for ``Per.TERM`` when ``day`` is in
    July (between the spring and autumn terms).

    ``Per.PERIOD`` gives the whole period. For an open-ended period that window has no end of
    its own, so it ends at ``open_end_horizon`` when one is given (typically today or the end of
    a report) and the result is ``None`` without one, or when the horizon is before ``day``
    (the window would not contain it). ``open_end_horizon`` is ignored for every other ``per``
    and for periods that have an end: calendar windows of an open-ended period are simply not
    clipped at the end.
    """
    if not period.contains(day):
        return None
    if per is Per.PERIOD:
        end = period.end if period.end is not None else open_end_horizon
        if end is None or end < day:
            return None
        return Window(per, period.start, end)
    bounds = _calendar_bounds(per, day)
    if bounds is None:
        return None
    start, end = bounds
    start = max(start, period.start)
    if period.end is not None:
        end = min(end, period.end)
    return Window(per, start, end)


def windows(per: Per, period: Period, until: date) -> list[Window]:
    """All windows of kind ``per`` from the period's start, in order, up to and including the
    one containing ``until`` (or the last one, when ``until`` is after the period's end).

    Empty when ``until`` is before the period's start. For ``Per.TERM`` the July gaps are left
    out. For ``Per.PERIOD`` of an open-ended period the single window ends at ``until`` (the
    whole period so far).
    """
    last = until if period.end is None else min(until, period.end)
    result: list[Window] = []
    day = period.start
    while day <= last:
        window = window_containing(per, day, period, open_end_horizon=until)
        if window is None:  # July, between school terms
            day += timedelta(days=1)
            continue
        result.append(window)
        if window.end == date.max:
            break
        day = window.end + timedelta(days=1)
    return result


def is_recurring(per: Per, period: Period) -> bool:
    """Whether a target counted per ``per`` applies in more than one window of ``period``
    ("minst 1 i veckan" over two years), and so is judged over all of them, not only the
    current one. Never for ``Per.PERIOD``; always for calendar windows of an open-ended period.
    """
    if per is Per.PERIOD:
        return False
    if period.end is None:
        return True
    first = window_containing(per, period.start, period)
    return first is None or first.end < period.end


_WINDOW_CODE = re.compile(
    r"(?P<year>\d{4})"
    r"(?:-(?:H(?P<half>\d)|T(?P<tertial>\d)|Q(?P<quarter>\d)|W(?P<week>\d{1,2})"
    r"|(?P<term>VT|HT)|(?P<month>\d{1,2})))?",
    re.IGNORECASE,
)

_FORMATS_HELP = (
    "expected YYYY, YYYY-H1..H2, YYYY-T1..T3, YYYY-Q1..Q4, YYYY-MM, YYYY-Www, YYYY-VT or YYYY-HT"
)


def parse_window(text: str) -> Window:
    """Read a window code into its (unclipped) calendar window.

    ``"2026"`` year, ``"2026-H1"`` half-year, ``"2026-T2"`` tertial, ``"2026-Q3"`` quarter,
    ``"2026-03"`` month, ``"2026-W05"`` ISO week (ISO year), ``"2026-VT"`` / ``"2026-HT"``
    spring / autumn term. Case-insensitive, surrounding whitespace ignored. Raises ValueError
    for anything else, including numbers out of range and week 53 of a 52-week year.
    """
    cleaned = text.strip()
    match = _WINDOW_CODE.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"not a window code: {text!r}; {_FORMATS_HELP}")
    year = int(match["year"])
    if year < 1:
        raise ValueError(f"year out of range in window code {text!r}")

    def numbered(group: str, high: int) -> int:
        number = int(match[group])
        if not 1 <= number <= high:
            raise ValueError(f"{group} must be 1-{high} in window code {text!r}")
        return number

    if match["half"] is not None:
        return _from_bounds(Per.HALF_YEAR, date(year, 6 * numbered("half", 2) - 5, 1))
    if match["tertial"] is not None:
        return _from_bounds(Per.TERTIAL, date(year, 4 * numbered("tertial", 3) - 3, 1))
    if match["quarter"] is not None:
        return _from_bounds(Per.QUARTER, date(year, 3 * numbered("quarter", 4) - 2, 1))
    if match["month"] is not None:
        return _from_bounds(Per.MONTH, date(year, numbered("month", 12), 1))
    if match["term"] is not None:
        first = date(year, 1, 1) if match["term"].upper() == "VT" else date(year, 8, 1)
        return _from_bounds(Per.TERM, first)
    if match["week"] is not None:
        week = int(match["week"])
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"ISO year {year} has no week {week} (window code {text!r})") from None
        return _from_bounds(Per.WEEK, monday)
    return _from_bounds(Per.YEAR, date(year, 1, 1))


def _from_bounds(per: Per, day: date) -> Window:
    bounds = _calendar_bounds(per, day)
    assert bounds is not None  # only July has no term, and callers never pass July
    return Window(per, *bounds)


def previous_quarter(day: date) -> Window:
    """The calendar quarter before the one ``day`` is in (unclipped).

    ``previous_quarter(date(2026, 10, 1))`` is Q3 2026; in January it is Q4 of the year before.
    """
    first = (day.month - 1) // 3 * 3 + 1
    return _from_bounds(Per.QUARTER, date(day.year, first, 1) - timedelta(days=1))
