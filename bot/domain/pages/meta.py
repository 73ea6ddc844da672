"""Municipality, police area, period and publication date of a page.

Rules:
- Municipality: first from the title ("Medborgarlöften i X", "X – medborgarlöften", "X kommun
  och polisen …", "Medborgarlöfte för Xs kommun"), then the name most often written before
  "kommun"/"stad" in the text. A genitive "s" is dropped ("Härnösands kommun" → "Härnösand")
  unless the name with "s" is a real municipality ("Borås") or the page never writes the name
  without it and it reads like a name of its own ("-fors", "-ås", "-näs").
- Police area: "Lokalpolisområde X", "lokalpolisområdet X", "lokalpolisen X", "LPO X" with X in
  capitals ("Östra Norrbotten"); "Polisområde Jämtland" is a larger unit and is not used.
- Period, strongest first: a date range; a year range ("2019 och 2020", "2018–2019") in the title,
  a heading or a sentence about the pledges; "tills vidare"/"från och med nu" (open-ended from
  the publication date, else today, with a warning); one year in a heading or sentence about the
  pledges ("Medborgarlöfte 2017", "löftena gäller 2021"); a year range anywhere else (warning);
  nothing (warning, null).
- Publication date: "Publicerad 2019-05-02" / "Publicerad 2 maj 2019", a date alone at the top
  ("2020-01-28 10.32"), then "Sidan uppdaterad …".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.municipality_names import MUNICIPALITY_NAMES as MUNICIPALITIES
from bot.domain.pages.model import PagePeriod
from bot.domain.pages.text import Block

_MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
_ISO_DATE = r"(?:19|20)\d\d-[01]\d-[0-3]\d"
_LONG_DATE = r"\d{1,2}\s+(?:" + "|".join(_MONTHS) + r")\s+(?:19|20)\d\d"
_DATE = rf"(?:{_ISO_DATE}|{_LONG_DATE})"


def parse_date(text: str) -> date | None:
    """A date written "2019-05-02" or "2 maj 2019", or None."""
    iso = re.search(rf"\b({_ISO_DATE})\b", text)
    if iso:
        year, month, day = (int(p) for p in iso.group(1).split("-"))
        try:
            return date(year, month, day)
        except ValueError:
            return None
    long = re.search(rf"\b({_LONG_DATE})\b", text, re.IGNORECASE)
    if long:
        day_s, month_s, year_s = long.group(1).split()
        try:
            return date(int(year_s), _MONTHS[month_s.lower()], int(day_s))
        except ValueError:
            return None
    return None


def find_published(blocks: Sequence[Block]) -> date | None:
    """The publication date written on the page, or None."""
    for block in blocks:
        match = re.search(rf"\bpublicerad\w*[:\s]+({_DATE})", block.text, re.IGNORECASE)
        if match:
            return parse_date(match.group(1))
    for block in blocks[:6]:
        if block.kind == "noise" and re.fullmatch(
            rf"{_DATE}(?:,?\s+(?:kl\.?\s*)?\d{{1,2}}[.:]\d\d)?", block.text, re.IGNORECASE
        ):
            return parse_date(block.text)
    for block in blocks:
        match = re.search(rf"\b(?:uppdaterad|ändrad)\w*[:\s]+({_DATE})", block.text, re.IGNORECASE)
        if match:
            return parse_date(match.group(1))
    return None


# ---------------------------------------------------------------------------------------------
# Municipality

_NAME = r"(?:(?:Upplands|Lilla|Östra|Malung|Dals)[\s-])?[A-ZÅÄÖ][\wåäöéü-]+"
_TITLE_PATTERNS = (
    re.compile(
        rf"medborgarlöfte\w*\s+(?:(?:19|20)\d\d\S*\s+)?(?:i|för)\s+(?P<name>{_NAME})"
        r"(?:s?\s+(?:kommun|stad))?",
        re.IGNORECASE,
    ),
    re.compile(rf"^(?P<name>{_NAME})\s*[–—:-]\s*(?:\w+\s+)?medborgarlöfte", re.IGNORECASE),
    re.compile(rf"^(?:region\s+)?(?P<name>{_NAME})\s+(?:kommun|stad)s?\b"),
    re.compile(rf"medborgarlöfte\w*\s+(?P<name>{_NAME})(?:\s|$)"),
    re.compile(
        rf"medborgarlöfte\w*(?:\s+(?:19|20)\d\d\S*)?\s*[–—:|-]\s*(?P<name>{_NAME})"
        r"(?:s?\s+(?:kommun|stad))?\s*$"
    ),
)
_IN_TEXT_RE = re.compile(
    rf"(?<![\wåäö])(?P<name>{_NAME})\s+(?:kommun|kommuns|kommunen|stad|stads|Stad|Stads)\b"
)
_REGION_RE = re.compile(r"\bRegion\s+(?P<name>Gotland)\b")
_NOT_NAMES = frozenset(
    {
        "Polisen",
        "Polis",
        "Region",
        "Hela",
        "Denna",
        "Vår",
        "Varje",
        "Samma",
        "Din",
        "Er",
        "Och",
        "I",
        "Medborgarlöften",
        "Medborgarlöfte",
        "Tillsammans",
        "Lokalpolisområde",
        "Polismyndigheten",
        "Den",
        "Det",
        "En",
        "Ett",
        "Alla",
        "Hur",
        "Nya",
        "De",
        "Uppföljning",
        "Resultat",
        "Redovisning",
        "Våra",
        "Om",
        "Så",
        "Utfall",
        "Välkommen",
        "Nyhet",
        "Nyheter",
        "Stadsdel",
        "Stadsdelen",
        "Stadsdelsområde",
        "Stadsdelsområdet",
        "Området",
        "Kommundel",
        "Kommundelen",
    }
)
_OWN_S_ENDINGS = ("fors", "ås", "näs", "os", "us", "is", "es", "ss", "xs", "zs")


def _base_name(raw: str, text: str) -> str:
    name = re.sub(r"\s+(?:kommun|stad)s?$", "", raw.strip(), flags=re.IGNORECASE)
    if name in MUNICIPALITIES:
        return name
    if name.endswith("s"):
        stem = name[:-1]
        if stem in MUNICIPALITIES:
            return stem
        if re.search(rf"(?<![\wåäö]){re.escape(stem)}(?![\wåäö])", text):
            return stem
        if not name.lower().endswith(_OWN_S_ENDINGS) and len(stem) >= 3:
            return stem
    return name


def find_municipality(titles: Sequence[str], blocks: Sequence[Block]) -> str | None:
    """The municipality of the page, or None."""
    text = "\n".join(b.text for b in blocks if b.kind != "noise")
    in_text = _named_in_text(text)
    for title in titles:
        for pattern in _TITLE_PATTERNS:
            match = pattern.search(title)
            if match and match.group("name") not in _NOT_NAMES:
                name = _base_name(match.group("name"), text)
                if name not in MUNICIPALITIES and in_text in MUNICIPALITIES:
                    # A district or an area of a city ("Angered", "Södra innerstaden"): the
                    # kommun is the city the text names.
                    return in_text
                return name
    return in_text


def _named_in_text(text: str) -> str | None:
    """The kommun the text names most often as "X kommun" / "X stad" (a real one first)."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for match in _IN_TEXT_RE.finditer(text):
        raw = match.group("name")
        if raw in _NOT_NAMES or raw.split()[0] in _NOT_NAMES:
            continue
        name = _base_name(raw, text)
        counts[name] += 1
        first_seen.setdefault(name, match.start())
    for match in _REGION_RE.finditer(text):
        counts[match.group("name")] += 1
        first_seen.setdefault(match.group("name"), match.start())
    if not counts:
        return None
    known = [n for n in counts if n in MUNICIPALITIES]
    pool = known or list(counts)
    return max(pool, key=lambda n: (counts[n], -first_seen[n]))


