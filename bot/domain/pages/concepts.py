"""Which of the field's concepts (``bot.domain.lexicon``) a pledge or result text names.

A follow-up says "hastighetsövervakning" where the pledge said "trafikkontroller", "vuxna ute
kvällstid" where it said "nattvandring". Both name a concept of the lexicon; the page matcher
counts a shared concept as a shared word, and a page's pledge can be given the concept's words
as synonyms.

Rules:
- A one-word term is found at the start of a word, followed by nothing or an ending
  ("trafikkontroll" in "trafikkontrollerna"); a term ending in -e or -a also without that
  vowel ("nattvandrare" in "nattvandrarna", "nattvandrar"); a term of eight letters or more
  also as the first part of a compound ("grannstöd" in "grannstödsområden"). A phrase is
  found as written, with an ending allowed on its last word. Never inside a longer word
  ("marknad" is not in "marknadsföring").
- ``broader_of`` walks up the lexicon: a speed check is a traffic control.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from bot.domain.lexicon import CONCEPTS, Concept, concept

_ENDINGS = (
    "arnas|ernas|ornas|arna|erna|orna|ande|ares|ars|ers|ors|ens|ets|ar|er|or|en|et|na|n|s|t|e|a"
)
_BOUND_LEFT = r"(?<![\wåäöéü])"
_BOUND_RIGHT = r"(?![\wåäöéü])"


def _pattern(term: str) -> str:
    term = term.lower()
    stems = [re.escape(term)]
    if " " not in term and len(term) >= 6 and term[-1] in "ea":
        stems.append(re.escape(term[:-1]))
    tail = rf"(?:{_ENDINGS})?"
    if " " not in term and len(term) >= 8:
        tail = r"[\wåäöéü]*"
    return rf"{_BOUND_LEFT}(?:{'|'.join(stems)}){tail}{_BOUND_RIGHT}"


@cache
def _compiled() -> tuple[tuple[Concept, re.Pattern[str]], ...]:
    return tuple(
        (c, re.compile("|".join(_pattern(t) for t in c.words), re.IGNORECASE)) for c in CONCEPTS
    )


def concepts_in(text: str) -> tuple[Concept, ...]:
    """The concepts one of whose words ``text`` uses, in lexicon order."""
    lowered = text.lower()
    return tuple(c for c, pattern in _compiled() if pattern.search(lowered))


@cache
def _all_terms() -> frozenset[str]:
    return frozenset(w.lower() for c in CONCEPTS for w in c.words)


def is_term(words: str) -> bool:
    """Whether ``words`` is, as a whole, one of the lexicon's words or phrases."""
    return words.strip().lower() in _all_terms()


@cache
def broader_of(key: str) -> tuple[str, ...]:
    """The keys above ``key`` in the lexicon, nearest first."""
    found: list[str] = []
    current = concept(key).broader
    while current is not None and current not in found:
        found.append(current)
        current = concept(current).broader
    return tuple(found)


_MAX_SYNONYMS = 8
_AUDIENCE = "hogstadiet"


def offered_synonyms(texts: Sequence[str], names: Sequence[str]) -> list[tuple[str, ...]]:
    """For each pledge of a page (its text and short name), the lexicon's words to offer as
    synonyms, so that reporters' and citizens' words find it from the first day.

    Only a concept that this pledge alone names on the page is offered (two pledges offered the
    same words would make those words point nowhere), and only when the pledge names at most
    two activities: a pledge naming more is about no one activity. School years (an audience,
    not an activity) are not offered. Swedish words only, those of at most two words, not the
    short name itself, at most eight.
    """
    named = [{c.key for c in concepts_in(f"{t} {n}")} for t, n in zip(texts, names, strict=True)]
    offered: list[tuple[str, ...]] = []
    for index, (keys, name) in enumerate(zip(named, names, strict=True)):
        elsewhere = set().union(*(k for i, k in enumerate(named) if i != index))
        own = [
            c
            for c in CONCEPTS
            if c.key in keys and c.key not in elsewhere and _AUDIENCE not in (c.key, c.broader)
        ]
        activities = [k for k in keys if _AUDIENCE not in (k, concept(k).broader)]
        if not own or len(activities) > 2:
            offered.append(())
            continue
        words = [
            t.lower()
            for c in own
            for t in c.terms
            if len(t.split()) <= 2 and t.lower() != name.lower()
        ]
        offered.append(tuple(dict.fromkeys(words))[:_MAX_SYNONYMS])
    return offered
