"""Reading the count of a message: sure, unsure, zero, negative or too large."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.domain.dates import DayMatch
from bot.domain.report_reading.model import MAX_COUNT, CountProblem
from bot.domain.report_reading.vocabulary import (
    BIG_NUMBER_WORDS_RE,
    CLOCK_RE,
    COUNT_NOUN_KEYS,
    EN_NUMBER_RE,
    EN_NUMBERS,
    GLUED_RE,
    LABEL_BEFORE_RE,
    NEGATIVE_RE,
    NOT_A_COUNT_AFTER_RE,
    NOT_A_COUNT_BEFORE_RE,
    NOT_COUNTED_FORMS,
    NOT_COUNTED_HEADS,
    NOUN_COLON_BEFORE_RE,
    NUMBER_LIKE_RE,
    PAIR_RE,
    RANGE_RE,
    SMALL_WORDS,
    TIME_KEYS,
    TIMES_BEFORE_RE,
    UNIT_WORDS,
    ZERO_WORDS_RE,
    tokens_of,
    word_match,
)
from bot.domain.swedish import Token
from bot.domain.swedish_numbers import NumberMatch, find_numbers

# --- Counts ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CountFinding:
    value: int
    sure: bool
    article: bool
    position: int


class CountFinder:
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
                key in COUNT_NOUN_KEYS
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
        return token.fold in NOT_COUNTED_FORMS or any(
            len(token.fold) - len(head) >= 3 and token.fold.endswith(head)
            for head in NOT_COUNTED_HEADS
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
        if token.fold in UNIT_WORDS:
            return "unit" if self.unit_ends(token.end) else "none"
        if self.is_not_counted(token):
            return "not_counted"
        if self.is_count_noun(token):
            return "count"
        if token.digit or token.capital or token.fold in SMALL_WORDS or token.key in TIME_KEYS:
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
            or token.fold in SMALL_WORDS
            or token.key in TIME_KEYS
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
        for m in EN_NUMBER_RE.finditer(self.text):
            explained.append(m.span())
            word = m.group(0).lower()
            value = EN_NUMBERS[word]
            if word in ("once", "twice"):
                counts.append(_CountFinding(value, True, False, m.start()))
                continue
            english = NumberMatch(
                value, m.start(), m.end(), m.group(0), "", False, False, False, True
            )
            self._number(english, counts, unsure)
        for pattern in (GLUED_RE, TIMES_BEFORE_RE, NEGATIVE_RE, RANGE_RE, CLOCK_RE, PAIR_RE):
            explained.extend(m.span() for m in pattern.finditer(self.text))
        for m in NUMBER_LIKE_RE.finditer(self.text):
            if any(m.start() < end and m.end() > start for start, end in explained):
                continue
            if NOT_A_COUNT_AFTER_RE.match(self.text, m.end()) or NOT_A_COUNT_BEFORE_RE.search(
                self.text[max(0, m.start() - 40) : m.start()]
            ):
                continue  # "1,5 h", "kl 14.30"
            self.unread = True
        for m in BIG_NUMBER_WORDS_RE.finditer(self.text):
            # "tusen skolbesök", "flera trafikkontroller": a number nobody can read; "några
            # ungdomar" or "tusen besökare" count people, not the activity.
            kind = self.noun_kind(m.end())
            if kind != "not_counted" and (m["big"] or kind in ("count", "unit")):
                self.unread = True
        for m in GLUED_RE.finditer(self.text):
            if not self.in_day(m.start(), m.end()) and not NOT_A_COUNT_BEFORE_RE.search(
                self.text[: m.start()]
            ):
                sure = self.unit_ends(m.end())
                (counts if sure else unsure).append(
                    _CountFinding(int(m.group(1)), sure, False, m.start())
                )
        for m in TIMES_BEFORE_RE.finditer(self.text):
            if not self.in_day(m.start(), m.end()):
                counts.append(_CountFinding(int(m.group(1)), True, False, m.start()))
        for m in NEGATIVE_RE.finditer(self.text):
            if self.in_day(m.start(), m.end()):
                continue
            sure = self.noun_kind(m.end()) in ("count", "unit")
            finding = _CountFinding(-int(m.group(1)), sure, False, m.start())
            (counts if sure else unsure).append(finding)
        for m in ZERO_WORDS_RE.finditer(self.text):
            if self.noun_kind(m.end()) == "count":
                counts.append(_CountFinding(0, True, False, m.start()))
        for m in RANGE_RE.finditer(self.text):
            if (
                not self.in_day(m.start(), m.end())
                and not NOT_A_COUNT_BEFORE_RE.search(self.text[: m.start()])
                and not NOT_A_COUNT_AFTER_RE.match(self.text, m.end())
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
        if NOT_A_COUNT_BEFORE_RE.search(before):
            return
        if NOT_A_COUNT_AFTER_RE.match(self.text, number.end):
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
        if LABEL_BEFORE_RE.search(before):
            counts.append(_CountFinding(number.value, not uncertain, False, number.start))
            return
        colon = NOUN_COLON_BEFORE_RE.search(before)
        if colon is not None and self._is_count_word(colon.group(1)):
            counts.append(_CountFinding(number.value, not uncertain, False, number.start))
            return
        unsure.append(_CountFinding(number.value, False, False, number.start))

    def _is_count_word(self, word: str) -> bool:
        tokens = tokens_of(word)
        return len(tokens) == 1 and self.is_count_noun(tokens[0])


def _counts_as(key: str, word: str) -> bool:
    """Whether a noun after a number counts what a pledge word names: the word itself, a
    compound of it, or either part of it ("kontroller" of "trafikkontroll", "klasser" of
    "klassbesök")."""
    if key.startswith("~") or word.startswith("~"):
        return False
    if word_match(key, word):
        return True
    return len(key) >= 4 and len(word) > len(key) and (word.endswith(key) or word.startswith(key))


@dataclass(frozen=True, slots=True)
class _Count:
    value: int
    stated: bool
    sure: bool
    problem: CountProblem | None


def read_count(counter: CountFinder) -> _Count:
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
