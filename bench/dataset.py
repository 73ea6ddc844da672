"""A database the size of all of Sweden, for the benchmarks.

`build_dataset(db, scale, today=…)` fills an empty, migrated database with municipalities (real
names when `bot.domain.municipality_names` is there, made-up Swedish-looking ones otherwise),
their police areas, one current pledge set each with focus areas, pledges, coverage lists and
result notes, reporters with their memberships, and `scale.activities` activities spread over
the last 700 days. The same seed gives the same data.

Rows are written in bulk inside one transaction: SQLAlchemy Core `insert()` with lists of rows
on SQLite (with a larger page cache for the duration), asyncpg's binary COPY on PostgreSQL. Ids
are handed out here (from the table's current maximum), and PostgreSQL's sequences are moved
past them afterwards so that ordinary inserts keep working. Activity ids grow with created_at,
as they would in a live database, and each municipality's `data_updated_at` is set. Afterwards
SQLite's write-ahead log is checkpointed and truncated; PostgreSQL gets VACUUM (ANALYZE), as
autovacuum would have done by then.

Manual run: `python -m bench.dataset [--quick] [--database-url URL]`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import math
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import JSON, Table, bindparam, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.progress import steps
from storage.catalogue import slugify
from storage.db import Database
from storage.migrate import upgrade
from storage.models import (
    Activity,
    ActivitySource,
    Base,
    CoverageItem,
    FocusArea,
    Membership,
    Municipality,
    Organisation,
    Pledge,
    PledgeSet,
    PoliceArea,
    Reporter,
    Responsible,
    ResultNote,
    Role,
)

# ---------------------------------------------------------------------------------------------
# Interface


@dataclass(frozen=True)
class Scale:
    municipalities: int = 290
    pledges: int = 3000
    activities: int = 1_000_000
    reporters_per_municipality: int = 3


FULL = Scale()
QUICK = Scale(municipalities=290, pledges=3000, activities=50_000)

# The day the benchmarks pretend it is (bench/__main__.py freezes its clock on it).
BENCH_TODAY = date(2026, 11, 21)

# Telegram user ids of the generated reporters: 900_000_001, 900_000_002, … (clear of the demo's
# 100_00x, the tests' 200_00x and the bench's 300_000+ citizens).
REPORTER_USER_ID_BASE = 900_000_000
# Telegram message ids of generated activities start here in each reporter's chat, far above
# what the in-process update factory hands out, so a new message never collides with one.
MESSAGE_ID_BASE = 1_000_000

SQLITE_BUILD_CACHE_KIB = 32 * 1024  # page cache while building, then back to what it was
DAYS = 700  # activities are created on the last DAYS days up to and including `today`
PERIOD_START = date(2026, 1, 1)
PERIOD_END = date(2027, 12, 31)


@dataclass(frozen=True)
class Dataset:
    municipality_names: tuple[str, ...]
    pledge_ids: tuple[int, ...]
    # Telegram user ids, each a reporter in one municipality; the first of each municipality
    # is that municipality's admin.
    reporter_user_ids: tuple[int, ...]
    reporters_by_municipality: dict[str, tuple[int, ...]]
    activities: int
    seconds: float  # time taken to build


# ---------------------------------------------------------------------------------------------
# Vocabulary


class _Template(NamedTuple):
    short_name: str
    synonyms: tuple[str, ...]
    does: str  # what the responsible party does, after "Polisen"/"Kommunen"/"Polisen och kommunen"
    responsible: Responsible
    unit: str
    theme: str


# One pledge a paragraph: "theme | short name | responsible | unit | synonyms, …", then what the
# responsible party does (after "Polisen", "Kommunen" or "Polisen och kommunen"; {ort} is the
# municipality's name).
_TEMPLATE_TABLE = """
trafik | trafikkontroller | polisen | kontroller | trafikkontroll, nykterhetskontroll, trafik
    kontrollerar fart, körbeteende och nykterhet på vägarna, särskilt vid infarterna till {ort}
trafik | hastighetsövervakning | polisen | pass | fartkontroll, hastighet, laser
    övervakar hastigheten på gator där många barn rör sig, som kring skolorna i {ort}
trafik | mopedkontroller | polisen | kontroller | moped, mopedkontroll, epa, a-traktor
    kontrollerar mopeder och EPA-traktorer och pratar med unga förare om trafiksäkerhet
trafik | skoterkontroller | polisen | kontroller | skoter, skoterkontroll, snöskoter
    övervakar skotertrafiken på lederna och sjöarna runt {ort} under vintern
trafik | trafikinsatser | polisen | insatser | trafikinsats, buskörning, bilträffar
    gör riktade insatser mot buskörning och störande bilträffar i {ort}
trafik | trygga skolvägar | kommunen | åtgärder | skolväg, skolvägar, övergångsställe
    ser över skolvägarna och åtgärdar farliga passager som barn och föräldrar pekar ut
trafik | trafikutbildning | båda | tillfällen | trafikinformation, trafikträff, cykelhjälm
    håller trafikutbildning för elever och nyblivna förare
unga | skolbesök | polisen | besök | spontanbesök, besök i skolan, skola, skolan
    besöker grundskolor och gymnasiet för att lära känna eleverna och personalen
unga | lag och rätt | polisen | lektioner | årskurs 8, åk 8, åttor, lektion
    håller lektioner om lag och rätt, alkohol, narkotika, doping och tobak för årskurs 8
