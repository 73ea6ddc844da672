"""Finding the municipality a question names, through its name or a town."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from bot.domain import swedish
from bot.domain.questions.tuning import FROZEN_MAX, MAX_WORDS, MEMO_MAX, NAME_TYPO_MIN, NAME_WINDOW
from bot.domain.questions.vocabulary import (
    EVERYDAY_NAMES,
    GENERIC_NAME_WORDS,
    KOMMUN_SUFFIX,
    NOT_A_NAME,
    STOP,
)
from bot.domain.swedish import Token

# --- Municipality names ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _NameForm:
    form: str  # folded, written together
    name: str
    words: int  # how many words the written form has
    town: str | None = None  # the town this form names; ``name`` is then its municipality


@dataclass(slots=True)
class _NameIndex:
    # (number of words written, folded form written together) → (name, town); None when two
    # municipalities share it.
    exact: dict[tuple[int, str], tuple[str, str | None] | None]
    # (number of words, lower-case form written together, not folded) → name: tells "Håbo" from
    # "Habo", which fold alike.
    written: dict[tuple[int, str], tuple[str, str | None] | None]
    # first letter → forms of at least NAME_TYPO_MIN letters
    typo: dict[str, list[_NameForm]]
    # a five-letter name without its last letter ("asel") → the name; None when shared
    clipped: dict[str, tuple[str, str | None] | None]
    everyday: frozenset[str]  # forms that are also ordinary words: they need a sign of a place
    memo: dict[tuple[int, str], tuple[str, str | None] | None] = field(default_factory=dict)


def _name_words(name: str) -> list[str]:
    words = [swedish.fold(w) for w in swedish.WORD_RE.findall(name) if not w.isdigit()]
    if len(words) > 1 and words[-1] in KOMMUN_SUFFIX:
        words = words[:-1]
    return words


def _written_words(name: str) -> list[str]:
    words = [w.lower() for w in swedish.WORD_RE.findall(name) if not w.isdigit()]
    if len(words) > 1 and swedish.fold(words[-1]) in KOMMUN_SUFFIX:
        words = words[:-1]
    return words


# Towns whose names are also ordinary words, besides every town of at most five letters.
_EVERYDAY_TOWNS = swedish.folds(
    "kista backa backe viken nyland husby forsa hille lima lindas valbo"
)
_TOWN_EVERYDAY_MAX = 5
_CLIPPED_MIN = 4


@lru_cache(maxsize=16)
def name_index(names: tuple[str, ...], towns: _TownList | None = None) -> _NameIndex:
    exact: dict[tuple[int, str], tuple[str, str | None] | None] = {}
    written: dict[tuple[int, str], tuple[str, str | None] | None] = {}

    def add(
        key: tuple[int, str],
        value: tuple[str, str | None],
        into: dict[tuple[int, str], tuple[str, str | None] | None] = exact,
    ) -> None:
        known = into.get(key, value)
        into[key] = value if known is not None and known[0] == value[0] else None

    typo: dict[str, list[_NameForm]] = {}
    clipped: dict[str, tuple[str, str | None] | None] = {}
    parts: dict[str, set[str]] = {}
    for name in names:
        words = _name_words(name)
        if not words:
            continue
        joined = "".join(words)
        add((len(words), joined), (name, None))
        add((len(words), "".join(_written_words(name))), (name, None), written)
        if len(words) > 1:
            add((1, joined), (name, None))
            for word in words:
                parts.setdefault(word, set()).add(name)
        if len(joined) >= NAME_TYPO_MIN:
            typo.setdefault(joined[0], []).append(_NameForm(joined, name, len(words)))
            if len(words) > 1:
                typo.setdefault(joined[0], []).append(_NameForm(joined, name, 1))
        elif len(words) == 1 and len(joined) == _CLIPPED_MIN + 1:
            key = joined[:-1]
            clipped[key] = (name, None) if key not in clipped else None
    for word, owners in parts.items():
        if (
            len(owners) == 1
            and len(word) >= 5
            and word not in GENERIC_NAME_WORDS
            and word not in EVERYDAY_NAMES
            and word not in NOT_A_NAME
            and (1, word) not in exact
        ):
            exact[(1, word)] = (next(iter(owners)), None)
    # Towns lead to their municipality, when it is in the list; a municipality's own name wins.
    taken = set(exact)
    folded_names: dict[str, str] = {}
    for name in names:
        folded_names.setdefault("".join(_name_words(name)), name)
    everyday = set(EVERYDAY_NAMES)
    exact_names = set(names)
    for town, municipality in towns.items if towns is not None else ():
        owner = (
            municipality
            if municipality in exact_names
            else folded_names.get("".join(_name_words(municipality)))
        )
        words = _name_words(town)
        if owner is None or not words:
            continue
        joined = "".join(words)
        if (len(words), joined) in taken or joined in STOP or joined in NOT_A_NAME:
            continue
        add((len(words), joined), (owner, town))
        add((len(words), "".join(_written_words(town))), (owner, town), written)
        if len(words) > 1 and (1, joined) not in taken:
            add((1, joined), (owner, town))
        if len(joined) <= _TOWN_EVERYDAY_MAX or joined in _EVERYDAY_TOWNS:
            everyday.add(joined)
        elif len(joined) >= NAME_TYPO_MIN + 1:
            typo.setdefault(joined[0], []).append(_NameForm(joined, owner, len(words), town))
    for key in [k for k in clipped if (1, k) in exact or k in NOT_A_NAME]:
        del clipped[key]
    return _NameIndex(exact, written, typo, clipped, frozenset(everyday))


@dataclass(frozen=True, slots=True)
class _PlaceHit:
    first: int
    last: int  # inclusive
    name: str
    exact: bool
    town: str | None = None


def _window(tokens: Sequence[Token], first: int, size: int) -> str | None:
    """The folded words ``first`` … ``first + size - 1`` written together, or None."""
    if first + size > len(tokens):
        return None
    words = tokens[first : first + size]
    if any(t.digit for t in words):
        return None
    return "".join(t.fold for t in words)


def _forms(joined: str) -> list[str]:
    """A written name and the name without a genitive "s" or a glued "kommun(s)"."""
    forms = [joined]
    for suffix in ("kommuns", "kommun"):
        if joined.endswith(suffix) and len(joined) - len(suffix) >= 3:
            joined = joined[: -len(suffix)]
            forms.append(joined)
            break
    if joined.endswith("s") and len(joined) > 3:
        forms.append(joined[:-1])
    return forms


def _everyday_name_allowed(tokens: Sequence[Token], first: int, last: int) -> bool:
    """Whether an everyday word ("vara", "mark") at ``first..last`` names a municipality."""
    before = tokens[first - 1].fold if first > 0 else None
    after = tokens[last + 1].fold if last + 1 < len(tokens) else None
    if after in KOMMUN_SUFFIX:
        return True
    if first > 0 and tokens[first].capital and not tokens[first].capitals:
        return True
    rest = [t for i, t in enumerate(tokens) if not first <= i <= last]
    if all(t.fold in KOMMUN_SUFFIX or t.fold in ("i", "for", "in") for t in rest):
        return True
    return before in ("i", "for", "in") and (after is None or after in KOMMUN_SUFFIX)


_UNKNOWN = object()


def _typo_name(index: _NameIndex, size: int, joined: str) -> tuple[str, str | None] | None:
    """The one name within one typing error of ``joined`` (written in ``size`` words)."""
    memo_key = (size, joined)
    known = index.memo.get(memo_key, _UNKNOWN)
    if known is not _UNKNOWN:
        return None if known is None else known  # type: ignore[return-value]
    found: dict[str, str | None] = {}
    for form in _forms(joined):
        if len(form) < NAME_TYPO_MIN:
            continue
        for candidate in index.typo.get(form[:1], ()):
            if candidate.words != size or abs(len(candidate.form) - len(form)) > 1:
                continue
            if swedish.within_edits(form, candidate.form, 1) and (
                candidate.name not in found or candidate.town is None
            ):
                found[candidate.name] = candidate.town
    result = next(iter(found.items())) if len(found) == 1 else None
    if len(index.memo) > MEMO_MAX:
        index.memo.clear()
    index.memo[memo_key] = result
    return result


def _exact_hit(
    tokens: Sequence[Token], index: _NameIndex, i: int, size: int
) -> tuple[str, str | None] | None:
    joined = _window(tokens, i, size)
    if joined is None:
        return None
    written = "".join(t.low for t in tokens[i : i + size])
    for form in _forms(joined):
        found = index.exact.get((size, form))
        if found is None and (size, form) in index.exact:
            # Two names fold alike ("Håbo", "Habo"): the one written exactly so.
            for candidate in (written, written[:-1] if written.endswith("s") else None):
                if candidate is not None and index.written.get((size, candidate)) is not None:
                    found = index.written[(size, candidate)]
                    break
        if found is None:
            continue
        if form in index.everyday and not _everyday_name_allowed(tokens, i, i + size - 1):
            continue
        return found
    return None


def find_places(tokens: Sequence[Token], index: _NameIndex) -> list[_PlaceHit]:
    """Every municipality named in the tokens, in order; exact ones before typos at a word."""
    hits: list[_PlaceHit] = []
    i = 0
    while i < len(tokens):
        hit: _PlaceHit | None = None
        for size in range(NAME_WINDOW, 0, -1):
            found = _exact_hit(tokens, index, i, size)
            if found is not None:
                hit = _PlaceHit(i, i + size - 1, found[0], exact=True, town=found[1])
                break
        if hit is None:
            for size in (2, 1):
                window = tokens[i : i + size]
                if len(window) < size or any(
                    t.digit or t.fold in NOT_A_NAME or len(t.fold) < 2 for t in window
                ):
                    continue
                joined = "".join(t.fold for t in window)
                if len(joined) < NAME_TYPO_MIN:
                    clipped = index.clipped.get(joined) if size == 1 else None
                    if clipped is not None and _everyday_name_allowed(tokens, i, i):
                        hit = _PlaceHit(i, i, clipped[0], exact=False, town=clipped[1])
                        break
                    continue
                found = _typo_name(index, size, joined)
                if found is not None:
                    hit = _PlaceHit(i, i + size - 1, found[0], exact=False, town=found[1])
                    break
        if hit is not None:
            hits.append(hit)
            i = hit.last + 1
        else:
            i += 1
    return hits


def choose_place(hits: Sequence[_PlaceHit]) -> _PlaceHit | None:
    exact = [h for h in hits if h.exact]
    if exact:
        return exact[0]
    return hits[0] if hits else None


def as_names(municipalities: Sequence[str]) -> tuple[str, ...]:
    try:
        return tuple(m for m in municipalities if isinstance(m, str))
    except TypeError:
        return ()


class _TownList:
    """Town → municipality pairs, hashed once (a key of the cached name index)."""

    __slots__ = ("_hash", "items")

    def __init__(self, items: tuple[tuple[str, str], ...]) -> None:
        self.items = items
        self._hash = hash(items)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _TownList) and (self is other or self.items == other.items)


# Read-only mappings (``bot.domain.towns.TOWNS``) are turned into pairs once.
_FROZEN_TOWNS: dict[int, tuple[Mapping[str, str], _TownList]] = {}


def as_towns(towns: Mapping[str, str] | None) -> _TownList | None:
    if not towns:
        return None
    known = _FROZEN_TOWNS.get(id(towns))
    if known is not None and known[0] is towns:
        return known[1]
    try:
        items = tuple((t, m) for t, m in towns.items() if isinstance(t, str) and isinstance(m, str))
    except (TypeError, AttributeError, ValueError):
        return None
    found = _TownList(items)
    if isinstance(towns, MappingProxyType) and len(_FROZEN_TOWNS) < FROZEN_MAX:
        _FROZEN_TOWNS[id(towns)] = (towns, found)
    return found


def clean_question(text: object) -> str:
    if not isinstance(text, str):
        return ""
    return swedish.clean(text)


def find_municipality(
    text: str, municipalities: Sequence[str], *, towns: Mapping[str, str] | None = None
) -> str | None:
    """The municipality a short text names ("Härnösands", "asele", "Haparanda kommun",
    "härjedalen?"), or None.

    Accent- and case-insensitive, with a genitive "s", "kommun(s)" after the name and one
    typing error on names of six letters or more (or a last letter left out of a five-letter
    name: "Åsel"). None when nothing, or two names equally well, match. With ``towns`` (town →
    municipality), a town leads to its municipality.
    """
    names = as_names(municipalities)
    tokens = swedish.tokenise(clean_question(text), limit=MAX_WORDS)
    if not names or not tokens or len(tokens) > MAX_WORDS:
        return None
    hit = choose_place(find_places(tokens, name_index(names, as_towns(towns))))
    return None if hit is None else hit.name
