"""Answering "hur går det i X" on a database the size of all of Sweden.

Two figures each for p50 and p95: the database part alone (the overview service in one read
session) and the whole handler through the real application with the in-process Bot API.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.dataset import BENCH_TODAY, Scale, build_dataset
from bench.figures import Figure
from bench.process import process_figures
from bench.reports import quarterly_figures, scheduled_figures
from bench.site import site_figures
from bot.app import build_application
from bot.clock import FrozenClock
from bot.config import DatabaseSettings, Settings
from bot.console.transport import OfflineTransport
from bot.console.updates import Person, UpdateFactory
from bot.services import answers
from bot.services.core import Services
from storage import catalogue, migrate, people
from storage.activities import refresh_updated_at
from storage.db import Database
from storage.models import Activity, Municipality, Pledge, Role


def _quantiles(values: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(values, n=100)
    return q[49], q[94]


async def question_figures(url: str | None, scale: Scale, samples: int) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        db_url = url or f"sqlite:///{Path(tmp) / 'sweden.sqlite3'}"
        db = Database(db_url)
        try:
            await migrate.upgrade(db)
            async with db.read() as session:
                existing = await session.scalar(select(func.count()).select_from(Activity))
            if not existing:
                dataset = await build_dataset(db, scale, today=BENCH_TODAY)
                async with db.transaction() as session:
                    await refresh_updated_at(session)
                figures.append(
                    Figure(
                        f"dataset build ({scale.municipalities} kommuner, {scale.pledges} löften, "
                        f"{scale.activities:,} aktiviteter)".replace(",", " "),
                        dataset.seconds,
                        "s",
                    )
                )
            figures += await _measure(db, db_url, samples)
            figures += await quarterly_figures(db)
            figures += await site_figures(db)
            await db.dispose()
            figures += await asyncio.to_thread(process_figures, db_url)
            figures += await _scheduled_before_after(db_url, Path(tmp))
        finally:
            await db.dispose()
    return figures


def _copy_sqlite(source: Path | None, copy: Path) -> None:
    """Copy a SQLite database nothing writes to (its file and write-ahead log); with no
    source, remove the copy."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    if source is not None:
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")


async def _scheduled_before_after(db_url: str, tmp: Path) -> list[Figure]:
    """The scheduled quarterly run with the chart pool (the bot as built); on a SQLite
    dataset also before it, on a copy of the same file in the same run: every chart drawn in
    a thread of the bot's process, as before the pool."""
    url = make_url(db_url)
    if not url.drivername.startswith("sqlite") or not url.database:
        return await scheduled_figures(db_url)
    copy = tmp / "sweden-thread.sqlite3"
    await asyncio.to_thread(_copy_sqlite, Path(url.database), copy)
    before = await scheduled_figures(f"sqlite:///{copy}", pool=False)
    await asyncio.to_thread(_copy_sqlite, None, copy)
    after = await scheduled_figures(db_url)
    ratio = after[0].value / before[0].value
    return [
        *before[:1],
        *after,
        Figure("scheduled quarterly run: with the pool / in a thread", ratio, "ratio"),
    ]


async def _measure(db: Database, db_url: str, samples: int) -> list[Figure]:
    rng = random.Random(5)
    async with db.read() as session:
        places = [(m.id, m.name) for m in await catalogue.list_municipalities(session)]
    picks = [rng.choice(places) for _ in range(samples)]

    database: list[float] = []
    for municipality_id, _ in picks:
        started = time.perf_counter()
        async with db.read() as session:
            await answers.overview(session, municipality_id, BENCH_TODAY)
        database.append((time.perf_counter() - started) * 1000)

    clock = FrozenClock(datetime(2026, 11, 21, 12, tzinfo=UTC))
    services = Services(Settings(database=DatabaseSettings(url=db_url)), db, clock)
    app = build_application(services, request=OfflineTransport(), rate_limit=False)
    await app.initialize()
    factory = UpdateFactory(app.bot, now=clock.now())
    handler: list[float] = []
    for n, (_, name) in enumerate(picks):
        update = factory.to_update(
            factory.message(Person(400_000 + n, "Bench"), f"hur går det i {name}")
        )
        started = time.perf_counter()
        await app.process_update(update)
        handler.append((time.perf_counter() - started) * 1000)
    logging = await _logging_latencies(db, app, factory, rng, samples)
    await app.shutdown()

    db_p50, db_p95 = _quantiles(database)
    all_p50, all_p95 = _quantiles(handler)
    return [
        Figure("hur går det i X: database p50", db_p50, "ms"),
        Figure("hur går det i X: database p95", db_p95, "ms", "≤ 10 ms", db_p95 <= 10),
        Figure("hur går det i X: whole handler p50", all_p50, "ms"),
        Figure("hur går det i X: whole handler p95", all_p95, "ms", "≤ 30 ms", all_p95 <= 30),
        Figure(
            "hur går det i X: whole handler p99", statistics.quantiles(handler, n=100)[98], "ms"
        ),
        *logging,
    ]


async def _logging_latencies(
    db: Database, app: Any, factory: UpdateFactory, rng: random.Random, samples: int
) -> list[Figure]:
    """A reporter in a large municipality logs its pledges at the full data size."""
    async with db.transaction() as session:
        busiest = await session.scalar(
            select(Activity.municipality_id)
            .group_by(Activity.municipality_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        municipality = await session.get(Municipality, busiest)
        assert municipality is not None
        reporter = await people.ensure_reporter(session, 700_001, display_name="Bench")
        await people.grant(session, reporter, municipality, Role.REPORTER)
        names = list(
            await session.scalars(
                select(Pledge.short_name).where(Pledge.municipality_id == municipality.id)
            )
        )
    person = Person(700_001, "Bench")
    latencies: list[float] = []
    for _ in range(samples):
        text = f"{rng.randint(1, 5)} {rng.choice(names)} igår"
        update = factory.to_update(factory.message(person, text))
        started = time.perf_counter()
        await app.process_update(update)
        latencies.append((time.perf_counter() - started) * 1000)
    q = statistics.quantiles(latencies, n=100)
    label = f"reporter logging in {municipality.name} (full data)"
    return [
        Figure(f"{label} p50", q[49], "ms"),
        Figure(f"{label} p95", q[94], "ms"),
        Figure(f"{label} p99", q[98], "ms"),
    ]
