"""The SQLite driver: statements run in place, lock waits do not hold the event loop, and
nothing else changes (errors, many-row inserts, streaming, transactions)."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from storage import migrate, sqlite_driver
from storage.db import Database
from storage.models import Municipality


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'driver.sqlite3'}")
    await migrate.upgrade(db)
    yield db
    await db.dispose()


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call that went to a connection's worker thread, by name."""
    calls: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(fn, "__name__", "?"))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return calls


def _municipality(n: int) -> dict[str, Any]:
    return {"name": f"Kommun {n}", "slug": f"kommun-{n}"}


async def test_the_url_picks_the_one_trip_driver(sqlite_db: Database) -> None:
    assert sqlite_db.url.drivername == "sqlite+loftesqlite"
    assert sqlite_db.engine.dialect.driver == "loftesqlite"


async def test_statements_commits_and_the_pools_rollback_run_in_place(
    sqlite_db: Database, hand_offs: list[str]
) -> None:
    async with sqlite_db.transaction() as session:
        await session.execute(insert(Municipality), _municipality(1))
        rows = (await session.execute(select(Municipality.name))).all()
    async with sqlite_db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Municipality)) == 1
    # BEGIN IMMEDIATE, INSERT, SELECT, COMMIT, BEGIN, SELECT, ROLLBACK and the pool's resets:
    # none of them went to the worker thread.
    assert hand_offs == []
    assert rows == [("Kommun 1",)]


async def test_a_background_transaction_runs_on_the_worker_thread(
    sqlite_db: Database, hand_offs: list[str]
) -> None:
    async with sqlite_db.transaction(background=True) as session:
        await session.execute(insert(Municipality), _municipality(1))
    # BEGIN IMMEDIATE, the INSERT and COMMIT each went to the thread.
    assert len(hand_offs) == 3 and hand_offs[-1] == "commit"
    hand_offs.clear()
    async with sqlite_db.transaction() as session:  # the same pooled connection, in place again
        await session.execute(insert(Municipality), _municipality(2))
    assert hand_offs == []
    async with sqlite_db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Municipality)) == 2


async def test_a_writer_waits_for_another_connections_lock_without_holding_the_loop(
    sqlite_db: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "driver.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    async def write() -> None:
        async with sqlite_db.transaction() as session:
            await session.execute(insert(Municipality), _municipality(1))

    ticker = asyncio.create_task(tick())
    writer = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    assert not writer.done()  # still waiting for the lock
    waited = ticks
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writer, 5)
    ticker.cancel()
    assert waited >= 10  # the event loop ran all along
    async with sqlite_db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Municipality)) == 1


async def test_a_writer_gives_up_after_the_busy_timeout(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(tmp_path / "driver.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError, match="locked"):
            async with sqlite_db.transaction() as session:
                await session.execute(insert(Municipality), _municipality(1))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert time.monotonic() - started >= 0.2  # it did wait, for as long as it was told
    async with sqlite_db.transaction() as session:  # and the connection is fine afterwards
        await session.execute(insert(Municipality), _municipality(1))


async def test_calls_on_the_worker_thread_wait_for_locks_too() -> None:
    answers = [sqlite3.OperationalError("database is locked")] * 2
    for error in answers:
        error.sqlite_errorcode = 5  # type: ignore[attr-defined]
    calls = 0

    async def streaming_select() -> str:
        nonlocal calls
        calls += 1
        if answers:
            raise answers.pop()
        return "rows"

    assert await sqlite_driver._on_thread(streaming_select) == "rows"
    assert calls == 3

    async def broken() -> str:
        raise sqlite3.OperationalError("no such table: x")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await sqlite_driver._on_thread(broken)


async def test_errors_are_sqlalchemy_errors_and_roll_back_the_transaction(
    sqlite_db: Database,
) -> None:
    async with sqlite_db.transaction() as session:
        await session.execute(insert(Municipality), _municipality(1))
    with pytest.raises(IntegrityError):
        async with sqlite_db.transaction() as session:
            await session.execute(insert(Municipality), _municipality(2))
            await session.execute(insert(Municipality), _municipality(1))  # the same name
    async with sqlite_db.read() as session:
        names = (await session.scalars(select(Municipality.name))).all()
    assert names == ["Kommun 1"]


async def test_many_rows_in_one_statement_and_streaming_still_work(sqlite_db: Database) -> None:
    async with sqlite_db.transaction() as session:
        await session.execute(insert(Municipality), [_municipality(n) for n in range(250)])
    async with sqlite_db.read() as session:
        streamed = [
            row.slug
            async for row in await session.stream(
                select(Municipality.slug).order_by(Municipality.id).execution_options(yield_per=40)
            )
        ]
    assert len(streamed) == 250
    assert streamed[0] == "kommun-0" and streamed[-1] == "kommun-249"


async def test_rowcount_and_returning_come_back_from_the_worker_thread(
    sqlite_db: Database,
) -> None:
    async with sqlite_db.transaction() as session:
        new_id = (
            await session.execute(insert(Municipality).returning(Municipality.id), _municipality(7))
        ).scalar_one()
        await session.execute(insert(Municipality), _municipality(8))
        result = await session.execute(
            text("UPDATE municipalities SET channel = '@kanal' WHERE id >= :id"), {"id": new_id}
        )
    async with sqlite_db.read() as session:
        ids = dict((await session.execute(select(Municipality.slug, Municipality.id))).all())
    assert new_id == ids["kommun-7"]
    assert getattr(result, "rowcount", None) == 2  # kommun-7 and kommun-8


async def test_the_stock_aiosqlite_dialect_stays_selectable(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'stock.sqlite3'}")
    try:
        assert db.url.drivername == "sqlite+aiosqlite"
        assert db.engine.dialect.driver == "aiosqlite"
        assert not isinstance(db.engine.dialect, sqlite_driver.SQLiteDialect_loftesqlite)
        await migrate.upgrade(db)
        async with db.transaction() as session:
            await session.execute(insert(Municipality), _municipality(1))
        async with db.read() as session:
            assert (await session.execute(select(func.count(Municipality.id)))).scalar() == 1
        async with db.engine.connect() as conn:
            busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
        assert busy == sqlite_driver.BUSY_TIMEOUT_MS  # SQLite waits itself, off the event loop
    finally:
        await db.dispose()


def test_the_stock_dialect_works_when_the_in_place_driver_cannot_be_imported(
    tmp_path: Path,
) -> None:
    """As after a SQLAlchemy release that storage/sqlite_driver.py does not fit."""
    script = f"""
import asyncio, sys
sys.modules["storage.sqlite_driver"] = None  # importing it now fails
from storage import migrate
from storage.db import Database

async def main():
    db = Database("sqlite+aiosqlite:///{tmp_path / "stock.sqlite3"}")
    await migrate.upgrade(db)
    print(await migrate.current_revision(db) == migrate.head_revision())
    await db.dispose()

asyncio.run(main())
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.strip() == "True", done.stderr
