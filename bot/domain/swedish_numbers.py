"""Swedish numbers in text: number words, approximate words and counts.

Pure functions, no I/O. Used by the page reader (``bot.domain.pages``) and by anything else
that has to understand "minst fyra", "ett hundratal" or "över 40" in Swedish text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "APPROXIMATE_PREFIXES",
    "AT_LEAST_PREFIXES",
    "NumberMatch",
    "find_count",
    "find_numbers",
    "parse_approximate_word",
    "parse_number_word",
]

_UNITS: dict[str, int] = {
    "noll": 0,
    "en": 1,
    "ett": 1,
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "tretton": 13,
    "fjorton": 14,
    "femton": 15,
    "sexton": 16,
    "sjutton": 17,
    "arton": 18,
    "aderton": 18,
    "nitton": 19,
}

_TENS: dict[str, int] = {
    "tjugo": 20,
    "trettio": 30,
    "fyrtio": 40,
    "förtio": 40,
    "femtio": 50,
    "sextio": 60,
    "sjuttio": 70,
    "åttio": 80,
    "nittio": 90,
}

# The ones that may end a compound ("tjugotvå"): the unit words one to nine.
_ONES_IN_COMPOUNDS: dict[str, int] = {w: n for w, n in _UNITS.items() if 1 <= n <= 9}


def _build_words() -> dict[str, int]:
    words = dict(_UNITS)
    for tens_word, tens in _TENS.items():
        words[tens_word] = tens
        for ones_word, ones in _ONES_IN_COMPOUNDS.items():
            words[tens_word + ones_word] = tens + ones
    words["hundra"] = 100
    words["etthundra"] = 100
    return words


_WORDS: dict[str, int] = _build_words()

# "ett hundratal" = about a hundred; "ett tiotal" = about ten; "ett par" = a couple.
_APPROXIMATE_WORDS: dict[str, int] = {
    "tiotal": 10,
    "dussin": 12,
    "tjugotal": 20,
    "trettiotal": 30,
    "fyrtiotal": 40,
    "femtiotal": 50,
    "sextiotal": 60,
    "sjuttiotal": 70,
    "åttiotal": 80,
    "nittiotal": 90,
    "hundratal": 100,
    "par": 2,
}

#: Words in front of a number that make it a lower bound ("minst fyra").
AT_LEAST_PREFIXES: tuple[str, ...] = (
    "minst",
    "åtminstone",
    "lägst",
    "som minst",
    "inte mindre än",
    "inte färre än",
)

#: Words in front of a number that make it approximate ("över 40", "cirka 30").
APPROXIMATE_PREFIXES: tuple[str, ...] = (
    "över",
    "drygt",
    "mer än",
    "fler än",
    "cirka",
    "ca",
    "ca.",
    "c:a",
    "runt",
    "omkring",
    "ungefär",
    "nästan",
    "närmare",
    "knappt",
    "uppemot",
    "upp emot",
    "upp mot",
)


def parse_number_word(word: str) -> int | None:
    """Return the value of a Swedish number word 0–100, or None.

    Accepts "noll", "en"/"ett", "två" … "tjugo", compounds "tjugoen" … "nittionio" (also with a
    hyphen or a space: "tjugo-fem", "tjugo fem"), "hundra", "etthundra"/"ett hundra", and digits.
    Approximate words ("hundratal") are not numbers here: see ``parse_approximate_word``.
    """
    cleaned = word.strip().lower().replace("\u00a0", " ")
    if not cleaned:
        return None
    if cleaned.isdigit():
        return int(cleaned)
    joined = re.sub(r"[\s-]+", "", cleaned)
    return _WORDS.get(joined)


def parse_approximate_word(word: str) -> int | None:
    """Return the value of an approximate word ("hundratal" -> 100, "tiotal" -> 10), or None."""
    return _APPROXIMATE_WORDS.get(word.strip().lower())


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """One number found in a text.

    ``start``/``end`` cover the number itself (and "ett" in "ett hundratal"); ``prefix`` is the
    lower-cased qualifier in front of it ("minst", "över", …) or "" when there is none.
    ``article`` is True for "en"/"ett", which are usually the indefinite article and only a
    number when the context says so (the caller decides). ``approximate`` is True for "ett
    hundratal" style words and for approximate prefixes; ``at_least`` for "minst" style prefixes.
    """

    value: int
    start: int
    end: int
    text: str
    prefix: str
    approximate: bool
    at_least: bool
    article: bool
    is_word: bool


_TENS_ALT = "|".join(sorted(_TENS, key=len, reverse=True))
_UNITS_ALT = "|".join(sorted(_UNITS, key=len, reverse=True))
_ONES_ALT = "|".join(sorted(_ONES_IN_COMPOUNDS, key=len, reverse=True))
_APPROX_ALT = "|".join(sorted(_APPROXIMATE_WORDS, key=len, reverse=True))
_PREFIX_ALT = "|".join(
    re.escape(p) for p in sorted(AT_LEAST_PREFIXES + APPROXIMATE_PREFIXES, key=len, reverse=True)
)

_NUMBER_RE = re.compile(
    rf"(?<![\w.,:/-])"
    rf"(?:(?P<prefix>{_PREFIX_ALT})\s+)?"
    rf"(?:"
    rf"(?P<approx>(?:ett|en)\s+(?:{_APPROX_ALT}))"
    rf"|(?P<hundred>(?:ett\s*)?hundra)(?!tal)"
    rf"|(?P<compound>(?:{_TENS_ALT})(?:-?(?:{_ONES_ALT}))?)"
    rf"|(?P<unit>{_UNITS_ALT})"
    rf"|(?P<digits>\d{{1,7}}(?:[ \u00a0]\d{{3}})*)"
    rf")"
    rf"(?![\w]|[.,:]\d|-\d|/\d)",
    re.IGNORECASE,
)


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number (digits or Swedish words) in ``text``, in order of appearance."""
    found: list[NumberMatch] = []
    for m in _NUMBER_RE.finditer(text):
        prefix = (m.group("prefix") or "").lower()
        approximate = prefix in APPROXIMATE_PREFIXES
        at_least = prefix in AT_LEAST_PREFIXES
        article = False
        is_word = True
        if m.group("approx"):
            word = m.group("approx").split()[-1]
            value = _APPROXIMATE_WORDS[word.lower()]
            approximate = True
            number_start = m.start("approx")
        elif m.group("hundred"):
            value = 100
            number_start = m.start("hundred")
        elif m.group("compound"):
            parsed = parse_number_word(m.group("compound"))
            if parsed is None:  # pragma: no cover - the pattern only matches known words
                continue
            value = parsed
            number_start = m.start("compound")
        elif m.group("unit"):
            unit = m.group("unit").lower()
            value = _UNITS[unit]
            article = unit in ("en", "ett")
            number_start = m.start("unit")
        else:
            digits = re.sub(r"[ \u00a0]", "", m.group("digits"))
            value = int(digits)
            is_word = False
            number_start = m.start("digits")
        found.append(
            NumberMatch(
                value=value,
                start=number_start,
                end=m.end(),
                text=m.group(0),
                prefix=prefix,
                approximate=approximate,
                at_least=at_least,
                article=article,
                is_word=is_word,
            )
        )
    return found


