"""Engine, sessions and the one `transaction()`.

SQLite is the embedded default, through `storage.sqlite_driver` (aiosqlite's dialect with
statements run in place and lock waits that do not block the event loop): WAL and foreign keys
are switched on for every connection, and write transactions begin IMMEDIATE so that two
writers queue for the lock (up to SQLITE_BUSY_TIMEOUT_MS) instead of failing half-way.
PostgreSQL (asyncpg) is the production database. SQLAlchemy's own aiosqlite dialect stays
selectable by writing ``sqlite+aiosqlite://`` (statements on aiosqlite's thread, SQLite's own
busy timeout); `storage.sqlite_driver` is imported only when a URL needs it, so a SQLAlchemy or
aiosqlite release that does not fit it leaves that way open.
Repositories never commit; the caller's `transaction()` does.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.limits import SQLITE_BUSY_TIMEOUT_MS

STOCK_SQLITE = "sqlite+aiosqlite"  # SQLAlchemy's own dialect, as written in a URL


class DatabaseError(Exception):
    """The database cannot be used; the message is meant for a person."""


def normalise_url(url: str) -> URL:
    """Accept the URLs people write and pick the async driver for them.

    ``sqlite:///file.db`` -> aiosqlite (through `storage.sqlite_driver`),
    ``sqlite+aiosqlite:///file.db`` -> aiosqlite through SQLAlchemy's own dialect,
    ``postgresql://…`` or ``postgres://…`` -> asyncpg.
    """
    try:
        parsed = make_url(url.strip())
    except ArgumentError as exc:
        raise DatabaseError(f"ogiltig databas-URL: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        return parsed.set(drivername="postgresql+asyncpg")
    if backend == "sqlite":
        if parsed.drivername == STOCK_SQLITE:
            return parsed
        from storage import sqlite_driver  # registers its dialect

        return parsed.set(drivername=f"sqlite+{sqlite_driver.DRIVER}")
    raise DatabaseError(
        f"databasen '{backend}' stöds inte: använd sqlite:///fil.sqlite3 eller postgresql://…"
    )


def _install_sqlite_pragmas(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        driver = conn.connection.dbapi_connection
        if hasattr(driver, "on_thread"):  # storage.sqlite_driver's connection
            driver.on_thread = bool(options.get("sqlite_on_thread", False))
        conn.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', '')}".strip())


def _without_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def _has_nul(values: Iterable[Any]) -> bool:
    # A plain loop, no call per value: this runs for every statement's parameters.
    for value in values:  # noqa: SIM110 (any() with a generator costs a frame per value)
        if type(value) is str and "\x00" in value:
            return True
    return False


def _clean(row: Any) -> Any:
    """The row of parameters without U+0000 in any string (the row itself when none has it)."""
    if isinstance(row, dict):
        return {k: _without_nul(v) for k, v in row.items()} if _has_nul(row.values()) else row
    if isinstance(row, (list, tuple)):
        return type(row)(_without_nul(v) for v in row) if _has_nul(row) else row
    return row


def _install_nul_filter(engine: AsyncEngine) -> None:
    """PostgreSQL's text cannot hold U+0000 (a file or message carrying one would fail the
    whole write), so no string parameter carries it, on either backend."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute", retval=True)
    def _strip(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> tuple[str, Any]:
        if executemany and isinstance(parameters, (list, tuple)):
            return statement, type(parameters)(_clean(row) for row in parameters)
        return statement, _clean(parameters)


def _create_private(path: Path) -> None:
    """Create the SQLite file's directory (0700) and the file itself (0600) when they are
    missing, before SQLite does, so that people's messages are readable by the owner only.
    SQLite gives its -wal and -shm files the main file's mode. Existing ones are left as the
    operator made them."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


class Database:
    """One engine and its session factories. Nothing connects until first use."""

    def __init__(
        self, url: str, *, echo: bool = False, pool_size: int = 5, pre_ping: bool = True
    ) -> None:
        self.url = normalise_url(url)
        # hide_parameters: SQL errors and echo never show the values (message bodies, names).
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if self.is_sqlite:
            database = self.url.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                _create_private(Path(database).expanduser())
            if self.url.drivername == STOCK_SQLITE:
                # SQLite waits for another connection's lock itself, on aiosqlite's thread.
                kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=pre_ping)
            kwargs["connect_args"] = {"timeout": 10}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            _install_sqlite_pragmas(self.engine)
        _install_nul_filter(self.engine)
        writer_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._writer = async_sessionmaker(writer_engine, expire_on_commit=False)
        self._reader = async_sessionmaker(self.engine, expire_on_commit=False)
        self._background_writer = async_sessionmaker(
            writer_engine.execution_options(sqlite_on_thread=True), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def display_url(self) -> str:
        """The URL without its password, fit for logs and messages."""
        return self.url.render_as_string(hide_password=True)

    @asynccontextmanager
    async def transaction(self, *, background: bool = False) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the block ends, rolls back on any exception.

        `background` (SQLite): run its statements and commit on aiosqlite's worker thread
        rather than in place, for work that must leave the event loop free while SQLite
        writes (see storage.sqlite_driver). PostgreSQL ignores it."""
        factory = self._background_writer if background else self._writer
        async with factory() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work (no write lock on SQLite).

        Nothing is committed: closing the session rolls back, and the objects read stay usable
        (they are not expired) after the block.
        """
        async with self._reader() as session:
            yield session

    async def ping(self) -> None:
        """Raise DatabaseError with a readable message when the database cannot be reached."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (OSError, OperationalError, DBAPIError) as exc:
            raise DatabaseError(
                f"databasen {self.display_url} går inte att nå: {_first_line(exc)}"
            ) from exc

    async def dispose(self) -> None:
        await self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.orig if isinstance(exc, DBAPIError) else exc
    message = str(cause or exc).strip().splitlines()
    return message[0] if message else type(exc).__name__


def insert_for(session: AsyncSession) -> Any:
    """The dialect's INSERT, which has `on_conflict_do_nothing` (SQLite and PostgreSQL alike)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
