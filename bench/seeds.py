"""Importing the five published seed pages: reading each page, then writing it, per page."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.figures import Figure
from bot.services.importing import ImportFailed, import_document, read_source
from storage import migrate
from storage.db import Database

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def seed_pages(seeds: Path = SEEDS) -> list[tuple[str, bytes]]:
    """The seed pages as (file name, content); empty when ../shared/seeds is absent."""
    if not seeds.is_dir():
        return []
    return [(page.name, page.read_bytes()) for page in sorted(seeds.glob("*.txt"))]


async def seed_figures(pages: list[tuple[str, bytes]]) -> list[Figure]:
    if not pages:
        return []
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'seeds.sqlite3'}")
        await migrate.upgrade(db)
        try:
            for name, content in pages:
                t0 = time.perf_counter()
                try:
                    reading = read_source(content, source=name, today=NOW.date())
                except ImportFailed:
                    figures.append(Figure(f"seed import {name[:3]}: not readable", 0, "ms"))
                    continue
                t1 = time.perf_counter()
                document = reading.to_json()
                period = document.get("period")
                if isinstance(period, dict) and not period.get("start"):
                    # A page that does not say when it starts: what `loftesbot import --start`
                    # would be given.
                    period["start"] = f"{NOW.year}-01-01"
                try:
                    async with db.transaction() as session:
                        await import_document(session, document, now=NOW, actor="bench")
                except ImportFailed as exc:
                    figures.append(Figure(f"seed import {name[:3]}: refused ({exc})", 0, "ms"))
                    continue
                t2 = time.perf_counter()
                figures.append(
                    Figure(
                        f"seed import {name[:3]} ({len(content) // 1024} KiB): read + write",
                        (t2 - t0) * 1000,
                        "ms",
                        "≤ 1000 ms",
                        t2 - t0 <= 1.0,
                    )
                )
                figures.append(Figure(f"seed import {name[:3]}: reading", (t1 - t0) * 1000, "ms"))
        finally:
            await db.dispose()
    return figures
