"""The SQLite driver: one hand-off to aiosqlite's worker thread per statement, nothing else
changed (errors, many-row inserts, streaming, transactions)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from storage import migrate
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


async def test_a_statement_is_one_hand_off(sqlite_db: Database, hand_offs: list[str]) -> None:
    async with sqlite_db.transaction() as session:
        await session.execute(text("SELECT 1"))  # the transaction has begun
        hand_offs.clear()
        rows = (await session.execute(select(Municipality.id))).all()
        assert len(hand_offs) == 1
        await session.execute(insert(Municipality), _municipality(1))
        assert len(hand_offs) == 2
    assert rows == []


async def test_a_transaction_costs_begin_statement_and_commit_and_no_reset(
    sqlite_db: Database, hand_offs: list[str]
) -> None:
    async with sqlite_db.transaction() as session:
        await session.execute(insert(Municipality), _municipality(1))
    # BEGIN IMMEDIATE, the INSERT, COMMIT; the pool's rollback on return finds nothing open.
    assert len(hand_offs) == 3
    assert hand_offs[-1] == "commit"
    hand_offs.clear()
    async with sqlite_db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Municipality)) == 1
    assert hand_offs.count("rollback") == 1  # closing the read transaction, once


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
    assert new_id >= 1
    assert getattr(result, "rowcount", None) == 2