# ---------------------------------------------------------------------------------------------
# Police area

_POLICE_AREA_RE = re.compile(
    r"(?:\b[Ll]okalpolisområde(?:t|na)?|\b[Ll]okalpolisen|\bLPO)\s+"
    r"(?P<name>[A-ZÅÄÖ][\wåäö-]+(?:\s+[A-ZÅÄÖ][\wåäö-]+){0,2})"
)


def find_police_area(blocks: Sequence[Block]) -> str | None:
    counts: Counter[str] = Counter()
    order: dict[str, int] = {}
    for block in blocks:
        for match in _POLICE_AREA_RE.finditer(block.text):
            name = match.group("name")
            name = re.sub(r"\s+(?:Och|Samt)\b.*$", "", name)
            counts[name] += 1
            order.setdefault(name, len(order))
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -order[n]))


# ---------------------------------------------------------------------------------------------
# Period

_YEAR = r"(?:19|20)\d\d"
_DATE_RANGE_RE = re.compile(
    rf"(?P<a>{_ISO_DATE})\s*(?:-|–|—|till|t\.o\.m\.?|tom)\s*(?P<b>{_ISO_DATE})", re.IGNORECASE
)
_YEAR_RANGE_RE = re.compile(
    rf"(?<![\d-])(?P<a>{_YEAR})\s*(?:-|–|—|till|och|t\.o\.m\.?|tom|/)\s*(?:år\s+)?"
    rf"(?P<b>{_YEAR})(?![\d-])",
    re.IGNORECASE,
)
_OPEN_RE = re.compile(
    r"\btills?\s*vidare\b|\bfrån\s+och\s+med\s+nu\b|\btills\s+annat\s+beslutas\b|"
    r"\butan\s+slutdatum\b",
    re.IGNORECASE,
)
_START_RE = re.compile(
    rf"\b(?:från\s+och\s+med|fr\.\s?o\.\s?m\.?|med\s+start)\s+(?:den\s+)?"
    rf"(?:(?P<date>{_DATE})|(?:år\s+)?(?P<year>{_YEAR})\b)",
    re.IGNORECASE,
)
_PLEDGE_CONTEXT_RE = re.compile(
    r"medborgarlöfte|löfte|gäller|period|avser|avtal|överenskommelse", re.IGNORECASE
)
_SINGLE_YEAR_RES = (
    re.compile(rf"medborgarlöfte\w*\b.{{0,40}}?\b(?P<y>{_YEAR})\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:medborgarlöfte\w*|löfte\w*)\s+(?:för|gäller|under|avser)?\s*(?:år\s+)?"
        rf"(?P<y>{_YEAR})\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\bgäller\s+(?:för\s+|under\s+)?(?:år\s+)?(?P<y>{_YEAR})\b", re.IGNORECASE),
)


