"""Finding what a question is about: a focus area or particular pledges."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bot.domain import swedish
from bot.domain.questions.field import (
    FIELD_PREFIX_MIN,
    NOT_FOR_QUESTIONS,
    field_words,
    hyphened_field_word,
    is_topic_word,
    lexicon_words_of,
    own_keys,
)
from bot.domain.questions.model import Responsible, Topic
from bot.domain.questions.tuning import (
    AREA_MIN,
    EPSILON,
    EXTRA_WORD_BONUS,
    F_COMPOUND_IN_QUESTION,
    F_FIRST_PART,
    F_HEAD,
    F_QUESTION_FIRST_PART,
    F_RELATED,
    F_SAME,
    F_TEXT,
    F_TYPO,
    MEMO_MAX,
    MULTI_BASE,
    PLEDGE_MIN,
    PLEDGE_WINDOW,
    W_AREA,
    W_SHORT_NAME,
    W_SYNONYM,
)
from bot.domain.questions.vocabulary import (
    AREA_IGNORE,
    ENGLISH_WORDS,
    POLICE_WORDS,
    RELATED_WORDS,
    STOP,
)
from bot.domain.report_reading.vocabulary import SMALL_WORDS
from bot.domain.swedish import FOLD, Token

# --- Topics ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
    words: tuple[str, ...]  # keys of the content words
    capitals_only: tuple[bool, ...]  # a small word ("sig") names the pledge only in capitals
    joined: str  # the key of the words written together; "" for one word
    weight: float
    whole: bool = False  # a lexicon phrase: names the pledge only with all its words
    lexicon: bool = False  # from the lexicon: matched by the same word, a typo or a compound


@dataclass(frozen=True, slots=True)
class _Area:
    name: str
    term: _Term | None
    pledge_ids: tuple[int, ...]


@dataclass(slots=True)
class _TopicIndex:
    topics: tuple[Topic, ...]
    terms: tuple[tuple[_Term, ...], ...]  # per topic
    areas: tuple[_Area, ...]
    # word key → the (owner, term, word) it appears in; owner < 0: area -1 - owner
    postings: dict[str, list[tuple[int, int, int]]]
    words: frozenset[str]
    sorted_words: list[str]
    sorted_reversed: list[str]
    words_by_letter: dict[str, list[str]]
    text_words: dict[str, list[int]]  # word key of a pledge text → topics
    sorted_text_words: list[str]
    memo: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    text_memo: dict[str, tuple[int, ...]] = field(default_factory=dict)


def _term(text: str, weight: float) -> _Term | None:
    words = [w for w in (m.group(0).lower() for m in swedish.WORD_RE.finditer(text)) if w]
    if not words:
        return None
    small = [w.translate(FOLD) in SMALL_WORDS for w in words]
    if all(small):
        keys = [swedish.key(w) for w in words]
        capitals = [True] * len(words)
    else:
        kept = [w for w, s in zip(words, small, strict=True) if not s]
        keys = [swedish.key(w) for w in kept]
        capitals = [False] * len(kept)
    joined = swedish.key("".join(words)) if len(words) > 1 else ""
    return _Term(tuple(keys), tuple(capitals), joined, weight)


def _area_term(name: str) -> _Term | None:
    words = [
        w
        for w in (m.group(0).lower() for m in swedish.WORD_RE.finditer(name))
        if w.translate(FOLD) not in SMALL_WORDS
        and w.translate(FOLD) not in AREA_IGNORE
        and w.translate(FOLD) not in POLICE_WORDS
    ]
    if not words:
        return None
    keys = tuple(swedish.key(w) for w in words)
    joined = swedish.key("".join(words)) if len(words) > 1 else ""
    return _Term(keys, (False,) * len(keys), joined, W_AREA)


def _lexicon_terms(topics: tuple[Topic, ...]) -> list[list[_Term]]:
    """Per pledge, the lexicon's words for what its own words name, as weaker terms. A word
    that is another pledge's own word is left to that pledge; one that several pledges get
    from the lexicon names each of them equally, so the question offers them all."""
    owns = [own_keys(t) for t in topics]
    found: list[list[_Term]] = []
    for index, own in enumerate(owns):
        others: set[str] = set()
        for other_index, other in enumerate(owns):
            if other_index != index:
                others |= other
        terms: list[_Term] = []
        short = own_keys(topics[index], short_only=True)
        for text, weight in lexicon_words_of(own, short):
            term = _lexicon_term(text, weight)
            if term is None:
                continue
            key = term.joined or term.words[0]
            if key in own or key in others or key in NOT_FOR_QUESTIONS:
                continue
            terms.append(term)
        found.append(terms)
    return found


@lru_cache(maxsize=2048)
def _lexicon_term(text: str, weight: float) -> _Term | None:
    """A word or phrase of the lexicon as a term (the same for every pledge that gets it)."""
    term = _term(text, weight)
    if term is None or any(term.capitals_only):
        return None
    if len(term.words) == 1 and len(swedish.WORD_RE.findall(text)) > 1:
        # A phrase left with one word once its small words are gone ("vuxna ute" → "vuxna")
        # no longer names the activity.
        return None
    return _Term(
        term.words,
        term.capitals_only,
        term.joined,
        term.weight,
        whole=len(term.words) > 1,
        lexicon=True,
    )


def _build_topic_index(topics: tuple[Topic, ...]) -> _TopicIndex:
    per_topic: list[tuple[_Term, ...]] = []
    lexicon = _lexicon_terms(topics)
    postings: dict[str, list[tuple[int, int, int]]] = {}
    text_words: dict[str, list[int]] = {}
    area_order: dict[str, list[int]] = {}
    for t_index, topic in enumerate(topics):
        terms: list[_Term] = []
        raw: list[tuple[object, float]] = [(topic.short_name, W_SHORT_NAME)]
        raw += [(s, W_SYNONYM) for s in (topic.synonyms or ())]
        for text, weight in raw:
            if isinstance(text, str):
                term = _term(text, weight)
                if term is not None:
                    terms.append(term)
                    if len(term.joined) >= 5:  # written as one word: "rökfriaskolgårdar"
                        terms.append(_Term((term.joined,), (False,), "", weight))
        for term in lexicon[t_index]:
            terms.append(term)
            if len(term.joined) >= 5:
                terms.append(_Term((term.joined,), (False,), "", term.weight, lexicon=True))
        per_topic.append(tuple(terms))
        for term_index, term in enumerate(terms):
            for word_index, word in enumerate(term.words):
                postings.setdefault(word, []).append((t_index, term_index, word_index))
        if isinstance(topic.text, str) and topic.text:
            for m in swedish.WORD_RE.finditer(topic.text[: swedish.MAX_TEXT]):
                low = m.group(0).lower()
                folded = low.translate(FOLD)
                if len(folded) < 4 or folded in STOP or low.isdigit():
                    continue
                owners = text_words.setdefault(swedish.key(low), [])
                if not owners or owners[-1] != t_index:
                    owners.append(t_index)
        if isinstance(topic.focus_area, str) and topic.focus_area:
            area_order.setdefault(topic.focus_area, []).append(topic.pledge_id)
    areas: list[_Area] = []
    for a_index, (name, ids) in enumerate(area_order.items()):
        term = _area_term(name)
        areas.append(_Area(name, term, tuple(ids)))
        if term is not None:
            for word_index, word in enumerate(term.words):
                postings.setdefault(word, []).append((-1 - a_index, 0, word_index))
    words = frozenset(postings)
    by_letter: dict[str, list[str]] = {}
    for word in words:
        if word:
            by_letter.setdefault(word[0], []).append(word)
    return _TopicIndex(
        topics=topics,
        terms=tuple(per_topic),
        areas=tuple(areas),
        postings=postings,
        words=words,
        sorted_words=sorted(words),
        sorted_reversed=sorted(w[::-1] for w in words),
        words_by_letter=by_letter,
        text_words=text_words,
        sorted_text_words=sorted(text_words),
    )


# Room for every municipality's pledges (290) and some earlier versions of them.
_cached_topic_index = lru_cache(maxsize=512)(_build_topic_index)


def topic_index(topics: tuple[Topic, ...]) -> _TopicIndex:
    try:
        return _cached_topic_index(topics)
    except TypeError:  # a topic that cannot be hashed (a list of synonyms)
        return _build_topic_index(topics)


def _with_prefix(sorted_words: list[str], prefix: str) -> Iterable[str]:
    start = bisect.bisect_left(sorted_words, prefix)
    for word in sorted_words[start:]:
        if not word.startswith(prefix):
            break
        yield word


def _word_factors(
    index: _TopicIndex, key: str, strict: bool = False
) -> tuple[tuple[str, float], ...]:
    """The term words one question word key matches, with how well. ``strict``: a word of a
    phrase of the field ("speed checks"), which is not matched by its parts either."""
    memo_key = "!" + key if strict else key
    found = index.memo.get(memo_key)
    if found is not None:
        return found
    factors: dict[str, float] = {}

    def note(word: str, factor: float) -> None:
        if factor > factors.get(word, 0.0):
            factors[word] = factor

    if key in index.words:
        note(key, F_SAME)
    # A word of the field names its own activity: not another one it shares a part with
    # ("grannsamverkan" is not "samverkan", "trygghetsvandring" not "trygghet").
    field_word = strict or key in field_words()
    if not key.isdigit():
        if len(key) >= 4:
            for word in _with_prefix(index.sorted_words, key):
                if len(word) - len(key) >= 2:
                    note(word, F_FIRST_PART)
        if len(key) >= 5 and not field_word:
            for reversed_word in _with_prefix(index.sorted_reversed, key[::-1]):
                if len(reversed_word) - len(key) >= 3:
                    note(reversed_word[::-1], F_HEAD)
        for size in range(4, len(key) - 1):
            if key[:size] not in index.words:
                continue
            if len(key) - size <= 2:
                # what the stemmer left of the same word ("marknaden" and "marknad")
                note(key[:size], F_TYPO)
            elif not field_word:
                note(key[:size], F_QUESTION_FIRST_PART)
        for size in range(5, len(key) - 2):
            if key[-size:] in index.words and not field_word:
                note(key[-size:], F_COMPOUND_IN_QUESTION)
        if len(key) >= 5:
            for word in index.words_by_letter.get(key[0], ()):
                if word != key and swedish.is_typo(key, word):
                    note(word, F_TYPO)
    result = tuple(factors.items())
    if len(index.memo) > MEMO_MAX:
        index.memo.clear()
    index.memo[memo_key] = result
    return result


def _text_topics(index: _TopicIndex, key: str) -> tuple[int, ...]:
    """The topics whose full text has a word the question word key names."""
    found = index.text_memo.get(key)
    if found is not None:
        return found
    owners: list[int] = list(index.text_words.get(key, ()))
    if len(key) >= 5 and not key.isdigit():
        for word in _with_prefix(index.sorted_text_words, key):
            owners.extend(index.text_words[word])
    result = tuple(dict.fromkeys(owners))
    if len(index.text_memo) > MEMO_MAX:
        index.text_memo.clear()
    index.text_memo[key] = result
    return result


@dataclass(frozen=True, slots=True)
class _QWord:
    index: int  # the token's position
    keys: tuple[tuple[str, float], ...]  # keys it stands for, with a factor
    soft: bool  # a responsible word or a number: completes a term, never names one alone
    capitals: bool
    topical: bool  # looks like a topic word: may match a pledge's full text
    strict: bool = False  # a word of a phrase of the field: not matched by its parts


def question_words(
    tokens: Sequence[Token], taken: frozenset[int], soft_words: frozenset[int]
) -> list[_QWord]:
    words: list[_QWord] = []
    for i, token in enumerate(tokens):
        if i in taken:
            continue
        soft = i in soft_words or token.digit
        if not soft and token.fold in STOP and not token.capitals:
            continue
        keys: dict[str, float] = {}
        english = ENGLISH_WORDS.get(token.low)
        if english is not None:
            for word in english:
                keys[swedish.key(word)] = F_SAME
        base = token.low if token.digit else swedish.key(token.low)
        keys.setdefault(base, F_SAME)
        for related in _related(base):
            keys.setdefault(related, F_RELATED)
        topical = english is not None or is_topic_word(base)
        hyphened = hyphened_field_word(tokens, i)
        if hyphened is not None:
            # "brå-möten": one word of the field written with a hyphen, not two words.
            keys = {hyphened: F_SAME}
            topical = True
            if words and words[-1].index == i - 1:
                words.pop()
        phrase = _field_phrase(tokens, i) if hyphened is None else None
        if phrase is not None:
            # "speed checks", "synlig polis": a phrase of the field names its activity, so its
            # words are not matched by their parts ("checks" is no "drogkontroll").
            keys[phrase] = F_SAME
            if words and words[-1].index == i - 1:
                words[-1] = replace(words[-1], strict=True)
        strict = phrase is not None
        words.append(_QWord(i, tuple(keys.items()), soft, token.capitals, topical, strict))
    return words


def _field_phrase(tokens: Sequence[Token], i: int) -> str | None:
    """The key of a word and the one before it written together, when that is a phrase of the
    field's lexicon ("speed checks", "foot patrol", "synlig polis"); otherwise None."""
    if i == 0 or tokens[i].digit or tokens[i - 1].digit or tokens[i].sentence_start:
        return None
    key = swedish.key(tokens[i - 1].low + tokens[i].low)
    return key if len(key) >= FIELD_PREFIX_MIN and key in field_words() else None


