"""The durable inbox: every update is stored before Telegram is told it arrived, then processed
from the database.

PTB acknowledges an update before its handler runs, so a crash would lose whatever was queued.
Here the receiver (`bot.serve`: long polling or the webhook) stores each update in the `inbox`
table first — polling before the next getUpdates moves the offset, the webhook before it answers
200 — and an `InboxProcessor` claims the rows, oldest first, and runs each through the real
dispatch (`Application.process_update`).

**Done in the same transaction as its effects.** Handlers that change anything claim the
update's content key (`update_key`, also the inbox row's key) in `processed_updates` in the same
transaction as their writes (`storage.activities.claim_update`; handlers through
`bot.handlers.common.use_case`). That claim *is* the commit point of an update: once it is
written, the update's effects are in the database, and a second run of the same update (after a
crash between the handler and the inbox's done mark, a lease that ran out, or a redelivery)
finds the key taken and changes nothing. The inbox row's `done_at` is written right after
processing; if the process dies before it is written, the row is processed again and the key
makes that harmless.

**Replies as durable as the change.** A reporter's confirmation is recorded in the same
transaction as the report, kept with the key (a report claims its key last, with the reply, in
one row: `storage.activities.claim_update(payload=...)`; other answers use `record_reply` after
an early claim), and sent after the commit; the done mark also marks it sent
(`storage.inbox.mark_replied`). A retry that finds
the key taken sends a recorded reply not marked sent: the process died after the commit and
before the done mark, or Telegram refused the reply. The policy for private replies is at least
once: a process killed after the reply went out and before the done mark sends it again on the
restart (at most the one update in hand). A reply whose send timed out counts as sent (Telegram
may have taken it). A redelivery (not a retry) stays silent. Read-only answers
(`/hjalp`, "hur går det?") claim nothing: they may be answered twice after a crash, never lost.

**Retries.** A row whose processing raised (a handler error reaches the error handler, which
tells the user once) is released and tried again after 5 s, 30 s, 2 min and 10 min; after
`max_attempts` attempts it is given up: marked done with its error kept and logged without the
message body. The row a process was handling when it died counts as an attempt too, so an
update that crashes the process is given up as well; the other rows of its claim do not (an
attempt is counted when a row is started: by the claim for its first row, and for each next row
in the transaction that records how the one before it ended).
Telegram's "forbidden" and "bad request" answers are not retried. Other rows are processed
while a failed row waits, so a poison update never blocks the queue (the price: a retried
update may be handled after a later one from the same chat).

**Several workers.** Each process runs one processor that handles its claims one by one, in
order. Claims are leases (60 s) kept fresh by a heartbeat while the worker works; a dead
worker's rows are taken over when the lease runs out. At start-up a processor first releases
claims that certainly belong to dead processes — on SQLite all of them (one process per
database file), on PostgreSQL those of the same host whose process is gone — so unfinished
updates are processed first. On PostgreSQL workers claim with `FOR UPDATE SKIP LOCKED` and never
get the same row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, TimedOut

from bot.clock import Clock
from bot.context import RETRYING, SERVICES_KEY, BotApplication, BotContext, update_key
from bot.metrics import Metrics, metrics_of
from storage import inbox as store
from storage.db import Database
from storage.models import InboxUpdate

log = logging.getLogger(__name__)

KEEP = timedelta(days=7)  # inbox rows and processed-update keys are kept at least this long
LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 5
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
)
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (Forbidden, BadRequest, ChatMigrated)


class NotAnUpdate(ValueError):
    """The payload is not a Telegram update."""


def parse(payload: Any) -> tuple[str, int]:
    """The content key and update_id of a raw update (Bot API JSON); NotAnUpdate otherwise."""
    if not isinstance(payload, Mapping):
        raise NotAnUpdate("not a JSON object")
    update_id = payload.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise NotAnUpdate("no integer update_id")
    try:
        update = Update.de_json(dict(payload), None)
    except Exception as exc:  # PTB raises whatever the malformed field provokes
        raise NotAnUpdate(f"unreadable update ({type(exc).__name__})") from exc
    if update is None:
        raise NotAnUpdate("empty update")
    return update_key(update), update_id


def key_of(payload: Mapping[str, Any]) -> str:
    """The content key of a raw update: equal to `bot.context.update_key` for it."""
    return parse(payload)[0]


def item_of(update: Update) -> store.Item:
    """What the inbox stores for an update PTB has already parsed (long polling)."""
    return update_key(update), update.update_id, update.to_dict()


def worker_name() -> str:
    """This process, as named in claims: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _dead_local_workers(names: Sequence[str], me: str) -> list[str]:
    """Claimants that are certainly dead: an earlier life of this very name, or a process of
    this host that no longer exists."""
    host = socket.gethostname()
    dead = []
    for name in names:
        if name == me:
            dead.append(name)  # we have not claimed anything yet: an earlier process's claims
            continue
        claim_host, _, pid_text = name.rpartition(":")
        if claim_host != host or not pid_text.isdigit():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            dead.append(name)
        except OSError:
            pass  # exists (perhaps another user's): not ours to judge
    return dead


