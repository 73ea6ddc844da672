"""What the page reader returns: a frozen tree of plain values with ``to_json``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Responsible = Literal["polisen", "kommunen", "båda"]
"""Who keeps a pledge: the police, the municipality or both."""

Per = Literal["year", "half_year", "tertial", "quarter", "term", "month", "week", "period"]
"""The window a target count applies to; the same strings as the project's window enum."""

PageKind = Literal["pledges", "follow_up"]
"""A page that states pledges, or a follow-up page that reports results on them."""


class PageError(ValueError):
    """The page cannot be read at all. The message is Swedish and meant for people."""


@dataclass(frozen=True, slots=True)
class PagePeriod:
    """The period the pledges cover; ``end`` is None for "tills vidare"."""

    start: date | None
    end: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True, slots=True)
class PageTarget:
    """A measurable target: "minst 4 trafikinsatser under året", or coverage of a list.

    ``count`` may be None when the target is a coverage ("alla årskurs 8") or a bare frequency
    ("varje skoltermin", meaning at least once per window). ``per`` is None only for a frequency
    the windows cannot express.
    """

    count: int | None
    at_least: bool
    per: Per | None
    unit: str | None
    coverage: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "at_least": self.at_least,
            "per": self.per,
            "unit": self.unit,
            "coverage": self.coverage,
        }


@dataclass(frozen=True, slots=True)
class PageResult:
    """One reported result ("Resultat …", "Utfallet blev …") for a pledge."""

    text: str
    count: int | None
    approximate: bool

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "count": self.count, "approximate": self.approximate}


@dataclass(frozen=True, slots=True)
class PagePledge:
    """One pledge as published, with what the reader made of it."""

    text: str
    short_name: str
    responsible: Responsible
    target: PageTarget | None
    results: tuple[PageResult, ...] = ()
    synonyms: tuple[str, ...] = ()
    """Words of the field's lexicon for what the pledge is about (offered, not read on the
    page). In the JSON only when there are some, so that the document keeps its shape."""

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "text": self.text,
            "short_name": self.short_name,
            "responsible": self.responsible,
            "target": self.target.to_json() if self.target else None,
            "results": [r.to_json() for r in self.results],
        }
        if self.synonyms:
            document["synonyms"] = list(self.synonyms)
        return document


@dataclass(frozen=True, slots=True)
class PageFocusArea:
    """A fokusområde; ``name`` is None when the page gives none."""

    name: str | None
    pledges: tuple[PagePledge, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "pledges": [p.to_json() for p in self.pledges]}


@dataclass(frozen=True, slots=True)
class PageExtraActivity:
    """Something reported "utöver löftena": not tied to any pledge."""

    text: str
    count: int | None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "count": self.count}


@dataclass(frozen=True, slots=True)
class PageReading:
    """Everything read from one published page."""

    source: str
    kind: PageKind
    municipality: str
    police_area: str | None
    period: PagePeriod
    focus_areas: tuple[PageFocusArea, ...]
    extra_activities: tuple[PageExtraActivity, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    reported_period: PagePeriod | None = None
    """A follow-up that reports on part of the period ("vad som gjorts under 2019"): that part.
    In the JSON only when known, so that the document keeps its shape otherwise."""

    @property
    def pledges(self) -> tuple[PagePledge, ...]:
        """All pledges of the page in reading order."""
        return tuple(p for area in self.focus_areas for p in area.pledges)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "municipality": self.municipality,
            "police_area": self.police_area,
            "period": self.period.to_json(),
            "focus_areas": [a.to_json() for a in self.focus_areas],
            "extra_activities": [e.to_json() for e in self.extra_activities],
            "warnings": list(self.warnings),
            **(
                {"reported_period": self.reported_period.to_json()}
                if self.reported_period is not None
                else {}
            ),
        }
