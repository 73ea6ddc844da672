"""The pledges compiled into terms, and matching a message's words against them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.domain import swedish
from bot.domain.lexicon import CONCEPTS, terms_for
from bot.domain.report_reading.coverage import coverage_in_tokens
from bot.domain.report_reading.model import PledgeChoice
from bot.domain.report_reading.tuning import (
    CANDIDATE_MIN,
    COVERAGE_FULL_BONUS,
    COVERAGE_PART_BONUS,
    EXTRA_TERM_BONUS,
    EXTRA_TERM_MAX,
    M_JOINED,
    M_LOOSE,
    M_TYPO,
    W_CAPITALS,
    W_GENERIC,
    W_LEXICON,
    W_SHORT_NAME,
    W_SHORT_WORD,
    W_SMALL_WORD,
    W_SYNONYM,
    W_UNIT,
)
from bot.domain.report_reading.vocabulary import (
    GENERIC_KEYS,
    SMALL_WORDS,
    message_word_key,
    partial_match,
    word_match,
)
from bot.domain.swedish import FOLD, Token

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


def municipality_key(name: str) -> str:
    return " ".join(swedish.key(w) for w in swedish.words(name))


def _term_words(text: str) -> list[str]:
    return [w for w in swedish.words(text) if w]


def _single_weight(word: str, kind: str, generic: bool) -> tuple[float, float]:
    folded = word.translate(FOLD)
    if folded in SMALL_WORDS:
        return W_SMALL_WORD, W_CAPITALS
    if generic:
        return W_GENERIC, W_GENERIC
    if len(word) <= 4 and kind != "lexicon":  # the lexicon's short words are words ("nian")
        return W_SHORT_WORD, W_CAPITALS
    weight = _KIND_WEIGHTS.get(kind, W_UNIT)
    return weight, weight


_KIND_WEIGHTS = {"short": W_SHORT_NAME, "synonym": W_SYNONYM, "lexicon": W_LEXICON}


def _compile_term(text: str, kind: str, others: frozenset[str]) -> _Term | None:
    words = _term_words(text)
    if not words:
        return None
    keys = [message_word_key(w) for w in words]
    if len(words) == 1:
        key = keys[0]
        generic = key in GENERIC_KEYS or (
            kind != "short"
            and any(
                other == key or (len(key) >= 3 and (other.startswith(key) or other.endswith(key)))
                for other in others
            )
        )
        weight, capitals = _single_weight(words[0], kind, generic)
        return _Term((_Word(key, False),), "", weight, capitals, strict=False, shape=key)
    soft = [w.translate(FOLD) in SMALL_WORDS for w in words]
    if all(soft):
        soft = [False] * len(words)
    strict = sum(1 for s in soft if not s) == 1
    weight = _KIND_WEIGHTS.get(kind, W_UNIT)
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
                key = message_word_key(words[0])
                if key not in GENERIC_KEYS and len(key) >= 4 and not key.startswith("~"):
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
        own.update(message_word_key(w) for w in words)
        if len(words) > 1:
            own.add(swedish.key("".join(words)))
    found: list[str] = []
    for key, keys in _lexicon_index():
        if keys & own:
            found.extend(terms_for(key))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=64)
def compile_pledges(choices: tuple[PledgeChoice, ...]) -> tuple[_Pledge, ...]:
    word_keys: list[frozenset[str]] = []
    for choice in choices:
        keys: set[str] = set()
        for text, _kind in _raw_terms(choice):
            words = _term_words(text)
            keys.update(message_word_key(w) for w in words)
            if len(words) > 1:
                keys.add(swedish.key("".join(words)))
        word_keys.append(frozenset(keys))
    compiled: list[_Pledge] = []
    for index, choice in enumerate(choices):
        municipality = municipality_key(choice.municipality)
        others: set[str] = set()
        for other_index, other in enumerate(choices):
            if other_index != index and municipality_key(other.municipality) == municipality:
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
            replace(term, weight=W_GENERIC, capitals_weight=W_GENERIC)
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


class TermMatcher:
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
            found = word_match(token_key, word_key)
            self._cache[(token_key, word_key)] = found
        return found

    def partial(self, token_key: str, word_key: str) -> float:
        if token_key not in word_key:  # a partial match is the tail of the term word
            return 0.0
        found = self._partial.get((token_key, word_key))
        if found is None:
            found = partial_match(token_key, word_key)
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
                score = term.weight * M_TYPO
                if best is None or score > best.score:
                    best = _Hit(score, (i, i + 1))
        if len(key) >= 5:
            for i, joined in self.joined_pairs:
                factor = 0.0
                if joined == key:
                    factor = M_JOINED
                elif joined[:1] == first and swedish.is_typo(joined, key):
                    factor = M_TYPO
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
                    factor = M_JOINED
                elif token.key[:1] == term.joined[:1] and swedish.is_typo(token.key, term.joined):
                    factor = M_TYPO
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
            return _Hit(factor * (M_LOOSE if loose else 1.0), used)
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
class ScoredPledge:
    pledge: _Pledge
    score: float
    tokens: frozenset[int]  # every word that matched
    base: float  # the best single term's score
    base_tokens: frozenset[int]  # the words of that term


def score_pledge(
    pledge: _Pledge, matcher: TermMatcher, weak: frozenset[str]
) -> ScoredPledge | None:
    hits = [hit for term in pledge.terms if (hit := matcher.term(term)) is not None]
    if not hits:
        return None
    hits.sort(key=lambda h: h.score, reverse=True)
    best = hits[0]
    used = set(best.tokens)
    extra = 0
    for hit in hits[1:]:
        if extra >= EXTRA_TERM_MAX:
            break
        if hit.score >= CANDIDATE_MIN and not used.intersection(hit.tokens):
            used.update(hit.tokens)
            extra += 1
    score = best.score + EXTRA_TERM_BONUS * extra
    if pledge.choice.coverage:
        level = coverage_in_tokens(matcher.tokens, pledge.choice.coverage, weak)
        if level is not None:
            score += COVERAGE_FULL_BONUS if level[1] == 2 else COVERAGE_PART_BONUS
    return ScoredPledge(pledge, score, frozenset(used), best.score, frozenset(best.tokens))
