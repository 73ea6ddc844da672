"""Benchmarks: `python -m bench [--quick] [--json PATH] [--database-url URL]`.

Prints a table of figures (value, unit, target) measured through the real application with the
in-process Bot API, on the example data. Speed is checked here, never in timed tests. Each run
also times a fixed control workload (bench/control.py) at its start and end, and gives every
time figure as a multiple of it, so that runs from a slow hour and a normal hour compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy
import telegram
from telegram import Update
from telegram.ext import MessageHandler, filters

from bench.broadcast import broadcast_figures
from bench.citizen import question_figures
from bench.control import NAME as CONTROL_NAME
from bench.control import control_figures, relate, time_control
from bench.dataset import FULL, QUICK
from bench.figures import Figure
from bench.seeds import seed_figures, seed_pages
from bot.app import build_application
from bot.clock import FrozenClock, SystemClock
from bot.config import DatabaseSettings, Settings
from bot.console.transport import OfflineTransport
from bot.console.updates import Person, UpdateFactory
from bot.context import BotContext, update_key
from bot.services.core import Services
from bot.services.examples import REPORTER as DEMO_REPORTER
from bot.services.examples import load_examples
from storage import migrate
from storage.activities import claim_update
from storage.db import Database

WARM_UP = 20  # updates handled before each throughput figure is timed


async def _bench(url: str | None, updates: int) -> list[Figure]:
    figures: list[Figure] = []
    clock = FrozenClock(datetime(2026, 11, 21, 12, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        db_url = url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db = Database(db_url)
        # The logging targets are set for the embedded database; on PostgreSQL the same
        # figures are shown without a verdict.
        targets = db.is_sqlite
        t0 = time.perf_counter()
        await migrate.upgrade(db)
        figures.append(
            Figure("schema migration (empty database)", (time.perf_counter() - t0) * 1000, "ms")
        )
        t0 = time.perf_counter()
        async with db.transaction() as session:
            await load_examples(session, today=clock.now().date(), now=clock.now())
        figures.append(Figure("example data load", (time.perf_counter() - t0) * 1000, "ms"))

        t0 = time.perf_counter()
        services = Services(Settings(database=DatabaseSettings(url=db_url)), db, clock)
        transport = OfflineTransport()
        app = build_application(services, request=transport, rate_limit=False)
        await app.initialize()
        startup = time.perf_counter() - t0
        figures.append(Figure("application start-up", startup, "s", "≤ 2 s", startup <= 2))

        factory = UpdateFactory(app.bot, now=clock.now())

        async def measure(
            label: str,
            make: Callable[[int], dict[str, Any]],
            target: str,
            application: Any = app,
            before_each: Callable[[], None] | None = None,
        ) -> float:
            # A warm-up first, not timed: statements compiled once, caches filled, as in a bot
            # that has been running for a while.
            for n in range(updates, updates + WARM_UP):
                if before_each is not None:
                    before_each()
                await application.process_update(factory.to_update(make(n)))
            latencies = []
            start = time.perf_counter()
            for n in range(updates):
                update = factory.to_update(make(n))
                if before_each is not None:
                    before_each()
                t = time.perf_counter()
                await application.process_update(update)
                latencies.append((time.perf_counter() - t) * 1000)
            elapsed = time.perf_counter() - start
            q = statistics.quantiles(latencies, n=100)
            rate = updates / elapsed
            passed = rate >= 300 if target else None
            figures.append(Figure(f"{label} throughput", rate, "updates/s", target, passed))
            figures.append(Figure(f"{label} latency p50", q[49], "ms"))
            figures.append(Figure(f"{label} latency p95", q[94], "ms"))
            figures.append(Figure(f"{label} latency p99", q[98], "ms"))
            return rate

        # The floor: the same application machinery and database, a handler that only claims the
        # update's key in one write transaction and replies.
        floor_app = build_application(services, request=transport, rate_limit=False)
        floor_app.handlers.clear()
        floor_app.add_handler(MessageHandler(filters.ALL, _minimal_handler))
        await floor_app.initialize()

        def command_update(command: str) -> Callable[[int], dict[str, Any]]:
            return lambda n: factory.message(Person(300_000 + n % 500, "Bench"), command)

        for command in ("/start", "/hjalp"):
            await measure(command, command_update(command), "")
        reporter = Person(DEMO_REPORTER.user_id, "Robin")
        messages = (
            "3 trafikkontroller E45 igår",
            "skolbesök Sveg skola idag",
            "föräldramöte i Funäsdalen i tisdags",
            "besökte HVB-boendet, 2 timmar",
        )
        floor = await measure(
            "minimal handler (claim the key, reply)",
            lambda n: factory.message(reporter, messages[n % len(messages)]),
            "",
            floor_app,
        )
        # A reporter's message read, saved with its update key and audit row, and answered.
        logging_rate = await measure(
            "reporter logging",
            lambda n: factory.message(reporter, messages[n % len(messages)]),
            "≥ 300 updates/s" if targets else "",
        )
        # The same with the cache of scopes and catalogues emptied before every message, as
        # after a change to the catalogue: the long way (routing read, memberships, pledges).
        await measure(
            "reporter logging, cache emptied each time",
            lambda n: factory.message(reporter, messages[n % len(messages)]),
            "",
            before_each=lambda: services.cache.sync(None),
        )
        ratio = logging_rate / floor
        figures.append(
            Figure(
                "reporter logging / minimal handler",
                ratio,
                "ratio",
                "≥ 0.7" if targets else "",
                ratio >= 0.7 if targets else None,
            )
        )
        places = ("Härjedalen", "Åsele", "Haparanda", "Härnösand")
        await measure(
            "citizen question",
            lambda n: factory.message(
                Person(600_000 + n % 500, "Bench"), f"hur går det i {places[n % len(places)]}"
            ),
            "",
        )
        await floor_app.shutdown()
        await app.shutdown()
        await db.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures.append(Figure("peak memory (RSS)", rss_mb, "MB", "≤ 200 MB", rss_mb <= 200))
    return figures


async def _minimal_handler(update: Update, context: BotContext) -> None:
    services = context.services
    async with services.db.transaction() as session:
        await claim_update(session, update_key(update), update.update_id, services.now())
    if update.effective_message is not None:
        await update.effective_message.reply_text("ok")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer updates")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--database-url", help="benchmark this database instead of a temporary SQLite"
    )
    parser.add_argument(
        "--dataset-url",
        help="an empty database for the all-of-Sweden dataset (default: a temporary SQLite)",
    )
    parser.add_argument(
        "--no-dataset", action="store_true", help="skip the figures on the all-of-Sweden dataset"
    )
    args = parser.parse_args(argv)
    updates = 200 if args.quick else 2000
    started_at = SystemClock().now()
    control_start = time_control()
    figures = asyncio.run(_bench(args.database_url, updates))
    figures += asyncio.run(
        broadcast_figures(args.database_url, subscribers=2_000 if args.quick else 10_000)
    )
    figures += asyncio.run(seed_figures(seed_pages()))
    if not args.no_dataset:
        scale = QUICK if args.quick else FULL
        figures += asyncio.run(
            question_figures(args.dataset_url, scale, 100 if args.quick else 400)
        )
    control_end = time_control()
    control = (control_start + control_end) / 2
    figures = control_figures(control_start, control_end) + figures
    relate(figures, control)
    print(
        f"Run at {started_at:%Y-%m-%d %H:%M} UTC; control {control:.3f} s "
        f"(start {control_start:.3f} s, end {control_end:.3f} s). "
        "Times are also given as a multiple of the control, rates per control."
    )
    width = max(len(f.name) for f in figures)
    print(
        f"{'figure':<{width}}  {'value':>10}  {'unit':<10} {'target':<10} {'result':<6}  "
        f"{'relative':>10}"
    )
    for f in figures:
        result = "" if f.passed is None else ("pass" if f.passed else "FAIL")
        relative = "" if f.relative is None else f"{f.relative:>10.4g}  {f.relative_unit}"
        print(
            f"{f.name:<{width}}  {f.value:>10.2f}  {f.unit:<10} {f.target:<10} {result:<6}  "
            f"{relative}".rstrip()
        )
    if args.json:
        machine = {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "python-telegram-bot": telegram.__version__,
            "sqlalchemy": sqlalchemy.__version__,
            "updates_per_figure": updates,
        }
        run = {
            "started_at": started_at.isoformat(timespec="seconds"),
            "control": {
                "workload": CONTROL_NAME,
                "seconds": control,
                "start_seconds": control_start,
                "end_seconds": control_end,
            },
        }
        args.json.write_text(
            json.dumps(
                {"machine": machine, "run": run, "figures": [asdict(f) for f in figures]},
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
