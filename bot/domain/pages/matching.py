"""Which pledge of a pledge set a follow-up's restated pledge reports on.

Rules:
- Pledges are compared by their content words: lower case, without the words every pledge has
  ("polisen", "kommunen", "lovar", "arbeta", the kommun's name, …), cut to a stem of at most six
  letters after a plural or verb ending, with the field's ways of naming a school year made
  one ("åttor", "åttondeklasser", "årskurs 8", "åk 8" are all "åk8").
- A word shared by few pledges of the set weighs more than one most of them share (idf), and
  the score, 0–100, is the mean of two weighted overlaps of the word sets: Dice (against both
  sizes) and the overlap coefficient (against the smaller one, as a restated pledge is often
  shorter or longer than the original).
- A restated pledge whose name ("Besök hos alla åttor") has two or more content words, all of
  them found in a pledge of the set, scores at least ``NAMED``; ties go to the better text.
  A match with another pledge within three points of it is never sure.
- Texts that name the same concept of the field's lexicon in different words
  ("hastighetsövervakning", "fartkontroller") share that concept as one more content word
  (``#hastighetskontroll``), weighing three times a word. A result naming a narrower concept (a
  speed check) shares it with a pledge naming a broader one (traffic controls), but not the
  other way round, and two narrower concepts under one broader (a speed check, a sobriety
  check) share nothing. A concept only one side names is left out of both (the lexicon is
  never complete), so a concept can only raise a score.
- A name that is itself a word of the lexicon (a synonym it offered) adds its concept only.
- A restated pledge kept by one party does not match a pledge kept only by the other.
- Each pledge of the set takes at most one restated pledge, best scores first: two follow-up
  pledges are never merged into one. Below ``LIKELY`` there is no match (the caller says so);
  from ``SURE`` on the match is sure; in between it is likely, and shown as such.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.pages.concepts import broader_of, concepts_in, is_term
from bot.domain.swedish import short_stem

SURE = 55
LIKELY = 32
NAMED = 60

_SCHOOL_YEARS = (
    (r"sjund\w*|sjuor\w*|sjuan|årskurs\s*7|åk\.?\s*7|år\s*7|klass\s*7", "åk7"),
    (r"åttond\w*|åttor\w*|åttan|årskurs\s*8|åk\.?\s*8|år\s*8|klass\s*8", "åk8"),
    (r"niond\w*|nior\w*|nian|årskurs\s*9|åk\.?\s*9|år\s*9|klass\s*9", "åk9"),
)
_SCHOOL_YEAR_RES = tuple(
    (re.compile(rf"(?<![\wåäö])(?:{pattern})(?![\wåäö])", re.IGNORECASE), token)
    for pattern, token in _SCHOOL_YEARS
)
_STOP_WORDS = """
    polisen polis polisens lokalpolisen kommunen kommun kommuns kommunens stad staden stads
    lovar lovat att och samt för med som till kring arbeta arbetar arbetet genom ska skall
    kommer fortsätter fortsätta vid det den de dem där här har hade om på av under efter inom
    alla samtliga olika andra annat övriga mer fler flera ökad ökat öka goda god bra möjligt
    gemensamt tillsammans vi oss vår våra sin sina sitt deras även också inte utan eller
    genomföra genomför genomförs göra gör syfte syftet relevant nuvarande hos ge ges ut
"""
_STOP = frozenset(_STOP_WORDS.split())
_WORD_RE = re.compile(r"[a-zåäöéü0-9]+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pledge to compare: its text, its names (short name, synonyms, heading) and party."""

    text: str
    names: tuple[str, ...] = ()
    responsible: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """Where a restated pledge goes: the index of the pledge in the set (or None)."""

    index: int | None
    score: int
    sure: bool
    others: tuple[int, ...] = ()
    """Other pledges that came close, best first (for a person to choose from)."""


def _stems(text: str, ignore: frozenset[str]) -> set[str]:
    lowered = text.lower()
    for pattern, token in _SCHOOL_YEAR_RES:
        lowered = pattern.sub(f" {token} ", lowered)
    stems: set[str] = set()
    for word in _WORD_RE.findall(lowered):
        if word in _STOP or word in ignore or (len(word) < 3 and not word.startswith("åk")):
            continue
        stems.add(short_stem(word))
    stems.update(f"{_CONCEPT}{c.key}" for c in concepts_in(text))
    return stems


_CONCEPT = "#"
_CONCEPT_WEIGHT = 3.0


def _lifted(mine: set[str], other: set[str]) -> set[str]:
    """``mine`` with each concept the other side lacks replaced by its nearest broader concept
    the other side names (a speed check meets a pledge about traffic controls)."""
    lifted: set[str] = set()
    for word in mine:
        if word.startswith(_CONCEPT) and word not in other:
            above = [f"{_CONCEPT}{k}" for k in broader_of(word[len(_CONCEPT) :])]
            word = next((a for a in above if a in other), word)
        lifted.add(word)
    return lifted


