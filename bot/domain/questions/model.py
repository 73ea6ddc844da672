"""What a reading of a citizen's question is made of: the topics it is read against and the
question as read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Responsible = Literal["polisen", "kommunen"]
Kind = Literal["progress", "pledges", "none"]


# --- Public data ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topic:
    """One pledge, as a citizen might name it."""

    pledge_id: int
    short_name: str
    synonyms: tuple[str, ...] = ()
    focus_area: str | None = None  # the focus area's name, e.g. "Trafiksäkerhet"
    responsible: str = "båda"  # "polisen" | "kommunen" | "båda"
    text: str = ""  # the pledge's full text (may be long)


@dataclass(frozen=True, slots=True)
class Question:
    """What a citizen's message asks.

    ``kind``: "progress" (how is it going), "pledges" (what was promised) or "none" (not a
    question we can read). ``municipality``: the canonical name from the list, when one is named.
    ``unknown_place``: words that look like the name of a municipality we do not know, as
    written (only when ``municipality`` is None). ``focus_area``: set when the question is about
    a whole focus area; ``pledge_ids`` then holds that area's pledges. ``pledge_ids``: the
    pledges asked about, best first (empty: all of the municipality's). ``responsible``: the
    party the question asks about. ``english``: the question was written in English.
    ``town``: the town or locality the question named, when ``municipality`` was found through
    it ("Sveg" → Härjedalen). ``missing_topic``: with topics, the words of a question about a
    topic that no pledge's name, synonym or focus area matches ("skolorna" where no pledge is
    about schools); ``pledge_ids`` then holds at most weak matches from the pledges' texts.
    """

    kind: Kind
    municipality: str | None
    unknown_place: str | None
    focus_area: str | None
    pledge_ids: tuple[int, ...]
    responsible: Responsible | None
    english: bool
    town: str | None = None
    missing_topic: str | None = None