@lru_cache(maxsize=1)
def _related_keys() -> dict[str, tuple[str, ...]]:
    return {
        swedish.key(word): tuple(swedish.key(r) for r in related)
        for word, related in RELATED_WORDS.items()
    }


def _related(key: str) -> tuple[str, ...]:
    return _related_keys().get(key, ())


@dataclass(slots=True)
class _TermHit:
    factors: dict[int, tuple[float, int, bool]]  # word → (factor, question word, soft)


def _term_score(term: _Term, hit: _TermHit) -> tuple[float, frozenset[int]] | None:
    if not any(not soft for _, _, soft in hit.factors.values()):
        return None
    matched = list(hit.factors.values())
    if term.whole and (
        len(matched) < len(term.words)
        or any(soft and factor < F_SAME for factor, _, soft in matched)
    ):
        return None  # a phrase of the lexicon names the pledge only with all its own words
    quality = sum(f for f, _, _ in matched) / len(matched)
    coverage = (
        1.0
        if len(term.words) == 1
        else MULTI_BASE + (1 - MULTI_BASE) * min(1.0, len(matched) / len(term.words))
    )
    return term.weight * quality * coverage, frozenset(i for _, i, _ in matched)


@dataclass(frozen=True, slots=True)
class _TopicReading:
    focus_area: str | None
    pledge_ids: tuple[int, ...]
    tokens: frozenset[int]  # the question words that named a topic
    weak: bool = False  # only words of the pledges' full texts matched


