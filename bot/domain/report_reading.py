"""Reading a reporter's one-message activity log written in ordinary Swedish.

Officers and municipal staff log what they did in one message from a phone: "Skolbesök på Sveg
skola idag", "3 trafikkontroller E45 igår", "besökte HVB-boendet, 2 timmar". ``read_report``
works out which pledge the message is about, the count, the day and the place. It decides only
when the reading is unambiguous; otherwise it leaves ``pledge`` None (or ``count_sure`` False)
and returns the plausible candidates so that the bot can ask with buttons. A wrong reading is
worse than a question, so every rule here errs on the side of asking.

Pure functions, no I/O, no clock: "today" and the hour are parameters.

How a message is read:

* Words are lower-cased, split on hyphens and punctuation and between letters and digits
  ("åk8" → "åk 8", "HVB-boendet" → "hvb boendet"), stemmed with the Snowball Swedish stemmer
  plus a few definite endings it leaves ("skolan", "tipset", "evenemanget") and a trailing
  genitive "s", then folded (å/ä → a, ö → o) so that "foraldramote" matches "föräldramöte".
* Each pledge has terms: its short name, its synonyms and its unit. A term matches as the same
  stem (inflections), as a compound ("vägtrafikkontroll", "skolbesöksdag"), as a split compound
  ("föräldra möte", "andtutbildning"), with about one typing error on words of five letters or
  more, or — weakly — as the head of a compound term ("kontroller" for "trafikkontroll").
  Multi-word terms match as consecutive stems; their small words ("i", "med", "om") may differ.
* Weights: the short name 1.0, a synonym 0.9, a unit 0.72, a generic word 0.5 ("skola", "möte",
  "tips" and any synonym that is part of another pledge's terms in the same municipality), a
  short one (four letters or less) 0.6 — 0.85 when written in capitals ("HVB", "VNR") — and a
  common small word ("sig") 0.3. Further terms of the same pledge on other words add 0.1 each
  (at most 0.2); a coverage item named in the text adds 0.1 (partly) or 0.2 (fully).
* A pledge is decided when its score is at least 0.75, the runner-up of the same municipality
  is at least 0.1 behind, a runner-up of another municipality at least 0.2 behind, no other
  pledge is named strongly (0.9) on other words ("skolbesök och trafikkontroll"), and nothing
  in the message says the activity did not happen, is only planned or is in doubt
  ("inställt", "inte", "ska", "fel", a question mark). A municipality named in the text ("i
  Åsele", "Åsele:") restricts the pledges to that municipality's.
* Counts: a number in front of "gång(er)", "tillfälle(n)", "st", "x" or a word of the chosen
  pledge ("3 trafikkontroller", "tre kontroller", "2 st", "två gånger", "en gång", "3x",
  "lag och rätt i två klasser" with the unit "klassbesök") is sure. Durations, clock times,
  road numbers, school years, dates, ages, years, amounts, speeds and numbers of people or
  vehicles ("40 förare") are never counts. A number that cannot be placed ("skolbesök Sveg 3",
  "tre klasser" for a school visit), an approximate one ("ca 3"), a range ("3-4") or two
  different sure counts make the count unsure. "0", "noll", "inga" before the activity give
  the problem "zero"; "-3" "negative"; more than ``MAX_COUNT`` "too_large".
* The day comes from ``bot.domain.dates.find_day`` (today when none is named). Its problems
  ("future", "too_old", "invalid") are passed on, and one more is added: "unclear" when the
  text names a time that is no single past day ("förra veckan", "i helgen", "v.47", "i år"),
  "på fredag" (the last Friday or the coming one?), or two different days. The day is None
  whenever there is a problem.
* The place is a phrase after "på", "i", "vid", "utanför", "längs", "mot", "hos" or "genom", a
  road ("E45", "Rv 84", "väg 311"), a capitalised name, or a coverage item's name in the text;
  as written, without dates, counts and punctuation; None when unsure (a lower-case word after
  a preposition is a place only with a place noun: "på sveg skola", not "hos familjen"). A
  municipality name alone is not a place: it goes to ``municipality``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from bot.domain import swedish
from bot.domain.dates import DayMatch, day_like_spans, find_day
from bot.domain.lexicon import CONCEPTS, terms_for
from bot.domain.municipality_names import SWEDISH_MUNICIPALITIES
from bot.domain.swedish import FOLD, Token
from bot.domain.swedish_numbers import NumberMatch, find_numbers

__all__ = [
    "MAX_COUNT",
    "Candidate",
    "CountProblem",
    "CoverageChoice",
    "PledgeChoice",
    "ReportReading",
    "day_options",
    "match_coverage",
    "read_report",
]


# --- Public data ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoverageChoice:
    """One item of a pledge's coverage list ("Sveg skola", "Ytterhogdal")."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class PledgeChoice:
    """A pledge the reporter may report on, as the reader needs it."""

    id: int
    municipality: str
    short_name: str
    synonyms: tuple[str, ...] = ()
    focus_area: str | None = None
    unit: str | None = None
    coverage: tuple[CoverageChoice, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A plausible pledge for a message: ``score`` 0..1, ``matched`` the words that matched."""

    pledge: PledgeChoice
    score: float
    matched: str


CountProblem = Literal["zero", "negative", "too_large"]

#: The largest count one message may report.
MAX_COUNT = 999


@dataclass(frozen=True, slots=True)
class ReportReading:
    """What a message says, and how sure the reader is of it.

    ``candidates``: the plausible pledges, best first, at most four. ``pledge``: set only when
    one of them is clearly meant. ``count``: 1 when none is stated; ``count_sure`` is False
    when a number is there that may not be the count. ``day``: today when none is stated, None
    when ``day_problem`` is set ("future", "too_old", "invalid" from ``find_day``, or
    "unclear"). ``place``: as written, or None. ``coverage_item``: an item of the chosen
    pledge's coverage named in the place or the text. ``municipality``: the one municipality
    of the choices that the text names, if any.
    """

    text: str
    candidates: tuple[Candidate, ...]
    pledge: PledgeChoice | None
    count: int
    count_stated: bool
    count_sure: bool
    count_problem: CountProblem | None
    day: date | None
    day_stated: bool
    day_problem: str | None
    place: str | None
    coverage_item: CoverageChoice | None
    municipality: str | None
    #: Kommuner the text names that are not among the reporter's: never saved without asking.
    other_municipalities: tuple[str, ...] = ()
    #: When the day is unclear: the days to offer, most recent first.
    day_options: tuple[date, ...] = ()
    #: The words that named nothing the reader knows (no pledge, day, count or place), as
    #: written, when they are one short phrase: what a reporter's pick can teach.
    unread_words: str | None = None

    @property
    def decided(self) -> bool:
        """True when the message can be saved without asking anything."""
        return (
            self.pledge is not None
            and self.count_sure
            and self.count_problem is None
            and self.day_problem is None
            and self.day is not None
            and not self.other_municipalities
        )


# --- Tuning ---------------------------------------------------------------------------------

_DECIDE_MIN = 0.75
# A second pledge this strong on other words means the message names two activities.
_TWO_ACTIVITIES_MIN = 0.9
_MARGIN_SAME_MUNICIPALITY = 0.1
_MARGIN_OTHER_MUNICIPALITY = 0.2
_CANDIDATE_MIN = 0.4
_CANDIDATE_WINDOW = 0.45
_MAX_CANDIDATES = 4
_EPSILON = 1e-9

_W_SHORT_NAME = 1.0
_W_SYNONYM = 0.9
_W_LEXICON = 0.8  # a word of the field's lexicon for what the pledge names
_W_UNIT = 0.72
_W_GENERIC = 0.5
_W_SHORT_WORD = 0.6
_W_CAPITALS = 0.85
_W_SMALL_WORD = 0.3

_M_COMPOUND_HEAD = 0.9  # "vägtrafikkontroll": the term is the head of the word
_M_COMPOUND_MODIFIER = 0.8  # "skolbesöksdag": the term is the first part of the word
_M_JOINED = 0.95  # "föräldra möte", "andtutbildning"
_M_TYPO = 0.85
_M_PARTIAL = 0.6  # "kontroller" for "trafikkontroll"
_M_LOOSE = 0.95  # a multi-word term with more words in between than it has small words

_EXTRA_TERM_BONUS = 0.1
_EXTRA_TERM_MAX = 2
_COVERAGE_FULL_BONUS = 0.2
_COVERAGE_PART_BONUS = 0.1

# How many later numbers are tried as the start of a second day.
_MAX_DAY_RETRIES = 8

# --- Words ----------------------------------------------------------------------------------


def _word_key(low: str) -> str:
    """The key a word is matched by; small words ("mot", "i") only ever match themselves."""
    folded = low.translate(FOLD)
    return "~" + folded if folded in _SMALL_WORDS else swedish.key(low)


# Small words: never a place, weak as a term, soft inside a multi-word term.
_SMALL_WORDS = swedish.folds(
    """
    och i på med om för till av att som en ett den det de vid mot hos från är var har hade vi
    jag man samt under efter kring inför utan eller men så sen sedan då nu här där också även
    sig sin sitt sina oss dem han hon hans hennes deras vår våra vårt min mitt mina ni er dom
    ut upp in över ute inne genom längs utanför bland mellan mm osv etc ca kl klockan plus alla
    allt blev gjorde gjort vara bli bara lite mycket många några annan andra inom hela per
    """
)

# Words too common to point at one pledge on their own.
_GENERIC_KEYS = swedish.keys(
    """
    skola skolan skolor besök möte möten träff träffar tips information info utbildning
    utbildningar lektion lektioner trafik insats insatser kontroll kontroller samtal dialog
    närvaro tillgänglig samarbete samarbeten tobak rökning kartläggning pass tillfälle
    tillfällen aktivitet aktiviteter högstadiet gymnasiet drogförebyggande arbete polis
    plats personal grupp gruppen verksamhet
    """
)

# Nouns that a number in front of makes a count, whatever the pledge; otherwise the noun must
# be one of the pledge's own words ("3 kontroller" for "trafikkontroller", not "3 klasser").
_COUNT_NOUN_KEYS = swedish.keys("gång gånger ggr tillfälle tillfällen")
_UNIT_WORDS = swedish.folds(["st", "st.", "stycken", "styck", "ggr", "x"])

# Nouns of people and things: a number in front of them is not the count ("40 förare").
# Compared as written (folded), since some share a stem with words that are counted
# ("besökare" and "besök").
_NOT_COUNTED_FORMS = swedish.folds(
    """
    elever eleverna elev deltagare deltagarna personer personerna person pers föräldrar
    föräldrarna ungdomar ungdomarna barn barnen bilar bilarna bil fordon fordonen förare
    förarna poliser poliserna kollegor lärare lärarna vuxna besökare åskådare mopeder
    mopederna tjejer killar flickor pojkar män kvinnor gripna gripanden prov proven
    utandningsprov blåsprov alkotest sidor km kilometer mil meter kronor kr procent patruller
    patrull bussar lastbilar skotrar hundar klassrum
    """
)
_NOT_COUNTED_HEADS = swedish.folds("prov bilar förare elever ungdomar deltagare personer")

# Place nouns: extend a capitalised name ("Sveg skola") or make a lowercase phrase a place.
_PLACE_NOUN_KEYS = swedish.keys(
    """
    skola skolan skolor gymnasium gymnasiet högstadiet högstadieskola mellanstadiet centrum
    torget torg hamnen hamn stationen resecentrum kyrkan fritidsgården fritidsgård parken
    hallen sporthallen idrottshallen badet campingen camping boendet skolgården biblioteket
    kommunhuset köpcentrum affären centralskola
    """
)
# Place nouns too vague to be a place on their own ("på skolan").
_VAGUE_PLACE_KEYS = swedish.keys(["skola", "skolan", "skolor", "boendet"])
# Generic parts of coverage names: "Hälledalsskolan" is "Hälledal" + a school.
_COVERAGE_GENERIC_KEYS = swedish.keys(
    "skola skolan gymnasium gymnasiet högstadiet högstadieskola centrum torget"
)

# Words of time: never a place.
_TIME_KEYS = swedish.keys(
    """
    idag igår imorgon morse kväll kvällen natt natten morgon morgonen eftermiddag
    eftermiddagen förmiddag förmiddagen helg helgen vecka veckan lunch lunchen rast rasten
    samband tid dag dagen timme timmar kvart stund höstas våras somras vintras fjol år
    måndag tisdag onsdag torsdag fredag lördag söndag måndags tisdags onsdags torsdags
    fredags lördags söndags gång gånger
    """
)

# Nouns after a preposition that are not places ("hos rektor", "på plats").
_NOT_PLACE_KEYS = swedish.keys(
    """
    plats stan rektor rektorn personal personalen föräldrar elever eleverna ungdomar kollegor
    kommunen polisen socialtjänsten gruppen familjen telefon mejl mail nätet distans länk
    teams zoom uppdrag begäran
    """
)

_PLACE_PREPOSITIONS = swedish.folds(["på", "i", "vid", "utanför", "längs", "mot", "hos", "genom"])


_ROAD_RE = re.compile(
    r"(?<![\w-])(?:E\s?\d{1,2}|e\d{1,2}|(?:rv|lv|riksväg|länsväg|väg)\.?\s?\d{1,4})(?![\w])",
    re.IGNORECASE,
)
_ROAD_E_RE = re.compile(r"e\s?\d", re.IGNORECASE)

# Did not happen, is only planned, or is a question or a correction: never decide.
_NOT_DONE_RE = re.compile(
    r"(?<!\w)(?:inte|ej|icke|aldrig|inställ\w*|ställ(?:des|ts|de|s)\s+in"
    r"|avbok\w*|avbr(?:öt|öts|uten|utet|utna|ö?ts)|uteblev|sk[öo]ts\s+upp|skjut(?:s|its)\s+upp"
    r"|flyttad\w*|planer\w*|ska|skall|kommer\s+att|tänker|bokad\w*|bokat|ångra\w*|fel|felaktig\w*"
    r"|radera\w*|ta\s+bort|stryk|glöm)(?!\w)|\?",
    re.IGNORECASE,
)

# Times that name no single day ("förra veckan", "i helgen"), or a coming one ("på fredag"):
# the day stays unknown and the bot asks.
_VAGUE_DAY_RE = re.compile(
    r"(?<!\w)(?:(?:förra|nästa|denna|den\s+här|tidigare\s+i|senare\s+i|i|under|hela|i\s+slutet\s+av"
    r"|i\s+början\s+av)\s+(?:vecka|veckan|helgen|helg|månaden|månad|hösten|våren|sommaren|vintern)"
    r"|i\s+(?:höstas|våras|somras|vintras|fjol|år|höst|vår|sommar|vinter)|förra\s+året|hittills"
    r"|häromdagen|härom\s+dagen|nyligen"
    r"|för\s+\S+\s+(?:dagar|veckor|månader|dag|vecka|månad)\s+sedan"
    r"|(?:varje|alla|varannan)\s+\w+|v\.?\s?\d{1,2}|vecka\s+\d{1,2}|veckorna\s+\d{1,2}"
    r"|i\s+(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)"
    r"|(?:last|this|next|earlier\s+this|during\s+the|the)\s+(?:week|weekend|month)|the\s+other\s+day"
    r"|recently|för\s+en\s+vecka\s+sedan|a\s+week\s+ago"
    r")(?!\w)",
    re.IGNORECASE,
)
# "på fredag" is as often the coming Friday as the last one.
_COMING_WEEKDAY_RE = re.compile(
    r"(?<!\w)(?:på\s+(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?"
    r"|on\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day)(?!\w)",
    re.IGNORECASE,
)
# A week or a weekend: the bot offers its days.
_LAST_WEEK_RE = re.compile(r"(?<!\w)(?:i\s+)?(?:förra\s+veckan|last\s+week)(?!\w)", re.IGNORECASE)
_WEEKEND_RE = re.compile(
    r"(?<!\w)(?:i\s+helgen|förra\s+helgen|under\s+helgen|(?:last|this|the)\s+weekend)(?!\w)",
    re.IGNORECASE,
)

# Numbers the counter must account for: a digit run (with decimals or an exponent), not glued
# to letters in front ("E45", "åk8") or behind ("8B", "3st", which are read elsewhere).
_NUMBER_LIKE_RE = re.compile(
    r"(?<![^\W_])(?<![^\W\d_]-)(?:\d+[eE][+-]?\d+|\d+(?:[.,:]\d+)*)(?![^\W\d_]|\d)"
)
_CLOCK_RE = re.compile(r"(?<![\d.,:])\d{1,2}[.:]\d{2}(?![\d.,:]\d)")
_PAIR_RE = re.compile(r"\d+\s?/\s?\d+")
# Number words the reader does not take as a count: it asks.
_BIG_NUMBER_WORDS_RE = re.compile(
    r"(?<!\w)(?:(?P<big>tusen\w*|miljon\w*|miljard\w*|hundratals|tiotals|dussintals|thousands?"
    r"|millions?|billions?|hundreds|dozens)|massor|en\s+massa|flera|några|ett\s+antal|several"
    r"|a\s+few)(?!\w)",
    re.IGNORECASE,
)
_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "once": 1, "twice": 2,
}  # fmt: skip
_EN_NUMBER_RE = re.compile(r"(?<!\w)(?:" + "|".join(_EN_NUMBERS) + r")(?!\w)", re.IGNORECASE)

_ZERO_WORDS_RE = re.compile(r"(?<!\w)(?:ingen|inga|inget)(?!\w)", re.IGNORECASE)
_NEGATIVE_RE = re.compile(r"(?<![\w.,:/])[-−–]\s?(\d{1,7})(?![\w]|[.,:/]\d)")
_GLUED_RE = re.compile(r"(?<![\w.,:/-])(\d{1,4})\s?(?:st|ggr|x|×)(?!\w)", re.IGNORECASE)
_TIMES_BEFORE_RE = re.compile(r"(?<![\w.,:/-])[x×]\s?(\d{1,4})(?![\w]|[.,:/]\d)", re.IGNORECASE)
_RANGE_RE = re.compile(r"(?<![\w.,:/-])\d{1,3}\s?[-–]\s?\d{1,3}(?![\w.,:/-])")

_NOT_A_COUNT_BEFORE_RE = re.compile(
    r"(?:(?<!\w)(?:årskurs|åk|ak|klass|år|kl|klockan|nr|nummer|e|rv|lv|väg|vag|riksväg|länsväg"
    r"|sidan|sid|tel|telefon|storlek|nummer|tfn|mellan|från)\.?|§|#|\w(?:gatan|vägen|gränd))\s*\Z",
    re.IGNORECASE,
)
_NOT_A_COUNT_AFTER_RE = re.compile(
    r"(?:\s*(?:%|procent|kr(?!\w)|kronor|:-|km(?!\w)|mil(?!\w)|meter|m(?!\w)|kg|år(?!\w)|års(?!\w)"
    r"|-?åring\w*|-?årig\w*|timmar|timme|tim(?!\w)|t(?!\w)|h(?!\w)|min(?!\w)|minuter|minut|mins"
    r"|sek(?!\w)|sekunder|dagar|dag(?!\w)|dygn|veckor|vecka|månader|månad|kvart|halvtimme"
    r"|och\s+en\s+halv|km/h)"
    r"|[:.,]\w|/|-[^\W\d_])",  # "8:an", "3/4", "50-väg", "15-åring"
    re.IGNORECASE,
)
_LABEL_BEFORE_RE = re.compile(r"(?<!\w)(?:antal|summa|totalt)\s*:?\s*\Z", re.IGNORECASE)
_NOUN_COLON_BEFORE_RE = re.compile(r"([^\W\d_]+)\s*[:=]\s*\Z")


def _tokenise(text: str) -> list[Token]:
    return swedish.tokenise(text, key_of=_word_key)


def _word_match(token_key: str, word_key: str) -> float:
    """How well one message word matches one term word (0 when it does not)."""
    if token_key == word_key:
        return 1.0
    if token_key.isdigit() or word_key.isdigit():
        return 0.0
    extra = len(token_key) - len(word_key)
    if len(word_key) >= 4 and extra >= 3 and token_key.endswith(word_key):
        return _M_COMPOUND_HEAD
    if len(word_key) >= 5 and extra >= 3 and token_key.startswith(word_key):
        return _M_COMPOUND_MODIFIER
    if swedish.is_typo(token_key, word_key):
        return _M_TYPO
    return 0.0


def _partial_match(token_key: str, word_key: str) -> float:
    """A message word that is only the head of a compound term ("kontroll" of "trafikkontroll")."""
    if (
        len(token_key) >= 5
        and len(word_key) - len(token_key) >= 3
        and word_key.endswith(token_key)
        and not token_key.isdigit()
    ):
        return _M_PARTIAL
    return 0.0


# --- Compiled pledges -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Word:
    key: str
    soft: bool  # a small word inside a multi-word term ("i" in "besök i skolan")


@dataclass(frozen=True, slots=True)
class _Term:
    words: tuple[_Word, ...]
    joined: str  # the key of the words written together, "" for one word
    weight: float
    capitals_weight: float  # the weight when the message writes the word in capitals
    strict: bool  # the small words must be there too ("arbetstid ute")
    lexicon: bool = False  # from the field's lexicon, not the pledge's own words
    shape: str = ""  # the words as one string: terms of the same words match alike


@dataclass(frozen=True, slots=True)
class _Pledge:
    choice: PledgeChoice
    municipality: str  # folded key
    terms: tuple[_Term, ...]


def _municipality_key(name: str) -> str:
    return " ".join(swedish.key(w) for w in swedish.words(name))


def _term_words(text: str) -> list[str]:
    return [w for w in swedish.words(text) if w]


def _single_weight(word: str, kind: str, generic: bool) -> tuple[float, float]:
    folded = word.translate(FOLD)
    if folded in _SMALL_WORDS:
        return _W_SMALL_WORD, _W_CAPITALS
    if generic:
        return _W_GENERIC, _W_GENERIC
    if len(word) <= 4 and kind != "lexicon":  # the lexicon's short words are words ("nian")
        return _W_SHORT_WORD, _W_CAPITALS
    weight = _KIND_WEIGHTS.get(kind, _W_UNIT)
    return weight, weight


_KIND_WEIGHTS = {"short": _W_SHORT_NAME, "synonym": _W_SYNONYM, "lexicon": _W_LEXICON}


def _compile_term(text: str, kind: str, others: frozenset[str]) -> _Term | None:
    words = _term_words(text)
    if not words:
        return None
    keys = [_word_key(w) for w in words]
    if len(words) == 1:
        key = keys[0]
        generic = key in _GENERIC_KEYS or (
            kind != "short"
            and any(
                other == key or (len(key) >= 3 and (other.startswith(key) or other.endswith(key)))
                for other in others
            )
        )
        weight, capitals = _single_weight(words[0], kind, generic)
        return _Term((_Word(key, False),), "", weight, capitals, strict=False, shape=key)
    soft = [w.translate(FOLD) in _SMALL_WORDS for w in words]
    if all(soft):
        soft = [False] * len(words)
    strict = sum(1 for s in soft if not s) == 1
    weight = _KIND_WEIGHTS.get(kind, _W_UNIT)
    joined = swedish.key("".join(words))
    words_of = tuple(_Word(k, s) for k, s in zip(keys, soft, strict=True))
    shape = " ".join(("~" if w.soft else "") + w.key for w in words_of) + f"|{joined}|{strict}"
    return _Term(words_of, joined, weight, weight, strict, shape=shape)


def _raw_terms(choice: PledgeChoice) -> list[tuple[str, str]]:
    terms = [(choice.short_name, "short")]
    terms += [(s, "synonym") for s in choice.synonyms]
    if choice.unit:
        terms.append((choice.unit, "unit"))
    return terms


@lru_cache(maxsize=1)
def _lexicon_index() -> tuple[tuple[str, frozenset[str]], ...]:
    """Each concept of the lexicon with the keys that link a pledge to it: its own words
    (not its narrower concepts'), one-word terms and multi-word terms written together,
    leaving out words too common to say which activity is meant."""
    index: list[tuple[str, frozenset[str]]] = []
    for c in CONCEPTS:
        keys: set[str] = set()
        for term in c.words:
            words = _term_words(term)
            if len(words) == 1:
                key = _word_key(words[0])
                if key not in _GENERIC_KEYS and len(key) >= 4 and not key.startswith("~"):
                    keys.add(key)
            elif words:
                keys.add(swedish.key("".join(words)))
        index.append((c.key, frozenset(keys)))
    return tuple(index)


def _lexicon_terms(choice: PledgeChoice) -> tuple[str, ...]:
    """The lexicon's words for what a pledge's own words (short name, synonyms) name."""
    own: set[str] = set()
    for text in (choice.short_name, *choice.synonyms):
        words = _term_words(text)
        own.update(_word_key(w) for w in words)
        if len(words) > 1:
            own.add(swedish.key("".join(words)))
    found: list[str] = []
    for key, keys in _lexicon_index():
        if keys & own:
            found.extend(terms_for(key))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=64)
def _compile(choices: tuple[PledgeChoice, ...]) -> tuple[_Pledge, ...]:
    word_keys: list[frozenset[str]] = []
    for choice in choices:
        keys: set[str] = set()
        for text, _kind in _raw_terms(choice):
            words = _term_words(text)
            keys.update(_word_key(w) for w in words)
            if len(words) > 1:
                keys.add(swedish.key("".join(words)))
        word_keys.append(frozenset(keys))
    compiled: list[_Pledge] = []
    for index, choice in enumerate(choices):
        municipality = _municipality_key(choice.municipality)
        others: set[str] = set()
        for other_index, other in enumerate(choices):
            if other_index != index and _municipality_key(other.municipality) == municipality:
                others |= word_keys[other_index]
        terms: dict[tuple[tuple[_Word, ...], str], _Term] = {}
        for text, kind in _raw_terms(choice):
            term = _compile_term(text, kind, frozenset(others))
            if term is None:
                continue
            known = terms.get((term.words, term.joined))
            if known is None or known.weight < term.weight:
                terms[(term.words, term.joined)] = term
        for text in _lexicon_terms(choice):
            term = _compile_term(text, "lexicon", frozenset(others))
            if term is not None and (term.words, term.joined) not in terms:
                terms[(term.words, term.joined)] = replace(term, lexicon=True)
        compiled.append(_Pledge(choice, municipality, tuple(terms.values())))
    return _share_lexicon_terms(compiled)


def _share_lexicon_terms(compiled: list[_Pledge]) -> tuple[_Pledge, ...]:
    """A lexicon word that several pledges of one municipality got, or that is another
    pledge's own word there, points at none of them: it becomes generic (weak)."""
    holders: dict[tuple[str, tuple[_Word, ...], str], int] = {}
    for pledge in compiled:
        for term in pledge.terms:
            slot = (pledge.municipality, term.words, term.joined)
            holders[slot] = holders.get(slot, 0) + 1
    shared: list[_Pledge] = []
    for pledge in compiled:
        terms = tuple(
            replace(term, weight=_W_GENERIC, capitals_weight=_W_GENERIC)
            if term.lexicon and holders[(pledge.municipality, term.words, term.joined)] > 1
            else term
            for term in pledge.terms
        )
        shared.append(_Pledge(pledge.choice, pledge.municipality, terms))
    return tuple(shared)


# --- Matching terms -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    score: float
    tokens: tuple[int, ...]


class _Matcher:
    """Matches terms against one message, remembering word comparisons."""

    def __init__(self, text: str, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        # "hast.kontroll", "tr.kontroll": an abbreviated first part, a dot, the rest.
        self.abbreviations: list[tuple[int, str, str]] = [
            (i, tokens[i].fold, tokens[i + 1].key)
            for i in range(len(tokens) - 1)
            if not tokens[i].digit
            and not tokens[i + 1].digit
            and 2 <= len(tokens[i].raw) <= 6
            and text[tokens[i].end : tokens[i + 1].start] == "."
        ]
        self._cache: dict[tuple[str, str], float] = {}
        self._terms: dict[str, _Hit | None] = {}
        self._partial: dict[tuple[str, str], float] = {}
        self.joined_pairs: list[tuple[int, str]] = [
            (i, swedish.key(tokens[i].raw.lower() + tokens[i + 1].raw.lower()))
            for i in range(len(tokens) - 1)
            if not tokens[i].digit and not tokens[i + 1].digit and not tokens[i + 1].hard_before
        ]

    def word(self, token_key: str, word_key: str) -> float:
        if token_key == word_key:
            return 1.0
        # Every other match (compound head or modifier, typo) shares the first letter or
        # contains the term word: most pairs fail here, before any work.
        if token_key[:1] != word_key[:1] and word_key not in token_key:
            return 0.0
        found = self._cache.get((token_key, word_key))
        if found is None:
            found = _word_match(token_key, word_key)
            self._cache[(token_key, word_key)] = found
        return found

    def partial(self, token_key: str, word_key: str) -> float:
        if token_key not in word_key:  # a partial match is the tail of the term word
            return 0.0
        found = self._partial.get((token_key, word_key))
        if found is None:
            found = _partial_match(token_key, word_key)
            self._partial[(token_key, word_key)] = found
        return found

    def term(self, term: _Term) -> _Hit | None:
        if term.weight != term.capitals_weight or not term.shape or term.weight <= 0:
            return self._single(term) if len(term.words) == 1 else self._multi(term)
        # The same words (a lexicon term shared by several pledges) are matched once, at
        # weight 1, and scaled: the weight only multiplies the match.
        shape = term.shape
        if shape in self._terms:
            unit = self._terms[shape]
        else:
            hit = self._single(term) if len(term.words) == 1 else self._multi(term)
            unit = None if hit is None else _Hit(hit.score / term.weight, hit.tokens)
            self._terms[shape] = unit
        return None if unit is None else _Hit(unit.score * term.weight, unit.tokens)

    def _weight(self, term: _Term, token: Token) -> float:
        return term.capitals_weight if token.capitals else term.weight

    def _single(self, term: _Term) -> _Hit | None:
        key = term.words[0].key
        best: _Hit | None = None
        first = key[:1]
        for i, token in enumerate(self.tokens):
            token_key = token.key
            # Only an equal word, one with the same first letter, or one of the two inside the
            # other can match (see word and partial): most tokens stop at this test.
            if token_key[:1] != first and key not in token_key and token_key not in key:
                continue
            factor = self.word(token_key, key) or self.partial(token_key, key)
            if factor:
                score = self._weight(term, token) * factor
                if best is None or score > best.score:
                    best = _Hit(score, (i,))
        for i, prefix, tail in self.abbreviations:
            if (
                len(tail) >= 4
                and len(key) > len(prefix) + len(tail)
                and key.startswith(prefix)
                and key.endswith(tail)
            ):
                score = term.weight * _M_TYPO
                if best is None or score > best.score:
                    best = _Hit(score, (i, i + 1))
        if len(key) >= 5:
            for i, joined in self.joined_pairs:
                factor = 0.0
                if joined == key:
                    factor = _M_JOINED
                elif joined[:1] == first and swedish.is_typo(joined, key):
                    factor = _M_TYPO
                score = term.weight * factor
                if factor and (best is None or score > best.score):
                    best = _Hit(score, (i, i + 1))
        return best

    def _multi(self, term: _Term) -> _Hit | None:
        best: _Hit | None = None  # scores here are match factors, weighted at the end
        content = [w for w in term.words if not w.soft]
        # How many words may stand between two content words of the term.
        slack: list[int] = []
        gap = 0
        for word in term.words:
            if word.soft:
                gap += 1
            else:
                slack.append(gap + 1 if gap else 0)
                gap = 0
        for i, token in enumerate(self.tokens):
            if term.strict:
                hit = self._strict_at(term, i)
            else:
                first = self.word(token.key, content[0].key)
                hit = self._follow(content, slack, 1, i, first, (i,), 0) if first else None
            if hit is not None and (best is None or hit.score > best.score):
                best = hit
        if term.joined and len(term.joined) >= 5:
            for i, token in enumerate(self.tokens):
                factor = 0.0
                if token.key == term.joined:
                    factor = _M_JOINED
                elif token.key[:1] == term.joined[:1] and swedish.is_typo(token.key, term.joined):
                    factor = _M_TYPO
                if factor and (best is None or factor > best.score):
                    best = _Hit(factor, (i,))
        if best is None:
            return None
        return _Hit(best.score * term.weight, best.tokens)

    def _strict_at(self, term: _Term, start: int) -> _Hit | None:
        if start + len(term.words) > len(self.tokens):
            return None
        factor = 1.0
        for offset, word in enumerate(term.words):
            token = self.tokens[start + offset]
            if offset and token.hard_before:
                return None
            found = (
                1.0
                if token.key == word.key
                else 0.0
                if word.soft
                else self.word(token.key, word.key)
            )
            if not found:
                return None
            factor *= found
        return _Hit(factor, tuple(range(start, start + len(term.words))))

    def _follow(
        self,
        content: list[_Word],
        slack: list[int],
        index: int,
        last: int,
        factor: float,
        used: tuple[int, ...],
        loose: int,
    ) -> _Hit | None:
        if index == len(content):
            return _Hit(factor * (_M_LOOSE if loose else 1.0), used)
        best: _Hit | None = None
        allowed = slack[index]
        for position in range(last + 1, min(len(self.tokens), last + 2 + allowed)):
            token = self.tokens[position]
            if token.hard_before:
                return None  # a term does not run over punctuation
            found = self.word(token.key, content[index].key)
            if not found:
                continue
            between = position - last - 1
            hit = self._follow(
                content,
                slack,
                index + 1,
                position,
                factor * found,
                (*used, position),
                loose + (1 if between > max(allowed - 1, 0) else 0),
            )
            if hit is not None and (best is None or hit.score > best.score):
                best = hit
        return best


@dataclass(frozen=True, slots=True)
class _Scored:
    pledge: _Pledge
    score: float
    tokens: frozenset[int]  # every word that matched
    base: float  # the best single term's score
    base_tokens: frozenset[int]  # the words of that term


def _score_pledge(pledge: _Pledge, matcher: _Matcher, weak: frozenset[str]) -> _Scored | None:
    hits = [hit for term in pledge.terms if (hit := matcher.term(term)) is not None]
    if not hits:
        return None
    hits.sort(key=lambda h: h.score, reverse=True)
    best = hits[0]
    used = set(best.tokens)
    extra = 0
    for hit in hits[1:]:
        if extra >= _EXTRA_TERM_MAX:
            break
        if hit.score >= _CANDIDATE_MIN and not used.intersection(hit.tokens):
            used.update(hit.tokens)
            extra += 1
    score = best.score + _EXTRA_TERM_BONUS * extra
    if pledge.choice.coverage:
        level = _coverage_in_tokens(matcher.tokens, pledge.choice.coverage, weak)
        if level is not None:
            score += _COVERAGE_FULL_BONUS if level[1] == 2 else _COVERAGE_PART_BONUS
    return _Scored(pledge, score, frozenset(used), best.score, frozenset(best.tokens))


# --- Coverage -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CoverageName:
    distinctive: tuple[str, ...]
    generic: frozenset[str]


def _split_place_key(key: str) -> tuple[str | None, str | None]:
    """("hälledal", "skol") for "hälledalsskol"; (key, None) when there is no generic part."""
    if key in _COVERAGE_GENERIC_KEYS:
        return None, key
    for generic in _COVERAGE_GENERIC_KEYS:
        if key.endswith(generic) and len(key) - len(generic) >= 3:
            head = key[: -len(generic)]
            if len(head) > 3 and head.endswith("s"):
                head = head[:-1]
            return head, generic
    return key, None


@lru_cache(maxsize=1024)
def _coverage_names(item: CoverageChoice) -> tuple[_CoverageName, ...]:
    names: list[_CoverageName] = []
    for alternative in item.name.split("/"):
        distinctive: list[str] = []
        generic: set[str] = set()
        for word in swedish.words(alternative):
            folded = word.translate(FOLD)
            if folded in _SMALL_WORDS:
                continue
            head, part = _split_place_key(swedish.key(word))
            if head:
                distinctive.append(head)
            if part:
                generic.add(part)
        if distinctive:
            names.append(_CoverageName(tuple(distinctive), frozenset(generic)))
    return tuple(names)


def _text_place_keys(tokens: Sequence[Token]) -> list[tuple[int, str | None, str | None]]:
    found: list[tuple[int, str | None, str | None]] = []
    for i, token in enumerate(tokens):
        if token.digit or token.fold in _SMALL_WORDS:
            continue
        head, part = _split_place_key(token.key)
        found.append((i, head, part))
    return found


def _same_place_word(a: str, b: str) -> bool:
    return a == b or swedish.is_typo(a, b)


def _coverage_rank(
    name: _CoverageName,
    keys: Sequence[tuple[int, str | None, str | None]],
    weak: frozenset[str],
) -> tuple[int, int, int, tuple[int, ...]] | None:
    positions: list[int] = []
    strong = False
    for wanted in name.distinctive:
        position = next((i for i, head, _ in keys if head and _same_place_word(head, wanted)), None)
        if position is not None:
            positions.append(position)
            strong = strong or wanted not in weak
    generic = [i for i, _, part in keys if part is not None and part in name.generic]
    found = len(positions)
    if found == 0:
        return None
    if not strong and not generic:
        return None  # only a municipality's name: "Härnösand" is not "Härnösands gymnasium"
    if found == len(name.distinctive):
        level = 2
    elif found >= 1 and len(name.distinctive) >= 2 and generic:
        level = 1
    else:
        return None
    near = sorted(positions + [g for g in generic if any(abs(g - p) <= 2 for p in positions)])
    return level, found, 1 if generic else 0, tuple(near)


def _coverage_match(
    tokens: Sequence[Token],
    items: Sequence[CoverageChoice],
    weak: frozenset[str] = frozenset(),
) -> tuple[CoverageChoice, int, tuple[int, ...]] | None:
    """The one coverage item the tokens name, its level (2 full, 1 partial) and its tokens.

    ``weak`` words (municipality names) name an item only together with its generic part.
    """
    keys = _text_place_keys(tokens)
    ranked: list[tuple[tuple[int, int, int], CoverageChoice, tuple[int, ...]]] = []
    for item in items:
        best: tuple[int, int, int, tuple[int, ...]] | None = None
        for name in _coverage_names(item):
            rank = _coverage_rank(name, keys, weak)
            if rank is not None and (best is None or rank[:3] > best[:3]):
                best = rank
        if best is not None:
            ranked.append(((best[0], best[1], best[2]), item, best[3]))
    if not ranked:
        return None
    ranked.sort(key=lambda r: r[0], reverse=True)
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0] and ranked[1][1] != ranked[0][1]:
        return None
    return ranked[0][1], ranked[0][0][0], ranked[0][2]


def _coverage_in_tokens(
    tokens: Sequence[Token], items: Sequence[CoverageChoice], weak: frozenset[str]
) -> tuple[CoverageChoice, int] | None:
    found = _coverage_match(tokens, items, weak)
    return None if found is None else (found[0], found[1])


def match_coverage(place_or_text: str, items: Sequence[CoverageChoice]) -> CoverageChoice | None:
    """The coverage item a place (or a whole message) names, or None.

    Fuzzy but safe: "Sveg skola" finds "Svegs skola", "Ytterhogdals skola" finds "Ytterhogdal"
    and "Hälledalsskolan" finds "Hälledals skola". Every distinctive word of the item must be
    there — or, for an item of several such words, at least one of them together with its
    generic part ("Sveg skola" for "Södra skolan Sveg"). None when two items match equally well.
    """
    if not items or not place_or_text:
        return None
    text = swedish.clean(place_or_text)
    found = _coverage_match(_tokenise(text), items)
    return None if found is None else found[0]


# --- Counts ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CountFinding:
    value: int
    sure: bool
    article: bool
    position: int


class _Counter:
    """Finds the count of a message."""

    def __init__(
        self,
        text: str,
        tokens: Sequence[Token],
        vocabulary: frozenset[str],
        day: DayMatch | None,
        known: Sequence[tuple[int, int]] = (),
        field_words: frozenset[str] = frozenset(),
    ) -> None:
        self.text = text
        # The lexicon's words count only as themselves or a compound ending in them.
        self.field_words = field_words
        self.tokens = tokens
        self.vocabulary = vocabulary
        self.day = day
        self._noun_cache: dict[str, bool] = {}
        # Spans read as something other than a count (days, times): numbers in them are known.
        self.known = list(known)
        # A number-like word that nothing here could read ("3,5", "1e6", "tusen"): the count
        # is then never sure.
        self.unread = False

    def in_day(self, start: int, end: int) -> bool:
        return self.day is not None and start < self.day.end and end > self.day.start

    def is_count_noun(self, token: Token) -> bool:
        key = token.key
        found = self._noun_cache.get(key)
        if found is None:
            found = not token.digit and (
                key in _COUNT_NOUN_KEYS
                or any(_counts_as(key, word) for word in self.vocabulary)
                or any(
                    key == word or (len(key) - len(word) >= 3 and key.endswith(word))
                    for word in self.field_words
                )
            )
            self._noun_cache[key] = found
        return found

    @staticmethod
    def is_not_counted(token: Token) -> bool:
        return token.fold in _NOT_COUNTED_FORMS or any(
            len(token.fold) - len(head) >= 3 and token.fold.endswith(head)
            for head in _NOT_COUNTED_HEADS
        )

    def next_token(self, position: int) -> int | None:
        """The index of the token right after ``position``, with only spaces between."""
        for i, token in enumerate(self.tokens):
            if token.start >= position:
                if self.text[position : token.start].strip(" \t\u00a0-"):
                    return None
                return i
        return None

    def noun_kind(self, position: int) -> Literal["count", "not_counted", "unit", "none"]:
        """What the word after a number at ``position`` makes of it."""
        first = self.next_token(position)
        if first is None:
            return "none"
        token = self.tokens[first]
        if token.fold in _UNIT_WORDS:
            return "unit" if self.unit_ends(token.end) else "none"
        if self.is_not_counted(token):
            return "not_counted"
        if self.is_count_noun(token):
            return "count"
        if token.digit or token.capital or token.fold in _SMALL_WORDS or token.key in _TIME_KEYS:
            return "none"
        if self.in_day(token.start, token.end):
            return "none"
        # One adjective in between: "3 nya trafikkontroller".
        second = self.next_token(token.end)
        if second is not None:
            other = self.tokens[second]
            if self.is_not_counted(other):
                return "not_counted"
            if self.is_count_noun(other):
                return "count"
        return "none"

    def unit_ends(self, position: int) -> bool:
        """After "3 st": True unless a word follows that is not counted ("3 st anmälda")."""
        after = self.next_token(position)
        if after is None:
            return True
        token = self.tokens[after]
        if (
            token.digit
            or token.capital
            or token.fold in _SMALL_WORDS
            or token.key in _TIME_KEYS
            or self.in_day(token.start, token.end)
            or self.is_count_noun(token)
        ):
            return True
        following = self.next_token(token.end)  # "2 st spontana skolbesök"
        return following is not None and self.is_count_noun(self.tokens[following])

    def findings(self) -> tuple[list[_CountFinding], list[_CountFinding]]:
        """(counts, numbers that might be counts)."""
        counts: list[_CountFinding] = []
        unsure: list[_CountFinding] = []
        explained = list(self.known)
        for number in find_numbers(self.text):
            explained.append((number.start, number.end))
            self._number(number, counts, unsure)
        for m in _EN_NUMBER_RE.finditer(self.text):
            explained.append(m.span())
            word = m.group(0).lower()
            value = _EN_NUMBERS[word]
            if word in ("once", "twice"):
                counts.append(_CountFinding(value, True, False, m.start()))
                continue
            english = NumberMatch(
                value, m.start(), m.end(), m.group(0), "", False, False, False, True
            )
            self._number(english, counts, unsure)
        for pattern in (_GLUED_RE, _TIMES_BEFORE_RE, _NEGATIVE_RE, _RANGE_RE, _CLOCK_RE, _PAIR_RE):
            explained.extend(m.span() for m in pattern.finditer(self.text))
        for m in _NUMBER_LIKE_RE.finditer(self.text):
            if any(m.start() < end and m.end() > start for start, end in explained):
                continue
            if _NOT_A_COUNT_AFTER_RE.match(self.text, m.end()) or _NOT_A_COUNT_BEFORE_RE.search(
                self.text[max(0, m.start() - 40) : m.start()]
            ):
                continue  # "1,5 h", "kl 14.30"
            self.unread = True
        for m in _BIG_NUMBER_WORDS_RE.finditer(self.text):
            # "tusen skolbesök", "flera trafikkontroller": a number nobody can read; "några
            # ungdomar" or "tusen besökare" count people, not the activity.
            kind = self.noun_kind(m.end())
            if kind != "not_counted" and (m["big"] or kind in ("count", "unit")):
                self.unread = True
        for m in _GLUED_RE.finditer(self.text):
            if not self.in_day(m.start(), m.end()) and not _NOT_A_COUNT_BEFORE_RE.search(
                self.text[: m.start()]
            ):
                sure = self.unit_ends(m.end())
                (counts if sure else unsure).append(
                    _CountFinding(int(m.group(1)), sure, False, m.start())
                )
        for m in _TIMES_BEFORE_RE.finditer(self.text):
            if not self.in_day(m.start(), m.end()):
                counts.append(_CountFinding(int(m.group(1)), True, False, m.start()))
        for m in _NEGATIVE_RE.finditer(self.text):
            if self.in_day(m.start(), m.end()):
                continue
            sure = self.noun_kind(m.end()) in ("count", "unit")
            finding = _CountFinding(-int(m.group(1)), sure, False, m.start())
            (counts if sure else unsure).append(finding)
        for m in _ZERO_WORDS_RE.finditer(self.text):
            if self.noun_kind(m.end()) == "count":
                counts.append(_CountFinding(0, True, False, m.start()))
        for m in _RANGE_RE.finditer(self.text):
            if (
                not self.in_day(m.start(), m.end())
                and not _NOT_A_COUNT_BEFORE_RE.search(self.text[: m.start()])
                and not _NOT_A_COUNT_AFTER_RE.match(self.text, m.end())
            ):
                first = int(re.split(r"\D+", m.group(0))[0])
                unsure.append(_CountFinding(first, False, False, m.start()))
        counts.sort(key=lambda f: f.position)
        unsure.sort(key=lambda f: f.position)
        return counts, unsure

    def _number(
        self, number: NumberMatch, counts: list[_CountFinding], unsure: list[_CountFinding]
    ) -> None:
        if self.in_day(number.start, number.end):
            return
        if not number.is_word and len(str(number.value)) == 4 and 1900 <= number.value <= 2099:
            return
        before = self.text[max(0, number.start - 40) : number.start]
        if _NOT_A_COUNT_BEFORE_RE.search(before):
            return
        if _NOT_A_COUNT_AFTER_RE.match(self.text, number.end):
            return
        kind = self.noun_kind(number.end)
        if kind == "not_counted":
            return
        uncertain = number.approximate or number.at_least
        if kind in ("count", "unit"):
            finding = _CountFinding(number.value, not uncertain, number.article, number.start)
            (counts if not uncertain else unsure).append(finding)
            return
        if number.article:
            return
        if _LABEL_BEFORE_RE.search(before):
            counts.append(_CountFinding(number.value, not uncertain, False, number.start))
            return
        colon = _NOUN_COLON_BEFORE_RE.search(before)
        if colon is not None and self._is_count_word(colon.group(1)):
            counts.append(_CountFinding(number.value, not uncertain, False, number.start))
            return
        unsure.append(_CountFinding(number.value, False, False, number.start))

    def _is_count_word(self, word: str) -> bool:
        tokens = _tokenise(word)
        return len(tokens) == 1 and self.is_count_noun(tokens[0])


def _counts_as(key: str, word: str) -> bool:
    """Whether a noun after a number counts what a pledge word names: the word itself, a
    compound of it, or either part of it ("kontroller" of "trafikkontroll", "klasser" of
    "klassbesök")."""
    if key.startswith("~") or word.startswith("~"):
        return False
    if _word_match(key, word):
        return True
    return len(key) >= 4 and len(word) > len(key) and (word.endswith(key) or word.startswith(key))


@dataclass(frozen=True, slots=True)
class _Count:
    value: int
    stated: bool
    sure: bool
    problem: CountProblem | None


def _read_count(counter: _Counter) -> _Count:
    counts, unsure = counter.findings()
    if counter.unread and not counts and not unsure:
        return _Count(1, True, False, None)
    real = [c for c in counts if not c.article]
    chosen = real or counts
    value: int
    if chosen:
        values = {c.value for c in chosen}
        value = chosen[0].value
        stated, sure = True, len(values) == 1 and not counter.unread
    elif unsure:
        value, stated, sure = unsure[0].value, True, False
    else:
        value, stated, sure = 1, False, True
    problem: CountProblem | None = None
    if value == 0:
        problem = "zero"
    elif value < 0:
        problem = "negative"
    elif value > MAX_COUNT:
        problem = "too_large"
    return _Count(value, stated, sure, problem)


# --- Places ---------------------------------------------------------------------------------


class _Places:
    """Finds the place of a message."""

    def __init__(
        self,
        text: str,
        tokens: Sequence[Token],
        times: Sequence[tuple[int, int]],
        term_tokens: frozenset[int],
        municipality_tokens: frozenset[int],
        known_place_keys: frozenset[str],
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.times = times
        self.term_tokens = term_tokens
        self.municipality_tokens = municipality_tokens
        self.known_place_keys = known_place_keys
        self.roads = [m for m in _ROAD_RE.finditer(text) if self._road_ok(m)]
        letters = [t for t in tokens if not t.digit]
        inner = [t for t in letters if not t.sentence_start]
        # Capitals carry no meaning in a message written in capitals or in Title Case.
        all_capitals = len(letters) >= 2 and all(t.raw.isupper() for t in letters)
        title_case = len(inner) >= 3 and sum(1 for t in inner if t.capital) * 5 >= len(inner) * 4
        self.capitals_mean_names = not all_capitals and not title_case

    def _in_time(self, start: int, end: int) -> bool:
        return any(start < t_end and end > t_start for t_start, t_end in self.times)

    def _road_ok(self, m: re.Match[str]) -> bool:
        if self._in_time(m.start(), m.end()):
            return False
        # "e 4" only with a capital E: a lone lowercase "e" is too often something else.
        return not (m.group(0)[0] == "e" and " " in m.group(0) and _ROAD_E_RE.match(m.group(0)))

    def in_day(self, token: Token) -> bool:
        return self._in_time(token.start, token.end)

    def road_at(self, token: Token) -> re.Match[str] | None:
        return next((r for r in self.roads if r.start() == token.start), None)

    def excluded(self, index: int) -> bool:
        """Words that can never be (the start of) a place."""
        token = self.tokens[index]
        return (
            token.fold in _SMALL_WORDS
            or self.in_day(token)
            or token.key in _TIME_KEYS
            or token.key in _NOT_PLACE_KEYS
            or _Counter.is_not_counted(token)
            or (index in self.term_tokens and token.key not in _PLACE_NOUN_KEYS)
            or (token.digit and self.road_at(token) is None)
            or token.fold in _NUMBER_WORDS
        )

    def stops(self, index: int) -> bool:
        token = self.tokens[index]
        return (
            token.hard_before
            or token.fold in _PLACE_PREPOSITIONS
            or token.fold in _SMALL_WORDS
            or self.in_day(token)
            or token.key in _TIME_KEYS
            or (token.digit and self.road_at(token) is None)
            or token.fold in _NUMBER_WORDS
            or _Counter.is_not_counted(token)
            or (index in self.term_tokens and token.key not in _PLACE_NOUN_KEYS)
        )

    def _span(self, first: int, last: int) -> str:
        return self.text[self.tokens[first].start : self.tokens[last].end].strip()

    def _road_phrase(self, index: int) -> tuple[int, int] | None:
        """A road at token ``index`` and up to two capitalised names after it."""
        road = self.road_at(self.tokens[index])
        if road is None:
            return None
        last = index
        while last + 1 < len(self.tokens) and self.tokens[last + 1].end <= road.end():
            last += 1
        names = 0
        while (
            last + 1 < len(self.tokens)
            and names < 2
            and self.tokens[last + 1].capital
            and self.capitals_mean_names
            and self.text[self.tokens[last].end : self.tokens[last + 1].start].isspace()
            and self.road_at(self.tokens[last + 1]) is None
            and not self.stops(last + 1)
            and not self.excluded(last + 1)
        ):
            last += 1
            names += 1
        return index, last

    def _only_municipality(self, first: int, last: int) -> bool:
        return all(i in self.municipality_tokens for i in range(first, last + 1))

    def after_preposition(self) -> tuple[int, int] | None:
        for i, token in enumerate(self.tokens[:-1]):
            if token.fold not in _PLACE_PREPOSITIONS:
                continue
            start = i + 1
            if self.tokens[start].hard_before:
                continue
            road = self._road_phrase(start)
            if road is not None:
                return road
            if self.excluded(start):
                continue
            last = start
            while (
                last + 1 < len(self.tokens)
                and last - start < 3
                and not self.stops(last + 1)
                and self.road_at(self.tokens[last + 1]) is None
            ):
                last += 1
            if self._only_municipality(start, last):
                continue
            if self._accept(start, last):
                return start, last
        return None

    def _accept(self, first: int, last: int) -> bool:
        head = self.tokens[first]
        if head.capital and (self.capitals_mean_names or head.key in self.known_place_keys):
            return True
        keys = [self.tokens[i].key for i in range(first, last + 1)]
        if any(k in _PLACE_NOUN_KEYS for k in keys[1:]):
            return True
        if head.key in _PLACE_NOUN_KEYS and head.key not in _VAGUE_PLACE_KEYS:
            return True
        return any(k in self.known_place_keys for k in keys)

    def road(self) -> tuple[int, int] | None:
        for i, token in enumerate(self.tokens):
            phrase = self._road_phrase(i) if self.road_at(token) is not None else None
            if phrase is not None:
                return phrase
        return None

    def capitalised(self) -> tuple[int, int] | None:
        if not self.capitals_mean_names:
            return None
        i = 0
        while i < len(self.tokens):
            token = self.tokens[i]
            label = i == 0 and self.text[token.end : token.end + 1] in (":", ",")
            if (
                token.capital
                and not token.capitals
                and (not token.sentence_start or label)
                and not self.excluded(i)
                and self.road_at(token) is None
            ):
                last = i
                while (
                    last + 1 < len(self.tokens)
                    and last - i < 3
                    and not self.stops(last + 1)
                    and (
                        self.tokens[last + 1].capital
                        or self.tokens[last + 1].key in _PLACE_NOUN_KEYS
                    )
                    and not self.tokens[last + 1].capitals
                ):
                    last += 1
                if not self._only_municipality(i, last):
                    return i, last
                i = last + 1
                continue
            i += 1
        return None

    def find(self) -> str | None:
        for finder in (self.after_preposition, self.road, self.capitalised):
            span = finder()
            if span is not None:
                self.found = span
                return self._span(*span)
        return None

    found: tuple[int, int] | None = None


_NUMBER_WORDS = swedish.folds(
    """
    noll en ett två tre fyra fem sex sju åtta nio tio elva tolv tretton fjorton femton sexton
    sjutton arton nitton tjugo trettio fyrtio femtio hundra par
    """
)


# --- Municipalities -------------------------------------------------------------------------


def _named_municipalities(
    tokens: Sequence[Token], names: Sequence[str]
) -> tuple[list[str], frozenset[int]]:
    """The municipalities of ``names`` that the message names, and the tokens naming them."""
    named: list[str] = []
    used: set[int] = set()
    for name in names:
        keys = [swedish.key(w) for w in swedish.words(name)]
        if not keys:
            continue
        for i in range(len(tokens) - len(keys) + 1):
            window = tokens[i : i + len(keys)]
            if all(_same_place_word(t.key, k) for t, k in zip(window, keys, strict=True)):
                if name not in named:
                    named.append(name)
                used.update(range(i, i + len(keys)))
    return named, frozenset(used)


# Names of kommuner that are also ordinary words: only a name after "i", "från" or "till" and
# written with a capital ("i Vara", "till Boden") is taken as the kommun.
_COMMON_WORD_MUNICIPALITIES = swedish.folds("vara mark ale berg kil boden lund säter heby sala")
_MUNICIPALITY_PREPOSITIONS = swedish.folds("i från till in vid mot")


@lru_cache(maxsize=1)
def _all_municipality_keys() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Every Swedish kommun by the folded form of its first word: (name, folded words).
    Compared as written, not stemmed: "morse" is not "Mora"."""
    found: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for name in SWEDISH_MUNICIPALITIES:
        words = tuple(w.translate(FOLD) for w in swedish.words(name))
        if words:
            found.setdefault(words[0], []).append((name, words))
            if len(words) == 1:  # the genitive: "Åseles skolor"
                found.setdefault(words[0] + "s", []).append((name, (words[0] + "s",)))
    return {k: tuple(v) for k, v in found.items()}


def _other_municipalities(
    tokens: Sequence[Token], own: Sequence[str], known_place_keys: frozenset[str]
) -> tuple[str, ...]:
    """Kommuner of Sweden that the text names and that are not among ``own``."""
    table = _all_municipality_keys()
    own_names = set(own)
    found: list[str] = []
    for i, token in enumerate(tokens):
        entries = table.get(token.fold)
        if not entries or token.digit:
            continue
        before = tokens[i - 1].fold if i > 0 and not token.hard_before else ""
        after_preposition = before in _MUNICIPALITY_PREPOSITIONS
        for name, keys in entries:
            window = tokens[i : i + len(keys)]
            if len(window) < len(keys) or any(
                t.fold != k for t, k in zip(window, keys, strict=True)
            ):
                continue
            if name in own_names or (len(keys) == 1 and token.key in known_place_keys):
                continue
            common = name.lower().translate(FOLD) in _COMMON_WORD_MUNICIPALITIES
            if common and not (token.capital and after_preposition):
                continue
            if not common and not (token.capital or after_preposition):
                continue
            if name not in found:
                found.append(name)
    return tuple(found)


# Verbs of reporting that say nothing about which activity it was.
_PLAIN_VERBS = swedish.folds(
    """
    pratade pratat träffade träffat besökte besökt hade haft gjorde gjort genomförde genomfört
    höll hållit deltog deltagit informerade informerat fanns varit gick gått åkte åkt körde
    kört stod stått hälsade talade talat var blev ordnade ordnat
    """
)
_MAX_LEARNT_WORDS = 2


def _unread_words(
    text: str,
    tokens: Sequence[Token],
    understood: frozenset[int],
    times: Sequence[tuple[int, int]],
) -> str | None:
    """The words that nothing was read from, when they stand together and are at most two."""
    left: list[int] = []
    for i, token in enumerate(tokens):
        if (
            i in understood
            or token.digit
            or token.fold in _SMALL_WORDS
            or token.fold in _PLAIN_VERBS
            or token.fold in _NUMBER_WORDS
            or token.fold in _UNIT_WORDS
            or token.key in _TIME_KEYS
            or token.key in _NOT_PLACE_KEYS
            or len(token.raw) < 3
            or _Counter.is_not_counted(token)
            or any(token.start < end and token.end > start for start, end in times)
            or _BIG_NUMBER_WORDS_RE.fullmatch(token.raw)
        ):
            continue
        left.append(i)
    if not left or len(left) > _MAX_LEARNT_WORDS:
        return None
    if left[-1] - left[0] != len(left) - 1 or any(tokens[i].hard_before for i in left[1:]):
        return None  # not one phrase
    first = left[0]
    if len(left) == 1 and len(tokens[first].raw) <= 4:
        # A short word alone says too little ("nian"): learn it with the word before it
        # ("lektion med nian"), small words between included.
        for back in (first - 1, first - 2):
            if back < 0 or tokens[back + 1].hard_before:
                break
            if tokens[back].fold not in _SMALL_WORDS and not tokens[back].digit:
                first = back
                break
    return text[tokens[first].start : tokens[left[-1]].end].lower()


def day_options(text: str, today: date) -> tuple[date, ...]:
    """The days to offer when the day is not clear: last week's, the weekend's, or the last
    seven days."""
    if _LAST_WEEK_RE.search(text):
        monday = today - timedelta(days=today.weekday() + 7)
        return tuple(monday + timedelta(days=n) for n in range(6, -1, -1))
    if _WEEKEND_RE.search(text):
        saturday = today - timedelta(days=(today.weekday() - 5) % 7)
        days = (saturday + timedelta(days=1), saturday)
        return tuple(d for d in days if d <= today)
    return tuple(today - timedelta(days=n) for n in range(7))


# --- Reading --------------------------------------------------------------------------------


def _matched_words(text: str, tokens: Sequence[Token], used: Iterable[int]) -> str:
    """The matched words as written; words close together with what stands between them."""
    groups: list[list[int]] = []
    for index in sorted(used):
        if (
            groups
            and index - groups[-1][-1] <= 3
            and not any(tokens[i].hard_before for i in range(groups[-1][-1] + 1, index + 1))
        ):
            groups[-1].append(index)
        else:
            groups.append([index])
    return " ".join(text[tokens[g[0]].start : tokens[g[-1]].end] for g in groups)


def _another_day(
    text: str, tokens: Sequence[Token], first: DayMatch, today: date, hour: int
) -> bool:
    """True when the text names a second, different day after the first one."""
    later = find_day(text[first.end :], today, hour=hour)
    if later is not None and later.day != first.day:
        return True
    # A number the first search passed over ("kl 22 - 21/11").
    starts = [t.start for t in tokens if t.digit and t.start >= first.end][:_MAX_DAY_RETRIES]
    for start in starts:
        found = find_day(text[start:], today, hour=hour)
        if found is not None and found.start == 0 and found.day != first.day:
            return True
    return False


def _day_unclear(text: str, day_match: DayMatch | None) -> bool:
    """True when the text speaks of a time that is not one past day ("förra veckan")."""
    if _COMING_WEEKDAY_RE.search(text):
        return True
    return any(
        day_match is None or m.end() <= day_match.start or m.start() >= day_match.end
        for m in _VAGUE_DAY_RE.finditer(text)
    )


def _decide(ranked: Sequence[_Scored]) -> _Scored | None:
    if not ranked or ranked[0].score < _DECIDE_MIN - _EPSILON:
        return None
    best = ranked[0]
    for other in ranked[1:]:
        if (
            other.base >= _TWO_ACTIVITIES_MIN - _EPSILON
            and not other.base_tokens & best.base_tokens
        ):
            return None  # two activities named in one message ("skolbesök och trafikkontroll")
        same = other.pledge.municipality == best.pledge.municipality
        margin = _MARGIN_SAME_MUNICIPALITY if same else _MARGIN_OTHER_MUNICIPALITY
        if best.score - other.score < margin - _EPSILON:
            return None
    return best


def read_report(
    text: str, choices: Sequence[PledgeChoice], today: date, *, hour: int = 12
) -> ReportReading:
    """Read one reporter message against the pledges the reporter may report on.

    ``candidates`` holds the plausible pledges, best first; ``pledge`` is set only when one of
    them is clearly the one meant. The count is 1 when none is stated, the day is ``today`` when
    none is stated (None when the stated one is refused), and the place is as written or None.
    """
    original = text
    text = swedish.clean(text)
    tokens = _tokenise(text)
    try:
        compiled = _compile(tuple(choices))
    except TypeError:  # a choice that cannot be hashed (a list where a tuple belongs)
        compiled = _compile.__wrapped__(tuple(choices))

    # Municipality named in the text.
    municipality_names = list(dict.fromkeys(c.municipality for c in choices))
    named, municipality_tokens = _named_municipalities(tokens, municipality_names)
    municipality = named[0] if len(named) == 1 else None
    pledges = compiled
    if municipality is not None and len(municipality_names) > 1:
        wanted = _municipality_key(municipality)
        pledges = tuple(p for p in compiled if p.municipality == wanted)

    # Pledges.
    matcher = _Matcher(text, tokens)
    scored: list[_Scored] = []
    weak = frozenset(swedish.key(w) for name in municipality_names for w in swedish.words(name))
    for pledge in pledges:
        found = _score_pledge(pledge, matcher, weak)
        if found is not None:
            scored.append(found)
    scored.sort(key=lambda s: s.score, reverse=True)
    plausible = [
        s
        for s in scored
        if s.score >= _CANDIDATE_MIN and s.score >= scored[0].score - _CANDIDATE_WINDOW
    ][:_MAX_CANDIDATES]
    chosen = _decide(plausible)
    if chosen is not None and _NOT_DONE_RE.search(text):
        chosen = None
    candidates = tuple(
        Candidate(
            s.pledge.choice, round(min(1.0, s.score), 3), _matched_words(text, tokens, s.tokens)
        )
        for s in plausible
    )

    # Day.
    day_match = find_day(text, today, hour=hour)
    if day_match is None:
        day: date | None = today
        day_problem: str | None = None
    else:
        day = day_match.day
        day_problem = day_match.problem
        if day is None and day_problem is None:
            day_problem = "invalid"
    two_days = day_match is not None and _another_day(text, tokens, day_match, today, hour)
    day_like = day_like_spans(text)
    unread_day = any(
        day_match is None or end <= day_match.start or start >= day_match.end
        for start, end in day_like
    )
    if day_problem is None and (two_days or unread_day or _day_unclear(text, day_match)):
        day_problem = "unclear"  # a vague time, a day-like word not read, or two days
    if day_problem is not None:
        day = None
    offered = day_options(text, today) if day_problem in ("unclear", "invalid") else ()

    times = [m.span() for m in _VAGUE_DAY_RE.finditer(text)]
    times += [m.span() for m in _COMING_WEEKDAY_RE.finditer(text)]
    if day_match is not None:
        times.append((day_match.start, day_match.end))

    # Count: a number counts what the chosen pledge counts (any pledge's words when none is).
    counted = compiled if chosen is None else (chosen.pledge,)
    vocabulary = frozenset(
        w.key for p in counted for t in p.terms if not t.lexicon for w in t.words if not w.soft
    )
    field_words = frozenset(
        w.key for p in counted for t in p.terms if t.lexicon for w in t.words if not w.soft
    )
    counter = _Counter(text, tokens, vocabulary, day_match, [*times, *day_like], field_words)
    count = _read_count(counter)

    # Place and coverage.
    # Words that named a pledge strongly are not a place ("tips om droger"); generic ones may be
    # part of one ("Hedeskolan").
    term_tokens = frozenset(i for s in scored if s.base >= _DECIDE_MIN for i in s.base_tokens)
    known_place_keys = frozenset(
        key
        for p in compiled
        for item in p.choice.coverage
        for name in _coverage_names(item)
        for key in name.distinctive
    ) | frozenset(_municipality_key(n) for n in municipality_names if " " not in n)
    others = _other_municipalities(tokens, municipality_names, known_place_keys)
    places = _Places(text, tokens, times, term_tokens, municipality_tokens, known_place_keys)
    place = places.find()
    coverage_item: CoverageChoice | None = None
    if chosen is not None and chosen.pledge.choice.coverage:
        items = chosen.pledge.choice.coverage
        if place is not None:
            in_place = _coverage_match(_tokenise(place), items, weak)
            coverage_item = None if in_place is None else in_place[0]
        if coverage_item is None:
            found_item = _coverage_match(tokens, items, weak)
            if found_item is not None:
                coverage_item = found_item[0]
                span = found_item[2]
                if place is None and span and span[-1] - span[0] <= 4:
                    place = text[tokens[span[0]].start : tokens[span[-1]].end]

    return ReportReading(
        text=original,
        candidates=candidates,
        pledge=None if chosen is None else chosen.pledge.choice,
        count=count.value,
        count_stated=count.stated,
        count_sure=count.sure,
        count_problem=count.problem,
        day=day,
        day_stated=day_match is not None,
        day_problem=day_problem,
        place=place,
        coverage_item=coverage_item,
        municipality=municipality,
        other_municipalities=others,
        day_options=offered,
        unread_words=_unread_words(
            text,
            tokens,
            understood=frozenset(i for s in scored if s.score >= _CANDIDATE_MIN for i in s.tokens)
            | municipality_tokens
            | frozenset(
                () if places.found is None else range(places.found[0], places.found[1] + 1)
            ),
            times=[*times, *day_like],
        ),
    )
