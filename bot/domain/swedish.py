"""Shared tools for Swedish text: folding, stemming, typo tolerance and tokenising.

One implementation for every reader of free text in the domain (a reporter's message, a
citizen's question):

* ``fold``: lower-cased, with å/ä → a, ö → o and a few foreign letters folded alike (é, è, ü,
  æ, ø, á), so that "foraldramote" matches "föräldramöte". ``FOLD`` is the table, for text
  already lower-cased.
* ``key``: the matching key of a lower-cased word: the Snowball Swedish stem, a few definite
  endings it leaves ("skolan", "tipset", "evenemanget") and a trailing genitive or linking "s"
  taken off, then folded.
* ``is_typo``: whether two keys are one typing error apart (optimal string alignment distance:
  one edit for words of five letters or more, two from ten; the first letter must be right).
* ``plural`` and ``singular``: a counted noun in the plural ("tillfälle" → "tillfällen") and
  back, for units of pledges.
* ``tokenise``: the words of a text (runs of letters, runs of digits) with their place and what
  stands around them (capitals, the start of a sentence, a hyphen or punctuation before).

Pure functions, no I/O.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]
from rapidfuzz.distance import OSA

__all__ = [
    "FOLD",
    "MAX_TEXT",
    "SENTENCE_BREAK_RE",
    "WORD_RE",
    "Token",
    "clean",
    "fold",
    "folds",
    "is_typo",
    "key",
    "keys",
    "lowers",
    "plural",
    "short_stem",
    "singular",
    "stem",
    "tokenise",
    "typo_limit",
    "within_edits",
    "words",
]

#: Longer texts than a Telegram message are read only this far.
MAX_TEXT = 4096

FOLD = str.maketrans(
    {"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "æ": "a", "ø": "o", "á": "a"}
)

#: A word: a run of letters or a run of digits ("åk8" is two words).
WORD_RE = re.compile(r"[^\W\d_]+|\d+")
SENTENCE_BREAK_RE = re.compile(r"[.!?\n;]")
# Anything but a space, a hyphen, a slash, an apostrophe, "&" or "+" (a new line is a break too).
_HARD_BREAK_RE = re.compile(r"[^ \t\u00a0\-/'’&+]")
_JOINING = ("-", "‐", "–")

_STEMMERS = threading.local()


def clean(text: str) -> str:
    """A text as it is read: its first ``MAX_TEXT`` characters, in Unicode NFC."""
    return unicodedata.normalize("NFC", text[:MAX_TEXT])


def fold(word: str) -> str:
    """Lower-cased and folded: "Föräldramöte" → "foraldramote"."""
    return word.lower().translate(FOLD)


def _split(words: str | Iterable[str]) -> Iterable[str]:
    return words.split() if isinstance(words, str) else words


def folds(words: str | Iterable[str]) -> frozenset[str]:
    """Folded forms of words (a list, or one string of words separated by white space)."""
    return frozenset(fold(w) for w in _split(words))


def lowers(words: str | Iterable[str]) -> frozenset[str]:
    """Lower-cased words (a list, or one string of words separated by white space)."""
    return frozenset(w.lower() for w in _split(words))


def stem(word: str) -> str:
    """The Snowball Swedish stem of a lower-cased word (one stemmer per thread)."""
    stemmer = getattr(_STEMMERS, "swedish", None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer("swedish")
        _STEMMERS.swedish = stemmer
    return str(stemmer.stemWord(word))


@lru_cache(maxsize=16384)
def key(low: str) -> str:
    """The matching key of a lower-cased word: stem, a few more endings off, folded."""
    if low.isdigit():
        return low
    stemmed = stem(low)
    if len(stemmed) > 4 and stemmed.endswith(("an", "et")):
        stemmed = stemmed[:-2]  # "skolan", "tipset", "mötet", "evenemanget"
    elif stemmed.endswith("ium"):
        stemmed = stemmed[:-2]  # "gymnasium" like "gymnasiet"
    if len(stemmed) > 3 and stemmed.endswith("s"):
        stemmed = stemmed[:-1]  # a genitive or linking s: "Svegs", "droginsats"
    return stemmed.translate(FOLD)


# Endings ``short_stem`` takes off, the longest first.
_SHORT_STEM_SUFFIXES = (
    "arnas", "ernas", "ornas", "arna", "erna", "orna", "ande", "ende", "are", "ers", "ar", "er",
    "or", "en", "et", "na", "a", "e", "s",
)  # fmt: skip


def short_stem(word: str) -> str:
    """A coarse stem for comparing longer texts (a restated pledge with its original): one
    common ending off when four letters stay, then the first six letters."""
    for suffix in _SHORT_STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


# --- Counted nouns ------------------------------------------------------------------------

_PLURALS: tuple[tuple[str, str], ...] = (
    ("tillfälle", "tillfällen"),
    ("insats", "insatser"),
    ("kontroll", "kontroller"),
    ("träff", "träffar"),
    ("möte", "möten"),
    ("aktivitet", "aktiviteter"),
    ("utbildning", "utbildningar"),
    ("föreläsning", "föreläsningar"),
    ("lektion", "lektioner"),
    ("dialog", "dialoger"),
    ("promenad", "promenader"),
    ("vandring", "vandringar"),
    ("kampanj", "kampanjer"),
    ("patrullering", "patrulleringar"),
    ("patrull", "patruller"),
    ("kväll", "kvällar"),
    ("natt", "nätter"),
    ("skola", "skolor"),
    ("timme", "timmar"),
    ("timma", "timmar"),
    ("övning", "övningar"),
    ("mätning", "mätningar"),
    ("inspektion", "inspektioner"),
    ("razzia", "razzior"),
    ("undersökning", "undersökningar"),
    ("enkät", "enkäter"),
    ("klass", "klasser"),
    ("åtgärd", "åtgärder"),
    ("genomgång", "genomgångar"),
    ("sammankomst", "sammankomster"),
    ("konferens", "konferenser"),
    ("kurs", "kurser"),
    ("gång", "gånger"),
    ("dag", "dagar"),
)


def plural(noun: str) -> str:
    """The plural of a counted noun ("tillfälle" -> "tillfällen"); other words unchanged."""
    lower = noun.lower()
    if lower in ("ggr", "gg"):
        return "gånger"
    for singular, plural_form in _PLURALS:
        if lower.endswith(singular):
            return lower[: -len(singular)] + plural_form
    return lower


_MORE_SINGULARS: tuple[tuple[str, str], ...] = (
    ("person", "personer"),
    ("elev", "elever"),
    ("ungdom", "ungdomar"),
    ("förälder", "föräldrar"),
    ("deltagare", "deltagare"),
    ("tips", "tips"),
    ("gång", "ggr"),
)


def singular(noun: str) -> str:
    """The singular of a counted noun in the plural ("trafikinsatser" -> "trafikinsats",
    "tillfällen" -> "tillfälle", "besök" -> "besök"); other words unchanged."""
    for singular_form, plural_form in (*_PLURALS, *_MORE_SINGULARS):
        if noun.lower().endswith(plural_form):
            return noun[: len(noun) - len(plural_form)] + singular_form
    return noun


def keys(words: str | Iterable[str]) -> frozenset[str]:
    """Keys of words (a list, or one string of words separated by white space)."""
    return frozenset(key(w.lower()) for w in _split(words))


def words(text: str) -> list[str]:
    """The lower-cased words of a text."""
    return [m.group(0).lower() for m in WORD_RE.finditer(text)]


def typo_limit(a: str, b: str) -> int:
    """How many edits two keys may differ by and still be the same word (0: none)."""
    if len(a) < 5 or len(b) < 5 or a[0] != b[0]:
        return 0
    return 2 if min(len(a), len(b)) >= 10 else 1


def within_edits(a: str, b: str, limit: int) -> bool:
    """At most ``limit`` edits apart (insert, delete, substitute, swap two neighbours)."""
    return int(OSA.distance(a, b, score_cutoff=limit)) <= limit


def is_typo(a: str, b: str) -> bool:
    """Two keys one typing error apart (two for long words); see ``typo_limit``."""
    limit = typo_limit(a, b)
    if limit == 0 or abs(len(a) - len(b)) > limit:
        return False
    # within_edits, inlined: this runs for many word pairs of every message.
    return int(OSA.distance(a, b, score_cutoff=limit)) <= limit


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text, where it stands and what stands around it."""

    raw: str  # as written
    start: int
    end: int
    low: str  # lower-cased
    fold: str  # lower-cased and folded
    key: str  # the key the tokeniser was given made of ``low`` ("" without one)
    digit: bool
    capital: bool  # "Sveg"
    capitals: bool  # "HVB"
    sentence_start: bool  # the first word, or a sentence break (. ! ? ; new line) before it
    hard_before: bool  # the first word, or punctuation (not a hyphen or slash) before it
    joined_before: bool  # only a hyphen between this and the previous word ("Malung-Sälen")


def tokenise(
    text: str, *, key_of: Callable[[str], str] | None = None, limit: int | None = None
) -> list[Token]:
    """The words of ``text``; with ``limit``, at most ``limit`` + 1 of them. ``key_of`` makes
    each token's ``key`` from its lower-cased form."""
    tokens: list[Token] = []
    previous_end = 0
    for m in WORD_RE.finditer(text):
        raw = m.group(0)
        low = raw.lower()
        first = not tokens
        gap = text[previous_end : m.start()]
        # The usual gap, one space, is no break of any kind.
        plain = gap == " "
        tokens.append(
            Token(
                raw=raw,
                start=m.start(),
                end=m.end(),
                low=low,
                fold=low.translate(FOLD),
                key=key_of(low) if key_of is not None else "",
                digit=raw.isdigit(),
                capital=raw[:1].isupper(),
                capitals=len(raw) >= 2 and raw.isupper(),
                sentence_start=first or (not plain and bool(SENTENCE_BREAK_RE.search(gap))),
                hard_before=first or (not plain and bool(_HARD_BREAK_RE.search(gap))),
                joined_before=not first and not plain and gap in _JOINING,
            )
        )
        previous_end = m.end()
        if limit is not None and len(tokens) > limit:
            break
    return tokens