def read_topics(
    index: _TopicIndex, words: Sequence[_QWord], responsible: Responsible | None
) -> _TopicReading:
    # owner → term → word → best (factor, question word, soft)
    hits: dict[int, dict[int, _TermHit]] = {}
    for qword in words:
        for key, key_factor in qword.keys:
            for word, factor in _word_factors(index, key, qword.strict):
                for owner, term_index, word_index in index.postings.get(word, ()):
                    term = (
                        index.terms[owner][term_index]
                        if owner >= 0
                        else index.areas[-1 - owner].term
                    )
                    if term is None or (term.capitals_only[word_index] and not qword.capitals):
                        continue
                    if term.lexicon and factor < F_COMPOUND_IN_QUESTION - EPSILON:
                        continue  # "droger" is not the start of "drograttfylleri"
                    value = factor * key_factor
                    term_hits = hits.setdefault(owner, {}).setdefault(term_index, _TermHit({}))
                    known = term_hits.factors.get(word_index)
                    if known is None or value > known[0]:
                        term_hits.factors[word_index] = (value, qword.index, qword.soft)
    # The best term of each pledge and area, and a bonus for more words naming the pledge.
    scores: dict[int, tuple[float, frozenset[int]]] = {}
    for owner, owner_hits in hits.items():
        best: tuple[float, frozenset[int]] | None = None
        used: set[int] = set()
        for term_index, hit in owner_hits.items():
            term = index.terms[owner][term_index] if owner >= 0 else index.areas[-1 - owner].term
            if term is None:
                continue
            scored = _term_score(term, hit)
            if scored is None:
                continue
            used |= scored[1]
            if best is None or scored[0] > best[0]:
                best = scored
        if best is None:
            continue
        extra = EXTRA_WORD_BONUS if owner >= 0 and used - best[1] else 0.0
        scores[owner] = (best[0] + extra, frozenset(used))

    # Weak evidence from the pledges' full texts, only when no term matched.
    weak = not any(owner >= 0 for owner in scores)
    if not any(owner >= 0 for owner in scores):
        for qword in words:
            if qword.soft or not qword.topical:
                continue
            for key, key_factor in qword.keys:
                for owner in _text_topics(index, key):
                    value = F_TEXT * key_factor
                    if value > scores.get(owner, (0.0, frozenset()))[0]:
                        scores[owner] = (value, frozenset({qword.index}))

    areas = sorted(
        ((score, -1 - owner) for owner, score in scores.items() if owner < 0),
        key=lambda s: (-s[0][0], s[1]),
    )
    pledges = sorted(
        ((score, owner) for owner, score in scores.items() if owner >= 0),
        key=lambda s: (-s[0][0], s[1]),
    )
    best_pledge = pledges[0][0][0] if pledges else 0.0
    if areas and areas[0][0][0] >= AREA_MIN - EPSILON:
        (area_score, area_tokens), area_index = areas[0]
        if area_score >= best_pledge - EPSILON:
            area = index.areas[area_index]
            return _TopicReading(area.name, area.pledge_ids, area_tokens)
    if not pledges:
        return _TopicReading(None, (), frozenset())
    floor = max(PLEDGE_MIN, best_pledge - PLEDGE_WINDOW) - EPSILON
    chosen = [(score, owner) for score, owner in pledges if score[0] >= floor]
    if responsible is not None:
        theirs = [
            (score, owner)
            for score, owner in chosen
            if swedish.fold(str(index.topics[owner].responsible))
            in (swedish.fold(responsible), "bada")
        ]
        chosen = theirs or chosen
    if not chosen:
        # Only weak words (a pledge text): offer them, still best first.
        if best_pledge < F_TEXT * F_RELATED - EPSILON:
            return _TopicReading(None, (), frozenset())
        chosen = [(score, owner) for score, owner in pledges if score[0] >= best_pledge - 0.01]
    ids = tuple(dict.fromkeys(index.topics[owner].pledge_id for _, owner in chosen))
    tokens = frozenset(i for (_, used), _ in chosen for i in used)
    return _TopicReading(None, ids, tokens, weak)
