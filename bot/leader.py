"""Who leads: the one instance that runs the schedule and sends the outbox for the bot.

On PostgreSQL the leader holds a session-level advisory lock on a connection of its own; the
lock goes when that connection or the process dies. Telegram's budget (~30 messages/s) is the
bot's, not a process's, so only the leader may send on the bot's own initiative, and:

- **Followers try often and cheaply.** `LeaderWatch` calls `try_lead` every `WATCH_INTERVAL`
  seconds (2 s): on a kept connection, one `pg_try_advisory_lock`. A killed leader is replaced
  within seconds, not at the next scheduler tick.
- **The leader checks its lock all the time.** Every round of the outbox worker, and every send
  it makes, asks `holds()`: a `SELECT 1` on the lock connection at most every `CONFIRM_AGE`
  seconds (0.5 s, shared by concurrent senders). A cut lock connection means leadership lost:
  sending stops at once (claimed rows go back to pending) and the worker stops.
- **A new leader waits out a handover** (`HANDOVER`, 2 s) after taking the lock before it sends
  anything: by then an old leader whose connection was cut has noticed (within `CONFIRM_AGE`
  plus one round trip) and stopped, so the two never send at the same time.

SQLite has one process per database file, which leads from the start. The leader is named in
the logs and in `/healthz` (instance id and since when); on PostgreSQL its lock connection
carries the same name as `application_name`, so followers can say who leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import Clock, SystemClock
from storage.db import Database

log = logging.getLogger(__name__)

LOCK_KEY = 0x4C6F6674  # "Loft": the advisory lock of the leader
LEADERSHIP_KEY = "leadership"  # in bot_data
WATCH_INTERVAL = 2.0  # seconds between a follower's tries for the lock
HANDOVER = 2.0  # seconds a new leader waits before it sends anything
CONFIRM_AGE = 0.5  # seconds a check of the lock connection is trusted by a sender
CHECK_TIMEOUT = 2.0  # seconds a check may take before the connection counts as lost
_APP_NAME = "loftesbot leader "


def default_instance() -> str:
    """A name for this process: host and pid."""
    return f"{socket.gethostname()[:24]}:{os.getpid()}"


class Leadership:
    """This process's part in the election (see the module docstring)."""

    def __init__(
        self,
        db: Database,
        *,
        instance: str | None = None,
        handover: float = HANDOVER,
        confirm_age: float = CONFIRM_AGE,
        clock: Clock | None = None,
    ) -> None:
        self.db = db
        self.clock: Clock = clock or SystemClock()
        self.instance = instance or default_instance()
        self.handover = handover
        self.confirm_age = confirm_age
        self.since: datetime | None = None  # when this process took the lead
        self._conn: AsyncConnection | None = None  # the lock's (or a follower's) connection
        self._leading = False
        self._gained_at = -math.inf  # time.monotonic() of taking the lock
        self._checked_at = -math.inf  # time.monotonic() of the last good check
        self._lock = asyncio.Lock()  # one user of the connection at a time

    @property
    def leading(self) -> bool:
        return self._leading

    async def try_lead(self) -> bool:
        """Check the lock when leading, else try to take it. Never raises."""
        async with self._lock:
            if self.db.is_sqlite:
                if not self._leading:
                    self._gain()
                return True
            if self._leading:
                if await self._ping():
                    return True
                self._lose("its lock connection is gone")
            try:
                conn = await self._connection()
                got = await asyncio.wait_for(
                    conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}),
                    CHECK_TIMEOUT,
                )
            except Exception as exc:
                log.debug("leader: trying the lock failed (%s)", type(exc).__name__)
                await self._drop_connection()
                return False
            if not got:
                return False
            self._gain()
            with contextlib.suppress(Exception):  # only a name for others to read
                await conn.execute(
                    text("SELECT set_config('application_name', :v, false)"),
                    {"v": self._app_name()},
                )
            return True

    async def ensure(self) -> bool:
        """Lead if possible; True once this process leads and its handover has passed."""
        if not await self.try_lead():
            return False
        await self._handover_passed()
        return self._leading

    async def holds(self) -> bool:
        """True while this process may send for the bot: it leads, its handover has passed and
        its lock connection answered within `confirm_age` seconds. Never takes the lock."""
        if self.db.is_sqlite:
            return True
        if not self._leading:
            return False
        await self._handover_passed()
        if time.monotonic() - self._checked_at <= self.confirm_age:
            return self._leading
        async with self._lock:
            if not self.leading:  # lost while waiting for the connection
                return False
            if time.monotonic() - self._checked_at <= self.confirm_age:
                return True
            if await self._ping():
                return True
            self._lose("its lock connection is gone")
            return False

    async def release(self) -> None:
        """Give the lock up. The connection is closed for real, not returned to the pool: a
        pooled session would keep holding a session-level lock."""
        async with self._lock:
            if self._leading and self._conn is not None:
                with contextlib.suppress(Exception):  # the connection is gone, and the lock
                    await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
            if self._leading:
                self._lose("it stopped")
            await self._drop_connection()

    def status(self) -> dict[str, Any]:
        """For /healthz: this instance, whether it leads and since when."""
        return {
            "instance": self.instance,
            "leader": self._leading,
            "since": _iso(self.since) if self._leading and self.since else None,
        }

    async def current_leader(self) -> str | None:
        """Who holds the lock (its instance name and since when), as PostgreSQL knows it."""
        if self.db.is_sqlite or self._leading:
            return f"{self.instance} since {_iso(self.since)}" if self.since else None
        async with self._lock:
            try:
                conn = await self._connection()
                name = await asyncio.wait_for(
                    conn.scalar(
                        text(
                            "SELECT a.application_name FROM pg_locks l "
                            "JOIN pg_stat_activity a ON a.pid = l.pid "
                            "WHERE l.locktype = 'advisory' AND l.granted "
                            "AND l.classid = 0 AND l.objid = :k LIMIT 1"
                        ),
                        {"k": LOCK_KEY},
                    ),
                    CHECK_TIMEOUT,
                )
            except Exception:
                await self._drop_connection()
                return None
        if not name:
            return None
        return str(name).removeprefix(_APP_NAME)

    # --- inside ---------------------------------------------------------------------------------

    def _gain(self) -> None:
        self._leading = True
        self._gained_at = self._checked_at = time.monotonic()
        self.since = self.clock.now()
        log.info(
            "leader: instance %s leads since %s (sends after a %.1f s handover)",
            self.instance,
            _iso(self.since),
            0.0 if self.db.is_sqlite else self.handover,
        )

    def _lose(self, why: str) -> None:
        self._leading = False
        self._checked_at = -math.inf
        log.warning(
            "leader: instance %s no longer leads (led since %s): %s",
            self.instance,
            _iso(self.since) if self.since else "?",
            why,
        )

    async def _handover_passed(self) -> None:
        if self.db.is_sqlite:
            return
        # Twice at most: the lead may be lost and taken again while this waits.
        for _ in range(2):
            wait = self._gained_at + self.handover - time.monotonic()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def _ping(self) -> bool:
        conn = self._conn
        if conn is None:
            return False
        try:
            await asyncio.wait_for(conn.execute(text("SELECT 1")), CHECK_TIMEOUT)
        except Exception as exc:
            log.debug("leader: the lock connection failed (%s)", type(exc).__name__)
            await self._drop_connection()
            return False
        self._checked_at = time.monotonic()
        return True

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            conn = await self.db.engine.connect()
            self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    async def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await conn.invalidate()
            await conn.close()
        except Exception:
            log.debug("leader: closing the lock connection failed", exc_info=True)

    def _app_name(self) -> str:
        since = _iso(self.since) if self.since else "?"
        return f"{_APP_NAME}{self.instance} since {since}"[:63]


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else "?"


class LeaderWatch:
    """Tries for the lead every `interval` seconds; calls `on_gain` when this process takes it
    and `on_lose` when it loses it (also when the outbox noticed first)."""

    def __init__(
        self,
        leadership: Leadership,
        *,
        interval: float = WATCH_INTERVAL,
        on_gain: Callable[[], Awaitable[None]] | None = None,
        on_lose: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.leadership = leadership
        self.interval = interval
        self.on_gain = on_gain
        self.on_lose = on_lose
        self._task: asyncio.Task[None] | None = None
        self._led = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.create_task(self._run(), name="leader-watch")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        first = True
        while True:
            leads = await self.leadership.try_lead()
            if first and not leads:
                log.info(
                    "leader: instance %s follows; leading: %s",
                    self.leadership.instance,
                    await self.leadership.current_leader() or "nobody yet",
                )
            first = False
            if leads != self._led:
                self._led = leads
                action = self.on_gain if leads else self.on_lose
                if action is not None:
                    try:
                        await action()
                    except Exception:
                        log.exception("leader: reacting to a change of leader failed")
            await asyncio.sleep(self.interval)
