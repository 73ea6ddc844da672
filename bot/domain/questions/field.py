"""The field's lexicon as the question reader uses it: the words of each concept, linked
to the pledges whose own words name it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from bot.domain import swedish
from bot.domain.lexicon import CONCEPTS, concept, narrower, terms_for
from bot.domain.questions.model import Topic
from bot.domain.questions.tuning import W_LEXICON, W_LEXICON_NARROWER
from bot.domain.questions.vocabulary import LONG_TOPIC_STEMS, STOP, TOPIC_STEMS
from bot.domain.report_reading.vocabulary import GENERIC_KEYS
from bot.domain.swedish import Token

# --- Topic words ----------------------------------------------------------------------------


def is_topic_word(key: str) -> bool:
    """A key that looks like a topic: a topic word, a compound of a long one, or a field word."""
    return (
        key in TOPIC_STEMS
        or any(key.startswith(stem) for stem in LONG_TOPIC_STEMS)
        or _field_word(key)
    )


# --- The field's lexicon --------------------------------------------------------------------

_LEXICON_KEY_MIN = 3  # "epa", "ssp"
# Words of the lexicon too common to link a pledge to one activity; "högstadiet" does link a
# pledge to the school years 7–9 in a citizen's question ("niorna").
_LINK_GENERIC = GENERIC_KEYS - {swedish.key("högstadiet")}
# Lexicon words that do not say on their own what a citizen asks about: "langning" is as often
# about alcohol as about drugs.
NOT_FOR_QUESTIONS = frozenset({swedish.key("langning")})
FIELD_PREFIX_MIN = 6  # a compound that starts with a field word ("fartkontrollerna")


def _concept_keys(words: Iterable[str]) -> set[str]:
    """Keys of a concept's terms: one-word terms, and multi-word terms written together."""
    keys: set[str] = set()
    for term in words:
        parts = [w.lower() for w in swedish.WORD_RE.findall(term)]
        if len(parts) == 1:
            key = swedish.key(parts[0])
            if len(key) >= _LEXICON_KEY_MIN and key not in NOT_FOR_QUESTIONS:
                keys.add(key)
        elif parts:
            keys.add(swedish.key("".join(parts)))
    return keys


@lru_cache(maxsize=1)
def _lexicon_links() -> tuple[tuple[str, frozenset[str]], ...]:
    """Each concept of the lexicon with the keys that link a pledge's own words to it (not
    those too common to say which activity is meant)."""
    return tuple((c.key, frozenset(_concept_keys(c.words) - _LINK_GENERIC)) for c in CONCEPTS)


@lru_cache(maxsize=1)
def field_words() -> frozenset[str]:
    """Keys that name an activity of the field on their own: the lexicon's one-word terms and
    multi-word terms written together, and the content words of its English terms."""
    keys: set[str] = set()
    for c in CONCEPTS:
        keys |= _concept_keys(c.words)
        for term in c.english:
            for word in swedish.WORD_RE.findall(term.lower()):
                if len(word) >= 4 and swedish.fold(word) not in STOP:
                    keys.add(swedish.key(word))
    return frozenset(keys)


@lru_cache(maxsize=1)
def _long_field_words() -> frozenset[str]:
    return frozenset(k for k in field_words() if len(k) >= FIELD_PREFIX_MIN)


@lru_cache(maxsize=4096)
def _field_word(key: str) -> bool:
    """Whether a question word's key is a word of the field, or a compound starting with one
    ("alkoholkontrollerna")."""
    if key in field_words():
        return True
    long_words = _long_field_words()
    return any(key[:n] in long_words for n in range(FIELD_PREFIX_MIN, len(key)))


def hyphened_field_word(tokens: Sequence[Token], i: int) -> str | None:
    """The key of a word and the one before it, joined by a hyphen, when that is a word of
    the field ("brå-möten", "epa-kontroll"); otherwise None."""
    token = tokens[i]
    if i == 0 or not token.joined_before or token.digit or tokens[i - 1].digit:
        return None
    field = field_words()
    for key in (swedish.key(tokens[i - 1].low + token.low), tokens[i - 1].fold + token.fold):
        # "brå-mötena": an ending or two the stemmer left ("bramoten" for "bramot")
        for size in range(len(key), max(FIELD_PREFIX_MIN, len(key) - 3) - 1, -1):
            if key[:size] in field:
                return key[:size]
    return None


def own_keys(topic: Topic, *, short_only: bool = False) -> frozenset[str]:
    """The keys of a pledge's own words: each word of its short name and synonyms (or of its
    short name only), and each multi-word one written together."""
    keys: set[str] = set()
    texts: tuple[object, ...] = (
        (topic.short_name,) if short_only else (topic.short_name, *(topic.synonyms or ()))
    )
    for text in texts:
        if not isinstance(text, str):
            continue
        words = [w.lower() for w in swedish.WORD_RE.findall(text)]
        keys.update(swedish.key(w) for w in words if not w.isdigit())
        if len(words) > 1:
            keys.add(swedish.key("".join(words)))
    return frozenset(keys)


@lru_cache(maxsize=1024)
def lexicon_words_of(own: frozenset[str], short: frozenset[str]) -> tuple[tuple[str, float], ...]:
    """The lexicon's words for what a pledge's own words name, with those of every narrower
    concept (a pledge about traffic controls is met by speed checks, not the other way), each
    with its weight: a narrower concept's words weigh less, so that a pledge about speed checks
    comes before a general one.

    A pledge whose synonyms name a general concept and some of its kinds, while its short name
    does not name the general one ("droger i trafiken": "trafikinsats", "drograttfylleri"), is
    about those kinds: it gets the general concept's own words, not every other kind's."""
    linked = [key for key, keys in _lexicon_links() if keys & own]
    found: dict[str, float] = {}
    for key in linked:
        for word in concept(key).words:
            found[word] = W_LEXICON
    links = dict(_lexicon_links())
    for key in linked:
        kinds = narrower(key)
        if not links[key] & short and any(k in linked for k in kinds):
            continue
        for word in terms_for(key):
            found.setdefault(word, W_LEXICON_NARROWER)
    return tuple(found.items())