def _concepts_shared(mine: set[str], other: set[str]) -> tuple[set[str], set[str]]:
    """Both word sets without the concepts only one side names: the lexicon is never complete,
    so a concept it finds on one side only is no evidence against a match."""
    shared = mine & other
    return (
        {w for w in mine if w in shared or not w.startswith(_CONCEPT)},
        {w for w in other if w in shared or not w.startswith(_CONCEPT)},
    )


def _words_of(candidate: Candidate, ignore: frozenset[str]) -> set[str]:
    # A name that is one of the lexicon's words (a synonym offered at import) stands for its
    # concept alone: its letters would only add words the other side does not have.
    plain = [n for n in candidate.names if not is_term(n)]
    words = _stems(" ".join((candidate.text, *plain)), ignore)
    words.update(f"{_CONCEPT}{c.key}" for c in concepts_in(" ".join(candidate.names)))
    return words


def _parties_clash(a: str | None, b: str | None) -> bool:
    return a in ("polisen", "kommunen") and b in ("polisen", "kommunen") and a != b


def _scores(
    reported: Sequence[Candidate], existing: Sequence[Candidate], skip: frozenset[str]
) -> list[tuple[float, float, int, int]]:
    """(score, text score, reported index, existing index) for every pair at ``LIKELY`` or
    above, except pairs whose parties clash."""
    theirs = [_words_of(c, skip) for c in existing]
    ours = [_words_of(c, skip) for c in reported]
    headings = [_stems(c.names[0], skip) if c.names else set() for c in reported]
    documents = theirs + ours
    count = len(documents) or 1
    frequency: dict[str, int] = {}
    for words in documents:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1

    def weight(word: str) -> float:
        rarity = math.log(1 + count / frequency.get(word, 1))
        return _CONCEPT_WEIGHT * rarity if word.startswith(_CONCEPT) else rarity

    scored: list[tuple[float, float, int, int]] = []
    for i, (words, candidate) in enumerate(zip(ours, reported, strict=True)):
        if not words:
            continue
        for j, (other, pledge) in enumerate(zip(theirs, existing, strict=True)):
            if not other or _parties_clash(candidate.responsible, pledge.responsible):
                continue
            mine, theirs_here = _concepts_shared(_lifted(words, other), other)
            mine_weight = sum(weight(w) for w in mine)
            shared = sum(weight(w) for w in mine & theirs_here)
            other_weight = sum(weight(w) for w in theirs_here)
            dice = 2 * shared / (mine_weight + other_weight)
            overlap = shared / min(mine_weight, other_weight)
            text_score = 100 * (dice + overlap) / 2
            heading = headings[i]
            named = len(heading) >= 2 and heading <= other
            score = max(text_score, NAMED) if named else text_score
            if score >= LIKELY:
                scored.append((score, text_score, i, j))
    return scored


def closest(
    text: str, candidates: Sequence[Candidate], *, margin: float = 10.0
) -> tuple[int | None, int]:
    """The one candidate a text (a result) speaks of, by content words: (index, score), or
    (None, best score) when none reaches ``LIKELY`` or two are within ``margin`` points."""
    matches = _scores([Candidate(text)], candidates, frozenset())
    ranked = sorted((row for row in matches), key=lambda s: -s[0])
    if not ranked or ranked[0][0] < LIKELY:
        return None, round(ranked[0][0]) if ranked else 0
    if len(ranked) > 1 and ranked[1][0] > ranked[0][0] - margin:
        return None, round(ranked[0][0])
    return ranked[0][3], round(ranked[0][0])


def _skip_words(ignore: Iterable[str]) -> frozenset[str]:
    skip = frozenset(w.lower() for w in ignore) | frozenset(
        w.lower()[:-1] for w in ignore if w.lower().endswith("s")
    )
    return skip | frozenset(f"{w}s" for w in skip)


def match_pledges(
    reported: Sequence[Candidate], existing: Sequence[Candidate], *, ignore: Iterable[str] = ()
) -> list[Match]:
    """For each restated pledge, the pledge of ``existing`` it reports on (see module docs).
    ``ignore``: more words to leave out, such as the kommun's name."""
    scored = _scores(reported, existing, _skip_words(ignore))
    scored.sort(key=lambda s: (-s[0], -s[1], s[2], s[3]))
    result = [Match(None, 0, False) for _ in reported]
    taken: set[int] = set()
    for score, _, i, j in scored:
        if result[i].index is not None or j in taken:
            continue
        # Another pledge about as close: still the better one, but not a sure match.
        rival = any(r[2] == i and r[3] != j and r[0] >= score - 3 for r in scored)
        result[i] = Match(j, round(score), score >= SURE and not rival)
        taken.add(j)
    for i, match in enumerate(result):
        others = tuple(dict.fromkeys(r[3] for r in scored if r[2] == i and r[3] != match.index))
        result[i] = Match(match.index, match.score, match.sure, others[:3])
    return result