@dataclass(frozen=True, slots=True)
class PeriodReading:
    period: PagePeriod
    open_ended: bool
    warnings: tuple[str, ...]


def _sentences(blocks: Sequence[Block]) -> list[tuple[str, bool]]:
    """(sentence, is_heading) for every content block."""
    out: list[tuple[str, bool]] = []
    for block in blocks:
        if block.kind == "noise":
            continue
        if block.kind == "heading":
            out.append((block.text, True))
            continue
        out.extend((s, False) for s in re.split(r"(?<=[.!?])\s+", block.text) if s)
    return out


def _year_range(text: str) -> tuple[int, int] | None:
    for match in _YEAR_RANGE_RE.finditer(text):
        first, last = int(match.group("a")), int(match.group("b"))
        if first < last <= first + 6:
            return first, last
    return None


def find_period(
    blocks: Sequence[Block], titles: Sequence[str], published: date | None, today: date
) -> PeriodReading:
    sentences = [(t, True) for t in titles] + _sentences(blocks)
    for text, _ in sentences:
        match = _DATE_RANGE_RE.search(text)
        if match:
            start = parse_date(match.group("a"))
            end = parse_date(match.group("b"))
            if start and end and start < end:
                return PeriodReading(PagePeriod(start, end), False, ())
    for text, heading in sentences:
        if heading or _PLEDGE_CONTEXT_RE.search(text):
            years = _year_range(text)
            if years:
                return PeriodReading(
                    PagePeriod(date(years[0], 1, 1), date(years[1], 12, 31)), False, ()
                )
    for text, _ in sentences:
        if _OPEN_RE.search(text):
            stated = _START_RE.search(text) or next(
                (m for m in (_START_RE.search(t) for t, _ in sentences) if m), None
            )
            if stated is not None:
                start = (
                    parse_date(stated.group("date"))
                    if stated.group("date")
                    else date(int(stated.group("year")), 1, 1)
                )
                if start is not None:
                    return PeriodReading(PagePeriod(start, None), True, ())
            if published is not None:
                return PeriodReading(PagePeriod(published, None), True, ())
            warning = (
                "Löftena gäller tills vidare men sidan saknar publiceringsdatum – perioden "
                f"räknas från i dag ({today.isoformat()}); ändra startdatum vid importen om det "
                "behövs"
            )
            return PeriodReading(PagePeriod(today, None), True, (warning,))
    for text, heading in sentences:
        for pattern in _SINGLE_YEAR_RES:
            if pattern is _SINGLE_YEAR_RES[0] and not heading:
                continue
            match = pattern.search(text)
            if match:
                year = int(match.group("y"))
                return PeriodReading(PagePeriod(date(year, 1, 1), date(year, 12, 31)), False, ())
    for text, _ in sentences:
        years = _year_range(text)
        if years:
            warning = (
                f'Perioden {years[0]}–{years[1]} är gissad ur texten "{_short(text)}" – '
                "kontrollera den vid importen"
            )
            return PeriodReading(
                PagePeriod(date(years[0], 1, 1), date(years[1], 12, 31)), False, (warning,)
            )
    return PeriodReading(
        PagePeriod(None, None), False, ("Hittade ingen period – ange den vid importen",)
    )


