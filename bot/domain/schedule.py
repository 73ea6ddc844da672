"""Scheduled local times, turned into aware UTC datetimes.

Posts and reminders are scheduled in local time (Europe/Stockholm) and stored in UTC. Local
times are wall-clock times: a weekly reminder at 09:00 stays at 09:00 local across the changes
to and from summer time, so its UTC hour moves.

Two local times need a rule:

* a time that does not exist (the spring-forward gap, e.g. 02:30 on 2026-03-29 in Stockholm)
  moves forward by the length of the gap: 02:30 becomes 03:30 CEST;
* a time that occurs twice (the autumn fall-back, e.g. 02:30 on 2026-10-25) takes the first
  occurrence, still in summer time (``fold=0``): 02:30 CEST.

Nothing here reads the clock: the caller passes the moment to schedule after.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from holidays.countries.sweden import Sweden

from bot.domain.periods import Window

__all__ = [
    "STOCKHOLM",
    "first_weekday_after",
    "first_working_day_after",
    "is_working_day",
    "local_to_utc",
    "next_weekly",
    "quarter_post_due",
    "week_first_working_day",
]

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The moment the local wall clock in ``tz`` shows ``at`` on ``day``, as aware UTC.

    A nonexistent local time moves forward by the gap; an ambiguous one takes its first
    occurrence (see the module doc). ``at`` must be naive (ValueError otherwise); its ``fold``
    is ignored.
    """
    if at.tzinfo is not None:
        raise ValueError("`at` must be a naive local time; the zone is given by `tz`")
    # PEP 495: with fold=0 a time in a gap is read with the offset from before the gap (so it
    # lands gap-length later on the wall clock), and an ambiguous time with the first offset.
    local = datetime.combine(day, at.replace(fold=0), tzinfo=tz)
    return local.astimezone(UTC)


def first_weekday_after(day: date) -> date:
    """The first Monday-Friday strictly after ``day``. Public holidays are not considered."""
    following = day + timedelta(days=1)
    while following.weekday() >= 5:
        following += timedelta(days=1)
    return following


@cache
def _swedish_holidays(year: int) -> frozenset[date]:
    # The library counts every Sunday as a holiday in Sweden unless told otherwise; weekends
    # are handled here on their own.
    return frozenset(Sweden(years=year, include_sundays=False))


def is_working_day(day: date) -> bool:
    """Monday-Friday and not a Swedish public holiday (nyårsdagen, trettondedag jul,
    långfredagen, annandag påsk, första maj, Kristi himmelsfärds dag, nationaldagen,
    juldagen, annandag jul...). Midsommarafton, julafton and nyårsafton are not public
    holidays and count as working days."""
    return day.weekday() < 5 and day not in _swedish_holidays(day.year)


def first_working_day_after(day: date) -> date:
    """The first working day (see ``is_working_day``) strictly after ``day``."""
    following = day + timedelta(days=1)
    while not is_working_day(following):
        following += timedelta(days=1)
    return following


def week_first_working_day(day: date) -> date:
    """The first working day of ``day``'s ISO week (Monday unless it is a holiday, as on
    annandag påsk). A week without one (never in the Swedish calendar) gives its Monday."""
    monday = day - timedelta(days=day.weekday())
    for offset in range(5):
        if is_working_day(monday + timedelta(days=offset)):
            return monday + timedelta(days=offset)
    return monday


def quarter_post_due(quarter: Window, at: time = time(9), tz: ZoneInfo = STOCKHOLM) -> datetime:
    """When the progress post for ``quarter`` is due: the first working day after the window's
    last day, at ``at`` local time in ``tz``, as aware UTC.

    Weekends and Swedish public holidays are skipped: Q4 2026 ends on Thursday 2026-12-31,
    Friday 2027-01-01 is nyårsdagen, so its post is due on Monday 2027-01-04 at 09:00 CET,
    08:00 UTC. The window's own ``end`` is used,
    so a quarter clipped by the end of its period is posted after the period ends; any other
    kind of window works the same way.
    """
    return local_to_utc(first_working_day_after(quarter.end), at, tz)


def next_weekly(after: datetime, weekday: int, at: time, tz: ZoneInfo) -> datetime:
    """The next moment strictly after ``after`` when the local clock in ``tz`` shows ``at`` on
    ``weekday`` (Monday 0 ... Sunday 6), as aware UTC.

    The local time is kept across changes to and from summer time (09:00 local is 08:00 UTC in
    winter and 07:00 UTC in summer). ``after`` must be aware and ``weekday`` in 0..6
    (ValueError otherwise).
    """
    if after.tzinfo is None or after.utcoffset() is None:
        raise ValueError("`after` must be an aware datetime")
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
    local_day = after.astimezone(tz).date()
    day = local_day + timedelta(days=(weekday - local_day.weekday()) % 7)
    candidate = local_to_utc(day, at, tz)
    while candidate <= after:
        day += timedelta(days=7)
        candidate = local_to_utc(day, at, tz)
    return candidate
