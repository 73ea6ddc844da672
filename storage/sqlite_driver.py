"""SQLAlchemy's aiosqlite dialect, with statements run in place instead of on a worker thread.

aiosqlite runs every call on the connection's worker thread, and SQLAlchemy's adapter makes
four such calls for a SELECT (open a cursor, execute, fetch, close). A round trip between the
event loop and the worker thread costs about 0.1 ms on a small virtual machine, far more than
the point queries and one-row inserts that handling a message consists of. This dialect runs a
buffered statement (execute, fetch every row, close) directly in SQLAlchemy's greenlet on the
event loop's thread, and commits and rolls back there too.

It never waits for a lock there. The connection's busy timeout is 0: when SQLite answers
SQLITE_BUSY (another connection holds the write lock), the statement has done nothing, and it is
tried again after an asyncio sleep (1 ms, doubling to 100 ms) until `BUSY_TIMEOUT_MS` has
passed, when the error is raised as before. So a writer waiting for another process (a backup,
the command line, a second instance) lets the event loop run meanwhile.

The trade-off: a long statement (a report's reading on the full dataset, tens of
milliseconds) holds the event loop while it runs, as drawing a chart does. Work that should not
(the outbox's paced sending) asks for aiosqlite's thread per transaction with the
`sqlite_on_thread` execution option; many-row statements and server-side cursors (streaming,
used by the export) always run there, with the same busy rule.

Connecting, closing, pooling and error types are SQLAlchemy's aiosqlite dialect unchanged.
URLs use the driver name ``sqlite+loftesqlite``; `storage.db.normalise_url` picks it.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    AsyncAdapt_aiosqlite_ss_cursor,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_, in_greenlet

from storage.limits import SQLITE_BUSY_TIMEOUT_MS

DRIVER = "loftesqlite"
BUSY_TIMEOUT_MS = SQLITE_BUSY_TIMEOUT_MS  # how long a statement waits for another's lock
_SQLITE_BUSY = 5
_FIRST_WAIT, _LONGEST_WAIT = 0.001, 0.1

T = TypeVar("T")


def _busy(error: BaseException) -> bool:
    code = getattr(error, "sqlite_errorcode", None)  # set by sqlite3 on what SQLite raised
    return isinstance(error, sqlite3.OperationalError) and code == _SQLITE_BUSY


def _waits(timeout_s: float) -> Callable[[], float | None]:
    """The next pause after SQLITE_BUSY, or None when the time to wait is used up."""
    deadline = time.monotonic() + timeout_s
    pause = _FIRST_WAIT

    def following() -> float | None:
        nonlocal pause
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        wait, pause = min(pause, left), min(pause * 2, _LONGEST_WAIT)
        return wait

    return following


def _in_place(work: Callable[[], T]) -> T:
    """Run `work` now; on SQLITE_BUSY, sleep without blocking the event loop and run it again."""
    try:
        return work()
    except sqlite3.OperationalError as error:
        if not _busy(error):
            raise
    following = _waits(BUSY_TIMEOUT_MS / 1000)
    while True:
        pause = following()
        if pause is None:
            return work()  # the last try: its error, if any, is the caller's
        await_(asyncio.sleep(pause))
        try:
            return work()
        except sqlite3.OperationalError as error:
            if not _busy(error):
                raise


async def _on_thread(work: Callable[[], Awaitable[T]]) -> T:
    """`_in_place` for calls that go to aiosqlite's worker thread."""
    following = _waits(BUSY_TIMEOUT_MS / 1000)
    while True:
        try:
            return await work()
        except sqlite3.OperationalError as error:
            pause = following() if _busy(error) else None
            if pause is None:
                raise
        await asyncio.sleep(pause)


async def _nothing() -> None:
    return None


def _execute(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> tuple[Any, int, int | None, list[Any] | None]:
    """The whole life of one cursor."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class InPlaceCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statement runs where it is called."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:  # nothing to open on the worker thread
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        return None  # nothing stays open between calls

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._run(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._run(operation, seq_of_parameters, many=True)

    def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        try:
            driver = self._connection
            connection = driver._conn
            if many or getattr(self._adapt_connection, "on_thread", False):
                description, rowcount, lastrowid, rows = await_(
                    _on_thread(
                        lambda: driver._execute(_execute, connection, operation, parameters, many)
                    )
                )
            else:
                description, rowcount, lastrowid, rows = _in_place(
                    lambda: _execute(connection, operation, parameters, many)
                )
                # AsyncConnection.execute insists that the driver awaited something; this
                # costs two greenlet switches and no trip through the event loop.
                await_(_nothing())
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._description = description
        self._rowcount = rowcount
        self._lastrowid = lastrowid
        self._rows = collections.deque(rows) if rows is not None else collections.deque()

    def nextset(self) -> None:
        self._rows.clear()


class WaitingServerSideCursor(AsyncAdapt_aiosqlite_ss_cursor):
    """aiosqlite's streaming cursor, waiting for locks like the in-place one."""

    __slots__ = ()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        run = super()._execute_async
        return await _on_thread(lambda: run(operation, parameters))


class InPlaceConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("on_thread",)
    _cursor_cls = InPlaceCursor
    _ss_cursor_cls = WaitingServerSideCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        # Set for each transaction from the `sqlite_on_thread` execution option (see
        # storage.db): background work that should leave the event loop free, and that gains
        # from SQLite writing on another core while Python goes on (the outbox's group
        # commits), runs on aiosqlite's thread as before.
        self.on_thread = False

    def _finish(self, how: str) -> None:
        connection = self._connection._connection
        # The pool rolls back every connection it gets back, after a commit too: with no
        # transaction open there is nothing to do.
        if connection is None or not connection.in_transaction:
            return
        try:
            if self.on_thread and in_greenlet():  # not when the pool cleans up at collection
                await_(_on_thread(getattr(self._connection, how)))
            else:
                _in_place(getattr(connection, how))
        except Exception as error:
            self._handle_exception(error)

    def rollback(self) -> None:
        self._finish("rollback")

    def commit(self) -> None:
        self._finish("commit")


class InPlaceDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> InPlaceConnection:
        # Used from the event loop's thread between the worker thread's calls, never at once.
        kw["check_same_thread"] = False
        kw["timeout"] = 0  # lock waits are asynchronous, in this module
        adapted = super().connect(*arg, **kw)
        return InPlaceConnection(self, adapted._connection)


class SQLiteDialect_loftesqlite(SQLiteDialect_aiosqlite):
    driver = DRIVER
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> InPlaceDBAPI:
        return InPlaceDBAPI(__import__("aiosqlite"), __import__("sqlite3"))


registry.register(f"sqlite.{DRIVER}", __name__, "SQLiteDialect_loftesqlite")
dialect = SQLiteDialect_loftesqlite
