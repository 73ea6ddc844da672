"""Which day a short Swedish message is about.

A police officer reports an activity in a few words: "3 trafikkontroller E45 igår",
"nattvandring i fredags", "skolbesök Sveg 12/3", "möte 2026-03-12", "besök den 4 mars".
``find_day`` finds the first expression in such a text that names a day and resolves it
against ``today``; ``parse_day`` does the same when the whole answer must be a day ("i tisdags",
"3/11"); ``day_label`` names a day for people.

Pure functions, no I/O, no clock: "today" (and the hour, for "i natt") are parameters.

Decisions:

* Relative words: "idag", "ikväll", "i morse", "i förmiddags", "i eftermiddag(s)" are today;
  "igår" (also "igår kväll", "igårkväll") is yesterday; "i förrgår" is today − 2. "i natt" is
  the night just passed before noon (yesterday) and today from noon on. "i morgon" and
  "i övermorgon" are recognised so that the caller can say the day is in the future.
* "i fredags" (and "i fredag", as asked) is the most recent Friday strictly before today; a bare
  "fredag"/"på fredag"/"fredagen" is the most recent Friday on or before today; "förra
  fredagen", "förra veckans fredag" and "fredagen förra veckan" are the Friday of the previous
  ISO week; "nästa fredag" is next ISO week's (so: future). "varje fredag" and "alla fredagar"
  name no day.
* Numbers: "12/3" is day/month. A d/m pair is only a date when d is 1–31 and m is 1–12, it is
  not glued to other digits or words ("E4/5"), not after "åk", "kl", "nr", "väg", "rv" and the
  like, and not followed by "av", "timme", "del" and the like ("3/4 av klasserna", "1/2
  timme"). "12.3." needs the closing dot (so "14.30" is not a date). "2026-03-12" and
  "20260312" are ISO dates; an eight-digit run must look like a date (19xx/20xx, month 01–12,
  day 01–31) to count. Month names: "12 mars", "12:e mars", "12 mar", "12 mars 2026".
  "den 12:e" (ordinal, no month) is the most recent 12th. A range "12-14 mars" is its first day.
* A weekday in front of a date ("fredag 13 november", "fredagen den 13/11") belongs to the date's
  span; the date decides the day.
* A date without a year is this year's when that is not after today, else last year's when that
  is at most 120 days back, else it is in the future. A two-digit year "26" is the latest year
  ending in 26 that is at most 20 years after today's (so 2026; "99" is 1999).
* A date that does not exist ("31/2", "2026-13-01") gives problem "invalid"; a day after today
  gives "future"; a day more than ``MAX_AGE_DAYS`` back gives "too_old". In each case ``day``
  is None.
* The first expression in the text wins; of two starting at the same place, the longer.

``parse_coming_day`` is the one exception to "never in the future": it reads the end of a pause
("/paus till 24/12"), so a date without a year is its next occurrence from today on, and only
dates written out (ISO, day/month, day and month name) are read, no weekdays or relative words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, TypeAlias

from bot.domain.periods import MONTHS_EN, MONTHS_SV

__all__ = [
    "MAX_AGE_DAYS",
    "DayMatch",
    "Problem",
    "day_label",
    "day_like_spans",
    "find_day",
    "parse_coming_day",
    "parse_day",
]

Problem = Literal["future", "too_old", "invalid"]

#: A reported day may be at most this many days before today.
MAX_AGE_DAYS = 366

#: A date without a year falls back to last year only when that is at most this many days ago.
_LAST_YEAR_WINDOW_DAYS = 120


@dataclass(frozen=True, slots=True)
class DayMatch:
    """A day named in a text.

    ``text[start:end]`` is the date expression. ``day`` is None exactly when ``problem`` is set:
    "future" (after today), "too_old" (more than ``MAX_AGE_DAYS`` back) or "invalid" (no such
    calendar date).
    """

    day: date | None
    start: int
    end: int
    problem: Problem | None


# What a recogniser found: a day (not yet checked against today) or a problem.
_Outcome: TypeAlias = date | Problem


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    outcome: _Outcome


# --- Patterns -----------------------------------------------------------------------------------

_FLAGS = re.IGNORECASE

# Times of day that may follow "igår" or a weekday: "igår kväll", "i fredags morse".
_PART_OF_DAY = (
    r"(?:kv[äae]l{1,2}(?:en)?|morgon(?:en)?|morse|natt(?:en)?"
    r"|eftermiddag(?:en)?|f[öo]rmiddag(?:en)?)"
)

# Weekday stems (the part before "dag"), with common misspellings; index 0 is Monday.
_WEEKDAY_STEMS = (
    r"m[åaä]n",
    r"ti(?:s|ds|ss)",
    r"on(?:s|ds)",
    r"tor?s",
    r"fre",
    r"l[öo]r",
    r"s[öo]n",
)
# Abbreviations only with their Swedish letters: "man" and "tor" are words of their own.
_WEEKDAY_ABBREVIATIONS = r"(?:mån|tis|ons|tors|fre|lör|sön)"


def _weekday_group() -> str:
    """The weekday stems as named groups w0 (Monday) … w6 (Sunday)."""
    return "(?:" + "|".join(f"(?P<w{i}>{stem})" for i, stem in enumerate(_WEEKDAY_STEMS)) + ")"


_EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "last Friday" (the most recent before today), "Friday"; "on Friday" is left to the caller.
_EN_WEEKDAY_RE = re.compile(
    r"(?<!\w)(?:(?P<last>last\s+)|(?P<on>on\s+))?(?P<wd>" + "|".join(_EN_WEEKDAYS) + r")(?!\w)",
    _FLAGS,
)

_ANY_WEEKDAY = "(?:" + "|".join(_WEEKDAY_STEMS) + ")dag"
_WD = _weekday_group()


def _month_group() -> str:
    """Month names and abbreviations as named groups mon1 … mon12, longest spelling first."""
    extra = {2: ("febuari",), 9: ("sept",)}
    parts = []
    for number, name in enumerate(MONTHS_SV, start=1):
        spellings = {name, name[:3], *extra.get(number, ())}
        alternatives = "|".join(sorted(spellings, key=len, reverse=True))
        parts.append(f"(?P<mon{number}>{alternatives})")
    return "(?:" + "|".join(parts) + ")"


_MONTH = _month_group()

_RELATIVE_RE = re.compile(
    r"(?<!\w)(?:"
    r"(?P<before_yesterday>(?:i\s*)?f[öo]rrg[åa]r|i\s*f[öo]r{1,2}\s*g[åa]r)"
    rf"|(?P<yesterday>i\s*g[åa]r(?:\s*{_PART_OF_DAY})?)"
    r"|(?P<day_after_tomorrow>i\s*[öo]ver\s*morgon)"
    r"|(?P<tomorrow>i\s*morgon(?:\s+bitti)?|i\s*morn)"
    r"|(?P<night>i\s*natt)"
    r"|(?P<today>i\s*dag|i\s*kv[äae]l{1,2}|i\s*mor{1,2}(?:g?se|ges)"
    r"|i\s*(?:efter|f[öo]r)\s*mid{1,2}ags?)"
    r"|(?P<en_before_yesterday>the\s+day\s+before\s+yesterday)"
    r"|(?P<en_yesterday>yesterday(?:\s+(?:morning|afternoon|evening|night))?|last\s+night)"
    r"|(?P<en_today>today|this\s+(?:morning|afternoon|evening)|tonight)"
    r"|(?P<en_tomorrow>tomorrow)"
    r")(?!\w)",
    _FLAGS,
)

# "3 dagar sedan", "för tre dagar sedan", "2 days ago": a number of days back.
_SMALL_NUMBER_WORDS = {
    "en": 1, "ett": 1, "två": 2, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7,
    "åtta": 8, "atta": 8, "nio": 9, "tio": 10, "one": 1, "a": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_DAYS_AGO_RE = re.compile(
    r"(?<![\w/.,:-])(?:f[öo]r\s+)?(?P<n>\d{1,3}|"
    + "|".join(sorted(_SMALL_NUMBER_WORDS, key=len, reverse=True))
    + r")\s+(?:dagar|dag|days?)\s+(?:sedan|sen|ago|tillbaka)(?!\w)",
    _FLAGS,
)

# "förra fredagen", "förra veckans fredag".
_LAST_WEEK_BEFORE_RE = re.compile(
    rf"(?<!\w)f[öo]rra\s+(?:veckans\s+)?{_WD}dag(?:en)?(?!\w)",
    _FLAGS,
)
# "fredagen förra veckan", "i fredags förra veckan".
_LAST_WEEK_AFTER_RE = re.compile(
    rf"(?<!\w)(?:(?:i|på)\s*)?{_WD}dag(?:s|en)?\s+(?:i\s+)?f[öo]rra\s+veckan(?!\w)",
    _FLAGS,
)
# "nästa fredag", "kommande veckans fredag".
_NEXT_WEEK_RE = re.compile(
    rf"(?<!\w)(?:n[äa]sta|kommande)\s+(?:veckas?\s+)?{_WD}dag(?:en)?(?!\w)",
    _FLAGS,
)
# "i fredags", "i fredag", "ifredags", "i fredas", "i fredagskväll".
_STRICTLY_BEFORE_RE = re.compile(
    rf"(?<!\w)i\s*{_WD}(?:dags?|das)(?:\s*{_PART_OF_DAY})?(?!\w)",
    _FLAGS,
)
# "fredag", "på fredag", "fredagen", "fredag kväll".
_ON_OR_BEFORE_RE = re.compile(
    rf"(?<!\w)(?:på\s+)?{_WD}dag(?:en|s?\s*{_PART_OF_DAY})?(?!\w)",
    _FLAGS,
)
# A bare weekday after these words names no single day ("varje fredag").
_NOT_A_DAY_BEFORE_WEEKDAY_RE = re.compile(
    r"(?<!\w)(?:varje|alla|varannan|n[äa]sta|kommande|f[öo]rra|veckans|i)\s+\Z", _FLAGS
)

_ISO_RE = re.compile(
    r"(?<![\w/.,:])(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"(?![\w/]|[.,:-][0-9])",
    _FLAGS,
)
_COMPACT_RE = re.compile(
    r"(?<![\w/.,:-])(?P<y>(?:19|20)[0-9]{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12][0-9]|3[01])"
    r"(?![\w]|[/.,:-][0-9])",
    _FLAGS,
)
# "12/3", "12/3-26", "12/3/2026", "12/3 2026", "12-14/3".
_DAY_MONTH_RE = re.compile(
    r"(?<![\w/.,:])(?P<d>[0-9]{1,2})(?:\s*[-–]\s*[0-9]{1,2})?\s?/\s?(?P<m>[0-9]{1,2})"
    r"(?:[-/](?P<y>[0-9]{4}|[0-9]{2})|\s+(?P<y4>[12][0-9]{3}))?"
    r"(?![\w/]|[.,:][0-9])",
    _FLAGS,
)
# "12.3.", "12.3.2026", "12.3.26".
_DOTTED_RE = re.compile(
    r"(?<![\w/.,:])(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\."
    r"(?:(?P<y>[0-9]{4}|[0-9]{2})|\s(?P<y4>[12][0-9]{3}))?"
    r"(?!\w|[/.,:][0-9])",
    _FLAGS,
)
# "12 mars", "12:e mars", "1:a maj", "12 mar.", "12 mars 2026", "12-14 mars".
_MONTH_NAME_RE = re.compile(
    r"(?<![\w/.,:])(?P<d>[0-9]{1,2})(?:\s*[-–]\s*[0-9]{1,2})?(?::?[ae]|:te)?\.?\s*"
    rf"{_MONTH}\.?(?:\s*,?\s*(?P<y4>[12][0-9]{{3}}))?(?!\w)",
    _FLAGS,
)
# "den 12:e", "den 1:a" (no month: the most recent such day of a month).
_ORDINAL_RE = re.compile(r"(?<!\w)den\s+(?P<d>[0-9]{1,2})(?::?[ae]|:te)(?!\w)", _FLAGS)

# Numbers after these are not dates: "åk 8/9", "kl 10.12.", "rv 84/45".
_NOT_A_DATE_BEFORE_RE = re.compile(
    r"(?:(?<!\w)(?:årskurs|åk|klass|kl|klockan|nr|nummer|e|rv|lv|väg|riksväg|länsväg|sidan|"
    r"sid|s)\.?|§)\s*\Z",
    _FLAGS,
)
# A d/m pair followed by these is a fraction or a ratio: "3/4 av klasserna", "1/2 timme".
_NOT_A_DATE_AFTER_RE = re.compile(
    r"\s*(?:av|timme|timmar|tim|h|minut|minuter|del|delar|procent|%)(?!\w)", _FLAGS
)
# A weekday or "den" in front of a date belongs to it: "fredag 13/11", "fredagen den 13 nov".
_DATE_PREFIX_RE = re.compile(
    rf"(?<!\w)(?:(?:på\s+)?(?:{_ANY_WEEKDAY}(?:en)?|{_WEEKDAY_ABBREVIATIONS}\.?)\s*,?\s*"
    r"(?:den\s+)?|den\s+)\Z",
    _FLAGS,
)
_PREFIX_LOOKBACK = 40


# --- Resolving ----------------------------------------------------------------------------------


def _group_index(match: re.Match[str], prefix: str, indices: range) -> int:
    for index in indices:
        if match.group(f"{prefix}{index}") is not None:
            return index
    raise AssertionError(f"no {prefix} group matched")  # pragma: no cover


def _weekday(match: re.Match[str]) -> int:
    return _group_index(match, "w", range(7))


def _month(match: re.Match[str]) -> int:
    return _group_index(match, "mon", range(1, 13))


def _full_year(digits: str, today: date) -> int:
    value = int(digits)
    if len(digits) == 4:
        return value
    # The latest year ending in these two digits that is at most 20 years ahead.
    latest = today.year + 20
    return latest - (latest - value) % 100


def _dated(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _yearless(day: int, month: int, today: date) -> _Outcome:
    """This year's day/month if not after today, else last year's if recent, else future."""
    this_year = _dated(today.year, month, day)
    if this_year is not None and this_year <= today:
        return this_year
    last_year = _dated(today.year - 1, month, day)
    if last_year is not None and (today - last_year).days <= _LAST_YEAR_WINDOW_DAYS:
        return last_year
    if this_year is not None:
        return "future"
    return "invalid"


def _explicit(year: str | None, month: int, day: int, today: date) -> _Outcome:
    if year is None:
        return _yearless(day, month, today)
    found = _dated(_full_year(year, today), month, day)
    return "invalid" if found is None else found


def _ordinal_day(day: int, today: date) -> _Outcome:
    """The most recent ``day``-th of a month: this month's, else the previous month's."""
    this_month = _dated(today.year, today.month, day)
    if this_month is not None and this_month <= today:
        return this_month
    previous_month_end = today.replace(day=1) - timedelta(days=1)
    previous = _dated(previous_month_end.year, previous_month_end.month, day)
    if previous is not None:
        return previous
    return "future" if this_month is not None else "invalid"


def _week_monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _extended_start(text: str, start: int) -> int:
    """Start of a date expression including a weekday or "den" in front of it."""
    prefix = _DATE_PREFIX_RE.search(text, max(0, start - _PREFIX_LOOKBACK), start)
    return start if prefix is None else prefix.start()


def _number_context_ok(text: str, match: re.Match[str], has_year: bool) -> bool:
    before = text[max(0, match.start() - _PREFIX_LOOKBACK) : match.start()]
    if _NOT_A_DATE_BEFORE_RE.search(before):
        return False
    return has_year or _NOT_A_DATE_AFTER_RE.match(text, match.end()) is None


# --- Recognisers --------------------------------------------------------------------------------


def _relative(text: str, today: date, hour: int) -> Iterator[_Candidate]:
    for m in _RELATIVE_RE.finditer(text):
        kind = (m.lastgroup or "today").removeprefix("en_")
        offset = {
            "today": 0,
            "yesterday": 1,
            "before_yesterday": 2,
            "tomorrow": -1,
            "day_after_tomorrow": -2,
            "night": 1 if hour < 12 else 0,
        }[kind]
        yield _Candidate(m.start(), m.end(), today - timedelta(days=offset))
    for m in _DAYS_AGO_RE.finditer(text):
        word = m["n"].lower()
        back = int(word) if word.isdigit() else _SMALL_NUMBER_WORDS[word]
        outcome: _Outcome = today - timedelta(days=back) if back <= 4000 else "too_old"
        yield _Candidate(m.start(), m.end(), outcome)


def _weekdays(text: str, today: date) -> Iterator[_Candidate]:
    this_monday = _week_monday(today)
    for m in _EN_WEEKDAY_RE.finditer(text):
        weekday = _EN_WEEKDAYS.index(m["wd"].lower())
        if m["last"]:
            back = (today.weekday() - weekday) % 7 or 7
        elif m["on"]:
            continue  # "on Friday": the last one or the coming one? Not a day.
        else:
            back = (today.weekday() - weekday) % 7
        yield _Candidate(m.start(), m.end(), today - timedelta(days=back))
    for m in _LAST_WEEK_BEFORE_RE.finditer(text):
        yield _Candidate(m.start(), m.end(), this_monday + timedelta(days=_weekday(m) - 7))
    for m in _LAST_WEEK_AFTER_RE.finditer(text):
        yield _Candidate(m.start(), m.end(), this_monday + timedelta(days=_weekday(m) - 7))
    for m in _NEXT_WEEK_RE.finditer(text):
        yield _Candidate(m.start(), m.end(), this_monday + timedelta(days=_weekday(m) + 7))
    for m in _STRICTLY_BEFORE_RE.finditer(text):
        back = (today.weekday() - _weekday(m)) % 7 or 7
        yield _Candidate(m.start(), m.end(), today - timedelta(days=back))
    for m in _ON_OR_BEFORE_RE.finditer(text):
        before = text[max(0, m.start() - _PREFIX_LOOKBACK) : m.start()]
        if _NOT_A_DAY_BEFORE_WEEKDAY_RE.search(before):
            continue
        back = (today.weekday() - _weekday(m)) % 7
        yield _Candidate(m.start(), m.end(), today - timedelta(days=back))


def _numeric(text: str, today: date) -> Iterator[_Candidate]:
    for pattern in (_ISO_RE, _COMPACT_RE):
        for m in pattern.finditer(text):
            found = _dated(int(m["y"]), int(m["m"]), int(m["d"]))
            yield _Candidate(
                _extended_start(text, m.start()), m.end(), "invalid" if found is None else found
            )
    for pattern in (_DAY_MONTH_RE, _DOTTED_RE):
        for m in pattern.finditer(text):
            day, month = int(m["d"]), int(m["m"])
            year = m["y"] or m["y4"]
            if not (1 <= day <= 31 and 1 <= month <= 12):
                continue
            if not _number_context_ok(text, m, year is not None):
                continue
            yield _Candidate(
                _extended_start(text, m.start()), m.end(), _explicit(year, month, day, today)
            )
    for m in _MONTH_NAME_RE.finditer(text):
        outcome = _explicit(m["y4"], _month(m), int(m["d"]), today)
        yield _Candidate(_extended_start(text, m.start()), m.end(), outcome)
    for m in _ORDINAL_RE.finditer(text):
        yield _Candidate(
            _extended_start(text, m.start()), m.end(), _ordinal_day(int(m["d"]), today)
        )


def _candidates(text: str, today: date, hour: int) -> Iterator[_Candidate]:
    yield from _relative(text, today, hour)
    yield from _weekdays(text, today)
    yield from _numeric(text, today)


def _to_match(candidate: _Candidate, today: date) -> DayMatch:
    outcome = candidate.outcome
    problem: Problem | None
    if isinstance(outcome, date):
        if outcome > today:
            problem = "future"
        elif (today - outcome).days > MAX_AGE_DAYS:
            problem = "too_old"
        else:
            return DayMatch(outcome, candidate.start, candidate.end, None)
    else:
        problem = outcome
    return DayMatch(None, candidate.start, candidate.end, problem)


def _first(text: str, today: date, hour: int) -> _Candidate | None:
    try:
        candidates = list(_candidates(text, today, hour))
    except OverflowError:  # a "today" at the very edge of the calendar
        return None
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c.start, -c.end))


# --- Public functions ---------------------------------------------------------------------------


def find_day(text: str, today: date, *, hour: int = 12) -> DayMatch | None:
    """The day an expression in `text` names, or None when the text names no day.

    When several expressions name a day, the first one counts. ``hour`` (0–23, the local hour
    the text was written) decides whether "i natt" is yesterday (before noon) or today.
    """
    candidate = _first(text, today, hour)
    return None if candidate is None else _to_match(candidate, today)


_TRAILING_PUNCTUATION_RE = re.compile(r"[\s.!?]*\Z")

# Anything that looks like a day, read or not: a number pair with a slash ("32/13", "0/0"),
# a dotted one ("12.13."), a weekday or a month name, "… dagar sedan", "ago".
_DAY_LIKE_PAIR_RE = re.compile(
    r"(?<![\w/.,:])\d{1,4}\s?/\s?\d{1,4}(?:[-/]\d{1,4})?(?![\w/])"
    r"|(?<![\w/.,:])\d{1,2}\.\d{1,2}\.(?:\d{2,4})?(?!\w)",
)
_DAY_LIKE_WORD_RE = re.compile(
    r"(?<!\w)(?:"
    r"(?:m[åa]n|tis|ons|tors|fre|l[öo]r|s[öo]n)dag\w*"
    r"|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
    r"|januari|februari|mars|april|juni|juli|augusti|september|oktober|november|december"
    r"|january|february|march|july|august|october"
    r"|(?:dag|dagar|dagarna|vecka|veckor|månad|månader|days?|weeks?|months?)\s+"
    r"(?:sedan|sen|ago|tillbaka)"
    r"|ago|yesterday|today|igår|idag|i\s+går|i\s+dag|förrgår"
    r")(?!\w)",
    _FLAGS,
)


def day_like_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that look like a day, whether or not ``find_day`` can read them.

    A caller compares them with what was read: a day-like word that was not read means the
    day is not known ("skolbesök 32/13", "för några dagar sedan"). Number pairs that are
    fractions, school years or roads ("3/4 av", "åk 8/9", "rv 84/45") are left out.
    """
    spans: list[tuple[int, int]] = []
    for m in _DAY_LIKE_PAIR_RE.finditer(text):
        before = text[max(0, m.start() - _PREFIX_LOOKBACK) : m.start()]
        if _NOT_A_DATE_BEFORE_RE.search(before) or _NOT_A_DATE_AFTER_RE.match(text, m.end()):
            continue
        spans.append(m.span())
    spans.extend(m.span() for m in _DAY_LIKE_WORD_RE.finditer(text))
    return spans


