"""Importing a read promise page or follow-up report into the catalogue.

A promise page becomes a pledge set (importing it again changes nothing). A follow-up report belongs
to the pledge set whose period it follows up, and only to that one: each result goes to the
pledge of that set it reports on, found by meaning (``bot.domain.pages.matching``), and a
restated pledge that matches none is added to that set. When the set is not in the catalogue,
the follow-up is stored as a set of its own for its own period; the municipality's other sets
are never changed. ``plan_follow_up`` says all this before anything is written, for the
preview. Nothing is dropped silently: what could not be placed is reported.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.municipality_names import SWEDISH_MUNICIPALITIES
from bot.domain.pages import PageError, PageReading, read_page
from bot.domain.pages.matching import Candidate, match_pledges
from bot.domain.pages.names import hidden_characters, without_hidden_characters
from bot.services.catalogue import CatalogueError, save_catalogue
from bot.services.errors import Keyed
from storage import audit
from storage import catalogue as repo
from storage.models import (
    Activity,
    ActivitySource,
    FocusArea,
    Pledge,
    PledgeSet,
    Responsible,
    ResultNote,
)


class ImportFailed(Keyed, ValueError):
    """The page cannot be imported; the key names the text for a person."""


@dataclass
class ImportOutcome:
    kind: str
    municipality: str
    pledge_set_id: int | None
    changed: bool
    pledges_created: int = 0
    results_attached: int = 0
    extra_activities: int = 0
    notes: list[str] = field(default_factory=list)


def read_source(
    content: bytes | str, *, source: str, today: date, municipality: str | None = None
) -> PageReading:
    """Read a page; a page that cannot be read raises ImportFailed with the reader's message."""
    try:
        return read_page(content, source=source, today=today, municipality_hint=municipality)
    except PageError as exc:
        raise ImportFailed("import.unreadable", reason=str(exc)) from exc


READ_TIME_LIMIT_S = 20.0
"""How long reading one page may take; a real page takes well under a second."""


async def read_source_off_loop(
    content: bytes | str, *, source: str, today: date, municipality: str | None = None
) -> PageReading:
    """`read_source` on a worker thread, so that the bot keeps answering everyone else while
    a page is read; a page that takes longer than READ_TIME_LIMIT_S is refused. (The reader
    refuses markup that would cost far more than a real page before it parses it, so a
    thread left behind by the time limit ends soon.)"""
    work = asyncio.to_thread(
        read_source, content, source=source, today=today, municipality=municipality
    )
    try:
        return await asyncio.wait_for(work, READ_TIME_LIMIT_S)
    except TimeoutError:
        raise ImportFailed("import.too_slow") from None


async def import_document(
    session: AsyncSession,
    document: Mapping[str, Any],
    *,
    now: datetime,
    actor: str,
    actor_user_id: int | None = None,
    choices: Mapping[int, int] | None = None,
) -> ImportOutcome:
    """Write one import document (the shape `loftesbot import --json` prints); ``choices``
    correct where a follow-up's results go (see ``plan_follow_up``)."""
    try:
        if document.get("kind") == "follow_up":
            return await _import_follow_up(
                session,
                document,
                now=now,
                actor=actor,
                actor_user_id=actor_user_id,
                choices=choices,
            )
        saved = await save_catalogue(
            session, document, now=now, actor=actor, actor_user_id=actor_user_id
        )
    except CatalogueError as exc:
        raise ImportFailed(exc.key, **exc.values) from exc
    return ImportOutcome(
        kind="pledges",
        municipality=str(document["municipality"]),
        pledge_set_id=saved.pledge_set_id,
        changed=saved.created,
        pledges_created=saved.pledges,
        extra_activities=len(document.get("extra_activities") or []) if saved.created else 0,
    )


@dataclass(frozen=True)
class SetPeriod:
    """A pledge set of the municipality, by its period."""

    id: int
    start: date
    end: date | None


@dataclass(frozen=True)
class PlannedPledge:
    """One restated pledge of a follow-up with its results, and where they will go."""

    area: str | None
    name: str
    results: tuple[str, ...]
    counts: tuple[int | None, ...]
    pledge_id: int | None
    """The pledge of the set the results are attached to; None: added as a new pledge."""
    pledge_name: str | None
    score: int
    sure: bool
    chosen: bool = False
    """The admin chose where these results go (``choices``)."""
    others: tuple[int, ...] = ()
    """Other pledges of the set that came close, best first."""


