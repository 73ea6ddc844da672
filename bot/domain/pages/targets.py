"""Targets in pledge texts and counts in result texts.

Target rules:
- A count is a number (digits or a Swedish word) in front of a counted noun. It is a target when
  it is qualified ("minst", "åtminstone" → ``at_least``; "fler än"/"mer än"/"över" → at least
  one more), has a frequency ("per år", "/vecka", "varje skoltermin" …) or counts an activity
  noun ("trafikinsatser", "tillfällen", "besök" …).
- Never counts: four-digit years (unless they count an activity: "2000 nykterhetskontroller"),
  school years ("årskurs 8", "åk 9"), road numbers ("E45", "Rv 84"), dates, times, ranges
  ("6-9"), percentages, money, ages, durations ("tre år"), the repetition in "två (2)", numbers
  after a determiner ("de två skolorna") and "en"/"ett" as articles. "en"/"ett" count only before
  "tillfälle"/"gång" after "minst"/"vid", or before an activity noun with a frequency.
- The frequency is the one closest to the count in the same sentence; none → "period".
- The unit is the counted noun in the plural; "gång"/"gånger" is replaced by the activity it
  multiplies ("besöka skolorna … 2 gånger/år" → "besök"; "insatser … två gånger" → "insatser").
- Coverage: "alla årskurs 8", "alla åttondeklasser", the object of a visit ("besöka skolorna i
  kommunen", "besöka högstadie- och gymnasieskolor") and a named list of places ("ytterområden,
  A, B och C"). A coverage or a bare "varje <window>" makes a target even without a count.
Result rules: the same numbers, any counted noun; "över 40" and "ett hundratal" are approximate;
"Inga … genomförd(a)" and "har inte genomförts" are 0; a number with a rate ("tre gånger per
år") is not a count of what was done; of several counts the one whose noun matches the pledge
wins, else the first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from bot.domain.pages.model import PageTarget, Per
from bot.domain.periods import MONTHS_SV
from bot.domain.swedish import plural
from bot.domain.swedish_numbers import find_numbers

_Window = Per | Literal["day"]

_ACTIVITY_STEMS: tuple[str, ...] = (
    "insats",
    "insatser",
    "kontroll",
    "kontroller",
    "besök",
    "tillfälle",
    "tillfällen",
    "gång",
    "gånger",
    "ggr",
    "träff",
    "träffar",
    "möte",
    "möten",
    "aktivitet",
    "aktiviteter",
    "utbildning",
    "utbildningar",
    "föreläsning",
    "föreläsningar",
    "lektion",
    "lektioner",
    "dialog",
    "dialoger",
    "promenad",
    "promenader",
    "vandring",
    "vandringar",
    "kampanj",
    "kampanjer",
    "patrull",
    "patruller",
    "patrullering",
    "patrulleringar",
    "tillslag",
    "razzia",
    "razzior",
    "samtal",
    "övning",
    "övningar",
    "kväll",
    "kvällar",
    "dagar",
    "pass",
    "inspektion",
    "inspektioner",
    "tillsyn",
    "tillsyner",
    "mätning",
    "mätningar",
    "evenemang",
    "workshop",
    "workshops",
    "seminarium",
    "seminarier",
    "konferens",
    "konferenser",
    "utskick",
    "nyhetsbrev",
    "inlägg",
    "enkät",
    "enkäter",
    "undersökning",
    "undersökningar",
    "timmar",
    "timme",
    "skola",
    "skolor",
    "klass",
    "klasser",
    "åtgärd",
    "åtgärder",
    "genomgång",
    "genomgångar",
    "sammankomst",
    "sammankomster",
    "turné",
    "turnéer",
    "tester",
    "prov",
    "kurs",
    "kurser",
)

_NOT_COUNTED_NOUNS = frozenset(
    {
        "år",
        "års",
        "åren",
        "åriga",
        "månad",
        "månader",
        "månaders",
        "vecka",
        "veckor",
        "veckors",
        "procent",
        "procentenheter",
        "kronor",
        "kr",
        "km",
        "kilometer",
        "mil",
        "meter",
        "minuter",
        "sekunder",
        "grader",
        *MONTHS_SV,
        "åring",
        "åringar",
        "miljoner",
        "tusen",
        "av",
        "och",
        "eller",
        "till",
    }
)
_FILLERS = frozenset({"st", "stycken", "st.", "stycket"})
_DETERMINERS = frozenset(
    {"de", "dessa", "våra", "alla", "båda", "samtliga", "sina", "dess", "deras", "era", "dom"}
)
_BEFORE_NOT_COUNT_RE = re.compile(
    r"(?:\b(?:årskurs|åk|klass|år|kl|klockan|nr|nummer|e|rv|lv|väg|riksväg|länsväg|sidan|"
    r"vecka|v|kapitel|punkt|steg|fas|nivå|version|inom|senast|före|efter|av|"
    r"anställa|anställer|anställs|rekrytera|rekryterar|rekryteras)\.?|§)\s*$",
    re.IGNORECASE,
)
_AFTER_NOT_COUNT_RE = re.compile(
    r"\s*(?:%|:e\b|-?åring|[-–]\s*\d|av\s+(?:\d+|[a-zåäö]+)\b(?=\s+[a-zåäö]))", re.IGNORECASE
)
# A count right after one of these reads as a place or time, not as what is promised:
# "patrullera i två tätorter", "under tre veckor".
_PLACE_PREPOSITIONS = frozenset(
    {"i", "på", "vid", "hos", "under", "från", "till", "mellan", "efter", "inom", "med", "för"}
)
_GENERIC_RATE_RE = re.compile(
    r"^\s*(?:[\wåäö-]+\s+){0,2}?(?:per|i|om)\s+(?:kväll|dag|natt|gång|"
    r"tillfälle|person|elev|skola|klass|match|helg|säsong|pass)\w*\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[\wåäöÅÄÖéü]+(?:-[\wåäöÅÄÖéü]+)*")
_ADJECTIVE_ENDINGS = (
    "ade",
    "ande",
    "ende",
    "iga",
    "liga",
    "igt",
    "ligt",
    "ska",
    "iskt",
    "tiva",
    "iva",
    "rade",
    "nya",
    "större",
    "mindre",
    "fler",
    "extra",
    "gemensamma",
    "riktade",
    "särskilda",
)

_FREQUENCIES: tuple[tuple[re.Pattern[str], _Window, bool], ...] = (
    # (pattern, window, is a rate when it follows a result count)
    (
        re.compile(
            r"(?:\bper|\bvarje|\bvar|/|\bi|\bom)\s*(?:skol)?termin(?:en)?\b|\bterminsvis\b",
            re.I,
        ),
        "term",
        True,
    ),
    (
        re.compile(r"(?:\bper|\bvarje|\bvart|/|\bi|\bom)\s*halvår(?:et)?\b|\bhalvårsvis\b", re.I),
        "half_year",
        True,
    ),
    (
        re.compile(r"(?:\bper|\bvarje|/|\bi|\bom)\s*tertial(?:et)?\b|\btertialvis\b", re.I),
        "tertial",
        True,
    ),
    (
        re.compile(r"(?:\bper|\bvarje|/|\bi|\bom)\s*kvartal(?:et)?\b|\bkvartalsvis\b", re.I),
        "quarter",
        True,
    ),
    (
        re.compile(
            r"(?:\bper|\bvarje|\bvar|/|\bi|\bom)\s*månad(?:en)?\b|\bmånadsvis\b|\bmånatligen\b",
            re.I,
        ),
        "month",
        True,
    ),
    (
        re.compile(
            r"(?:\bper|\bvarje|/|\bi|\bom)\s*vecka(?:n)?\b|\bveckovis\b|"
            r"\bvarje\s+(?:mån|tis|ons|tors|fre|lör|sön)dag(?:skväll|kväll)?\b",
            re.I,
        ),
        "week",
        True,
    ),
    (
        re.compile(
            r"(?:\bper|\bvarje|\bvart|/|\bom|\bi)\s*(?:kalender|läs|verksamhets)?år(?:et)?\b|"
            r"\bårligen\b|\bårsvis\b",
            re.I,
        ),
        "year",
        True,
    ),
    (
        re.compile(r"\bunder\s+(?:hela\s+)?(?:året|ett\s+år|kalenderåret|läsåret)\b", re.I),
        "year",
        False,
    ),
    (
        re.compile(r"(?:\bper|\bvarje|/|\bom)\s*dag(?:en)?\b|\bdagligen\b", re.I),
        "day",
        True,
    ),
    (
        re.compile(
            r"\bunder\s+(?:hela\s+)?(?:perioden|löftesperioden|avtalsperioden|löftestiden)\b",
            re.I,
        ),
        "period",
        False,
    ),
)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"'(«”])")


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_RE.split(text) if s.strip()]


def is_activity_noun(word: str) -> bool:
    lower = word.lower()
    return lower.endswith(_ACTIVITY_STEMS) and not lower.startswith("årskurs")


def _is_adjective(word: str) -> bool:
    lower = word.lower()
    return lower.endswith(_ADJECTIVE_ENDINGS) or lower in ("olika", "nya", "fler", "flera")


@dataclass(frozen=True, slots=True)
class _Count:
    value: int
    at_least: bool
    approximate: bool
    noun: str | None
    window: _Window | None
    strong: bool
    start: int
    end: int
    sentence: str


def _frequency(sentence: str, near: int, *, rates_only: bool = False) -> _Window | None:
    best: tuple[int, _Window] | None = None
    for pattern, window, is_rate in _FREQUENCIES:
        if rates_only and not is_rate:
            continue
        for match in pattern.finditer(sentence):
            distance = abs(match.start() - near)
            if best is None or distance < best[0]:
                best = (distance, window)
    return best[1] if best else None


def _rate_follows(after: str) -> bool:
    if _GENERIC_RATE_RE.match(after):
        return True
    head = after[:40]
    for pattern, _window, is_rate in _FREQUENCIES:
        if not is_rate:
            continue
        match = pattern.search(head)
        if match and match.start() <= 25:
            return True
    return False


def _noun_after(after: str) -> str | None:
    rest = re.sub(r"^\s*\(\s*\d+\s*\)", "", after)
    words: list[str] = []
    skipped = 0
    for match in _WORD_RE.finditer(rest[:80]):
        gap = rest[skipped : match.start()] if not words else ""
        if not words and gap.strip(" \u00a0") not in ("", "(", "”", '"'):
            # Punctuation right after the number: "4, 5" or "4." — nothing counted.
            return None
        word = match.group(0)
        if word.lower() in _FILLERS:
            skipped = match.end()  # "fyra stycken kontroller"
            continue
        if re.match(r"-(?:\s|$)", rest[match.end() : match.end() + 2]):
            return None  # the first half of "gång- och cykelbana", not a counted noun
        words.append(word)
        if len(words) >= 3:
            break
    if not words or words[0].lower() in _DETERMINERS:
        return None
    for word in words:
        if is_activity_noun(word):
            return word
    for word in words:
        if word.lower() in _NOT_COUNTED_NOUNS:
            return word
        if not _is_adjective(word):
            return word
    return words[-1]


def _candidates(sentence: str, *, for_target: bool) -> list[_Count]:
    found: list[_Count] = []
    for number in find_numbers(sentence):
        before = sentence[: number.start]
        after = sentence[number.end :]
        if before.rstrip().endswith("(") and re.match(r"\s*\)", after):
            continue  # the repetition in "två (2) tillfällen"
        if _BEFORE_NOT_COUNT_RE.search(before) or _AFTER_NOT_COUNT_RE.match(after):
            continue
        before_words = _WORD_RE.findall(before[-40:])
        if before_words and before_words[-1].lower() in _DETERMINERS and not number.prefix:
            continue
        noun = _noun_after(after)
        noun_lower = noun.lower() if noun else ""
        is_year = (not number.is_word) and 1900 <= number.value <= 2099 and number.value >= 1000
        first_after = _WORD_RE.search(after)
        if is_year and not (
            noun and is_activity_noun(noun) and first_after and first_after.group(0) == noun
        ):
            continue
        if noun_lower in _NOT_COUNTED_NOUNS:
            continue
        if number.value >= 1000 and noun is None:
            continue
        window = _frequency(sentence, number.start)
        if number.article:
            counted_once = noun_lower.startswith(("tillfälle", "gång")) and (
                bool(number.prefix) or re.search(r"\bvid\s*$", before) is not None or not for_target
            )
            with_rate = noun is not None and is_activity_noun(noun) and window is not None
            # A result that opens "En dialogträff hölls": one was done.
            opens_result = (
                not for_target
                and not before.strip()
                and noun is not None
                and is_activity_noun(noun)
                and first_after is not None
                and first_after.group(0) == noun
            )
            if not (
                counted_once
                or with_rate
                or opens_result
                or (noun_lower.startswith("gång") and window)
            ):
                continue
        if noun is None and not number.prefix:
            continue
        if for_target and number.value == 0:
            continue
        strict = number.prefix in ("fler än", "mer än", "över")
        at_least = number.at_least or (for_target and strict)
        value = number.value + 1 if (for_target and strict) else number.value
        after_place = bool(before_words) and before_words[-1].lower() in _PLACE_PREPOSITIONS
        strong = bool(
            number.at_least
            or strict
            or window
            or (noun is not None and is_activity_noun(noun))
            or (noun is not None and not after_place and not number.article)
        )
        found.append(
            _Count(
                value=value,
                at_least=at_least,
                approximate=number.approximate or (not for_target and number.at_least),
                noun=noun,
                window=window,
                strong=strong,
                start=number.start,
                end=number.end,
                sentence=sentence,
            )
        )
    return found


_VISIT_RE = re.compile(r"\bbesök(?:a|er|te|t|s)?\b", re.IGNORECASE)


def _multiplied_activity(before: str) -> str | None:
    """What "gånger" multiplies: the visit or the last activity noun before the count."""
    if _VISIT_RE.search(before):
        return "besök"
    nouns = [w for w in _WORD_RE.findall(before) if is_activity_noun(w)]
    for word in reversed(nouns):
        if not word.lower().startswith(("gång", "tillfälle")):
            return plural(word)
    return None


def _unit(count: _Count) -> str | None:
    if count.noun is None:
        return None
    unit = plural(count.noun)
    if unit == "gånger":
        return _multiplied_activity(count.sentence[: count.start]) or "gånger"
    return unit


# ---------------------------------------------------------------------------------------------
# Coverage

_GROUP_NOUNS = (
    r"(?:\w*klasser(?:na)?|\w*skolor(?:na)?|åttor(?:na)?|nior(?:na)?|sjuor(?:na)?|"
    r"\w*fritidsgårdar(?:na)?|\w*förskolor(?:na)?|byar(?:na)?|\w*orter(?:na)?|"
    r"stadsdelar(?:na)?|\w*bostadsområden(?:a)?|\w*boenden(?:a)?|föreningar(?:na)?|"
    r"\w*elever(?:na)?|ytterområden(?:a)?|kommundelar(?:na)?|HVB-hem(?:men)?|\w*hem(?:men)?)"
)
_ALL_GRADE_RE = re.compile(
    r"\balla\s+(?:elever\s+i\s+)?(?:årskurs|åk)\s*\d(?:\s*(?:-|–|och)\s*\d)?", re.IGNORECASE
)
_ALL_GROUP_RE = re.compile(
    rf"\b(?:alla|samtliga)\s+(?:[\wåäö-]+\s+){{0,2}}?{_GROUP_NOUNS}\b", re.IGNORECASE
)
_VISIT_OBJECT_RE = re.compile(
    r"\b(?:besöka|besöker|nå\s+ut\s+till|träffa)\s+"
    r"(?:(?:samtliga|de|olika|kommunens)\s+)?"
    rf"(?P<obj>(?:[\wåäö]+-?\s?(?:och|samt)\s+)?{_GROUP_NOUNS}"
    r"(?:\s+i\s+(?:kommunen|(?-i:[A-ZÅÄÖ])[\wåäö-]+))?)\b",
    re.IGNORECASE,
)
_PLACE_LIST_RE = re.compile(
    r"\b(?:ytterområden(?:a)?|orter(?:na)?|byar(?:na)?|tätorter(?:na)?|stadsdelar(?:na)?|"
    r"kommundelar(?:na)?|områden(?:a)?|bostadsområden(?:a)?)\s*[,:]\s*"
    r"(?P<list>[A-ZÅÄÖ][\wåäö/-]*(?:\s*,\s*[A-ZÅÄÖ][\wåäö/-]*)+\s+(?:och|samt)\s+"
    r"[A-ZÅÄÖ][\wåäö/-]*)"
)


def _tidy(phrase: str) -> str:
    phrase = re.sub(r"(\w)-\s*och\s+", r"\1- och ", phrase)
    return re.sub(r"\s+", " ", phrase).strip()


_ALL_PLURAL_RE = re.compile(
    r"\b(?:alla|samtliga)\s+(?:[\wåäö-]+\s+)?[\wåäö-]+(?:er|ar|or|en|na|ter)\b", re.IGNORECASE
)
_EACH_RE = re.compile(
    r"\b(?:varje|vart|varenda)\s+(?:kommundel|stadsdel|skola|klass|by|ort|tätort|"
    r"bostadsområde|kommundel|område|fritidsgård|förskola|skolklass)\b",
    re.IGNORECASE,
)


def find_coverage(text: str) -> str | None:
    """The list a pledge promises to cover, or None."""
    for pattern in (_ALL_GRADE_RE, _ALL_GROUP_RE, _ALL_PLURAL_RE, _EACH_RE):
        match = pattern.search(text)
        if match:
            return _tidy(match.group(0))
    match = _VISIT_OBJECT_RE.search(text)
    if match:
        return _tidy(match.group("obj"))
    match = _PLACE_LIST_RE.search(text)
    if match:
        return _tidy(match.group("list"))
    return None


# ---------------------------------------------------------------------------------------------
# Public helpers


@dataclass(frozen=True, slots=True)
class TargetReading:
    target: PageTarget | None
    unused_numbers: tuple[int, ...]
    unsupported_frequency: str | None


_UNSUPPORTED_FREQUENCY_RE = re.compile(
    r"\b(?:per|varje|/)\s*(?:säsong|helg|vinter|sommar|höst|vår|lov|sommarlov|jullov|"
    r"sportlov|dygn|dag|dagen)\w*\b|\bdagligen\b|\bvar(?:annan|tannat)\s+[\wåäö]+",
    re.IGNORECASE,
)


def _first_rate(text: str) -> _Window | None:
    best: tuple[int, _Window] | None = None
    for pattern, window, is_rate in _FREQUENCIES:
        if not is_rate:
            continue
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), window)
    return best[1] if best else None


def _activity_unit(text: str) -> str | None:
    if _VISIT_RE.search(text):
        return "besök"
    for word in _WORD_RE.findall(text):
        lower = word.lower()
        if (
            is_activity_noun(word)
            and not lower.endswith(("rna", "na", "et", "en"))
            and not lower.endswith(("skola", "skolor", "klass", "klasser"))
        ):
            return plural(word)
    return None


def read_target(text: str) -> TargetReading:
    """The measurable target of a pledge text (or None) and numbers left unexplained."""
    chosen: _Count | None = None
    unused: list[int] = []
    for sentence in split_sentences(text):
        for count in _candidates(sentence, for_target=True):
            if chosen is None and count.strong:
                chosen = count
            elif count is not chosen and not (chosen and count.value == chosen.value):
                unused.append(count.value)
    unsupported = _UNSUPPORTED_FREQUENCY_RE.search(text)
    unsupported_text = unsupported.group(0) if unsupported else None
    coverage = find_coverage(text)
    if chosen is not None:
        window = chosen.window
        per: Per | None = None if window == "day" else (window or "period")
        if unsupported_text and window is None:
            per = None
        target = PageTarget(
            count=chosen.value,
            at_least=chosen.at_least,
            per=per,
            unit=_unit(chosen),
            coverage=coverage,
        )
        if per is not None:
            unsupported_text = None
        return TargetReading(target, tuple(unused), unsupported_text)
    window = _first_rate(text)
    if coverage is None and window is None:
        return TargetReading(None, tuple(unused), unsupported_text)
    per = None if window == "day" else (window or "period")
    target = PageTarget(
        count=None, at_least=False, per=per, unit=_activity_unit(text), coverage=coverage
    )
    return TargetReading(
        target,
        tuple(unused),
        unsupported_text if per is None else None,
    )


_ZERO_RE = re.compile(
    r"\b(?:inga|ingen|inget|noll)\s+(?:[\wåäö-]+\s+){0,5}?(?:har\s+|har\s+det\s+)?"
    r"(?:genomför(?:t|ts|d|da|des)|gjor(?:t|ts|d|da|des)|hållits|hölls|ägt\s+rum|skett|"
    r"blev\s+av|utförts|utförd|utförda|anordnats|anordnades)\b"
    r"|\b(?:har|blev|kunde)\s+(?:inte|ej)\s+(?:genomförts|gjorts|hållits|skett|av|blivit\s+av|"
    r"genomföras|utföras|anordnats)\b",
    re.IGNORECASE,
)


def read_result_count(text: str, hints: Sequence[str] = ()) -> tuple[int | None, bool]:
    """(count, approximate) stated in a result text, or (None, False)."""
    candidates: list[_Count] = []
    for sentence in split_sentences(text):
        for count in _candidates(sentence, for_target=False):
            if _rate_follows(sentence[count.end :]):
                continue  # "tre gånger per år" is a rate, not what was done
            candidates.append(count)
    if not candidates:
        if _ZERO_RE.search(text):
            return 0, False
        return None, False
    wanted = [h.lower() for h in hints if h and len(h) >= 4]
    if wanted:
        for count in candidates:
            if count.noun and any(
                fuzz.partial_ratio(count.noun.lower(), hint) >= 85 for hint in wanted
            ):
                return count.value, count.approximate
    first = candidates[0]
    return first.value, first.approximate
