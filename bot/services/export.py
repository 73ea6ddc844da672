"""Export: a municipality's pledges, activities and result notes as one CSV or JSON file.

Two kinds of file:

- **internal** (the default): everything an admin needs to check and correct the data —
  activity ids, exact places (with the `place_public` mark), the reporter's organisation,
  notes, where each row came from, when it was created and changed, and soft-deleted rows
  (`deleted` true). Reporters' names and ids are never exported, not even internally.
- **public** (`public=True`): the public rules of DESIGN.md — counts and days only, a place
  only where an admin marked it public, never a reporter (no id, name or organisation), never a
  note, no deleted rows and no activity dated after today, and no ids except pledge ids (which
  are public anyway: citizens share them as `?start=p_<id>` links). The public query does not
  even read the internal columns.

JSON is one document, dates and times as ISO 8601 (times in local time with their offset)::

    {"generated_at", "public", "municipalities": [{"name", "police_area",
      "pledge_sets": [{"period_start", "period_end", "published_on", "focus_areas":
          [{"name", "pledge_ids"}]}],
      "pledges": [{"id", "short_name", "text", "responsible", "focus_area", "period_start",
          "period_end", "target": null | {"count", "at_least", "per", "unit", "coverage"},
          "progress": null | {"as_of", "window_start", "window_end", "done", "target",
              "covered", "list_items", "windows_kept", "windows_judged", "windows_per",
              "status"}}],
      "activities": [{"date", "date_until", "pledge_id", "pledge", "count", "place",
          "coverage_item"}],
      "result_notes": [{"pledge_id", "pledge", "window_start", "window_end", "text", "count",
          "approximate"}]}]}

``progress`` is where a pledge of the set in force stands on the day of the export, computed by
the same service as the citizen answer, the report and the chart (``bot.services.answers``), so
the file gives the same figures: ``done`` in the current window, ``covered`` of ``list_items``
for a list pledge, and for a recurring target ("minst 1 i veckan") the windows of the period so
far in which it was reached (``windows_kept`` of ``windows_judged``); ``status`` is the
``bot.domain.pace.Status`` value. Pledges of other sets have ``null``.

CSV: one file holds one table, so every row says what it is in the first column, `record`
(`pledge`, `activity` or `result_note`), and the columns are the union of the three kinds
(`CSV_COLUMNS`; the public file leaves the internal ones out). Decision: **semicolon-separated,
UTF-8 with a byte-order mark, CRLF line ends** — that is what Excel with Swedish regional
settings opens correctly by double-click (there the comma is the decimal sign, so Excel expects
`;`; without the BOM it reads å, ä and ö as Latin-1). Python's `csv` module and LibreOffice read
it too (`delimiter=";"`, encoding `utf-8-sig`). Booleans are `true`/`false`, an empty cell is
nothing. A text cell that starts with `=`, `+`, `-`, `@` or a tab is prefixed with `'` so that
a spreadsheet never runs it as a formula (notes and places are typed by people).

Activities are read in chunks (`yield_per` with a server-side cursor) and written as they come,
so a database with a million activities is exported without holding them in memory;
`write_export` streams into any binary file, `build_export` returns the bytes (for the chat,
where one municipality is a small file).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Literal, Protocol

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services import access
from bot.services.answers import Overview, PledgeLine, overview
from bot.services.errors import NotAllowed, NotFound
from storage import audit
from storage import catalogue as repo
from storage.catalogue import swedish_sort_key
from storage.models import (
    Activity,
    CoverageItem,
    FocusArea,
    Membership,
    Municipality,
    Pledge,
    PledgeSet,
    PoliceArea,
    Reporter,
    ResultNote,
)

Format = Literal["csv", "json"]
FORMATS: tuple[Format, ...] = ("csv", "json")
MEDIA_TYPES: Mapping[Format, str] = {"csv": "text/csv", "json": "application/json"}
CHUNK_ROWS = 5_000  # activities fetched and written per round
FLUSH_CHARS = 1 << 16

PUBLIC_COLUMNS: tuple[str, ...] = (
    "record",
    "municipality",
    "pledge_id",
    "pledge",
    "date",
    "date_until",
    "count",
    "place",
    "coverage_item",
    "focus_area",
    "period_start",
    "period_end",
    "responsible",
    "text",
    "target_count",
    "target_at_least",
    "target_per",
    "target_unit",
    "target_coverage",
    "window_start",
    "window_end",
    "approximate",
    "progress_as_of",
    "progress_window_start",
    "progress_window_end",
    "progress_done",
    "progress_target",
    "progress_covered",
    "progress_list_items",
    "progress_windows_kept",
    "progress_windows_judged",
    "progress_windows_per",
    "progress_status",
)
INTERNAL_COLUMNS: tuple[str, ...] = (
    "activity_id",
    "place_public",
    "organisation",
    "note",
    "source",
    "created_at",
    "updated_at",
    "deleted",
)
CSV_COLUMNS = PUBLIC_COLUMNS + INTERNAL_COLUMNS
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportCounts:
    municipalities: int = 0
    pledges: int = 0
    activities: int = 0
    result_notes: int = 0


@dataclass(frozen=True)
class ExportInfo:
    filename: str
    fmt: Format
    public: bool
    municipalities: tuple[str, ...]
    counts: ExportCounts

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    info: ExportInfo

    @property
    def filename(self) -> str:
        return self.info.filename

    @property
    def counts(self) -> ExportCounts:
        return self.info.counts


class BinaryOut(Protocol):
    def write(self, data: bytes, /) -> Any: ...


async def municipality_ids_by_name(session: AsyncSession, names: Iterable[str]) -> list[int]:
    """The ids of the named municipalities ("Harjedalen" finds Härjedalen); NotFound names the
    first one that does not exist."""
    ids: list[int] = []
    for name in names:
        municipality = await repo.municipality_by_name(session, name)
        if municipality is None:
            raise NotFound("missing.municipality", name=name)
        if municipality.id not in ids:
            ids.append(municipality.id)
    return ids


def export_filename(slugs: Sequence[str] | None, *, public: bool, fmt: Format, day: date) -> str:
    """`loftesboten-harjedalen-2026-11-21.csv`; `-publik` marks a public file; without a
    choice of municipalities (`slugs` None) the name says `alla-kommuner`."""
    if slugs is None:
        which = "alla-kommuner"
    else:
        which = "-".join(slugs)
        if not slugs or len(which) > 60:
            which = f"{len(slugs)}-kommuner"
    scope = "-publik" if public else ""
    return f"loftesboten-{which}{scope}-{day.isoformat()}.{fmt}"


async def admin_export(
    session: AsyncSession,
    *,
    user_id: int,
    municipality_id: int | None,
    public: bool,
    fmt: Format,
    now: datetime,
    tz: tzinfo,
) -> ExportFile:
    """An export asked for in the chat. The rights are looked up here, by numeric user id, on
    every request: `municipality_id` comes from a button and is only a wish. None means every
    municipality the user administers."""
    places = [mid for mid, _ in await access.admin_places(session, user_id)]
    if not places:
        raise NotAllowed("access.not_admin")
    if municipality_id is not None and municipality_id not in places:
        raise NotAllowed("access.not_admin_in_id", municipality_id=municipality_id)
    ids = places if municipality_id is None else [municipality_id]
    return await build_export(session, municipality_ids=ids, public=public, fmt=fmt, now=now, tz=tz)


def record_export(session: AsyncSession, *, user_id: int, info: ExportInfo, now: datetime) -> None:
    """Who took which file out, in the audit trail (internal files hold notes and places)."""
    audit.record(
        session,
        at=now,
        actor="admin",
        actor_user_id=user_id,
        action="export",
        entity="municipality",
        details={
            "municipalities": list(info.municipalities),
            "format": info.fmt,
            "public": info.public,
            "activities": info.counts.activities,
        },
    )


async def build_export(
    session: AsyncSession,
    *,
    municipality_ids: Sequence[int] | None,
    public: bool,
    fmt: Format,
    now: datetime,
    tz: tzinfo,
    views: Mapping[int, Overview] | None = None,
) -> ExportFile:
    """The whole file in memory (fine for the chat: one municipality is small)."""
    buffer = io.BytesIO()
    info = await write_export(
        session,
        buffer,
        municipality_ids=municipality_ids,
        public=public,
        fmt=fmt,
        now=now,
        tz=tz,
        views=views,
    )
    return ExportFile(buffer.getvalue(), info)


async def write_export(
    session: AsyncSession,
    out: BinaryOut,
    *,
    municipality_ids: Sequence[int] | None,
    public: bool,
    fmt: Format,
    now: datetime,
    tz: tzinfo,
    on_progress: Callable[[int, int], None] | None = None,
    views: Mapping[int, Overview] | None = None,
) -> ExportInfo:
    """Stream the export into `out`; `municipality_ids` None means every municipality.

    `on_progress(done, total)` is called with the municipalities written so far: once with 0
    before the first, then after each. Raises NotFound when an id does not exist (before
    anything is written). `views`: overviews as of the export's day already read by the caller
    (the web pages read the report's), used instead of reading them again.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    places = await _municipalities(session, municipality_ids)
    today = now.astimezone(tz).date()
    text = _Utf8(out)
    writer: _Writer = _CsvWriter(text, public) if fmt == "csv" else _JsonWriter(text)
    writer.start(_when(now, tz), public)
    pledges = activities = notes = 0
    if on_progress is not None:
        on_progress(0, len(places))
    for done, place in enumerate(places, start=1):
        sets = await _pledge_sets(session, place.id)
        view = views.get(place.id) if views is not None else None
        if view is None or view.today != today:
            view = await overview(session, place.id, today)
        progress = {line.pledge_id: line for line in view.lines}
        pledge_rows = [
            _pledge_row(p, fa, ps, public, progress.get(p.id), today)
            for ps in sets
            for fa, p in _pledges_of(ps)
        ]
        names = {row["id"]: row["short_name"] for row in pledge_rows}
        writer.municipality(
            place.name, place.police_area, [_set_row(ps, public) for ps in sets], pledge_rows
        )
        pledges += len(pledge_rows)
        async for chunk in _activities(session, place.id, public, tz, today, names):
            writer.activities(place.name, chunk)
            activities += len(chunk)
        note_rows = await _result_notes(session, place.id, public)
        writer.result_notes(place.name, note_rows)
        notes += len(note_rows)
        if on_progress is not None:
            on_progress(done, len(places))
    writer.finish()
    text.flush()
    slugs = None if municipality_ids is None else [p.slug for p in places]
    return ExportInfo(
        filename=export_filename(slugs, public=public, fmt=fmt, day=today),
        fmt=fmt,
        public=public,
        municipalities=tuple(p.name for p in places),
        counts=ExportCounts(len(places), pledges, activities, notes),
    )


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    id: int
    name: str
    slug: str
    police_area: str | None


async def _municipalities(session: AsyncSession, ids: Sequence[int] | None) -> list[_Place]:
    stmt = select(Municipality.id, Municipality.name, Municipality.slug, PoliceArea.name).outerjoin(
        PoliceArea, PoliceArea.id == Municipality.police_area_id
    )
    if ids is not None:
        stmt = stmt.where(Municipality.id.in_(list(ids)))
    places = [_Place(*row) for row in await session.execute(stmt)]
    if ids is not None:
        missing = sorted(set(ids) - {p.id for p in places})
        if missing:
            raise NotFound("missing.municipality", name=missing[0])
    return sorted(places, key=lambda p: swedish_sort_key(p.name))


async def _pledge_sets(session: AsyncSession, municipality_id: int) -> Sequence[PledgeSet]:
    stmt = (
        select(PledgeSet)
        .where(PledgeSet.municipality_id == municipality_id)
        .order_by(PledgeSet.period_start, PledgeSet.id)
        .options(selectinload(PledgeSet.focus_areas).selectinload(FocusArea.pledges))
    )
    return (await session.scalars(stmt)).all()


def _pledges_of(pledge_set: PledgeSet) -> list[tuple[FocusArea, Pledge]]:
    return [(area, pledge) for area in pledge_set.focus_areas for pledge in area.pledges]


async def _activities(
    session: AsyncSession,
    municipality_id: int,
    public: bool,
    tz: tzinfo,
    today: date,
    pledge_names: Mapping[int, str],
) -> AsyncIterator[list[dict[str, Any]]]:
    """The municipality's activities in chunks of rows (dicts in output order), by day and id."""
    stmt: Select[*tuple[Any, ...]]
    if public:
        stmt = (
            select(
                Activity.occurred_on,
                Activity.pledge_id,
                Activity.count,
                # Only places an admin marked public ever leave the database; the list item
                # an activity counts for names its place too.
                case((Activity.place_public.is_(True), Activity.place), else_=None),
                case((Activity.place_public.is_(True), CoverageItem.name), else_=None),
                Activity.occurred_until,
            )
            .outerjoin(CoverageItem, CoverageItem.id == Activity.coverage_item_id)
            .where(
                Activity.municipality_id == municipality_id,
                Activity.deleted_at.is_(None),
                Activity.occurred_on <= today,
            )
        )
    else:
        stmt = (
            select(
                Activity.occurred_on,
                Activity.pledge_id,
                Activity.count,
                Activity.place,
                Activity.id,
                Activity.place_public,
                func.coalesce(Membership.organisation, Reporter.organisation),
                Activity.note,
                Activity.source,
                Activity.created_at,
                Activity.updated_at,
                Activity.deleted_at,
                CoverageItem.name,
                Activity.occurred_until,
            )
            .outerjoin(Reporter, Reporter.id == Activity.reporter_id)
            .outerjoin(
                Membership,
                (Membership.reporter_id == Activity.reporter_id)
                & (Membership.municipality_id == Activity.municipality_id),
            )
            .outerjoin(CoverageItem, CoverageItem.id == Activity.coverage_item_id)
            .where(Activity.municipality_id == municipality_id)
        )
    stmt = stmt.order_by(Activity.occurred_on, Activity.id).execution_options(yield_per=CHUNK_ROWS)
    result = await session.stream(stmt)
    async for partition in result.partitions():
        rows = []
        for row in partition:
            item: dict[str, Any] = {} if public else {"activity_id": row[4]}
            until = row[5] if public else row[13]
            item.update(
                date=row[0].isoformat(),
                # Set when the day is not known, only the span ("under 2019"): first and last day.
                date_until=until.isoformat() if until is not None else None,
                pledge_id=row[1],
                pledge=pledge_names.get(row[1], "") if row[1] is not None else "",
                count=row[2],
                place=row[3],
                coverage_item=row[4] if public else row[12],
            )
            if not public:
                item.update(
                    place_public=bool(row[5]),
                    organisation=None if row[6] is None else str(row[6]),
                    note=row[7],
                    source=str(row[8]),
                    created_at=_when(row[9], tz),
                    updated_at=_when(row[10], tz),
                    deleted=row[11] is not None,
                )
            rows.append(item)
        yield rows


async def _result_notes(
    session: AsyncSession, municipality_id: int, public: bool
) -> list[dict[str, Any]]:
    stmt = (
        select(ResultNote, Pledge.short_name)
        .join(Pledge, Pledge.id == ResultNote.pledge_id)
        .where(Pledge.municipality_id == municipality_id)
        .order_by(
            ResultNote.window_start,
            Pledge.focus_area_id,
            Pledge.position,
            ResultNote.pledge_id,
            ResultNote.position,
        )
    )
    rows = []
    for note, short_name in await session.execute(stmt):
        row: dict[str, Any] = {
            "pledge_id": note.pledge_id,
            "pledge": short_name,
            "window_start": note.window_start.isoformat(),
            "window_end": _day(note.window_end),
            "text": note.text,
            "count": note.count,
            "approximate": note.approximate,
        }
        if not public:
            row["source"] = note.source
        rows.append(row)
    return rows


def _set_row(pledge_set: PledgeSet, public: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "period_start": pledge_set.period_start.isoformat(),
        "period_end": _day(pledge_set.period_end),
        "published_on": _day(pledge_set.published_on),
        "focus_areas": [
            {"name": area.name, "pledge_ids": [p.id for p in area.pledges]}
            for area in pledge_set.focus_areas
        ],
    }
    if not public:
        row["source"] = pledge_set.source
    return row


def _progress(line: PledgeLine | None, today: date) -> dict[str, Any] | None:
    if line is None:
        return None
    assessment = line.assessment
    rounds = assessment.rounds
    coverage = line.coverage
    return {
        "as_of": today.isoformat(),
        "window_start": _day(line.window.start if line.window else None),
        "window_end": _day(line.window.end if line.window else None),
        "done": line.done,
        "target": assessment.target,
        "covered": coverage.covered if coverage else None,
        "list_items": coverage.items if coverage else None,
        "windows_kept": rounds.kept if rounds else None,
        "windows_judged": rounds.judged if rounds else None,
        "windows_per": str(rounds.per) if rounds else None,
        "status": assessment.status.value,
    }


def _pledge_row(
    pledge: Pledge,
    area: FocusArea,
    pledge_set: PledgeSet,
    public: bool,
    line: PledgeLine | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    has_target = any(
        v is not None
        for v in (
            pledge.target_count,
            pledge.target_per,
            pledge.target_unit,
            pledge.target_coverage,
        )
    )
    row: dict[str, Any] = {
        "id": pledge.id,
        "short_name": pledge.short_name,
        "text": pledge.text,
        "responsible": str(pledge.responsible),
        "focus_area": area.name,
        "period_start": pledge_set.period_start.isoformat(),
        "period_end": _day(pledge_set.period_end),
        "target": {
            "count": pledge.target_count,
            "at_least": pledge.target_at_least,
            "per": pledge.target_per,
            "unit": pledge.target_unit,
            "coverage": pledge.target_coverage,
        }
        if has_target
        else None,
        "progress": _progress(line, today) if today is not None else None,
    }
    if not public:
        row["source"] = pledge_set.source
    return row


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _when(value: datetime | None, tz: tzinfo) -> str | None:
    return None if value is None else value.astimezone(tz).isoformat(timespec="seconds")


# --- writing ----------------------------------------------------------------------------------


class _Utf8:
    """Text into a binary stream as UTF-8, in blocks of about FLUSH_CHARS characters."""

    def __init__(self, out: BinaryOut) -> None:
        self._out = out
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= FLUSH_CHARS:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._parts:
            self._out.write("".join(self._parts).encode("utf-8"))
            self._parts.clear()
            self._size = 0


class _Writer(Protocol):
    def start(self, generated_at: str | None, public: bool) -> None: ...

    def municipality(
        self,
        name: str,
        police_area: str | None,
        pledge_sets: list[dict[str, Any]],
        pledges: list[dict[str, Any]],
    ) -> None: ...

    def activities(self, municipality: str, rows: list[dict[str, Any]]) -> None: ...

    def result_notes(self, municipality: str, rows: list[dict[str, Any]]) -> None: ...

    def finish(self) -> None: ...


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _flat_pledge(pledge: Mapping[str, Any]) -> dict[str, Any]:
    target = pledge["target"] or {}
    row = {
        "pledge_id": pledge["id"],
        "pledge": pledge["short_name"],
        "focus_area": pledge["focus_area"],
        "period_start": pledge["period_start"],
        "period_end": pledge["period_end"],
        "responsible": pledge["responsible"],
        "text": pledge["text"],
        "target_count": target.get("count"),
        "target_at_least": target.get("at_least"),
        "target_per": target.get("per"),
        "target_unit": target.get("unit"),
        "target_coverage": target.get("coverage"),
    }
    # Every pledge row has the same keys (the CSV writer reads them from the first row).
    progress = pledge.get("progress") or {}
    for column in PUBLIC_COLUMNS:
        if column.startswith("progress_"):
            row[column] = progress.get(column.removeprefix("progress_"))
    if "source" in pledge:
        row["source"] = pledge["source"]
    return row


class _CsvWriter:
    def __init__(self, text: _Utf8, public: bool) -> None:
        self._text = text
        self._columns = PUBLIC_COLUMNS if public else CSV_COLUMNS
        self._csv = csv.writer(text, delimiter=";", lineterminator="\r\n")
        self._index = {name: i for i, name in enumerate(self._columns)}

    def _rows(self, record: str, municipality: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Rows of one kind share their keys: find their columns once, fill the rest empty.
        A key without a column (an internal one in a public file) is left out."""
        positions: list[tuple[int, str]] | None = None
        for row in rows:
            if positions is None:
                positions = [(self._index[k], k) for k in row if k in self._index]
            line: list[Any] = [""] * len(self._columns)
            line[0], line[1] = record, _cell(municipality)
            for index, key in positions:
                line[index] = _cell(row[key])
            self._csv.writerow(line)

    def start(self, generated_at: str | None, public: bool) -> None:
        self._text.write("\ufeff")
        self._csv.writerow(self._columns)

    def municipality(
        self,
        name: str,
        police_area: str | None,
        pledge_sets: list[dict[str, Any]],
        pledges: list[dict[str, Any]],
    ) -> None:
        self._rows("pledge", name, (_flat_pledge(pledge) for pledge in pledges))

    def activities(self, municipality: str, rows: list[dict[str, Any]]) -> None:
        self._rows("activity", municipality, rows)

    def result_notes(self, municipality: str, rows: list[dict[str, Any]]) -> None:
        self._rows("result_note", municipality, rows)

    def finish(self) -> None:
        return None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class _JsonWriter:
    """One JSON document, written piece by piece: one activity per line."""

    def __init__(self, text: _Utf8) -> None:
        self._text = text
        self._municipalities = 0
        self._activities = 0

    def start(self, generated_at: str | None, public: bool) -> None:
        self._text.write(
            f'{{"generated_at": {_json(generated_at)}, "public": {_json(public)}, '
            '"municipalities": ['
        )

    def municipality(
        self,
        name: str,
        police_area: str | None,
        pledge_sets: list[dict[str, Any]],
        pledges: list[dict[str, Any]],
    ) -> None:
        if self._municipalities:
            self._text.write(",")
        self._municipalities += 1
        self._activities = 0
        self._text.write(
            f'\n{{"name": {_json(name)}, "police_area": {_json(police_area)},\n'
            f'"pledge_sets": {_json(pledge_sets)},\n"pledges": {_json(pledges)},\n'
            '"activities": ['
        )

    def activities(self, municipality: str, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self._text.write(("," if self._activities else "") + "\n" + _json(row))
            self._activities += 1

    def result_notes(self, municipality: str, rows: list[dict[str, Any]]) -> None:
        self._text.write(f'],\n"result_notes": {_json(rows)}}}')

    def finish(self) -> None:
        self._text.write("\n]}\n")