def parse_day(text: str, today: date, *, hour: int = 12) -> DayMatch | None:
    """Like find_day, but the whole text (stripped) must be the date expression (used when the
    bot has asked "which day?" and the user answers e.g. "i tisdags" or "3/11"). None otherwise.

    Closing punctuation is allowed after the expression ("i tisdags.", "igår!").
    """
    candidate = _first(text, today, hour)
    if candidate is None or text[: candidate.start].strip():
        return None
    if _TRAILING_PUNCTUATION_RE.match(text, candidate.end) is None:
        return None
    return _to_match(candidate, today)


_WEEKDAYS_SV = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day_label(day: date, today: date, lang: Literal["sv", "en"] = "sv") -> str:
    """A day's name for people, relative to ``today``.

    "i dag", "i går", "i förrgår", else e.g. "fredag 13 november" (add the year when it is not
    today's year: "fredag 13 november 2025"). English: "today", "yesterday", "Friday 13 November".

    English has no word for the day before yesterday here: it is named like any other day.
    Raises ValueError for a language other than "sv" or "en".
    """
    if lang not in ("sv", "en"):
        raise ValueError(f"unsupported language {lang!r}; expected 'sv' or 'en'")
    sv = lang == "sv"
    relative = ("i dag", "i går", "i förrgår") if sv else ("today", "yesterday")
    back = (today - day).days
    if 0 <= back < len(relative):
        return relative[back]
    weekdays = _WEEKDAYS_SV if sv else _WEEKDAYS_EN
    months = MONTHS_SV if sv else MONTHS_EN
    label = f"{weekdays[day.weekday()]} {day.day} {months[day.month - 1]}"
    return label if day.year == today.year else f"{label} {day.year}"


