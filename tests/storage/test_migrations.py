"""The schema comes from Alembic, and the migrations and the models never drift apart."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from storage import migrate
from storage.db import STOCK_SQLITE, Database
from storage.limits import SQLITE_BUSY_TIMEOUT_MS
from storage.models import Base


async def test_upgrade_builds_every_table_and_matches_the_models(db: Database) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    def tables(connection):  # type: ignore[no-untyped-def]
        return set(inspect(connection).get_table_names())

    async with db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
        names = await conn.run_sync(tables)
    assert set(Base.metadata.tables) <= names
    assert await migrate.current_revision(db) == migrate.head_revision()


async def test_upgrade_twice_is_harmless(db: Database) -> None:
    await migrate.upgrade(db)
    assert await migrate.current_revision(db) == migrate.head_revision()


async def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(
    db: Database, backend: str
) -> None:
    if backend != "sqlite":
        assert db.is_sqlite is False
        return
    async with db.engine.connect() as conn:
        journal = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
        busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
        fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
    assert journal == "wal"
    if db.url.drivername == STOCK_SQLITE:
        # SQLAlchemy's own aiosqlite dialect: SQLite waits, on aiosqlite's thread.
        assert busy == SQLITE_BUSY_TIMEOUT_MS
    else:
        # SQLite itself never waits (that would hold the event loop): the driver waits for locks
        # asynchronously, for SQLITE_BUSY_TIMEOUT_MS (tests/storage/test_sqlite_driver.py).
        assert busy == 0
    assert SQLITE_BUSY_TIMEOUT_MS >= 5000
    assert fks == 1


async def test_empty_sqlite_file_is_upgraded_from_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'fresh' / 'new.sqlite3'}")
    try:
        assert await migrate.current_revision(db) is None
        await migrate.upgrade(db)
        assert await migrate.current_revision(db) == migrate.head_revision()
    finally:
        await db.dispose()
