"""Importing pages into the catalogue: idempotent, follow-ups attached to existing pledges."""

from __future__ import annotations

import json
from datetime import UTC, date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.render.report import telegram_messages
from bot.services.export import build_export
from bot.services.importing import ImportFailed, import_document, read_source
from bot.services.reports import build_report
from storage.db import Database
from storage.models import Activity, Pledge, PledgeSet, ResultNote
from tests.conftest import NOW, SEEDS

PAGES = Path(__file__).resolve().parents[1] / "e2e" / "pages"
TODAY = date(2026, 11, 21)


def _read(path: Path, **kwargs):  # type: ignore[no-untyped-def]
    return read_source(path.read_bytes(), source=path.name, today=TODAY, **kwargs).to_json()


async def _count(db: Database, model: type) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _import(db: Database, document) -> object:  # type: ignore[no-untyped-def]
    async with db.transaction() as session:
        return await import_document(session, document, now=NOW, actor="cli")


async def test_follow_up_results_attach_to_the_existing_pledges(db: Database) -> None:
    await _import(db, _read(PAGES / "storberga.txt"))
    follow_up = _read(PAGES / "storberga_uppfoljning.txt")
    outcome = await _import(db, follow_up)
    assert outcome.changed  # type: ignore[attr-defined]
    assert outcome.pledges_created == 0  # type: ignore[attr-defined]
    assert outcome.results_attached == 2  # type: ignore[attr-defined]
    assert outcome.extra_activities == 1  # type: ignore[attr-defined]
    assert await _count(db, Pledge) == 4
    assert await _count(db, PledgeSet) == 1
    async with db.read() as session:
        rows = (
            await session.execute(
                select(Pledge.short_name, ResultNote.count).join(
                    ResultNote, ResultNote.pledge_id == Pledge.id
                )
            )
        ).all()
    by_pledge = {row[0]: row[1] for row in rows}
    assert by_pledge["hastighetskontroller"] == 14
    assert "belysningen" in by_pledge

    again = await _import(db, follow_up)
    assert again.changed is False  # type: ignore[attr-defined]
    assert await _count(db, ResultNote) == 2
    assert await _count(db, Activity) == 1


async def test_a_follow_up_without_its_promise_page_becomes_the_catalogue(db: Database) -> None:
    document = _read(PAGES / "storberga_uppfoljning.txt")
    document["period"] = {"start": "2026-01-01", "end": "2026-12-31"}
    outcome = await _import(db, document)
    assert outcome.pledges_created == 2  # type: ignore[attr-defined]
    assert await _count(db, ResultNote) == 2


async def test_a_page_without_a_period_is_refused_and_nothing_is_written(db: Database) -> None:
    document = _read(PAGES / "storberga.txt")
    document["period"] = {"start": None, "end": None}
    with pytest.raises(ImportFailed, match="period"):
        await _import(db, document)
    assert await _count(db, Pledge) == 0


async def test_seed_follow_up_attaches_to_the_seed_promise_page(db: Database) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed pages are not at {SEEDS}")
    promises = _read(next(SEEDS.glob("000_*.txt")))
    promises["period"] = {"start": "2019-01-01", "end": "2020-12-31"}
    await _import(db, promises)
    follow_up = _read(next(SEEDS.glob("001_*.txt")))
    outcome = await _import(db, follow_up)
    results = sum(len(p["results"]) for a in follow_up["focus_areas"] for p in a["pledges"])
    assert outcome.results_attached == results  # type: ignore[attr-defined]
    async with db.read() as session:
        rows = (
            await session.execute(
                select(Pledge.short_name, ResultNote.count, ResultNote.approximate).join(
                    ResultNote, ResultNote.pledge_id == Pledge.id
                )
            )
        ).all()
    counts = {(name, count, approx) for name, count, approx in rows if count is not None}
    assert ("trafikkontroller", 80, False) in counts
    assert any(count == 40 and approx for _, count, approx in counts)  # "över 40 besök"


async def test_extras_known_only_by_year_are_reported_as_that_year(db: Database) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed pages are not at {SEEDS}")
    promises = _read(next(SEEDS.glob("000_*.txt")))
    promises["period"] = {"start": "2019-01-01", "end": "2020-12-31"}
    await _import(db, promises)
    await _import(db, _read(next(SEEDS.glob("001_*.txt"))))
    async with db.read() as session:
        municipality_id = await session.scalar(select(PledgeSet.municipality_id))
        assert municipality_id is not None
        report = await build_report(session, municipality_id, None, date(2020, 6, 1))
    text = "\n".join(telegram_messages(report))
    # Each extra known only by its year is shown as that year, in the page's own words.
    assert "• under 2019: " in text
    assert "31 dec:" not in text
    assert "1 jan: " not in text
    for public in (True, False):
        async with db.read() as session:
            exported = await build_export(
                session, municipality_ids=None, public=public, fmt="json", now=NOW, tz=UTC
            )
        [place] = json.loads(exported.content)["municipalities"]
        spans = {(a["date"], a["date_until"]) for a in place["activities"]}
        assert spans == {("2019-01-01", "2019-12-31")}
