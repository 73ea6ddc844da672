"""A running bot's start-up time and peak memory, measured in a process of its own.

`python -m bench.process DATABASE_URL` builds the real application on that database, starts it
(initialize, as `loftesbot run` does before polling), answers questions about every
municipality and logs reports, then prints one JSON line: start-up seconds and peak RSS.
The bench runs it as a subprocess so that its own memory (the dataset build) does not count.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.figures import Figure


async def _run(url: str) -> dict[str, float]:
    started = time.perf_counter()
    from bot.app import build_application
    from bot.clock import FrozenClock
    from bot.config import DatabaseSettings, Settings
    from bot.console.transport import OfflineTransport
    from bot.console.updates import Person, UpdateFactory
    from bot.services.core import Services
    from storage import catalogue
    from storage.db import Database

    clock = FrozenClock(datetime(2026, 11, 21, 12, tzinfo=UTC))
    db = Database(url)
    await db.ping()
    services = Services(Settings(database=DatabaseSettings(url=url)), db, clock)
    app = build_application(services, request=OfflineTransport(), rate_limit=False)
    await app.initialize()
    startup = time.perf_counter() - started
    async with db.read() as session:
        names = [m.name for m in await catalogue.list_municipalities(session)]
    factory = UpdateFactory(app.bot, now=clock.now())
    for n, name in enumerate(names):
        await app.process_update(
            factory.to_update(
                factory.message(Person(500_000 + n, "Bench"), f"hur går det i {name}")
            )
        )
    await app.shutdown()
    await db.dispose()
    return {"startup_s": startup, "rss_mb": peak_rss_mb(), "questions": len(names)}


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux keeps getrusage's ru_maxrss across exec (a
    child started by a big parent reports the parent's peak), so VmHWM is read when there."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_figures(url: str) -> list[Figure]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.process", url],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        return [Figure("running bot on the full database: failed", 0, "", "", False)]
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return [
        Figure(
            "start-up of the bot on the full database",
            data["startup_s"],
            "s",
            "≤ 2 s",
            data["startup_s"] <= 2,
        ),
        Figure(
            f"peak memory (RSS), bot answering all {int(data['questions'])} kommuner",
            data["rss_mb"],
            "MB",
            "≤ 200 MB",
            data["rss_mb"] <= 200,
        ),
    ]


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_run(sys.argv[1]))))
