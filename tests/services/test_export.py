"""Export: the public file follows the public rules, the internal one holds everything; CSV and
JSON parse back with the expected counts; municipality filters, unknown municipalities, admin
rights."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.services import export
from bot.services.errors import NotAllowed, NotFound
from bot.services.examples import load_examples
from bot.services.export import ExportFile, admin_export, build_export, municipality_ids_by_name
from storage import catalogue, people
from storage.db import Database
from storage.models import (
    Activity,
    ActivitySource,
    AuditEntry,
    Municipality,
    Organisation,
    Pledge,
    ResultNote,
    Role,
)
from tests.conftest import NOW

TODAY = date(2026, 11, 21)
TZ = ZoneInfo("Europe/Stockholm")
REPORTER_ID = 300_101
ADMIN_ID = 300_102
REPORTER_NAME = "Hemlig Hansson"

# Planted rows; every marker is unique, so finding it in a file means the row leaked.
SECRET_PLACE = "HEMLIGPLATS-ÖSTRA-VÄGEN"
SECRET_NOTE = "HEMLIGANTECKNING-tipsare-säger"
PUBLIC_PLACE = "Torget i Sveg"
PUBLIC_PLACE_NOTE = "HEMLIGANTECKNING-två"
DELETED_PLACE = "RADERADPLATS-Ljusnedal"
DELETED_NOTE = "RADERADANTECKNING"
PLANNED_PLACE = "PLANERADKONTROLL-Hede"
FORMULA_NOTE = '=HYPERLINK("https://example.invalid","klicka")'
MARKERS = (SECRET_PLACE, SECRET_NOTE, PUBLIC_PLACE_NOTE, DELETED_PLACE, DELETED_NOTE)


async def _setup(db: Database) -> dict[str, int]:
    """The example data plus rows that must never reach a public file."""
    async with db.transaction() as session:
        await load_examples(session, today=TODAY, now=NOW)
        harjedalen = await catalogue.municipality_by_name(session, "Härjedalen")
        asele = await catalogue.municipality_by_name(session, "Åsele")
        assert harjedalen is not None and asele is not None
        pledge_id = await session.scalar(
            select(Pledge.id).where(
                Pledge.municipality_id == harjedalen.id, Pledge.short_name == "trafikkontroller"
            )
        )
        assert pledge_id is not None
        reporter = await people.ensure_reporter(
            session, REPORTER_ID, display_name=REPORTER_NAME, organisation=Organisation.POLICE
        )
        await people.grant(session, reporter, harjedalen, Role.REPORTER)
        admin = await people.ensure_reporter(session, ADMIN_ID, display_name="Admin Adminsson")
        await people.grant(session, admin, harjedalen, Role.ADMIN)

        def planted(**kwargs: Any) -> Activity:
            values: dict[str, Any] = {
                "municipality_id": harjedalen.id,
                "pledge_id": pledge_id,
                "reporter_id": reporter.id,
                "occurred_on": TODAY - timedelta(days=3),
                "count": 1,
                "source": ActivitySource.TELEGRAM,
                "created_at": NOW - timedelta(days=3),
            }
            values.update(kwargs)
            activity = Activity(**values)
            session.add(activity)
            return activity

        planted(count=7, place=SECRET_PLACE, place_public=False, note=SECRET_NOTE)
        planted(count=2, place=PUBLIC_PLACE, place_public=True, note=PUBLIC_PLACE_NOTE)
        planted(
            count=99,
            place=DELETED_PLACE,
            place_public=True,
            note=DELETED_NOTE,
            deleted_at=NOW - timedelta(days=1),
        )
        # Dated after today: a planned control must never be announced.
        planted(count=1, place=PLANNED_PLACE, place_public=True, occurred_on=TODAY + timedelta(2))
        planted(pledge_id=None, count=3, place=None, note=FORMULA_NOTE)
        await session.flush()
        return {"Härjedalen": harjedalen.id, "Åsele": asele.id}


async def _export(
    db: Database, *, public: bool, fmt: export.Format, ids: list[int] | None
) -> ExportFile:
    async with db.read() as session:
        return await build_export(
            session, municipality_ids=ids, public=public, fmt=fmt, now=NOW, tz=TZ
        )


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to see UTF-8
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


async def _expected(db: Database, municipality_id: int, *, public: bool) -> dict[str, int]:
    async with db.read() as session:
        activities = select(func.count()).where(Activity.municipality_id == municipality_id)
        if public:
            activities = activities.where(
                Activity.deleted_at.is_(None), Activity.occurred_on <= TODAY
            )
        return {
            "pledges": await session.scalar(
                select(func.count()).where(Pledge.municipality_id == municipality_id)
            )
            or 0,
            "activities": await session.scalar(activities) or 0,
            "result_notes": await session.scalar(
                select(func.count())
                .select_from(ResultNote)
                .join(Pledge, Pledge.id == ResultNote.pledge_id)
                .where(Pledge.municipality_id == municipality_id)
            )
            or 0,
        }


@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_the_public_file_has_counts_days_and_public_places_only(
    db: Database, fmt: export.Format
) -> None:
    ids = await _setup(db)
    file = await _export(db, public=True, fmt=fmt, ids=[ids["Härjedalen"]])
    text = file.content.decode("utf-8-sig")
    for marker in (*MARKERS, PLANNED_PLACE, REPORTER_NAME, "Admin Adminsson", "HYPERLINK"):
        assert marker not in text, marker
    assert PUBLIC_PLACE in text
    if fmt == "csv":
        rows = _csv_rows(file.content)
        columns = set(rows[0])
        activities = [r for r in rows if r["record"] == "activity"]
    else:
        document = json.loads(text)
        assert document["public"] is True
        [place] = document["municipalities"]
        activities = place["activities"]
        columns = {key for row in activities for key in row}
        assert "source" not in place["pledge_sets"][0]
        assert all("source" not in note for note in place["result_notes"])
    for internal in ("note", "organisation", "activity_id", "place_public", "deleted", "source"):
        assert internal not in columns
    assert not {"reporter", "reporter_id", "created_at", "updated_at"} & columns
    # The example data's own notes and private places stay out too.
    async with db.read() as session:
        notes = set(await session.scalars(select(Activity.note).where(Activity.note.is_not(None))))
        public_places = set(
            await session.scalars(select(Activity.place).where(Activity.place_public.is_(True)))
        )
    assert not any(note and note in text for note in notes)
    assert {a["place"] for a in activities if a["place"]} <= public_places
    assert all(a["date"] <= TODAY.isoformat() for a in activities)
    assert file.filename == f"loftesboten-harjedalen-publik-2026-11-21.{fmt}"


@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_the_internal_file_holds_notes_places_organisation_and_deleted_rows(
    db: Database, fmt: export.Format
) -> None:
    ids = await _setup(db)
    file = await _export(db, public=False, fmt=fmt, ids=[ids["Härjedalen"]])
    text = file.content.decode("utf-8-sig")
    for marker in (*MARKERS, PLANNED_PLACE, PUBLIC_PLACE):
        assert marker in text, marker
    # Not even the internal file names a reporter: the organisation is enough.
    assert REPORTER_NAME not in text
    assert str(REPORTER_ID) not in text
    if fmt == "csv":
        activities = [r for r in _csv_rows(file.content) if r["record"] == "activity"]
        deleted = [r for r in activities if r["place"] == DELETED_PLACE]
        assert [(r["deleted"], r["organisation"], r["count"]) for r in deleted] == [
            ("true", "polisen", "99")
        ]
        secret = next(r for r in activities if r["place"] == SECRET_PLACE)
        assert secret["note"] == SECRET_NOTE
        assert secret["place_public"] == "false"
        assert secret["created_at"] == "2026-11-18T13:00:00+01:00"
        assert secret["activity_id"].isdigit()
    else:
        [place] = json.loads(text)["municipalities"]
        [deleted] = [a for a in place["activities"] if a["place"] == DELETED_PLACE]
        assert deleted["deleted"] is True
        assert deleted["organisation"] == "polisen"
        assert deleted["note"] == DELETED_NOTE
        assert isinstance(deleted["activity_id"], int)
    assert file.filename == f"loftesboten-harjedalen-2026-11-21.{fmt}"


@pytest.mark.parametrize("public", [False, True])
async def test_csv_parses_back_with_the_expected_record_counts(db: Database, public: bool) -> None:
    ids = await _setup(db)
    file = await _export(db, public=public, fmt="csv", ids=[ids["Härjedalen"]])
    rows = _csv_rows(file.content)
    header = list(rows[0])
    assert header == list(export.PUBLIC_COLUMNS if public else export.CSV_COLUMNS)
    records: dict[str, int] = {}
    for row in rows:
        records[row["record"]] = records.get(row["record"], 0) + 1
        assert row["municipality"] == "Härjedalen"
    expected = await _expected(db, ids["Härjedalen"], public=public)
    assert records == {
        "pledge": expected["pledges"],
        "activity": expected["activities"],
        "result_note": expected["result_notes"],
    }
    counts = file.counts
    assert (counts.pledges, counts.activities, counts.result_notes) == (
        expected["pledges"],
        expected["activities"],
        expected["result_notes"],
    )
    assert expected["result_notes"] > 0
    pledge = next(r for r in rows if r["record"] == "pledge")
    assert pledge["text"] and pledge["responsible"] and pledge["period_start"] == "2026-01-01"
    extra = [r for r in rows if r["record"] == "activity" and not r["pledge_id"]]
    assert extra and all(r["pledge"] == "" for r in extra)
    note = next(r for r in rows if r["record"] == "result_note")
    assert note["pledge"] and note["window_start"] and note["text"]


async def test_json_parses_and_matches_the_counts(db: Database) -> None:
    ids = await _setup(db)
    file = await _export(db, public=False, fmt="json", ids=None)
    document = json.loads(file.content)
    assert set(document) == {"generated_at", "public", "municipalities"}
    assert document["generated_at"] == "2026-11-21T13:00:00+01:00"
    assert document["public"] is False
    names = [m["name"] for m in document["municipalities"]]
    assert names == ["Haparanda", "Härjedalen", "Härnösand", "Åsele"]  # Swedish order
    for place in document["municipalities"]:
        assert set(place) == {
            "name",
            "police_area",
            "pledge_sets",
            "pledges",
            "activities",
            "result_notes",
        }
    harjedalen = document["municipalities"][1]
    expected = await _expected(db, ids["Härjedalen"], public=False)
    assert len(harjedalen["pledges"]) == expected["pledges"]
    assert len(harjedalen["activities"]) == expected["activities"]
    assert len(harjedalen["result_notes"]) == expected["result_notes"]
    [pledge_set] = harjedalen["pledge_sets"]
    assert pledge_set["period_start"] == "2026-01-01"
    assert pledge_set["period_end"] == "2027-12-31"
    listed = [pid for area in pledge_set["focus_areas"] for pid in area["pledge_ids"]]
    assert listed == [p["id"] for p in harjedalen["pledges"]]
    targets = [p["target"] for p in harjedalen["pledges"] if p["target"]]
    assert targets and set(targets[0]) == {"count", "at_least", "per", "unit", "coverage"}
    dates = [a["date"] for a in harjedalen["activities"]]
    assert dates == sorted(dates)
    total = sum(len(m["activities"]) for m in document["municipalities"])
    assert file.counts.activities == total
    assert file.counts.municipalities == 4
    assert file.filename == "loftesboten-alla-kommuner-2026-11-21.json"


async def test_a_municipality_filter_exports_only_that_municipality(db: Database) -> None:
    ids = await _setup(db)
    file = await _export(db, public=True, fmt="csv", ids=[ids["Åsele"]])
    rows = _csv_rows(file.content)
    assert {r["municipality"] for r in rows} == {"Åsele"}
    assert not any(marker in file.content.decode("utf-8-sig") for marker in MARKERS)
    assert file.filename == "loftesboten-asele-publik-2026-11-21.csv"
    assert file.info.municipalities == ("Åsele",)
    both = await _export(db, public=True, fmt="json", ids=[ids["Åsele"], ids["Härjedalen"]])
    names = [m["name"] for m in json.loads(both.content)["municipalities"]]
    assert names == ["Härjedalen", "Åsele"]
    assert both.filename == "loftesboten-harjedalen-asele-publik-2026-11-21.json"


async def test_unknown_municipalities_are_named(db: Database) -> None:
    ids = await _setup(db)
    async with db.read() as session:
        assert await municipality_ids_by_name(session, ["harjedalen", "Härjedalen"]) == [
            ids["Härjedalen"]
        ]
        with pytest.raises(NotFound) as refused:
            await municipality_ids_by_name(session, ["Åsele", "Atlantis"])
        assert refused.value.values["name"] == "Atlantis"
    with pytest.raises(NotFound):
        await _export(db, public=True, fmt="csv", ids=[ids["Åsele"], 999_999])


async def test_spreadsheet_formulas_are_neutralised_in_csv_but_kept_in_json(db: Database) -> None:
    ids = await _setup(db)
    file = await _export(db, public=False, fmt="csv", ids=[ids["Härjedalen"]])
    notes = [r["note"] for r in _csv_rows(file.content) if "HYPERLINK" in r["note"]]
    assert notes == ["'" + FORMULA_NOTE]
    as_json = await _export(db, public=False, fmt="json", ids=[ids["Härjedalen"]])
    activities = json.loads(as_json.content)["municipalities"][0]["activities"]
    assert [a["note"] for a in activities if a["note"] == FORMULA_NOTE] == [FORMULA_NOTE]


@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_small_chunks_give_the_same_file(
    db: Database, fmt: export.Format, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _setup(db)
    whole = await _export(db, public=False, fmt=fmt, ids=None)
    monkeypatch.setattr(export, "CHUNK_ROWS", 7)
    monkeypatch.setattr(export, "FLUSH_CHARS", 100)
    chunked = await _export(db, public=False, fmt=fmt, ids=None)
    assert chunked.content == whole.content


async def test_admin_export_checks_the_rights_on_every_request(db: Database) -> None:
    ids = await _setup(db)
    async with db.read() as session:
        file = await admin_export(
            session,
            user_id=ADMIN_ID,
            municipality_id=None,
            public=True,
            fmt="json",
            now=NOW,
            tz=TZ,
        )
        assert file.info.municipalities == ("Härjedalen",)
        with pytest.raises(NotAllowed):
            await admin_export(
                session,
                user_id=ADMIN_ID,
                municipality_id=ids["Åsele"],
                public=True,
                fmt="csv",
                now=NOW,
                tz=TZ,
            )
        with pytest.raises(NotAllowed):  # a reporter is not an admin
            await admin_export(
                session,
                user_id=REPORTER_ID,
                municipality_id=ids["Härjedalen"],
                public=True,
                fmt="csv",
                now=NOW,
                tz=TZ,
            )
    async with db.transaction() as session:
        export.record_export(session, user_id=ADMIN_ID, info=file.info, now=NOW)
    async with db.read() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry is not None and entry.actor_user_id == ADMIN_ID
    assert entry.details["municipalities"] == ["Härjedalen"]


async def test_an_empty_database_gives_an_empty_but_valid_file(db: Database) -> None:
    file = await _export(db, public=True, fmt="json", ids=None)
    assert json.loads(file.content)["municipalities"] == []
    file = await _export(db, public=True, fmt="csv", ids=None)
    assert _csv_rows(file.content) == []
    assert file.content.decode("utf-8-sig").startswith("record;municipality;")


async def test_the_formula_guard_covers_the_municipality_column_too(db: Database) -> None:
    ids = await _setup(db)
    async with db.transaction() as session:
        place = await session.get(Municipality, ids["Härjedalen"])
        assert place is not None
        place.name = '=HYPERLINK("http://x")'
    file = await _export(db, public=False, fmt="csv", ids=[ids["Härjedalen"]])
    rows = _csv_rows(file.content)
    assert rows
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@")), (column, value)
    assert {r["municipality"] for r in rows} == {'\'=HYPERLINK("http://x")'}
