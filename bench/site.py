"""The public web pages on the all-of-Sweden dataset: the whole static site (`loftesbot site`),
and a kommun's page served live (`[site] serve`) over loopback HTTP, first when it has to be
rendered and then from the cache, as a reader's browser would ask for it."""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bench.figures import Figure
from bot.clock import FrozenClock
from bot.config import SiteSettings
from bot.http import Listener
from bot.site.generate import write_site
from bot.site.live import LiveSite, handlers
from bot.site.model import municipalities
from bot.site.render import Site
from storage.db import Database

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
TZ = ZoneInfo("Europe/Stockholm")


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


async def site_figures(db: Database, requests: int = 400) -> list[Figure]:
    async with db.read() as session:
        places = await municipalities(session)
    n = len(places)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        written = await write_site(db, Path(tmp), Site(), now=NOW, tz=TZ)
        whole = time.perf_counter() - started
        size = await asyncio.to_thread(_size, Path(tmp))
    figures = [
        Figure(
            f"site: every page for {n} kommuner",
            whole,
            "s",
            "≤ 60 s",
            whole <= 60 * n / 290,
        ),
        Figure("site: files written", float(written.files), ""),
        Figure("site: size on disk", size / 1024 / 1024, "MiB"),
    ]
    live = LiveSite(db, SiteSettings(serve=True), TZ, FrozenClock(NOW))
    server = Listener(handlers(live), "127.0.0.1", 0)
    port = await server.start()
    rng = random.Random(16)
    sample = rng.sample([slug for _, _, slug in places], min(40, n))
    first: list[float] = []
    cached: list[float] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for slug in sample:
                t0 = time.perf_counter()
                answer = await client.get(f"/{slug}/")
                first.append((time.perf_counter() - t0) * 1000)
                answer.raise_for_status()
            for _ in range(requests):
                slug = rng.choice(sample)
                t0 = time.perf_counter()
                answer = await client.get(f"/{slug}/")
                cached.append((time.perf_counter() - t0) * 1000)
                answer.raise_for_status()
    finally:
        await server.stop()
    p95 = _p(cached, 95)
    return [
        *figures,
        Figure("site live: first render of a kommun page p50", _p(first, 50), "ms"),
        Figure("site live: first render of a kommun page p95", _p(first, 95), "ms"),
        Figure("site live: cached kommun page p50", _p(cached, 50), "ms"),
        Figure("site live: cached kommun page p95", p95, "ms", "≤ 50 ms", p95 <= 50),
    ]
