"""Importing a read promise page or follow-up report into the catalogue.

A promise page becomes a pledge set (importing it again changes nothing). A follow-up report is
attached to the pledges already in the catalogue: each result goes to the pledge it reports on,
found by meaning (fuzzy matching of the pledge texts and short names), never by identical
wording. A follow-up whose pledges are not in the catalogue yet is stored as a pledge set of its
own, results included. Nothing is dropped silently: what could not be placed is reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.municipality_names import SWEDISH_MUNICIPALITIES
from bot.domain.pages import PageError, PageReading, read_page
from bot.services.catalogue import CatalogueError, save_catalogue
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

MATCH_THRESHOLD = 62.0


class ImportFailed(ValueError):
    """The page cannot be imported; the message is meant for a person (Swedish)."""


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
        raise ImportFailed(str(exc)) from exc


async def import_document(
    session: AsyncSession,
    document: Mapping[str, Any],
    *,
    now: datetime,
    actor: str,
    actor_user_id: int | None = None,
) -> ImportOutcome:
    """Write one import document (the shape `loftesbot import --json` prints)."""
    try:
        if document.get("kind") == "follow_up":
            return await _import_follow_up(
                session, document, now=now, actor=actor, actor_user_id=actor_user_id
            )
        saved = await save_catalogue(
            session, document, now=now, actor=actor, actor_user_id=actor_user_id
        )
    except CatalogueError as exc:
        raise ImportFailed(str(exc)) from exc
    return ImportOutcome(
        kind="pledges",
        municipality=str(document["municipality"]),
        pledge_set_id=saved.pledge_set_id,
        changed=saved.created,
        pledges_created=saved.pledges,
        extra_activities=len(document.get("extra_activities") or []) if saved.created else 0,
    )


def _match_score(text: str, pledge: Pledge) -> float:
    candidates = [pledge.text, pledge.short_name, *pledge.synonyms]
    return max(fuzz.token_set_ratio(text.lower(), c.lower()) for c in candidates if c)


def best_match(text: str, pledges: Sequence[Pledge]) -> Pledge | None:
    """The pledge a result's pledge text speaks of, or None when no pledge is close enough."""
    scored = sorted(((_match_score(text, p), p.id, p) for p in pledges), reverse=True)
    if not scored or scored[0][0] < MATCH_THRESHOLD:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < 3:
        return None  # two pledges fit about equally well: do not guess
    return scored[0][2]


async def _existing_pledges(
    session: AsyncSession, municipality_id: int, start: date | None, end: date | None
) -> tuple[list[Pledge], PledgeSet | None]:
    stmt = select(PledgeSet).where(PledgeSet.municipality_id == municipality_id)
    sets = list((await session.scalars(stmt.order_by(PledgeSet.period_start))).all())
    if start is not None:
        overlapping = [
            s
            for s in sets
            if s.period_start <= (end or date.max) and (s.period_end or date.max) >= start
        ]
        sets = overlapping or sets
    if not sets:
        return [], None
    ids = [s.id for s in sets]
    pledges = (
        await session.scalars(
            select(Pledge)
            .join(FocusArea, FocusArea.id == Pledge.focus_area_id)
            .where(FocusArea.pledge_set_id.in_(ids))
            .order_by(Pledge.id)
        )
    ).all()
    return list(pledges), sets[-1]


async def _import_follow_up(
    session: AsyncSession,
    document: Mapping[str, Any],
    *,
    now: datetime,
    actor: str,
    actor_user_id: int | None,
) -> ImportOutcome:
    name = str(document.get("municipality") or "").strip()
    if not name:
        raise ImportFailed("kommunens namn saknas")
    period = document.get("period") or {}
    start = date.fromisoformat(period["start"]) if period.get("start") else None
    end = date.fromisoformat(period["end"]) if period.get("end") else None
    municipality = await repo.get_or_create_municipality(
        session,
        name,
        police_area=document.get("police_area"),
        exact=name in SWEDISH_MUNICIPALITIES,
    )
    pledges, pledge_set = await _existing_pledges(session, municipality.id, start, end)
    if pledge_set is None:
        # Nothing to attach to: the follow-up's own restated pledges become the catalogue.
        saved = await save_catalogue(
            session, document, now=now, actor=actor, actor_user_id=actor_user_id
        )
        result_count = sum(
            len(p.get("results") or [])
            for area in document.get("focus_areas") or []
            for p in area.get("pledges") or []
        )
        return ImportOutcome(
            "follow_up",
            name,
            saved.pledge_set_id,
            saved.created,
            pledges_created=saved.pledges,
            results_attached=result_count if saved.created else 0,
            extra_activities=len(document.get("extra_activities") or []) if saved.created else 0,
        )

    outcome = ImportOutcome("follow_up", name, pledge_set.id, False)
    window_start = start or pledge_set.period_start
    window_end = end if start else pledge_set.period_end
    source = str(document.get("source") or "")[:500]
    for area in document.get("focus_areas") or []:
        for doc_pledge in area.get("pledges") or []:
            results = doc_pledge.get("results") or []
            if not results:
                continue
            target = best_match(f"{doc_pledge.get('text', '')}", pledges)
            if target is None:
                target = await _add_unmatched(
                    session, pledge_set, municipality.id, area, doc_pledge, now
                )
                pledges.append(target)
                outcome.pledges_created += 1
                outcome.changed = True
                outcome.notes.append(
                    f"Löftet ”{_short(doc_pledge.get('text', ''))}” fanns inte i katalogen "
                    "och lades till med sitt resultat."
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
            for result in results:
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
        session, document, municipality.id, window_end or window_start, now
    )
    outcome.changed = outcome.changed or outcome.extra_activities > 0
    if outcome.changed:
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
    pledge = Pledge(
        focus_area_id=focus_area.id,
        municipality_id=municipality_id,
        position=1000,
        text=str(doc_pledge.get("text") or ""),
        short_name=str(doc_pledge.get("short_name") or _short(doc_pledge.get("text", ""), 40)),
        synonyms=[],
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
    day: date,
    now: datetime,
) -> int:
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
                occurred_on=day,
                count=extra.get("count") or 1,
                note=text,
                place_public=False,
                source=ActivitySource.IMPORT,
                created_at=now,
            )
        )
        added += 1
    return added