_REPORTED_RES = (
    re.compile(
        rf"\b(?:gjorts|gjort|genomförts|hänt|gjordes|genomfördes|uträttats|redovis\w*|resultat\w*|"
        rf"uppföljning\w*|utfall\w*)\b.{{0,40}}?\b(?:under|för|år|året,?|i)\s+(?:år\s+)?"
        rf"(?P<y>{_YEAR})\b(?!\s*(?:-|–|—|och|till)\s*{_YEAR})",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:resultat\w*|uppföljning\w*|utfall\w*|så gick det)\s+(?:för\s+|under\s+)?"
        rf"(?:år\s+)?(?P<y>{_YEAR})\s*:?$",
        re.IGNORECASE,
    ),
)


def find_reported_period(blocks: Sequence[Block], period: PagePeriod) -> PagePeriod | None:
    """The year a follow-up reports on, when the page names one inside a longer period
    ("Här redovisas vad som har gjorts under 2019" on a 2019–2020 page, or on a page that gives
    no period); else None."""
    for text, heading in _sentences(blocks):
        for pattern in _REPORTED_RES:
            if pattern is _REPORTED_RES[1] and not heading:
                continue
            match = pattern.search(text)
            if match is None:
                continue
            year = int(match.group("y"))
            start, end = date(year, 1, 1), date(year, 12, 31)
            if period.start is None:
                return PagePeriod(start, end)
            inside = period.start <= start and (period.end is None or end <= period.end)
            if inside and (start, end) != (period.start, period.end):
                return PagePeriod(start, end)
    return None


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