unga | föräldramöten | båda | möten | föräldramöte, föräldrar, möte med föräldrar
    deltar på föräldramöten och berättar om läget bland unga i {ort}
unga | fritidsgårdsbesök | polisen | besök | fritidsgård, fritidsgården, ungdomsgård
    besöker fritidsgårdarna kvällstid och pratar med ungdomarna
unga | föräldraträffar | kommunen | träffar | föräldraträff, föräldrakväll, föräldrastöd
    bjuder in till föräldraträffar om droger, sociala medier och grupptryck
unga | sociala medier | polisen | föreläsningar | nätet, näthat, internet
    föreläser för elever om näthat, bedrägerier och säkerhet på nätet
unga | sommarlovsaktiviteter | kommunen | aktiviteter | sommarlov, lovaktivitet, sommaraktivitet
    ordnar aktiviteter för unga under sommarlovet tillsammans med föreningslivet
trygghet | synlig polis | polisen | tillfällen | närvaro, publik plats, fotpatrull, synlighet
    är synlig och tillgänglig i centrum och på platser där människor samlas
trygghet | nattvandring | båda | nattvandringar | nattvandrare, nattvandringar, vandring
    stöttar nattvandrarna och går med dem på fredags- och lördagskvällar
trygghet | trygghetsvandringar | båda | vandringar | trygghetsvandring, otrygga platser, belysning
    går trygghetsvandringar med invånarna och åtgärdar otrygga platser
trygghet | mobilt poliskontor | polisen | tillfällen | poliskontor, polisbuss, mobil polis
    ställer upp ett mobilt poliskontor i {ort} där invånare kan lämna tips och ställa frågor
trygghet | invånardialog | båda | möten | medborgardialog, dialogmöte, invånardialoger
    håller dialogmöten där invånarna får berätta vad som gör dem otrygga
trygghet | ytterområden | polisen | pass | landsbygd, ytterområde, byarna
    lägger arbetstid i kommunens ytterområden och byar, inte bara i {ort}
trygghet | klotter | kommunen | saneringar | klottersanering, skadegörelse, sanering
    tar bort klotter och lagar skadegörelse inom ett dygn efter anmälan
trygghet | belysning | kommunen | åtgärder | gatlyktor, ljus, mörka platser
    ser över belysningen längs gång- och cykelvägar där invånare känner sig otrygga
droger | droginsatser | polisen | insatser | droginsats, narkotikainsats, operativ insats
    gör riktade insatser mot försäljning och bruk av narkotika i {ort}
droger | orossamtal | båda | samtal | orossamtalet, samtal, pss
    håller orossamtal med unga och deras föräldrar när någon misstänks ha börjat med droger
droger | narkotikatips | polisen | tips | tips, drogtips, tips om droger
    tar emot och följer upp tips om narkotika från invånare
droger | andt-utbildning | kommunen | utbildningar | andt, drogutbildning, utbildning
    utbildar personal i skola och socialtjänst om alkohol, narkotika, doping och tobak
droger | tobaksfri duo | kommunen | kontrakt | duo, tobaksfri, tobakskontrakt
    erbjuder Tobaksfri duo till alla elever i årskurs 6 till 9
droger | krogtillsyn | båda | tillsynsbesök | krogkontroll, restaurangtillsyn, serveringstillsyn
    gör gemensam tillsyn på restauranger med serveringstillstånd
droger | droger i trafiken | polisen | kontroller | drograttfylleri, drogkontroll, rattfylleri
    kontrollerar förare som misstänks vara påverkade av droger
integration | integrationsbesök | polisen | besök | nyanlända, sfi, hvb
    besöker SFI och boenden för nyanlända och berättar om polisens arbete
integration | språkcafé | båda | träffar | språkcaféer, fika, samtalsträff
    träffar nyanlända på språkcaféer på biblioteket
integration | samhällsinformation | kommunen | träffar | samhällsorientering, rättigheter
    informerar om svenska lagar och rättigheter inom samhällsorienteringen
samverkan | samverkansmöten | båda | möten | samverkan, samverkansmöte, samarbete
    träffas regelbundet för att följa upp läget och planera gemensamma insatser
samverkan | gemensam lägesbild | båda | lägesbilder | lägesbild, lägesbilden, veckomöte
    tar fram en gemensam lägesbild över brott och otrygghet i {ort}
samverkan | evenemang | båda | evenemang | storhelg, valborg, större evenemang
    planerar tillsammans inför valborg, skolavslutningar och andra större evenemang
samverkan | sig | båda | ärenden | social insatsgrupp, sociala insatsgrupper, insatsgrupp
    arbetar i sociala insatsgrupper med unga som riskerar att hamna i kriminalitet
samverkan | föreningsträffar | kommunen | träffar | föreningar, föreningsliv, idrottsförening
    träffar föreningslivet för att hitta vuxna som kan finnas där unga är
brottsförebyggande | grannsamverkan | båda | områden | grannar, grannsamverkansmöte, villaområde
    startar och stöttar grannsamverkan i bostadsområden och byar
brottsförebyggande | bedrägeriinformation | polisen | träffar | bedrägerier, telefonbedrägeri
    informerar äldre om bedrägerier på träffpunkter och pensionärsföreningar
brottsförebyggande | våld i nära relation | båda | utbildningar | vnr, relationsvåld
    arbetar förebyggande mot våld i nära relationer och utbildar personal