ComingProblem = Literal["past", "invalid"]


def _coming(day: int, month: int, today: date) -> date | ComingProblem:
    """The next day/month on or after today (29/2: the next leap year's)."""
    for year in range(today.year, today.year + 5):
        found = _dated(year, month, day)
        if found is not None and found >= today:
            return found
    return "invalid"


def parse_coming_day(text: str, today: date) -> date | ComingProblem | None:
    """The whole text (stripped) as a day from today on: "24/12", "24.12.", "24 december",
    "6 jan 2027", "2027-01-06", "24/12-26". None when it is not such a date.

    A date without a year is its next occurrence on or after today. A date that does not exist
    gives "invalid"; a day before today (written with its year) gives "past".
    """
    stripped = text.strip()
    for pattern in (_ISO_RE, _COMPACT_RE, _DAY_MONTH_RE, _DOTTED_RE, _MONTH_NAME_RE):
        m = pattern.match(stripped)
        if m is None or _TRAILING_PUNCTUATION_RE.match(stripped, m.end()) is None:
            continue
        groups = m.groupdict()
        month = int(groups["m"]) if groups.get("m") else _month(m)
        day = int(m["d"])
        year = groups.get("y") or groups.get("y4")
        if year is None:
            return _coming(day, month, today)
        found = _dated(_full_year(year, today), month, day)
        if found is None:
            return "invalid"
        return "past" if found < today else found
    return None
