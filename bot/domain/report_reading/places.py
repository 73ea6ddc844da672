"""Reading the place of a message, and the municipalities it names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.domain import swedish
from bot.domain.municipality_names import SWEDISH_MUNICIPALITIES
from bot.domain.report_reading.counts import CountFinder
from bot.domain.report_reading.coverage import same_place_word
from bot.domain.report_reading.vocabulary import (
    BIG_NUMBER_WORDS_RE,
    NOT_PLACE_KEYS,
    PLACE_NOUN_KEYS,
    PLACE_PREPOSITIONS,
    ROAD_E_RE,
    ROAD_RE,
    SMALL_WORDS,
    TIME_KEYS,
    UNIT_WORDS,
    VAGUE_PLACE_KEYS,
)
from bot.domain.swedish import FOLD, Token

# --- Places ---------------------------------------------------------------------------------


class PlaceFinder:
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
        self.roads = [m for m in ROAD_RE.finditer(text) if self._road_ok(m)]
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
        return not (m.group(0)[0] == "e" and " " in m.group(0) and ROAD_E_RE.match(m.group(0)))

    def in_day(self, token: Token) -> bool:
        return self._in_time(token.start, token.end)

    def road_at(self, token: Token) -> re.Match[str] | None:
        return next((r for r in self.roads if r.start() == token.start), None)

    def excluded(self, index: int) -> bool:
        """Words that can never be (the start of) a place."""
        token = self.tokens[index]
        return (
            token.fold in SMALL_WORDS
            or self.in_day(token)
            or token.key in TIME_KEYS
            or token.key in NOT_PLACE_KEYS
            or CountFinder.is_not_counted(token)
            or (index in self.term_tokens and token.key not in PLACE_NOUN_KEYS)
            or (token.digit and self.road_at(token) is None)
            or token.fold in _NUMBER_WORDS
        )

    def stops(self, index: int) -> bool:
        token = self.tokens[index]
        return (
            token.hard_before
            or token.fold in PLACE_PREPOSITIONS
            or token.fold in SMALL_WORDS
            or self.in_day(token)
            or token.key in TIME_KEYS
            or (token.digit and self.road_at(token) is None)
            or token.fold in _NUMBER_WORDS
            or CountFinder.is_not_counted(token)
            or (index in self.term_tokens and token.key not in PLACE_NOUN_KEYS)
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
            if token.fold not in PLACE_PREPOSITIONS:
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
        if any(k in PLACE_NOUN_KEYS for k in keys[1:]):
            return True
        if head.key in PLACE_NOUN_KEYS and head.key not in VAGUE_PLACE_KEYS:
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
                        or self.tokens[last + 1].key in PLACE_NOUN_KEYS
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


def named_municipalities(
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
            if all(same_place_word(t.key, k) for t, k in zip(window, keys, strict=True)):
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


def other_municipalities(
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


def unread_words(
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
            or token.fold in SMALL_WORDS
            or token.fold in _PLAIN_VERBS
            or token.fold in _NUMBER_WORDS
            or token.fold in UNIT_WORDS
            or token.key in TIME_KEYS
            or token.key in NOT_PLACE_KEYS
            or len(token.raw) < 3
            or CountFinder.is_not_counted(token)
            or any(token.start < end and token.end > start for start, end in times)
            or BIG_NUMBER_WORDS_RE.fullmatch(token.raw)
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
            if tokens[back].fold not in SMALL_WORDS and not tokens[back].digit:
                first = back
                break
    return text[tokens[first].start : tokens[left[-1]].end].lower()
