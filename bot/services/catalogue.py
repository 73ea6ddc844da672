"""Writing a structured catalogue (a pledge set with its focus areas and pledges) to storage.

The document has the shape `loftesbot import --json` prints (see the README), optionally with
`short_name`, `synonyms` and `coverage_items` per pledge. The example data of the demo uses the
same shape, so there is one writer for both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.municipality_names import SWEDISH_MUNICIPALITIES
from bot.domain.pages.names import (
    hidden_characters,
    is_not_a_name,
    tidy_short_name,
    without_hidden_characters,
)
from bot.services.access import who_is
from bot.services.coverage import rematch
from bot.services.errors import Invalid, NotAllowed, NotFound
from storage import audit
from storage import catalogue as repo
from storage.models import (
    Activity,
    ActivitySource,
    CoverageItem,
    FocusArea,
    Municipality,
    Pledge,
    PledgeSet,
    Responsible,
    ResultNote,
)


class CatalogueError(ValueError):
    """The document cannot be stored; the message is meant for a person (Swedish)."""


@dataclass(frozen=True)
class SavedCatalogue:
    pledge_set_id: int
    municipality_id: int
    created: bool
    pledges: int
    pledge_ids: Mapping[str, int]  # key (when given in the document) -> pledge id


def document_hash(document: Mapping[str, Any]) -> str:
    """A stable hash of what the document says, ignoring its warnings and key order."""
    content = {k: v for k, v in document.items() if k not in ("warnings", "source")}
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def _date(value: Any, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CatalogueError(f"{field}: '{value}' är inget datum (ÅÅÅÅ-MM-DD)") from exc


async def save_catalogue(
    session: AsyncSession,
    document: Mapping[str, Any],
    *,
    now: datetime,
    actor: str,
    actor_user_id: int | None = None,
    activity_source: ActivitySource = ActivitySource.IMPORT,
) -> SavedCatalogue:
    """Store one pledge set. Saving the same document again changes nothing."""
    name = str(document.get("municipality") or "").strip()
    if not name:
        raise CatalogueError("kommunens namn saknas")
    period = document.get("period") or {}
    start = _date(period.get("start"), "period.start")
    end = _date(period.get("end"), "period.end")
    if start is None:
        raise CatalogueError("periodens början saknas")
    if end is not None and end < start:
        raise CatalogueError("perioden slutar innan den börjar")

    municipality = await repo.get_or_create_municipality(
        session,
        name,
        police_area=document.get("police_area"),
        exact=name in SWEDISH_MUNICIPALITIES,
    )
    digest = document_hash(document)
    existing = await repo.pledge_set_by_hash(session, municipality.id, digest)
    if existing is not None:
        return SavedCatalogue(existing.id, municipality.id, False, 0, {})

    pledge_set = PledgeSet(
        municipality_id=municipality.id,
        period_start=start,
        period_end=end,
        source=str(document.get("source") or "")[:500],
        source_hash=digest,
        published_on=_date(document.get("published_on"), "published_on"),
        created_at=now,
    )
    session.add(pledge_set)
    await session.flush()

    # A follow-up that reports on part of its period ("under 2019") dates its results and
    # extras by that part; a page gives no day for them, so none is invented.
    reported = document.get("reported_period") or {}
    known_from = _date(reported.get("start"), "reported_period.start") or start
    known_until = _date(reported.get("end"), "reported_period.end") if reported else end
    keys: dict[str, int] = {}
    listed: set[int] = set()
    count = 0
    for fa_position, fa_doc in enumerate(document.get("focus_areas") or []):
        focus_area = FocusArea(
            pledge_set_id=pledge_set.id, name=fa_doc.get("name"), position=fa_position
        )
        session.add(focus_area)
        await session.flush()
        for position, pledge_doc in enumerate(fa_doc.get("pledges") or []):
            pledge = _pledge(pledge_doc, focus_area, municipality.id, position, now)
            session.add(pledge)
            await session.flush()
            count += 1
            if pledge_doc.get("key"):
                keys[str(pledge_doc["key"])] = pledge.id
            for item_position, item in enumerate(pledge_doc.get("coverage_items") or []):
                session.add(CoverageItem(pledge_id=pledge.id, name=item, position=item_position))
                listed.add(pledge.id)
            for note_position, result in enumerate(pledge_doc.get("results") or []):
                session.add(
                    ResultNote(
                        pledge_id=pledge.id,
                        window_start=known_from,
                        window_end=known_until,
                        position=note_position,
                        text=str(result["text"]),
                        count=result.get("count"),
                        approximate=bool(result.get("approximate", False)),
                        source=pledge_set.source,
                        created_at=now,
                    )
                )
    if document.get("extra_activities"):
        municipality.data_updated_at = now
    for extra in document.get("extra_activities") or []:
        session.add(
            Activity(
                municipality_id=municipality.id,
                pledge_id=None,
                occurred_on=known_from,
                occurred_until=_span_end(known_from, known_until or now.date()),
                count=extra.get("count") if extra.get("count") is not None else 1,
                note=str(extra["text"]),
                place_public=False,
                source=activity_source,
                created_at=now,
            )
        )
    if listed:
        await session.flush()
        await rematch(session, sorted(listed))
    audit.record(
        session,
        at=now,
        actor=actor,
        actor_user_id=actor_user_id,
        action="pledge_set.create",
        entity="pledge_set",
        entity_id=pledge_set.id,
        details={"municipality": name, "pledges": count, "source": pledge_set.source},
    )
    await session.flush()
    return SavedCatalogue(pledge_set.id, municipality.id, True, count, keys)


def _span_end(first: date, last: date) -> date | None:
    return last if last > first else None


def _pledge(
    doc: Mapping[str, Any],
    focus_area: FocusArea,
    municipality_id: int,
    position: int,
    now: datetime,
) -> Pledge:
    text = str(doc.get("text") or "").strip()
    if not text:
        raise CatalogueError("ett löfte saknar text")
    try:
        responsible = Responsible(doc.get("responsible", "båda"))
    except ValueError as exc:
        raise CatalogueError(
            f"okänd ansvarig '{doc.get('responsible')}' (polisen, kommunen eller båda)"
        ) from exc
    target = doc.get("target") or {}
    target_count = target.get("count")
    if target_count is not None and (not isinstance(target_count, int) or target_count <= 0):
        raise CatalogueError(f"målet för '{text[:40]}' måste vara ett positivt heltal")
    short_name = tidy_short_name(str(doc.get("short_name") or text.split(".")[0][:40]))
    hidden = hidden_characters(short_name)
    if hidden:
        raise CatalogueError(
            f"kortnamnet för '{without_hidden_characters(text)[:40]}' innehåller osynliga tecken "
            f"({', '.join(hidden)}); skriv det med vanliga bokstäver"
        )
    if is_not_a_name(short_name):
        raise CatalogueError(
            f"kortnamnet '{short_name}' för '{text[:40]}' läses som ett vanligt ord; "
            "välj ett namn som säger vad löftet gäller"
        )
    synonyms: Sequence[str] = [str(s).strip().lower() for s in doc.get("synonyms") or []]
    return Pledge(
        focus_area_id=focus_area.id,
        municipality_id=municipality_id,
        position=position,
        text=text,
        short_name=short_name[:80],
        synonyms=list(synonyms),
        responsible=responsible,
        target_count=target_count,
        target_at_least=bool(target.get("at_least", True)),
        target_per=target.get("per"),
        target_unit=target.get("unit"),
        target_coverage=target.get("coverage"),
        created_at=now,
    )


@dataclass(frozen=True)
class PledgeRow:
    id: int
    municipality: str
    short_name: str
    text: str


async def pledges_for_admin(session: AsyncSession, user_id: int) -> list[PledgeRow]:
    """The pledges of every municipality the user administers, in catalogue order."""
    who = await who_is(session, user_id)
    rows: list[PledgeRow] = []
    for name in who.admin_in:
        municipality = await repo.municipality_by_name(session, name)
        if municipality is None:
            continue
        for pledge in await repo.pledges_of_municipality(session, municipality.id):
            rows.append(PledgeRow(pledge.id, name, pledge.short_name, pledge.text))
    return rows


async def rename_pledge(
    session: AsyncSession, user_id: int, pledge_id: int, new_name: str, *, now: datetime
) -> PledgeRow:
    """Give a pledge a new short name; only an admin of its municipality may."""
    name = tidy_short_name(new_name)
    hidden = hidden_characters(name)
    if hidden:
        raise Invalid(
            f"namnet innehåller osynliga tecken ({', '.join(hidden)}); "
            "skriv det med vanliga bokstäver"
        )
    if not 2 <= len(name) <= 40:
        raise Invalid("ett kortnamn är 2–40 tecken")
    if is_not_a_name(name):
        raise Invalid(
            f"”{name}” läses som ett vanligt ord – välj ett namn som säger vad löftet gäller"
        )
    pledge = await session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound(f"löfte {pledge_id}")
    municipality = await session.get(Municipality, pledge.municipality_id)
    who = await who_is(session, user_id)
    if municipality is None or municipality.name not in who.admin_in:
        raise NotAllowed("inte admin för löftets kommun")
    siblings = await repo.pledges_of_municipality(session, pledge.municipality_id)
    if any(p.short_name.lower() == name.lower() and p.id != pledge.id for p in siblings):
        raise Invalid(f"kortnamnet ”{name}” används redan i {municipality.name}")
    old = pledge.short_name
    pledge.short_name = name
    audit.record(
        session,
        at=now,
        actor="admin",
        actor_user_id=user_id,
        action="pledge.rename",
        entity="pledge",
        entity_id=pledge.id,
        details={"from": old, "to": name},
    )
    await session.flush()
    return PledgeRow(pledge.id, municipality.name, name, pledge.text)
