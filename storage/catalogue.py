"""Municipalities, pledge sets, focus areas and pledges."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    CatalogueVersion,
    ChatState,
    FocusArea,
    Municipality,
    Pledge,
    PledgeSet,
    PoliceArea,
    ProcessedUpdate,
)

# Built once: these run at the start of every logged message and every question.
_VERSION = select(CatalogueVersion.version).where(CatalogueVersion.id == 1)
_VERSION_AND_STATE = select(
    _VERSION.scalar_subquery(),
    exists().where(
        ChatState.user_id == bindparam("user_id"), ChatState.expires_at > bindparam("now")
    ),
    exists().where(ProcessedUpdate.key == bindparam("key")),
)


async def catalogue_version(session: AsyncSession) -> int | None:
    """The catalogue version (see `CatalogueVersion`); None before migration 0007 ran."""
    version = await session.scalar(_VERSION)
    return None if version is None else int(version)


async def version_and_state(
    session: AsyncSession, user_id: int, now: datetime, key: str = ""
) -> tuple[int | None, bool, bool]:
    """The catalogue version (see `CatalogueVersion`; None before migration 0007 ran), whether
    the user has an unexpired question waiting for an answer, and whether the update key `key`
    is claimed (`storage.activities.claim_update`). One statement."""
    params = {"user_id": user_id, "now": now, "key": key}
    row = (await session.execute(_VERSION_AND_STATE, params)).one()
    return (None if row[0] is None else int(row[0])), bool(row[1]), bool(row[2])


def slugify(name: str) -> str:
    """'Härjedalen' -> 'harjedalen', 'Östra Norrbotten' -> 'ostra-norrbotten'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


async def municipality_by_name(session: AsyncSession, name: str) -> Municipality | None:
    """The municipality with exactly this name, else the one whose slug matches ("Harjedalen"
    finds Härjedalen). Håbo and Habo share a slug; the exact name tells them apart."""
    exact = await session.scalar(select(Municipality).where(Municipality.name == name.strip()))
    if exact is not None:
        return exact
    return await session.scalar(
        select(Municipality).where(Municipality.slug == slugify(name)).limit(1)
    )


async def _free_slug(session: AsyncSession, name: str) -> str:
    base = slugify(name) or "kommun"
    slug, n = base, 1
    while await session.scalar(select(Municipality.id).where(Municipality.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_sort_key(name: str) -> str:
    """Sort as a Swedish reader expects: ... x, y, z, å, ä, ö (whatever the database collation)."""
    return name.lower().translate(_SWEDISH_ORDER)


async def list_municipalities(session: AsyncSession) -> list[Municipality]:
    rows = await session.scalars(select(Municipality))
    return sorted(rows, key=lambda m: swedish_sort_key(m.name))


async def get_or_create_police_area(session: AsyncSession, name: str) -> PoliceArea:
    area = await session.scalar(select(PoliceArea).where(PoliceArea.name == name))
    if area is None:
        area = PoliceArea(name=name)
        session.add(area)
        await session.flush()
    return area


async def get_or_create_municipality(
    session: AsyncSession, name: str, *, police_area: str | None = None, exact: bool = False
) -> Municipality:
    """The municipality called `name`, created when missing.

    Without `exact`, a name typed without å/ä/ö finds the one written with them ("Harjedalen"
    is Härjedalen). With `exact` (the caller knows it is an official name of its own, like
    Habo next to Håbo) only the same name, in any case, counts.
    """
    name = name.strip()
    municipality = None
    for candidate in await session.scalars(
        select(Municipality).where(
            or_(
                Municipality.slug == slugify(name),
                Municipality.slug.like(f"{slugify(name)}-%"),
            )
        )
    ):
        if candidate.name.casefold() == name.casefold():
            municipality = candidate
            break
        if not exact and municipality is None and name.isascii() and not candidate.name.isascii():
            municipality = candidate
    if municipality is None:
        municipality = Municipality(name=name, slug=await _free_slug(session, name))
        session.add(municipality)
        await session.flush()
    if police_area and municipality.police_area_id is None:
        area = await get_or_create_police_area(session, police_area)
        municipality.police_area_id = area.id
    return municipality


async def pledge_set_by_hash(
    session: AsyncSession, municipality_id: int, source_hash: str
) -> PledgeSet | None:
    return await session.scalar(
        select(PledgeSet).where(
            PledgeSet.municipality_id == municipality_id, PledgeSet.source_hash == source_hash
        )
    )


async def current_pledge_sets(
    session: AsyncSession, municipality_id: int, day: date
) -> Sequence[PledgeSet]:
    """The sets in force on `day`, with focus areas and pledges loaded."""
    stmt = (
        select(PledgeSet)
        .where(
            PledgeSet.municipality_id == municipality_id,
            PledgeSet.period_start <= day,
            or_(PledgeSet.period_end.is_(None), PledgeSet.period_end >= day),
        )
        .order_by(PledgeSet.period_start)
        .options(selectinload(PledgeSet.focus_areas).selectinload(FocusArea.pledges))
    )
    return (await session.scalars(stmt)).all()


async def latest_pledge_sets(session: AsyncSession, municipality_id: int) -> Sequence[PledgeSet]:
    """The most recently started set, when none is in force (loaded like current_pledge_sets)."""
    stmt = (
        select(PledgeSet)
        .where(PledgeSet.municipality_id == municipality_id)
        .order_by(PledgeSet.period_start.desc())
        .limit(1)
        .options(selectinload(PledgeSet.focus_areas).selectinload(FocusArea.pledges))
    )
    return (await session.scalars(stmt)).all()


async def loggable_pledges(
    session: AsyncSession, municipality_ids: Sequence[int], day: date
) -> list[tuple[Pledge, FocusArea, PledgeSet]]:
    """Every pledge a reporter of these municipalities may log against on `day`, in catalogue
    order: those of the sets in force, else of each municipality's latest set. One query in
    the common case (every municipality has a set in force)."""
    if not municipality_ids:
        return []
    base = (
        select(Pledge, FocusArea, PledgeSet)
        .join(FocusArea, FocusArea.id == Pledge.focus_area_id)
        .join(PledgeSet, PledgeSet.id == FocusArea.pledge_set_id)
        .order_by(
            PledgeSet.municipality_id,
            PledgeSet.period_start,
            FocusArea.position,
            FocusArea.id,
            Pledge.position,
            Pledge.id,
        )
    )
    rows = [
        (p, a, s)
        for p, a, s in await session.execute(
            base.where(
                PledgeSet.municipality_id.in_(municipality_ids),
                PledgeSet.period_start <= day,
                or_(PledgeSet.period_end.is_(None), PledgeSet.period_end >= day),
            )
        )
    ]
    missing = set(municipality_ids) - {s.municipality_id for _, _, s in rows}
    for municipality_id in sorted(missing):
        latest = await session.scalar(
            select(PledgeSet.id)
            .where(PledgeSet.municipality_id == municipality_id)
            .order_by(PledgeSet.period_start.desc())
            .limit(1)
        )
        if latest is not None:
            rows += [
                (p, a, s) for p, a, s in await session.execute(base.where(PledgeSet.id == latest))
            ]
    return rows


async def pledges_of_municipality(session: AsyncSession, municipality_id: int) -> Sequence[Pledge]:
    return (
        await session.scalars(
            select(Pledge)
            .where(Pledge.municipality_id == municipality_id)
            .order_by(Pledge.focus_area_id, Pledge.position)
        )
    ).all()
