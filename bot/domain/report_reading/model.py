"""What a reading of a reporter's message is made of: the pledges and coverage items it is
read against, the candidates offered and the reading itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

# --- Public data ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoverageChoice:
    """One item of a pledge's coverage list ("Sveg skola", "Ytterhogdal")."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class PledgeChoice:
    """A pledge the reporter may report on, as the reader needs it."""

    id: int
    municipality: str
    short_name: str
    synonyms: tuple[str, ...] = ()
    focus_area: str | None = None
    unit: str | None = None
    coverage: tuple[CoverageChoice, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A plausible pledge for a message: ``score`` 0..1, ``matched`` the words that matched."""

    pledge: PledgeChoice
    score: float
    matched: str


CountProblem = Literal["zero", "negative", "too_large"]

#: The largest count one message may report.
MAX_COUNT = 999


@dataclass(frozen=True, slots=True)
class ReportReading:
    """What a message says, and how sure the reader is of it.

    ``candidates``: the plausible pledges, best first, at most four. ``pledge``: set only when
    one of them is clearly meant. ``count``: 1 when none is stated; ``count_sure`` is False
    when a number is there that may not be the count. ``day``: today when none is stated, None
    when ``day_problem`` is set ("future", "too_old", "invalid" from ``find_day``, or
    "unclear"). ``place``: as written, or None. ``coverage_item``: an item of the chosen
    pledge's coverage named in the place or the text. ``municipality``: the one municipality
    of the choices that the text names, if any.
    """

    text: str
    candidates: tuple[Candidate, ...]
    pledge: PledgeChoice | None
    count: int
    count_stated: bool
    count_sure: bool
    count_problem: CountProblem | None
    day: date | None
    day_stated: bool
    day_problem: str | None
    place: str | None
    coverage_item: CoverageChoice | None
    municipality: str | None
    #: Kommuner the text names that are not among the reporter's: never saved without asking.
    other_municipalities: tuple[str, ...] = ()
    #: When the day is unclear: the days to offer, most recent first.
    day_options: tuple[date, ...] = ()
    #: The words that named nothing the reader knows (no pledge, day, count or place), as
    #: written, when they are one short phrase: what a reporter's pick can teach.
    unread_words: str | None = None

    @property
    def decided(self) -> bool:
        """True when the message can be saved without asking anything."""
        return (
            self.pledge is not None
            and self.count_sure
            and self.count_problem is None
            and self.day_problem is None
            and self.day is not None
            and not self.other_municipalities
        )
