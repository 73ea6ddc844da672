"""The example data of the offline demo: four municipalities, their pledges and some activity.

The pledges are those of four published pages, written as structured data in our own words
(`bot/demo/catalogue.json`). Activities are given in days before "today", so progress shows
whenever the demo runs; periods are moved by whole years when the demo runs in a later year.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalogue import save_catalogue
from bot.services.coverage import rematch_all
from storage import catalogue as catalogue_repo
from storage import people
from storage.activities import refresh_updated_at
from storage.models import Activity, ActivitySource, Organisation, Role


@dataclass(frozen=True)
class DemoPerson:
    user_id: int
    first_name: str
    role: str  # "citizen", "reporter" or "admin"
    label_sv: str
    label_en: str


CITIZEN = DemoPerson(100_001, "Kim", "citizen", "medborgare", "citizen")
REPORTER = DemoPerson(100_002, "Robin", "reporter", "rapportör (polisen, Härjedalen)", "reporter")
ADMIN = DemoPerson(100_003, "Alex", "admin", "admin (kommunen, alla kommuner)", "admin")
DEMO_PEOPLE = (CITIZEN, REPORTER, ADMIN)


def load_example_document() -> dict[str, Any]:
    text = resources.files("bot").joinpath("demo/catalogue.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _shift_years(value: str | None, years: int) -> str | None:
    if value is None or years == 0:
        return value
    day = date.fromisoformat(value)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28).isoformat()


async def load_examples(session: AsyncSession, *, today: date, now: datetime) -> int:
    """Fill an empty database with the example data; returns the number of pledges stored."""
    data = load_example_document()
    shift = today.year - date.fromisoformat(data["reference_date"]).year
    keys: dict[str, int] = {}
    municipality_ids: dict[str, int] = {}
    total = 0
    for document in data["pledge_sets"]:
        document = dict(document)
        period = document["period"]
        document["period"] = {
            "start": _shift_years(period["start"], shift),
            "end": _shift_years(period.get("end"), shift),
        }
        saved = await save_catalogue(
            session, document, now=now, actor="system", activity_source=ActivitySource.EXAMPLE
        )
        keys.update(saved.pledge_ids)
        municipality_ids[document["municipality"]] = saved.municipality_id
        total += saved.pledges
    for item in data["activities"]:
        session.add(
            Activity(
                municipality_id=municipality_ids[item["municipality"]],
                pledge_id=keys[item["pledge"]] if item.get("pledge") else None,
                occurred_on=today - timedelta(days=int(item["days_ago"])),
                count=int(item.get("count", 1)),
                place=item.get("place"),
                place_public=bool(item.get("place_public", False)),
                note=item.get("note"),
                source=ActivitySource.EXAMPLE,
                created_at=now - timedelta(days=int(item["days_ago"])),
            )
        )
    await _demo_people(session)
    await session.flush()
    # The example activities name their places; list pledges count them like logged ones.
    await rematch_all(session)
    await refresh_updated_at(session)
    return total


async def _demo_people(session: AsyncSession) -> None:
    municipalities = await catalogue_repo.list_municipalities(session)
    reporter = await people.ensure_reporter(
        session, REPORTER.user_id, display_name="Robin (exempel)", organisation=Organisation.POLICE
    )
    admin = await people.ensure_reporter(
        session,
        ADMIN.user_id,
        display_name="Alex (exempel)",
        organisation=Organisation.MUNICIPALITY,
    )
    for municipality in municipalities:
        await people.grant(session, admin, municipality, Role.ADMIN)
        if municipality.slug == "harjedalen":
            await people.grant(session, reporter, municipality, Role.REPORTER)
