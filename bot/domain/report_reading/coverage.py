"""Matching a message, or a place, against a pledge's coverage items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.domain import swedish
from bot.domain.report_reading.model import CoverageChoice
from bot.domain.report_reading.vocabulary import COVERAGE_GENERIC_KEYS, SMALL_WORDS, tokens_of
from bot.domain.swedish import FOLD, Token

# --- Coverage -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CoverageName:
    distinctive: tuple[str, ...]
    generic: frozenset[str]


def _split_place_key(key: str) -> tuple[str | None, str | None]:
    """("hälledal", "skol") for "hälledalsskol"; (key, None) when there is no generic part."""
    if key in COVERAGE_GENERIC_KEYS:
        return None, key
    for generic in COVERAGE_GENERIC_KEYS:
        if key.endswith(generic) and len(key) - len(generic) >= 3:
            head = key[: -len(generic)]
            if len(head) > 3 and head.endswith("s"):
                head = head[:-1]
            return head, generic
    return key, None


@lru_cache(maxsize=1024)
def coverage_names(item: CoverageChoice) -> tuple[_CoverageName, ...]:
    names: list[_CoverageName] = []
    for alternative in item.name.split("/"):
        distinctive: list[str] = []
        generic: set[str] = set()
        for word in swedish.words(alternative):
            folded = word.translate(FOLD)
            if folded in SMALL_WORDS:
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
        if token.digit or token.fold in SMALL_WORDS:
            continue
        head, part = _split_place_key(token.key)
        found.append((i, head, part))
    return found


def same_place_word(a: str, b: str) -> bool:
    return a == b or swedish.is_typo(a, b)


def _coverage_rank(
    name: _CoverageName,
    keys: Sequence[tuple[int, str | None, str | None]],
    weak: frozenset[str],
) -> tuple[int, int, int, tuple[int, ...]] | None:
    positions: list[int] = []
    strong = False
    for wanted in name.distinctive:
        position = next((i for i, head, _ in keys if head and same_place_word(head, wanted)), None)
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


def coverage_match(
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
        for name in coverage_names(item):
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


def coverage_in_tokens(
    tokens: Sequence[Token], items: Sequence[CoverageChoice], weak: frozenset[str]
) -> tuple[CoverageChoice, int] | None:
    found = coverage_match(tokens, items, weak)
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
    found = coverage_match(tokens_of(text), items)
    return None if found is None else found[0]