brottsförebyggande | inbrottsförebyggande | polisen | rådgivningar | inbrott, stöldskydd, märkning
    ger råd om hur man skyddar hem och fritidshus mot inbrott
brottsförebyggande | seniorträffar | polisen | träffar | seniorer, pensionärer, träffpunkt
    besöker seniorträffar och svarar på frågor om trygghet
"""


def _parse_templates(table: str) -> tuple[_Template, ...]:
    lines = [line for line in table.splitlines() if line.strip()]
    templates = []
    for head, does in zip(lines[::2], lines[1::2], strict=True):
        theme, short_name, responsible, unit, synonyms = (part.strip() for part in head.split("|"))
        templates.append(
            _Template(
                short_name,
                tuple(s.strip() for s in synonyms.split(",")),
                does.strip(),
                Responsible(responsible),
                unit,
                theme,
            )
        )
    return tuple(templates)


TEMPLATES = _parse_templates(_TEMPLATE_TABLE)

FOCUS_AREAS: tuple[tuple[str, str], ...] = (
    ("Trafiksäkerhet", "trafik"),
    ("Trafik och miljö", "trafik"),
    ("Ungdomar i fokus", "unga"),
    ("Barn och unga", "unga"),
    ("Trygghet i centrum", "trygghet"),
    ("Trygghet och synlig polis", "trygghet"),
    ("Mer tillgänglig polis", "trygghet"),
    ("Narkotika", "droger"),
    ("Folkhälsa och trygghet", "droger"),
    ("Integration", "integration"),
    ("Samverkan", "samverkan"),
    ("Brottsförebyggande arbete", "brottsförebyggande"),
    ("Våld i nära relation", "brottsförebyggande"),
)

# (per, weight, lowest count, highest count, words after the count)
COUNT_TARGETS: tuple[tuple[str, float, int, int, str], ...] = (
    ("year", 0.40, 2, 60, "per år"),
    ("half_year", 0.15, 1, 30, "per halvår"),
    ("quarter", 0.15, 1, 15, "per kvartal"),
    ("term", 0.15, 1, 10, "per termin"),
    ("week", 0.10, 1, 3, "i veckan"),
    ("month", 0.05, 1, 8, "per månad"),
)

# (coverage, unit, how an item's name ends)
COVERAGE_KINDS: tuple[tuple[str, str, str], ...] = (
    ("alla skolor i kommunen", "besök", "skolan"),
    ("alla årskurs 8", "lektioner", "skolan"),
    ("samtliga fritidsgårdar", "besök", "gården"),
    ("alla ytterområden", "pass", "by"),
    ("alla äldreboenden", "träffar", "hemmet"),
)
ITEM_PREFIXES = (
    "Björk", "Ek", "Lind", "Gran", "Tall", "Asp", "Rönn", "Al", "Sjö", "Berg", "Ås", "Strand",
    "Ängs", "Hag", "Kyrk", "Skogs", "Dal", "Norr", "Söder", "Öster", "Väster", "Bäck", "Hassel",
    "Lönn", "Ros", "Sol", "Mo", "Hög", "Vall", "Kvarn",
)  # fmt: skip

NAME_PREFIXES = (
    "Stor", "Lill", "Nord", "Söder", "Öster", "Väster", "Björk", "Gran", "Ek", "Lind", "Sjö",
    "Berg", "Mal", "Hag", "Ljus", "Fors", "Sand", "Mark", "Kung", "Tran", "Ving", "Ås", "Hed",
    "Ny", "Gull", "Sil", "Vall", "Ör", "Älv", "Kvarn", "Hassel", "Rön", "Tors", "Oden", "Frö",
    "Alm", "Lo", "Gus", "Ulv", "Bäck",
)  # fmt: skip
NAME_SUFFIXES = (
    "berga", "åsen", "vik", "by", "torp", "köping", "hult", "ryd", "sjö", "fors", "näs",
    "holm", "dal", "stad", "lunda", "hamn", "bro", "mo", "sund", "skog", "tuna", "vara", "hed",
    "backa", "fjäll", "mark",
)  # fmt: skip

PLACES = (
    "Resecentrum", "Torget", "Stationsområdet", "Skolgården", "Fritidsgården", "Idrottsplatsen",
    "Köpcentrum", "Hamnen", "Folkets park", "Storgatan", "Kyrkbacken", "Badplatsen",
    "Gymnasiet", "Busstationen", "Norra infarten", "Södra infarten", "Biblioteket",
)  # fmt: skip
NOTES = (
    "Lugnt",
    "Många ungdomar ute",
    "Tillsammans med kommunen",
    "Bra samtal med föräldrar",
    "Två patruller",
    "Inga anmärkningar",
    "Några ordningsstörningar",
    "Tips lämnat vidare",
)
RESULT_TEXTS = (
    "Under perioden har {n} {unit} genomförts.",
    "{n} {unit} har gjorts, de flesta under våren och hösten.",
    "Arbetet har gått enligt plan med {n} {unit} hittills.",
)


# ---------------------------------------------------------------------------------------------
# Building


async def build_dataset(
    db: Database,
    scale: Scale,
    *,
    today: date,
    seed: int = 7,
    now: datetime | None = None,
) -> Dataset:
    """Fill an empty, migrated database. Deterministic for a seed.

    Activities are created on the last 700 days up to `today`, never after `now` (default:
    12:00 UTC on `today`); none occurs after `today`.
    """
    started = time.perf_counter()
    if scale.municipalities < 1 or min(scale.pledges, scale.activities) < 0:
        raise ValueError(f"unusable scale: {scale}")
    if scale.reporters_per_municipality < 0:
        raise ValueError(f"unusable scale: {scale}")
    now = now or datetime.combine(today, clock_time(12), tzinfo=UTC)
    if now.tzinfo is None or now < datetime.combine(today, clock_time(0), tzinfo=UTC):
        raise ValueError("now must be timezone-aware and not before the start of today")
    rng = random.Random(seed)
    postgres = not db.is_sqlite
    engine = db.engine if postgres else db.engine.execution_options(sqlite_begin="IMMEDIATE")
    async with engine.begin() as conn:
        writer = _Writer(conn, postgres=postgres)
        if await conn.scalar(select(func.count()).select_from(_table(Municipality))):
            raise ValueError("build_dataset needs an empty database (municipalities found)")
        cache_size = None
        if not postgres:
            # SQLite's default 2 MB page cache thrashes on the activities' four indexes (a few
            # thousand insertion points each), doubling the time in spilled pages. Only the
            # size of the cache changes, only for the build: the connection goes back to the
            # pool as it came.
            cache_size = await conn.scalar(text("PRAGMA cache_size"))
            await conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_BUILD_CACHE_KIB}")
        try:
            plan = await _write_catalogue(writer, scale, rng, now=now)
            people = await _write_people(writer, plan, scale, rng, now=now)
            activities, latest = await _write_activities(
                writer, plan, people, scale, rng, today, now
            )
            await _touch_municipalities(conn, latest)
            if postgres:
                await _move_sequences(conn)
        except BaseException:
            if cache_size is not None:
                with suppress(Exception):  # the first error is the one worth reporting
                    await conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_size)}")
            raise
        if cache_size is not None:
            await conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_size)}")
    if postgres:
        await _vacuum_analyse(db)
    else:
        await _checkpoint(db)
    return Dataset(
        municipality_names=tuple(m.name for m in plan.municipalities),
        pledge_ids=tuple(p.id for p in plan.pledges),
        reporter_user_ids=tuple(user_id for r in people.values() for _, user_id in r),
        reporters_by_municipality={
            m.name: tuple(user_id for _, user_id in people[m.id]) for m in plan.municipalities
        },
        activities=activities,
        seconds=time.perf_counter() - started,
    )


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


class _Writer:
    """Bulk rows into one table, inside the connection's transaction."""

    def __init__(self, conn: AsyncConnection, *, postgres: bool) -> None:
        self.conn = conn
        self.postgres = postgres
        self.next_ids: dict[str, int] = {}
        self._driver: Any = None

    async def first_id(self, model: type[Base]) -> int:
        table = _table(model)
        if table.name not in self.next_ids:
            highest = await self.conn.scalar(select(func.max(table.c.id)))
            self.next_ids[table.name] = int(highest or 0) + 1
        return self.next_ids[table.name]

    async def ids(self, model: type[Base], count: int) -> range:
        first = await self.first_id(model)
        self.next_ids[_table(model).name] = first + count
        return range(first, first + count)

    async def write(
        self, model: type[Base], columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        table = _table(model)
        if self.postgres:
            json_columns = [
                i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)
            ]
            if json_columns:
                rows = [
                    tuple(
                        json.dumps(v) if i in json_columns and v is not None else v
                        for i, v in enumerate(row)
                    )
                    for row in rows
                ]
            if self._driver is None:
                raw = await self.conn.get_raw_connection()
                self._driver = raw.driver_connection
            await self._driver.copy_records_to_table(
                table.name, records=rows, columns=list(columns)
            )
        else:
            await self.conn.execute(
                insert(table), [dict(zip(columns, row, strict=True)) for row in rows]
            )