_NOT_A_COUNT_AFTER = re.compile(
    r"\s*(?:%|procent|procentenheter|kr\b|kronor|år\b|års\b|-?åring|:e\b)", re.IGNORECASE
)
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?:\b(?:årskurs|åk|klass|år|kl|klockan|nr|nummer|e|rv|lv|väg|riksväg|länsväg|sidan)\.?|§)\s*$",
    re.IGNORECASE,
)


def find_count(text: str) -> tuple[int, bool] | None:
    """The first plausible count in ``text`` as (value, approximate), or None.

    Skips years (1900–2099 written as four digits), percentages, ages, ordinals, school years
    ("årskurs 8"), road numbers ("E45", "Rv 84") and "en"/"ett" used as articles — except "en
    gång" and "ett tillfälle", which are counts.
    """
    for number in find_numbers(text):
        after = text[number.end :]
        before = text[: number.start]
        if not number.is_word and 1900 <= number.value <= 2099 and len(str(number.value)) == 4:
            continue
        if _NOT_A_COUNT_AFTER.match(after) or _NOT_A_COUNT_BEFORE.search(before):
            continue
        if number.article and not re.match(r"\s+(?:gång|tillfälle)\b", after, re.IGNORECASE):
            continue
        return number.value, number.approximate
    return None