@dataclass(frozen=True)
class FollowUpPlan:
    """What importing a follow-up will do, shown before anything is written."""

    municipality: str
    period: tuple[date | None, date | None]
    window: tuple[date, date | None] | None
    """The days the results are about (the year a page reports on, else its period)."""
    target: SetPeriod | None
    """The set the follow-up follows up; None: it becomes a set of its own."""
    others: tuple[SetPeriod, ...]
    """The municipality's other sets, which the import leaves as they are."""
    pledges: tuple[PlannedPledge, ...]
    extras: tuple[str, ...]
    set_pledges: tuple[tuple[int, str], ...] = ()
    """The pledges of the target set (id, short name), to choose from."""

    def unsure(self) -> list[int]:
        """Indexes of the restated pledges whose place a person should confirm."""
        if self.target is None:
            return []
        return [i for i, p in enumerate(self.pledges) if not (p.sure or p.chosen)]


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError as exc:
        raise ImportFailed("import.bad_date", value=value) from exc


def _document_periods(
    document: Mapping[str, Any],
) -> tuple[tuple[date | None, date | None], tuple[date, date | None] | None]:
    period = document.get("period") or {}
    start, end = _day(period.get("start")), _day(period.get("end"))
    reported = document.get("reported_period") or {}
    r_start, r_end = _day(reported.get("start")), _day(reported.get("end"))
    if r_start is not None:
        return (start, end), (r_start, r_end)
    if start is not None:
        return (start, end), (start, end)
    return (start, end), None


def _overlap_days(pledge_set: PledgeSet, start: date, end: date | None) -> int:
    first = max(pledge_set.period_start, start)
    last = min(pledge_set.period_end or date.max, end or date.max)
    if last < first:
        return -1
    return (min(last, date(9999, 1, 1)) - first).days + 1


def display_name(short_name: str, text: str) -> str:
    """A short name as a label: capital first letter, acronyms of the text kept ("ANDT")."""
    words = []
    for word in short_name.split():
        if re.search(rf"(?<![\wåäö]){re.escape(word.upper())}(?![\wåäö])", text):
            words.append(word.upper())
        else:
            words.append(word)
    label = " ".join(words)
    return label[:1].upper() + label[1:]


NEW_PLEDGE = 0
"""In ``choices``: the results go to a new pledge of the set, not to an existing one."""


async def plan_follow_up(
    session: AsyncSession,
    document: Mapping[str, Any],
    choices: Mapping[int, int] | None = None,
) -> FollowUpPlan:
    """Which set a follow-up belongs to and where each of its results goes. Reads only.

    The set is the one whose period the follow-up's period (or the part it reports on)
    overlaps most; a municipality's other sets are never touched. Without such a set the
    follow-up is stored as a set of its own, with its own period. ``choices`` are an admin's
    corrections: restated pledge (by its index in the plan) → pledge id, or ``NEW_PLEDGE``;
    a pledge id outside the set is ignored.
    """
    name = str(document.get("municipality") or "").strip()
    if not name:
        raise ImportFailed("import.municipality_missing")
    period, window = _document_periods(document)
    municipality = await repo.municipality_by_name(session, name)
    sets: list[PledgeSet] = []
    if municipality is not None:
        sets = list(
            (
                await session.scalars(
                    select(PledgeSet)
                    .where(PledgeSet.municipality_id == municipality.id)
                    .order_by(PledgeSet.period_start, PledgeSet.id)
                )
            ).all()
        )
    target: PledgeSet | None = None
    if window is not None:
        overlapping = [(s, _overlap_days(s, *window)) for s in sets]
        best = max(overlapping, key=lambda pair: pair[1], default=None)
        if best is not None and best[1] > 0:
            target = best[0]
    others = tuple(SetPeriod(s.id, s.period_start, s.period_end) for s in sets if s is not target)
    doc_pledges = [
        (area.get("name"), p)
        for area in document.get("focus_areas") or []
        for p in area.get("pledges") or []
        if p.get("results")
    ]
    existing: list[Pledge] = []
    if target is not None:
        existing = list(
            (
                await session.scalars(
                    select(Pledge)
                    .join(FocusArea, FocusArea.id == Pledge.focus_area_id)
                    .where(FocusArea.pledge_set_id == target.id)
                    .order_by(FocusArea.position, Pledge.position, Pledge.id)
                )
            ).all()
        )
    matches = match_pledges(
        [
            Candidate(
                str(p.get("text") or ""), (str(p.get("short_name") or ""),), p.get("responsible")
            )
            for _, p in doc_pledges
        ],
        [Candidate(p.text, (p.short_name, *p.synonyms), p.responsible.value) for p in existing],
        ignore=name.split(),
    )
    by_id = {p.id: p for p in existing}
    planned = []
    for index, ((area, doc_pledge), match) in enumerate(zip(doc_pledges, matches, strict=True)):
        results = [r for r in doc_pledge.get("results") or [] if str(r.get("text") or "").strip()]
        pledge = existing[match.index] if match.index is not None else None
        choice = (choices or {}).get(index)
        chosen = choice is not None and (choice == NEW_PLEDGE or choice in by_id)
        if chosen:
            pledge = by_id.get(choice) if choice else None
        planned.append(
            PlannedPledge(
                area=area,
                name=display_name(
                    str(doc_pledge.get("short_name") or ""), str(doc_pledge.get("text") or "")
                ),
                results=tuple(str(r["text"]).strip() for r in results),
                counts=tuple(r.get("count") for r in results),
                pledge_id=pledge.id if pledge else None,
                pledge_name=pledge.short_name if pledge else None,
                score=match.score,
                sure=match.sure,
                chosen=chosen,
                others=tuple(existing[j].id for j in match.others),
            )
        )
    extras = tuple(
        str(e.get("text") or "").strip()
        for e in document.get("extra_activities") or []
        if str(e.get("text") or "").strip()
    )
    return FollowUpPlan(
        municipality=name,
        period=period,
        window=window,
        target=SetPeriod(target.id, target.period_start, target.period_end) if target else None,
        others=others,
        pledges=tuple(planned),
        extras=extras,
        set_pledges=tuple((p.id, p.short_name) for p in existing),
    )