class _Municipality(NamedTuple):
    id: int
    name: str
    pledge_set_start: date
    pledge_set_end: date | None


class _Pledge(NamedTuple):
    id: int
    municipality_id: int
    coverage_item_ids: tuple[int, ...]
    unit: str


@dataclass
class _Plan:
    municipalities: list[_Municipality]
    pledges: list[_Pledge]


async def _write_catalogue(
    writer: _Writer, scale: Scale, rng: random.Random, *, now: datetime
) -> _Plan:
    names = municipality_names(scale.municipalities, rng)
    created = now - timedelta(days=DAYS + 30)

    area_count = math.ceil(len(names) / 3)
    area_ids = await writer.ids(PoliceArea, area_count)
    await writer.write(
        PoliceArea,
        ("id", "name", "created_at"),
        [(area_ids[i], f"Lokalpolisområde {names[3 * i]}", created) for i in range(area_count)],
    )

    municipality_ids = await writer.ids(Municipality, len(names))
    slugs: set[str] = set()
    municipality_rows = []
    for i, name in enumerate(names):
        slug = base = slugify(name) or "kommun"
        n = 2
        while slug in slugs:  # "Habo" and "Håbo" fold to the same slug
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        channel = f"@loften_{slug.replace('-', '_')}"[:64] if rng.random() < 0.6 else None
        municipality_rows.append(
            (municipality_ids[i], name, slug, area_ids[i // 3], channel, created)
        )
    await writer.write(
        Municipality,
        ("id", "name", "slug", "police_area_id", "channel", "created_at"),
        municipality_rows,
    )

    counts = _spread(scale.pledges, len(names), rng)
    set_ids = await writer.ids(PledgeSet, len(names))
    set_rows = []
    municipalities = []
    for i, name in enumerate(names):
        end = None if rng.random() < 0.15 else PERIOD_END
        municipalities.append(_Municipality(municipality_ids[i], name, PERIOD_START, end))
        published = PERIOD_START - timedelta(days=rng.randint(10, 60))
        set_rows.append(
            (
                set_ids[i],
                municipality_ids[i],
                PERIOD_START,
                end,
                f"https://exempel.se/medborgarloften/{municipality_rows[i][2]}",
                None,
                published,
                created,
            )
        )
    await writer.write(
        PledgeSet,
        (
            "id",
            "municipality_id",
            "period_start",
            "period_end",
            "source",
            "source_hash",
            "published_on",
            "created_at",
        ),
        set_rows,
    )

    focus_rows: list[tuple[Any, ...]] = []
    pledge_rows: list[tuple[Any, ...]] = []
    item_rows: list[tuple[Any, ...]] = []
    note_rows: list[tuple[Any, ...]] = []
    pledges: list[_Pledge] = []
    first_focus_id = await writer.first_id(FocusArea)
    next_pledge_id = await writer.first_id(Pledge)
    next_item_id = await writer.first_id(CoverageItem)
    next_note_id = await writer.first_id(ResultNote)
    for i, municipality in enumerate(municipalities):
        count = counts[i]
        areas = rng.sample(FOCUS_AREAS, min(rng.randint(2, 4), max(1, count)))
        area_ids_here = []
        for position, (area_name, _theme) in enumerate(areas):
            area_id = first_focus_id + len(focus_rows)
            area_ids_here.append(area_id)
            focus_rows.append((area_id, set_ids[i], area_name, position))
        chosen = _choose_templates(count, {theme for _, theme in areas}, rng)
        by_area: list[list[_Template]] = [[] for _ in areas]
        for template in chosen:
            matching = [k for k, (_, theme) in enumerate(areas) if theme == template.theme]
            k = matching[0] if matching else min(range(len(areas)), key=lambda a: len(by_area[a]))
            by_area[k].append(template)
        short_names: set[str] = set()
        for k, templates in enumerate(by_area):
            for position, template in enumerate(templates):
                short_name, n = template.short_name, 2
                while short_name in short_names:
                    short_name, n = f"{template.short_name} {n}", n + 1
                short_names.add(short_name)
                pledge_id = next_pledge_id
                next_pledge_id += 1
                row, items, unit = _pledge_row(template, short_name, municipality, rng, now=created)
                item_ids = tuple(range(next_item_id, next_item_id + len(items)))
                next_item_id += len(items)
                item_rows.extend(
                    (item_id, pledge_id, item, n)
                    for n, (item_id, item) in enumerate(zip(item_ids, items, strict=True))
                )
                pledge_rows.append((pledge_id, area_ids_here[k], municipality.id, position, *row))
                pledges.append(_Pledge(pledge_id, municipality.id, item_ids, unit))
                if rng.random() < 0.25:
                    for note_position in range(1 if rng.random() < 0.8 else 2):
                        n_done = rng.randint(1, 120)
                        note_rows.append(
                            (
                                next_note_id,
                                pledge_id,
                                municipality.pledge_set_start,
                                municipality.pledge_set_end,
                                note_position,
                                rng.choice(RESULT_TEXTS).format(n=n_done, unit=unit),
                                n_done if rng.random() < 0.8 else None,
                                rng.random() < 0.15,
                                f"https://exempel.se/resultat/{municipality_rows[i][2]}",
                                now - timedelta(days=rng.randint(1, 300)),
                            )
                        )
                        next_note_id += 1
    await writer.write(FocusArea, ("id", "pledge_set_id", "name", "position"), focus_rows)
    await writer.write(
        Pledge,
        (
            "id",
            "focus_area_id",
            "municipality_id",
            "position",
            "text",
            "short_name",
            "synonyms",
            "responsible",
            "target_count",
            "target_at_least",
            "target_per",
            "target_unit",
            "target_coverage",
            "created_at",
        ),
        pledge_rows,
    )
    await writer.write(CoverageItem, ("id", "pledge_id", "name", "position"), item_rows)
    await writer.write(
        ResultNote,
        (
            "id",
            "pledge_id",
            "window_start",
            "window_end",
            "position",
            "text",
            "count",
            "approximate",
            "source",
            "created_at",
        ),
        note_rows,
    )
    for model, rows in (
        (FocusArea, focus_rows),
        (Pledge, pledge_rows),
        (CoverageItem, item_rows),
        (ResultNote, note_rows),
    ):
        await writer.ids(model, len(rows))
    return _Plan(municipalities, pledges)


def _spread(total: int, buckets: int, rng: random.Random) -> list[int]:
    """`total` split over `buckets`, about evenly but not quite (sums exactly to total)."""
    base, rest = divmod(total, buckets)
    counts = [base] * buckets
    for i in rng.sample(range(buckets), rest):
        counts[i] += 1
    keep = 1 if base >= 1 else 0
    for _ in range(buckets):
        a, b = rng.randrange(buckets), rng.randrange(buckets)
        moved = min(rng.randint(0, base // 3), counts[a] - keep)
        if a != b and moved > 0:
            counts[a] -= moved
            counts[b] += moved
    return counts


def _choose_templates(count: int, themes: set[str], rng: random.Random) -> list[_Template]:
    """`count` templates, those of the chosen focus areas' themes first."""
    matching = [t for t in TEMPLATES if t.theme in themes]
    others = [t for t in TEMPLATES if t.theme not in themes]
    rng.shuffle(matching)
    rng.shuffle(others)
    # Mostly the focus areas' own themes, with a few strays as in real pledge sets.
    strays = min(len(others), max(0, count - len(matching)) + rng.randint(0, 2))
    pool = matching[: max(0, count - strays)] + others[:strays]
    chosen: list[_Template] = []
    while len(chosen) < count:  # more pledges than vocabulary: names get a number
        chosen.extend(pool or list(TEMPLATES))
    return chosen[:count]


def _pledge_row(
    template: _Template,
    short_name: str,
    municipality: _Municipality,
    rng: random.Random,
    *,
    now: datetime,
) -> tuple[tuple[Any, ...], list[str], str]:
    """The pledge's columns from `text` on, its coverage items, and its unit."""
    responsible = Responsible.BOTH if rng.random() < 0.1 else template.responsible
    who = {
        Responsible.POLICE: "Polisen",
        Responsible.MUNICIPALITY: "Kommunen",
        Responsible.BOTH: "Polisen och kommunen",
    }[responsible]
    ort = municipality.name
    text_ = f"{who} {template.does.format(ort=ort)}."
    synonyms = list(template.synonyms[: rng.randint(2, len(template.synonyms))])
    unit = template.unit
    items: list[str] = []
    r = rng.random()
    count: int | None = None
    at_least = True
    per: str | None = None
    coverage: str | None = None
    if r < 0.4:
        per, _, low, high, words = rng.choices(
            COUNT_TARGETS, weights=[t[1] for t in COUNT_TARGETS]
        )[0]
        count = rng.randint(low, high)
        at_least = rng.random() < 0.9
        text_ += f" Målet är {'minst ' if at_least else ''}{count} {unit} {words}."
    elif r < 0.5:
        coverage, unit, ending = rng.choice(COVERAGE_KINDS)
        per = rng.choice(("year", "term", "period"))
        at_least = False
        items = [prefix + ending for prefix in rng.sample(ITEM_PREFIXES, rng.randint(3, 12))]
        text_ += f" Det gäller {coverage}."
    row = (
        text_,
        short_name,
        synonyms,
        responsible.value,
        count,
        at_least,
        per,
        unit if (count is not None or coverage is not None) else None,
        coverage,
        now,
    )
    return row, items, unit


def municipality_names(count: int, rng: random.Random) -> list[str]:
    """Real municipality names when the list is there (sampled in its order), else made-up ones."""
    real = _real_municipality_names()
    if count <= len(real):
        keep = sorted(rng.sample(range(len(real)), count))
        return [real[i] for i in keep]
    return list(real) + _made_up_names(count - len(real), set(real), rng)


def _real_municipality_names() -> tuple[str, ...]:
    module_name = "bot.domain.municipality_names"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return ()
    names = getattr(module, "SWEDISH_MUNICIPALITIES", ())
    return tuple(dict.fromkeys(str(name) for name in names))


def _made_up_names(count: int, taken: set[str], rng: random.Random) -> list[str]:
    combos = [p + s for p in NAME_PREFIXES for s in NAME_SUFFIXES]
    rng.shuffle(combos)
    slugs = {slugify(name) for name in taken}
    names: list[str] = []
    for candidate in _candidates(combos):
        if len(names) == count:
            break
        if candidate not in taken and slugify(candidate) not in slugs:
            names.append(candidate)
            slugs.add(slugify(candidate))
    return names


def _candidates(combos: list[str]) -> Iterator[str]:
    yield from combos
    for direction in ("Norra", "Södra", "Östra", "Västra", "Övre", "Nedre"):
        for combo in combos:
            yield f"{direction} {combo}"
    n = 2
    while True:
        for combo in combos:
            yield f"{combo} {n}"
        n += 1


# ---------------------------------------------------------------------------------------------
# People


async def _write_people(
    writer: _Writer, plan: _Plan, scale: Scale, rng: random.Random, *, now: datetime
) -> dict[int, list[tuple[int, int]]]:
    """Reporters and memberships; returns municipality id -> [(reporter id, Telegram id)]."""
    per = scale.reporters_per_municipality
    reporter_ids = await writer.ids(Reporter, per * len(plan.municipalities))
    membership_ids = await writer.ids(Membership, per * len(plan.municipalities))
    reporter_rows = []
    membership_rows = []
    people: dict[int, list[tuple[int, int]]] = {}
    n = 0
    for municipality in plan.municipalities:
        people[municipality.id] = []
        for k in range(per):
            reporter_id = reporter_ids[n]
            user_id = REPORTER_USER_ID_BASE + n + 1
            admin = k == 0
            organisation = Organisation.MUNICIPALITY if admin else rng.choice(list(Organisation))
            joined = now - timedelta(days=DAYS + rng.randint(1, 30))
            reporter_rows.append(
                (
                    reporter_id,
                    user_id,
                    f"{'Admin' if admin else 'Rapportör'} {k + 1} ({municipality.name})",
                    organisation.value,
                    "sv",
                    joined,
                )
            )
            role = Role.ADMIN if admin else Role.REPORTER
            membership_rows.append(
                (membership_ids[n], reporter_id, municipality.id, role.value, joined)
            )
            people[municipality.id].append((reporter_id, user_id))
            n += 1
    await writer.write(
        Reporter,
        ("id", "telegram_user_id", "display_name", "organisation", "language", "created_at"),
        reporter_rows,
    )
    await writer.write(
        Membership,
        ("id", "reporter_id", "municipality_id", "role", "created_at"),
        membership_rows,
    )
    return people


# ---------------------------------------------------------------------------------------------
# Activities

ACTIVITY_COLUMNS = (
    "id",
    "municipality_id",
    "pledge_id",
    "coverage_item_id",
    "reporter_id",
    "occurred_on",
    "count",
    "place",
    "place_public",
    "note",
    "photo_file_id",
    "source",
    "source_chat_id",
    "source_message_id",
    "updated_at",
    "deleted_at",
    "created_at",
)


class _Target(NamedTuple):
    municipality_id: int
    pledge_id: int | None
    coverage_item_ids: tuple[int, ...]
    reporters: tuple[tuple[int, int], ...]
    places: tuple[str, ...]


def _targets(
    plan: _Plan, people: dict[int, list[tuple[int, int]]], rng: random.Random
) -> tuple[list[_Target], list[float]]:
    """Where activities go, with cumulative weights: skewed, ~5 % of pledges idle, ~5 % extra."""
    municipality_weight = {m.id: rng.lognormvariate(0, 0.8) for m in plan.municipalities}
    idle = set(rng.sample(range(len(plan.pledges)), round(len(plan.pledges) * 0.05)))
    places = {m.id: (f"{m.name} centrum", *rng.sample(PLACES, 6)) for m in plan.municipalities}
    targets: list[_Target] = []
    weights: list[float] = []
    for i, pledge in enumerate(plan.pledges):
        if i in idle:
            continue
        targets.append(
            _Target(
                pledge.municipality_id,
                pledge.id,
                pledge.coverage_item_ids,
                tuple(people[pledge.municipality_id]),
                places[pledge.municipality_id],
            )
        )
        weights.append(municipality_weight[pledge.municipality_id] * rng.lognormvariate(0, 1.1))
    pledge_weight = sum(weights)
    total_municipality = sum(municipality_weight.values())
    for m in plan.municipalities:
        share = municipality_weight[m.id] / total_municipality
        extra = pledge_weight * 0.05 / 0.95 * share if pledge_weight else share
        targets.append(_Target(m.id, None, (), tuple(people[m.id]), places[m.id]))
        weights.append(extra)
    cumulative: list[float] = []
    running = 0.0
    for weight in weights:
        running += weight
        cumulative.append(running)
    return targets, cumulative


def _per_day(total: int, days: list[date]) -> list[int]:
    """How many activities are created on each day: fewer at weekends and in July, growing."""
    weights = []
    for n, day in enumerate(days):
        weight = (1.0, 1.0, 1.0, 1.0, 0.9, 0.55, 0.45)[day.weekday()]
        weight *= 0.6 if day.month == 7 else 1.0
        weight *= 0.7 + 0.6 * n / max(1, len(days) - 1)
        weights.append(weight)
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(days)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


async def _write_activities(
    writer: _Writer,
    plan: _Plan,
    people: dict[int, list[tuple[int, int]]],
    scale: Scale,
    rng: random.Random,
    today: date,
    now: datetime,
) -> tuple[int, dict[int, datetime]]:
    """Activities in the order they were created (ids grow with created_at), in batches.

    Returns how many were written and, per municipality id, when its data last changed.
    """
    targets, cumulative = _targets(plan, people, rng)
    days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    counts = _per_day(scale.activities, days)
    batch_size = 50_000 if writer.postgres else 20_000
    next_id = await writer.first_id(Activity)
    message_ids: dict[int, int] = {}
    latest: dict[int, datetime] = {}
    telegram, example = ActivitySource.TELEGRAM.value, ActivitySource.EXAMPLE.value
    random_ = rng.random
    randint = rng.randint
    batch: list[tuple[Any, ...]] = []
    written = 0
    minute, hour = timedelta(minutes=1), timedelta(hours=1)
    lags = [timedelta(days=n) for n in range(7)]
    # A bar on standard error while the activities are written, when that is a terminal.
    by_day = steps(zip(days, counts, strict=True), len(days), "Testdata", "dag")
    for day, n_day in by_day:
        if not n_day:
            continue
        midnight = datetime.combine(day, clock_time(0), tzinfo=UTC)
        first, last = 6 * 3600, 20 * 3600
        if day == now.date():
            last = min(last, int((now - midnight).total_seconds()))
            first = min(first, last)
        seconds = sorted(randint(first, last) for _ in range(n_day))
        picks = rng.choices(targets, cum_weights=cumulative, k=n_day)
        for target, second in zip(picks, seconds, strict=True):
            created_at = midnight + timedelta(seconds=second)
            r = random_()
            lag = 0 if r < 0.7 else 1 if r < 0.88 else randint(2, 6)
            occurred_on = day - lags[lag]
            r = random_()
            count = 1 if r < 0.55 else 2 if r < 0.75 else 3 if r < 0.87 else 4 if r < 0.95 else 5
            coverage_item_id: int | None = None
            if target.coverage_item_ids and random_() < 0.85:
                items = target.coverage_item_ids
                coverage_item_id = items[int(random_() * len(items))]
            reporter_id: int | None = None
            chat_id: int | None = None
            message_id: int | None = None
            user_id = 0
            if target.reporters:
                reporter_id, user_id = target.reporters[int(random_() * len(target.reporters))]
            place: str | None = None
            place_public = False
            if random_() < 0.35:
                place = target.places[int(random_() * len(target.places))]
                place_public = random_() < 0.4
            note = NOTES[int(random_() * len(NOTES))] if random_() < 0.08 else None
            photo = f"AgACAgQAAxkBAAI{next_id:010x}" if random_() < 0.03 else None
            source = telegram
            if random_() < 0.03 or reporter_id is None:
                source = example
            else:
                chat_id = user_id
                message_id = message_ids.get(user_id, MESSAGE_ID_BASE) + 1
                message_ids[user_id] = message_id
            updated_at: datetime | None = None
            deleted_at: datetime | None = None
            if random_() < 0.04:
                updated_at = min(now, created_at + minute * randint(1, 600))
            if random_() < 0.01:
                deleted_at = min(now, created_at + hour * randint(1, 48))
            changed = max(created_at, updated_at or created_at, deleted_at or created_at)
            if changed > latest.get(target.municipality_id, changed - minute):
                latest[target.municipality_id] = changed
            batch.append(
                (
                    next_id,
                    target.municipality_id,
                    target.pledge_id,
                    coverage_item_id,
                    reporter_id,
                    occurred_on,
                    count,
                    place,
                    place_public,
                    note,
                    photo,
                    source,
                    chat_id,
                    message_id,
                    updated_at,
                    deleted_at,
                    created_at,
                )
            )
            next_id += 1
        if len(batch) >= batch_size:
            await writer.write(Activity, ACTIVITY_COLUMNS, batch)
            written += len(batch)
            batch = []
    await writer.write(Activity, ACTIVITY_COLUMNS, batch)
    written += len(batch)
    await writer.ids(Activity, written)
    return written, latest


async def _touch_municipalities(conn: AsyncConnection, latest: dict[int, datetime]) -> None:
    """Each municipality's `data_updated_at`: its last activity logged, changed or removed."""
    if not latest:
        return
    table = _table(Municipality)
    await conn.execute(
        update(table)
        .where(table.c.id == bindparam("municipality"))
        .values(data_updated_at=bindparam("at")),
        [{"municipality": m, "at": at} for m, at in sorted(latest.items())],
    )


# ---------------------------------------------------------------------------------------------
# Housekeeping

_TABLES = (
    PoliceArea,
    Municipality,
    PledgeSet,
    FocusArea,
    Pledge,
    CoverageItem,
    ResultNote,
    Reporter,
    Membership,
    Activity,
)


async def _move_sequences(conn: AsyncConnection) -> None:
    """Explicit ids leave the sequences behind; move each past its table's highest id."""
    for model in _TABLES:
        name = _table(model).name
        await conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )


async def _vacuum_analyse(db: Database) -> None:
    """Planner statistics and visibility map, as autovacuum would leave a live database."""
    names = ", ".join(_table(model).name for model in _TABLES)
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f"VACUUM (ANALYZE) {names}"))


async def _checkpoint(db: Database) -> None:
    """Move the build out of SQLite's write-ahead log and shrink the log, as a quiet hour would."""
    async with db.engine.connect() as conn:
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# ---------------------------------------------------------------------------------------------
# Command line


async def _counts(db: Database) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with db.engine.connect() as conn:
        for model in _TABLES:
            table = _table(model)
            counts[table.name] = int(
                await conn.scalar(select(func.count()).select_from(table)) or 0
            )
    return counts


def _file_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


async def _size(db: Database) -> str:
    mb = 1024 * 1024
    if db.is_sqlite:
        path = db.url.database or ""
        main, wal = _file_size(Path(path)), _file_size(Path(f"{path}-wal"))
        return f"{(main + wal) / mb:.1f} MB (file {main / mb:.1f} MB + WAL {wal / mb:.1f} MB)"
    async with db.engine.connect() as conn:
        total = await conn.scalar(text("SELECT pg_database_size(current_database())"))
        table = await conn.scalar(text("SELECT pg_total_relation_size('activities')"))
    return f"{int(total or 0) / mb:.1f} MB (activities and indexes {int(table or 0) / mb:.1f} MB)"


async def _run(url: str | None, output: Path | None, scale: Scale, today: date, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if url is None:
            url = f"sqlite:///{output or Path(tmp) / 'dataset.sqlite3'}"
        db = Database(url)
        try:
            t0 = time.perf_counter()
            await upgrade(db)
            migrated = time.perf_counter() - t0
            dataset = await build_dataset(db, scale, today=today, seed=seed)
            counts = await _counts(db)
            size = await _size(db)
        finally:
            await db.dispose()
    print(f"database   {db.display_url}")
    print(f"scale      {scale}, today {today}, seed {seed}")
    print(f"migration  {migrated:8.2f} s")
    print(f"build      {dataset.seconds:8.2f} s")
    for name, count in counts.items():
        print(f"  {name:<16} {count:>10,}")
    print(f"size       {size}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dataset")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK.activities:,} activities")
    parser.add_argument(
        "--database-url",
        help="build into this (empty) database, after migrating it; default: a temporary SQLite",
    )
    parser.add_argument(
        "--output", type=Path, help="keep the SQLite database in this (new) file instead"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=date.fromisoformat, default=BENCH_TODAY)
    args = parser.parse_args(argv)
    if args.output is not None and (args.database_url or args.output.exists()):
        parser.error("--output is a new SQLite file, and goes without --database-url")
    scale = QUICK if args.quick else FULL
    asyncio.run(_run(args.database_url, args.output, scale, args.today, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
