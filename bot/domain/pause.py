"""What a reporter asks of /paus: how long to mute the weekly reminders.

``read_pause(text, today)`` reads what follows the command:

* nothing: ``show`` (the bot tells whether reminders are on or paused, with buttons);
* "av", "slut", "off", "resume" (the pause off, that is reminders on again): ``resume``;
* "tills vidare", "tillsvidare", "until further notice": ``until`` ``FOREVER``;
* a length: "2 veckor", "en vecka", "3v", "10 dagar", "1 månad", "1 år", "2 weeks" (number
  words through ``swedish_numbers``): ``until`` the last day of that length counted from today,
  today included, so "1 vecka" on a Saturday pauses through next Friday and mutes exactly one
  weekly reminder;
* a date, with or without "till", "t.o.m.", "till och med", "until": "till 24/12",
  "till 2027-01-06", "24 december" (``dates.parse_coming_day``: a date without a year is its
  next occurrence): ``until`` that day, which is the last paused day.

Anything else is a ``problem``: "unclear", "past" (a day before today), "invalid" (no such
date) or "too_far" (more than ``MAX_DAYS`` ahead; "tills vidare" is the way to pause without
an end).

"Tills vidare" is stored as ``FOREVER`` (9999-12-31) rather than a separate flag: the rule "paused
while ``paused_until`` >= today" then needs no special case, and the column stays one date.

Pure functions, no I/O, no clock.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from bot.domain.dates import parse_coming_day
from bot.domain.swedish_numbers import parse_number_word

__all__ = ["FOREVER", "MAX_DAYS", "PauseRequest", "add_months", "pause_end", "read_pause"]

#: "Tills vidare": a pause without an end.
FOREVER = date.max

#: A pause with an end may reach at most this many days ahead (today is day 1).
MAX_DAYS = 366

PauseKind = Literal["show", "resume", "until", "problem"]
PauseProblem = Literal["unclear", "past", "invalid", "too_far"]
Unit = Literal["day", "week", "month", "year"]


@dataclass(frozen=True, slots=True)
class PauseRequest:
    kind: PauseKind
    until: date | None = None  # the last paused day (``FOREVER``) when kind is "until"
    problem: PauseProblem | None = None


_RESUME = frozenset({"av", "slut", "avsluta", "upphör", "off", "resume"})
_FOREVER_WORDS = frozenset(
    {
        "tills vidare",
        "tillsvidare",
        "på obestämd tid",
        "until further notice",
        "indefinitely",
    }
)
_UNITS: dict[str, Unit] = {
    "dag": "day",
    "dagar": "day",
    "d": "day",
    "day": "day",
    "days": "day",
    "vecka": "week",
    "veckor": "week",
    "veckan": "week",
    "v": "week",
    "w": "week",
    "week": "week",
    "weeks": "week",
    "månad": "month",
    "månader": "month",
    "mån": "month",
    "month": "month",
    "months": "month",
    "år": "year",
    "year": "year",
    "years": "year",
}
_GLUED_RE = re.compile(r"(?P<n>[0-9]{1,3})(?P<unit>[a-zåäö]+)")  # "3v"
_UNTIL_RE = re.compile(r"(?:till\s+och\s+med|t\.?\s?o\.?\s?m\.?|till|until|to)\s+(?P<day>.+)")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def pause_end(today: date, count: int, unit: Unit) -> date:
    """The last paused day of a pause of ``count`` units that starts today."""
    if unit == "day":
        return today + timedelta(days=count - 1)
    if unit == "week":
        return today + timedelta(weeks=count) - timedelta(days=1)
    months = count * 12 if unit == "year" else count
    return add_months(today, months) - timedelta(days=1)


def _checked(until: date, today: date) -> PauseRequest:
    if until < today:
        return PauseRequest("problem", problem="past")
    if (until - today).days >= MAX_DAYS:
        return PauseRequest("problem", problem="too_far")
    return PauseRequest("until", until=until)


def _length(text: str, today: date) -> PauseRequest | None:
    words = text.split()
    if words and words[0] in ("i", "for"):
        words = words[1:]
    if len(words) == 1:
        glued = _GLUED_RE.fullmatch(words[0])
        if glued is None:
            return None
        number, unit_word = glued["n"], glued["unit"]
    elif len(words) > 1:
        number, unit_word = " ".join(words[:-1]), words[-1]
    else:
        return None
    unit = _UNITS.get(unit_word)
    count = parse_number_word(number)
    if unit is None or count is None:
        return None
    if count <= 0:
        return PauseRequest("problem", problem="unclear")
    if unit == "year":
        unit, count = "month", count * 12
    if count > MAX_DAYS:  # also keeps the date arithmetic far from the calendar's end
        return PauseRequest("problem", problem="too_far")
    return _checked(pause_end(today, count, unit), today)


def read_pause(text: str, today: date) -> PauseRequest:
    """What the words after /paus ask for (rules: module doc)."""
    cleaned = " ".join(text.split()).strip().lower().rstrip("!?")
    if not cleaned:
        return PauseRequest("show")
    if cleaned.rstrip(".") in _RESUME:
        return PauseRequest("resume")
    if cleaned.rstrip(".") in _FOREVER_WORDS:
        return PauseRequest("until", until=FOREVER)
    length = _length(cleaned, today)
    if length is not None:
        return length
    m = _UNTIL_RE.fullmatch(cleaned)
    day_text = m["day"] if m is not None else cleaned
    if m is not None and day_text.rstrip(".") in _FOREVER_WORDS:  # "till tills vidare"
        return PauseRequest("until", until=FOREVER)
    day = parse_coming_day(day_text, today)
    if day is None:
        return PauseRequest("problem", problem="unclear")
    if isinstance(day, str):
        return PauseRequest("problem", problem=day)
    return _checked(day, today)