def years_text(start: date | None, end: date | None, lang: str = "sv") -> str:
    """A period as people write it: "2019", "2019–2020", "från 2025-09-01", else the days."""
    if start is None:
        return "okänd period" if lang == "sv" else "unknown period"
    if end is None:
        return f"från {start.isoformat()}" if lang == "sv" else f"from {start.isoformat()}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    return f"{start.isoformat()} – {end.isoformat()}"


def _extras_note(start: date, end: date | None) -> str:
    return (
        "Sidan anger ingen dag för de extra insatserna; de sparas som gjorda under "
        f"{years_text(start, end)}."
    )


def _untouched(others: Sequence[SetPeriod]) -> str | None:
    if not others:
        return None
    periods = [years_text(o.start, o.end) for o in others]
    joined = periods[0] if len(periods) == 1 else ", ".join(periods[:-1]) + " och " + periods[-1]
    return f"Löftena för {joined} ändrades inte."


async def _import_follow_up(
    session: AsyncSession,
    document: Mapping[str, Any],
    *,
    now: datetime,
    actor: str,
    actor_user_id: int | None,
    choices: Mapping[int, int] | None = None,
) -> ImportOutcome:
    plan = await plan_follow_up(session, document, choices)
    name = plan.municipality
    if plan.target is None:
        # The set it follows up is not here: its own restated pledges become a set of their
        # own, for its own period. No other set gains anything.
        saved = await save_catalogue(
            session, document, now=now, actor=actor, actor_user_id=actor_user_id
        )
        outcome = ImportOutcome(
            "follow_up",
            name,
            saved.pledge_set_id,
            saved.created,
            pledges_created=saved.pledges,
            results_attached=sum(len(p.results) for p in plan.pledges) if saved.created else 0,
            extra_activities=len(plan.extras) if saved.created else 0,
        )
        if saved.created:
            if plan.extras and plan.window is not None:
                outcome.notes.append(_extras_note(*plan.window))
            untouched = _untouched(plan.others)
            if untouched:
                outcome.notes.append(untouched)
        return outcome

    municipality = await repo.get_or_create_municipality(
        session,
        name,
        police_area=document.get("police_area"),
        exact=name in SWEDISH_MUNICIPALITIES,
    )
    pledge_set = await session.get(PledgeSet, plan.target.id)
    assert pledge_set is not None
    outcome = ImportOutcome("follow_up", name, pledge_set.id, False)
    assert plan.window is not None
    window_start, window_end = plan.window
    source = str(document.get("source") or "")[:500]
    doc_pledges = [
        (area, p)
        for area in document.get("focus_areas") or []
        for p in area.get("pledges") or []
        if p.get("results")
    ]
    for (area, doc_pledge), planned in zip(doc_pledges, plan.pledges, strict=True):
        if planned.pledge_id is not None:
            target = await session.get(Pledge, planned.pledge_id)
            assert target is not None
        else:
            target = await _add_unmatched(
                session, pledge_set, municipality.id, area, doc_pledge, now
            )
            outcome.pledges_created += 1
            outcome.changed = True
            outcome.notes.append(
                f"Löftet ”{_short(doc_pledge.get('text', ''))}” fanns inte bland löftena "
                f"för {years_text(pledge_set.period_start, pledge_set.period_end)} "
                "och lades till där med sitt resultat."
            )
        existing = set(
            (
                await session.scalars(
                    select(ResultNote.text).where(
                        ResultNote.pledge_id == target.id,
                        ResultNote.window_start == window_start,
                    )
                )
            ).all()
        )
        position = len(existing)
        for result in doc_pledge.get("results") or []:
            text = str(result.get("text") or "").strip()
            if not text or text in existing:
                continue
            session.add(
                ResultNote(
                    pledge_id=target.id,
                    window_start=window_start,
                    window_end=window_end,
                    position=position,
                    text=text,
                    count=result.get("count"),
                    approximate=bool(result.get("approximate", False)),
                    source=source,
                    created_at=now,
                )
            )
            existing.add(text)
            position += 1
            outcome.results_attached += 1
            outcome.changed = True
    outcome.extra_activities = await _add_extras(
        session, document, municipality.id, (window_start, window_end), now
    )
    outcome.changed = outcome.changed or outcome.extra_activities > 0
    if outcome.extra_activities:
        outcome.notes.append(_extras_note(window_start, window_end))
    if outcome.changed:
        untouched = _untouched(plan.others)
        if untouched:
            outcome.notes.append(untouched)
        audit.record(
            session,
            at=now,
            actor=actor,
            actor_user_id=actor_user_id,
            action="follow_up.import",
            entity="pledge_set",
            entity_id=pledge_set.id,
            details={
                "municipality": name,
                "results": outcome.results_attached,
                "extra_activities": outcome.extra_activities,
                "source": source,
            },
        )
    await session.flush()
    return outcome


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _add_unmatched(
    session: AsyncSession,
    pledge_set: PledgeSet,
    municipality_id: int,
    area: Mapping[str, Any],
    doc_pledge: Mapping[str, Any],
    now: datetime,
) -> Pledge:
    area_name = area.get("name")
    focus_area = await session.scalar(
        select(FocusArea).where(
            FocusArea.pledge_set_id == pledge_set.id, FocusArea.name == area_name
        )
    )
    if focus_area is None:
        count = len(
            (
                await session.scalars(
                    select(FocusArea.id).where(FocusArea.pledge_set_id == pledge_set.id)
                )
            ).all()
        )
        focus_area = FocusArea(pledge_set_id=pledge_set.id, name=area_name, position=count)
        session.add(focus_area)
        await session.flush()
    target = doc_pledge.get("target") or {}
    short_name = str(doc_pledge.get("short_name") or _short(doc_pledge.get("text", ""), 40))
    hidden = hidden_characters(short_name)
    if hidden:
        raise ImportFailed(
            "import.hidden_characters",
            name=without_hidden_characters(short_name),
            characters=", ".join(hidden),
        )
    pledge = Pledge(
        focus_area_id=focus_area.id,
        municipality_id=municipality_id,
        position=1000,
        text=str(doc_pledge.get("text") or ""),
        short_name=short_name,
        synonyms=[
            str(w).strip().lower() for w in doc_pledge.get("synonyms") or [] if str(w).strip()
        ],
        responsible=Responsible(doc_pledge.get("responsible", "båda")),
        target_count=target.get("count"),
        target_at_least=bool(target.get("at_least", True)),
        target_per=target.get("per"),
        target_unit=target.get("unit"),
        target_coverage=target.get("coverage"),
        created_at=now,
    )
    session.add(pledge)
    await session.flush()
    return pledge


async def _add_extras(
    session: AsyncSession,
    document: Mapping[str, Any],
    municipality_id: int,
    window: tuple[date, date | None],
    now: datetime,
) -> int:
    """Extra activities of a follow-up. The page gives no day, so each is stored as known
    only within the window it reports on (``occurred_until``), never on an invented day."""
    first, last = window
    last = last or now.date()
    added = 0
    for extra in document.get("extra_activities") or []:
        text = str(extra.get("text") or "").strip()
        if not text:
            continue
        seen = await session.scalar(
            select(Activity.id).where(
                Activity.municipality_id == municipality_id,
                Activity.pledge_id.is_(None),
                Activity.note == text,
                Activity.source == ActivitySource.IMPORT,
            )
        )
        if seen is not None:
            continue
        session.add(
            Activity(
                municipality_id=municipality_id,
                pledge_id=None,
                occurred_on=first,
                occurred_until=last if last > first else None,
                count=extra["count"] if extra.get("count") is not None else 1,
                note=text,
                place_public=False,
                source=ActivitySource.IMPORT,
                created_at=now,
            )
        )
        added += 1
    return added