def describe(exc: BaseException) -> str:
    """An error for logs: its type (and the driver's for database errors), never its text,
    which may quote a message."""
    orig = getattr(exc, "orig", None)
    name = type(exc).__name__
    return f"{name} ({type(orig).__name__})" if orig is not None else name


def _error_text(exc: BaseException) -> str:
    """An error for the inbox row (the database holds the payload anyway)."""
    return f"{type(exc).__name__}: {exc}"[: store.ERROR_LENGTH]


@dataclass
class InboxTotals:
    done: int = 0
    retried: int = 0
    failed: int = 0


class InboxProcessor:
    """Claims inbox rows and runs them through the application, one by one.

    `start()` runs it in the background (woken by `wake()` after the receiver stored something,
    and otherwise every `idle_seconds`); `stop()` lets the current row finish and gives the
    rest of its claims back. `drain()` processes until nothing is free (for tests and tools).
    """

    def __init__(
        self,
        app: BotApplication,
        db: Database | None = None,
        *,
        clock: Clock | None = None,
        worker: str | None = None,
        batch: int = 8,
        lease: timedelta = LEASE,
        max_attempts: int = MAX_ATTEMPTS,
        retry_delays: Sequence[timedelta] = RETRY_DELAYS,
        idle_seconds: float = 5.0,
        error_pause: float = 2.0,
        metrics: Metrics | None = None,
    ) -> None:
        services = app.bot_data[SERVICES_KEY]
        self.app = app
        self.db: Database = db if db is not None else services.db
        self.clock: Clock = clock if clock is not None else services.clock
        self.worker = (worker or worker_name())[:100]
        self.batch = batch
        self.lease = lease
        self.max_attempts = max_attempts
        self.retry_delays = tuple(retry_delays) or (timedelta(0),)
        self.idle_seconds = idle_seconds
        self.error_pause = error_pause
        self.totals = InboxTotals()
        self.metrics = metrics if metrics is not None else metrics_of(app)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._watching: dict[int, BaseException | None] = {}
        self._attach()

    # --- running in the background -----------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Recover what dead processes left claimed, then process (unfinished rows first)."""
        if self.running:
            return
        self._attach()
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._wake.set()
        self._task = asyncio.create_task(self._run(), name="inbox-processor")

    def wake(self) -> None:
        """Process soon: call after storing updates."""
        self._wake.set()

    async def stop(self, grace: float = 30.0) -> None:
        """Finish the row in hand (for up to `grace` seconds), give the other claims back."""
        task, self._task = self._task, None
        self._stopping.set()
        self._wake.set()
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), grace)
            except TimeoutError:
                log.warning("inbox: the update in hand did not finish in %.0f s; left it", grace)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._on_error in self.app.error_handlers:
            self.app.remove_error_handler(self._on_error)

    def _attach(self) -> None:
        # An error handler is how a handler's exception reaches us: process_update swallows it.
        if self._on_error not in self.app.error_handlers:
            self.app.add_error_handler(self._on_error)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.recover()
                break
            except Exception as exc:
                log.warning("inbox: recovery at start-up failed (%s); trying again", describe(exc))
                await self._pause(self.error_pause)
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                handled = await self.run_once()
            except Exception as exc:
                log.warning("inbox: claiming failed (%s); trying again", describe(exc))
                await self._pause(self.error_pause)
                continue
            if handled == 0:
                await self._pause(self.idle_seconds, wakeable=True)

    async def _pause(self, seconds: float, *, wakeable: bool = False) -> None:
        event = self._wake if wakeable else self._stopping
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    # --- the work ------------------------------------------------------------------------------

    async def recover(self) -> int:
        """Give back claims that dead processes hold; returns how many rows were released."""
        async with self.db.transaction() as session:
            names = await store.claimants(session)
            dead = names if self.db.is_sqlite else _dead_local_workers(names, self.worker)
            released = await store.release(session, workers=dead) if dead else 0
        if released:
            log.info("inbox: took back %d update(s) left unfinished by a stopped process", released)
        return released

    async def drain(self) -> int:
        """Process until no row is free; returns how many rows were handled."""
        total = 0
        while handled := await self.run_once():
            total += handled
        return total

    async def run_once(self) -> int:
        """Claim a batch and process it, one row at a time; returns how many rows were handled
        (done, failed or deferred)."""
        async with self.db.transaction() as session:
            rows = await store.claim(
                session, self.worker, self.clock.now(), limit=self.batch, lease=self.lease
            )
        if not rows:
            return 0
        held = [row.id for row in rows]
        heartbeat = asyncio.create_task(self._heartbeat(held), name="inbox-heartbeat")
        handled = 0
        counted = True  # the claim counted the first row's attempt
        in_hand: int | None = None
        try:
            for index, row in enumerate(rows):
                if self._stopping.is_set():
                    break
                if not counted and not await self._begin(row):
                    held.remove(row.id)
                    continue
                following = rows[index + 1] if index + 1 < len(rows) else None
                in_hand = row.id
                counted = await self._handle(row, following)
                in_hand = None
                held.remove(row.id)
                handled += 1
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        if held and not self._cancelling():
            # Stopping: the rows not started go back; an attempt counted for one is given back.
            try:
                async with self.db.transaction() as session:
                    if counted and in_hand is None:  # counted for a row not started
                        await store.release(session, ids=held[:1], refund=True)
                    await store.release(session, ids=held)
            except Exception as exc:
                log.warning("inbox: could not give claims back (%s)", describe(exc))
        return handled

    async def _begin(self, row: InboxUpdate) -> bool:
        """Count an attempt for the row about to be handled; False when it is no longer ours."""
        try:
            async with self.db.transaction() as session:
                ours = await store.begin(session, row.id, self.worker)
        except Exception as exc:
            log.warning("inbox: could not start row %d (%s)", row.id, describe(exc))
            return False
        if ours:
            row.attempts += 1
        return ours

    async def _end(
        self, session: AsyncSession, row: InboxUpdate, following: InboxUpdate | None
    ) -> bool:
        """In the transaction that records how `row` ended: count the next row's attempt."""
        if following is None or not await store.begin(session, following.id, self.worker):
            return False
        following.attempts += 1
        return True

    @staticmethod
    def _cancelling() -> bool:
        task = asyncio.current_task()
        return task is not None and task.cancelling() > 0

    async def _heartbeat(self, held: list[int]) -> None:
        interval = max(self.lease.total_seconds() / 3, 0.05)
        while True:
            await asyncio.sleep(interval)
            try:
                async with self.db.transaction() as session:
                    await store.renew(session, list(held), self.worker, self.clock.now())
            except Exception as exc:
                log.warning("inbox: could not renew claims (%s)", describe(exc))

    async def _handle(self, row: InboxUpdate, following: InboxUpdate | None = None) -> bool:
        """Process the row and record how it ended; True when that transaction also counted
        the attempt of `following` (the next row of the claim)."""
        if row.attempts > self.max_attempts:
            return await self._give_up(
                row,
                f"the process stopped while handling it ({row.attempts - 1} times)",
                None,
                following,
            )
        try:
            update = Update.de_json(dict(row.payload), self.app.bot)
            assert update is not None
        except Exception as exc:
            return await self._give_up(row, f"not an update: {type(exc).__name__}", None, following)
        started = time.perf_counter()
        error = await self._process(update, retrying=row.attempts > 1)
        self.metrics.handling.observe(time.perf_counter() - started)
        if error is None:
            return await self._finish(row, following)
        if isinstance(error, PERMANENT_ERRORS) or row.attempts >= self.max_attempts:
            return await self._give_up(row, _error_text(error), error, following)
        return await self._defer(row, error, following)

    async def _process(self, update: Update, *, retrying: bool) -> BaseException | None:
        """Run the update through the dispatch; the error a handler raised, if any."""
        marker = id(update)
        self._watching[marker] = None
        token = RETRYING.set(retrying)
        try:
            await self.app.process_update(update)
        except Exception as exc:  # process_update itself failed (handlers' errors go below)
            self._watching[marker] = exc
        finally:
            RETRYING.reset(token)
        return self._watching.pop(marker, None)

    async def _on_error(self, update: object, context: BotContext) -> None:
        """Registered as an error handler: note that an update of ours failed."""
        marker = id(update)
        if marker in self._watching and context.error is not None:
            self._watching[marker] = context.error

    async def _finish(self, row: InboxUpdate, following: InboxUpdate | None = None) -> bool:
        try:
            async with self.db.transaction() as session:
                await store.mark_done(session, [row.id], self.clock.now())
                await store.mark_replied(session, row.key, self.clock.now())
                counted = await self._end(session, row, following)
        except Exception as exc:
            # The handler's own transaction holds the update's key: processing it again after
            # the lease changes nothing.
            log.warning("inbox: could not mark row %d done (%s)", row.id, describe(exc))
            return False
        self.totals.done += 1
        self.metrics.handled.labels("done").inc()
        return counted

    async def _defer(
        self, row: InboxUpdate, error: BaseException, following: InboxUpdate | None = None
    ) -> bool:
        delay = self.retry_delays[min(row.attempts, len(self.retry_delays)) - 1]
        now = self.clock.now()
        try:
            async with self.db.transaction() as session:
                await store.mark_failed(
                    session, row.id, now, _error_text(error), retry_at=now + delay
                )
                if isinstance(error, TimedOut):
                    # Telegram may well have taken the reply: the retry does not send it again
                    # (one confirmation too few beats two).
                    await store.mark_replied(session, row.key, now)
                counted = await self._end(session, row, following)
        except Exception as exc:
            log.warning("inbox: could not record a failure of row %d (%s)", row.id, describe(exc))
            return False
        self.totals.retried += 1
        self.metrics.handled.labels("retry").inc()
        log.warning(
            "inbox: update %d (row %d) failed on attempt %d of %d (%s); trying again in %.0f s",
            row.update_id,
            row.id,
            row.attempts,
            self.max_attempts,
            describe(error),
            delay.total_seconds(),
        )
        return counted

    async def _give_up(
        self,
        row: InboxUpdate,
        reason: str,
        error: BaseException | None = None,
        following: InboxUpdate | None = None,
    ) -> bool:
        try:
            async with self.db.transaction() as session:
                await store.mark_failed(session, row.id, self.clock.now(), reason)
                counted = await self._end(session, row, following)
        except Exception as exc:
            log.warning("inbox: could not record a failure of row %d (%s)", row.id, describe(exc))
            return False
        self.totals.failed += 1
        self.metrics.handled.labels("given_up").inc()
        log.error(
            "inbox: gave up on update %d (row %d) after %d attempt(s): %s",
            row.update_id,
            row.id,
            row.attempts,
            describe(error) if error is not None else reason.split(":")[0],
        )
        return counted


async def purge_old(db: Database, now: datetime, keep: timedelta = KEEP) -> int:
    """Delete finished inbox rows and processed-update keys older than `keep`."""
    async with db.transaction() as session:
        removed = await store.purge(session, now - keep)
    if removed:
        log.info("inbox: purged %d row(s) older than %d days", removed, keep.days)
    return removed
