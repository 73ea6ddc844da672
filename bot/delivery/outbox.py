"""The paced sender: drains the outbox (`storage.outbox`) at Telegram's pace.

Limits (DESIGN.md): about 30 messages/s overall (we budget 25), 1/s into one private chat and
20/min into one group or channel (we budget 18). A `Pacer` hands out send slots that respect all
three; `drain` takes pending rows in id order, claims each one atomically (so two drainers never
send the same row), waits for its slot and sends it. A 429 pauses every send for its
`retry_after` and the same row is tried again: nothing is dropped.

Row states: pending -> sending (claimed, a send may be in flight) -> sent | failed | ambiguous.

Policy for notices and reminders: **at most once**. Every failed send is classified
(`bot.delivery.errors.classify_send_error`): a 429 waits and sends again; a refusal (4xx) fails
the row; a request that never left (no connection could be made) is sent again with back-off,
up to `MAX_ATTEMPTS`; anything that may have reached Telegram (a read timeout, a connection
dropped after the request went out, a 5xx, an unreadable answer) makes the row "ambiguous": it
is not sent again, it is counted (`DrainResult.ambiguous`, the status counts) and logged with
its row id. A person may miss one notice; nobody gets two. A row found "sending" at start-up
(`recover`) becomes "ambiguous" for the same reason. Up to twice `concurrency` rows can be
claimed and still waiting for their slot when a process dies; they, too, end up "ambiguous"
rather than risk a second copy.

Only the leader sends (`bot.leader`): the worker and every send ask the `Lease` first, so a
process that lost the lead stops at once and gives back the rows it had claimed; Telegram's
~30/s is the bot's budget, kept by the one pacer of the one leader.

Database writes are grouped: state changes queued while a transaction runs go into the next one
(group commit, `storage.outbox.GroupWriter`), so the database keeps up with a fast (scaled)
clock. A claim is committed before its message is sent; a "sent" mark is committed shortly
after.

Two kinds of time are injected. Pacing runs on a `TimeSource`: monotonic seconds and sleep, so
that tests and benchmarks run minutes of sending in seconds; it never dates anything. Dates
written to the database ("sent at") come from the bot's one `Clock` (bot/clock.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time as _time
import warnings
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.clock import Clock
from bot.delivery.errors import SendFate, classify_send_error
from storage.db import Database
from storage.outbox import (
    AMBIGUOUS,
    FAILED,
    PENDING,
    REFUSED,
    SENT,
    GroupWriter,
    Pending,
    pending,
    recover,
)

log = logging.getLogger(__name__)

# Network errors: back-off pauses double from 1 s up to 60 s; a row fails after 10 attempts.
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
MAX_ATTEMPTS = 10
# How long a drain that keeps running (`stop_when_empty=False`) waits between looks at the table.
IDLE_POLL = 1.0
GROUP_WINDOW = 60.0
_ERROR_CHARS = 200
# How an ambiguous row's error begins: Telegram may have the message, so it is not sent again.
AMBIGUOUS_ERROR = (
    "inget säkert svar från Telegram; meddelandet kan ha kommit fram, så det skickas inte igen"
)


# --- time -------------------------------------------------------------------------------------


class TimeSource(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class RealTime:
    def monotonic(self) -> float:
        return _time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ScaledTime:
    """Simulated time running `factor` times faster than real time, starting at 0."""

    def __init__(self, factor: float) -> None:
        if factor <= 0:
            raise ValueError("factor must be positive")
        self.factor = factor
        self._start = _time.monotonic()

    def monotonic(self) -> float:
        return (_time.monotonic() - self._start) * self.factor

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.factor)


class Lease(Protocol):
    """The right to send for the bot (`bot.leader.Leadership`): only the leader has it."""

    async def holds(self) -> bool:
        """True while this process may send; False once it has lost the lead."""
        ...


# --- pacing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Our budget, under Telegram's limits (~30/s overall, 1/s per chat, 20/min per group).
    The private interval has a tenth of a second to spare: Telegram counts when a message
    arrives, and two requests can take different times to get there."""

    per_second: float = 25.0
    private_interval: float = 1.1
    group_per_minute: int = 18


def _chat_key(chat_id: int | str) -> int | str:
    if isinstance(chat_id, str):
        text = chat_id.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        return text.lower()
    return chat_id


@dataclass
class _Chat:
    private: bool
    # When sends to this chat went out (private: the last one; group: those in the last minute).
    sends: deque[float] = field(default_factory=deque)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class Pacer:
    """Hands out send slots respecting the overall, per-private-chat and per-group limits.

    Overall slots are `1 / per_second` apart and are booked before sleeping, so concurrent
    callers never share one. Callers for the same chat queue behind each other, and each
    measures its chat's limit from the moment the previous one actually went out. Callers woken
    late (a stalled event loop) catch up at most twice as fast, and never more than
    `per_second` sends fall in any one second.
    """

    def __init__(self, limits: Limits | None = None, time: TimeSource | None = None) -> None:
        self.limits = limits or Limits()
        self.time: TimeSource = time or RealTime()
        if self.limits.per_second <= 0 or self.limits.group_per_minute < 1:
            raise ValueError("limits must be positive")
        self._spacing = 1.0 / self.limits.per_second
        self._per_window = max(1, math.floor(self.limits.per_second))
        self._recent: deque[float] = deque()  # overall sends in the last second
        self._next_slot = -math.inf
        self._paused_until = -math.inf
        self._chats: dict[int | str, _Chat] = {}
        self._last_prune = -math.inf

    @property
    def paused_until(self) -> float:
        return self._paused_until

    @property
    def remembered_chats(self) -> int:
        """How many chats the pacer currently keeps state for (bounded; for tests)."""
        return len(self._chats)

    def pause(self, seconds: float) -> None:
        """Hold every send (also those already waiting) until `seconds` from now."""
        self._paused_until = max(self._paused_until, self.time.monotonic() + max(0.0, seconds))

    async def resumed(self) -> None:
        """Return once no pause is in force."""
        while (now := self.time.monotonic()) < self._paused_until:
            await self.time.sleep(self._paused_until - now)

    async def wait(self, chat_id: int | str) -> None:
        """Wait until a message to `chat_id` may go out, and count it as sent."""
        key = _chat_key(chat_id)
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = _Chat(private=isinstance(key, int) and key > 0)
        chat.users += 1
        try:
            async with chat.lock:
                sent_at = await self._wait_for_slot(chat)
                chat.sends.append(sent_at)
                if chat.private:
                    while len(chat.sends) > 1:
                        chat.sends.popleft()
        finally:
            chat.users -= 1
            self._prune()

    async def _wait_for_slot(self, chat: _Chat) -> float:
        """Book and wait for an overall slot once the chat's own limit allows; the send time."""
        while True:
            now = self.time.monotonic()
            ready = max(self._paused_until, self._chat_ready(chat, now))
            if ready > now:
                await self._sleep_until(ready)
                continue
            slot = max(now, self._next_slot)
            self._next_slot = slot + self._spacing
            await self._sleep_until(slot)
            # Callers woken late (a busy event loop) must not bunch up: besides even slots,
            # never more than `per_second` sends in any 1 s, and at least half a slot apart.
            while (opens := self._release_time()) > self.time.monotonic():
                await self._sleep_until(opens)
            now = self.time.monotonic()
            if self._paused_until <= now:
                self._recent.append(now)
                return now
            # A pause began while this caller slept: its slot is void, book again after it.

    def _release_time(self) -> float:
        """The earliest moment the next send may go, going by the sends actually made."""
        now = self.time.monotonic()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if not self._recent:
            return now
        earliest = self._recent[-1] + self._spacing / 2
        if len(self._recent) >= self._per_window:
            earliest = max(earliest, self._recent[-self._per_window] + 1.0)
        return earliest

    def _chat_ready(self, chat: _Chat, now: float) -> float:
        if not chat.sends:
            return -math.inf
        if chat.private:
            return chat.sends[-1] + self.limits.private_interval
        while chat.sends and chat.sends[0] <= now - GROUP_WINDOW:
            chat.sends.popleft()
        if len(chat.sends) < self.limits.group_per_minute:
            return -math.inf
        return chat.sends[-self.limits.group_per_minute] + GROUP_WINDOW

    async def _sleep_until(self, moment: float) -> None:
        while (now := self.time.monotonic()) < moment:
            await self.time.sleep(moment - now)

    def _prune(self) -> None:
        now = self.time.monotonic()
        if now - self._last_prune < min(1.0, self.limits.private_interval):
            return
        self._last_prune = now
        for key in [k for k, chat in self._chats.items() if self._forgettable(chat, now)]:
            del self._chats[key]

    def _forgettable(self, chat: _Chat, now: float) -> bool:
        if chat.users or chat.lock.locked():
            return False
        if not chat.sends:
            return True
        horizon = self.limits.private_interval if chat.private else GROUP_WINDOW
        return chat.sends[-1] <= now - horizon


# --- sending ----------------------------------------------------------------------------------


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    ambiguous: int = 0
    retry_after_hits: int = 0  # 429s received
    elapsed: float = 0.0  # TimeSource seconds
    lease_lost: bool = False  # stopped because this process no longer leads


def retry_after_seconds(exc: RetryAfter) -> float:
    """`RetryAfter.retry_after` as seconds (an int, a float or a timedelta in PTB 22)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def _markup(buttons: Sequence[Any]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(label), url=str(url))] for label, url in buttons]
    )


def _refusal(exc: TelegramError) -> str:
    if isinstance(exc, ChatMigrated):
        return f"gruppen har flyttats till chatt {exc.new_chat_id}"
    if isinstance(exc, Forbidden):
        return _short(REFUSED, exc)
    return _short("avvisad av Telegram", exc)


def _short(prefix: str, exc: BaseException) -> str:
    detail = exc.message if isinstance(exc, TelegramError) else type(exc).__name__
    return f"{prefix}: {detail}"[:_ERROR_CHARS]


class _Sender:
    def __init__(
        self,
        bot: telegram.Bot,
        pacer: Pacer,
        writer: GroupWriter,
        clock: Clock,
        result: DrainResult,
        lease: Lease | None = None,
    ) -> None:
        self.bot = bot
        self.pacer = pacer
        self.writer = writer
        self.clock = clock
        self.result = result
        self.lease = lease
        self.lost = asyncio.Event()  # the lease was lost: no send may start any more

    async def send(self, row: Pending, attempts: int) -> None:
        """Send a claimed row until it has an outcome; never raises (but on cancellation)."""
        preview = LinkPreviewOptions(is_disabled=True)
        network_errors = 0  # this row's, in this drain: the back-off grows with them
        while True:
            started = False
            try:
                markup = _markup(row.buttons)
                await self.pacer.wait(row.chat_id)
                if self.lost.is_set() or (self.lease is not None and not await self.lease.holds()):
                    # Another instance leads (or soon will): this one sends nothing more.
                    self.lost.set()
                    self.result.lease_lost = True
                    self.writer.update(row.id, PENDING)
                    return
                started = True
                # parse_mode stays named: the worker takes any telegram.Bot (a plain Bot has no
                # Defaults; tests and the benchmark pass one), and row.text is stored HTML.
                message = await self.bot.send_message(
                    row.chat_id,
                    row.text,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=preview,
                    reply_markup=markup,
                )
            except asyncio.CancelledError:
                if not started:  # not sent: give the row back
                    self.writer.update(row.id, PENDING)
                raise
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                self.result.retry_after_hits += 1
                self.pacer.pause(seconds)
                log.warning("outbox: 429 from Telegram, pausing all sends for %.1f s", seconds)
                claimed = await self._again(row, None)
            except TelegramError as exc:
                fate = classify_send_error(exc)
                if fate is SendFate.REFUSED:
                    self._fail(row, _refusal(exc), exc)
                    return
                if fate is SendFate.AMBIGUOUS:
                    self._ambiguous(row, exc)
                    return
                # Not sent: the request never left, so sending again cannot make a copy.
                network_errors += 1
                claimed = await self._network_error(row, attempts, network_errors, exc)
            except Exception as exc:  # a fault of ours (e.g. a bad button): retrying won't help
                self._fail(row, _short("internt fel", exc), exc)
                return
            else:
                self.result.sent += 1
                self.writer.update(
                    row.id, SENT, message_id=message.message_id, sent_at=self.clock.now()
                )
                return
            if claimed is None:
                return  # another drainer took the row while it was pending
            attempts = claimed

    async def _network_error(
        self, row: Pending, attempts: int, errors: int, exc: TelegramError
    ) -> int | None:
        """Fail the row after MAX_ATTEMPTS, else pause everything (1, 2, 4 … 60 s) and claim it
        again; the new attempt count, or None when the row is done with."""
        error = _short("nätverksfel", exc)
        if attempts >= MAX_ATTEMPTS:
            self._fail(row, f"{error} ({attempts} försök)", exc)
            return None
        pause = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (errors - 1))
        self.pacer.pause(pause)
        log.warning(
            "outbox: row %d attempt %d: %s; pausing %.0f s",
            row.id,
            attempts,
            type(exc).__name__,
            pause,
        )
        return await self._again(row, error)

    async def _again(self, row: Pending, error: str | None) -> int | None:
        """Give the row back (pending), wait out the pause, then claim it again."""
        if not await self.writer.update(row.id, PENDING, error=error):
            return None  # not written: the row stays "sending" (ambiguous after a restart)
        await self.pacer.resumed()
        return await self.writer.claim(row.id)

    def _ambiguous(self, row: Pending, exc: TelegramError) -> None:
        """Telegram may have the message: it is not sent again (at most once), only counted."""
        self.result.ambiguous += 1
        self.writer.update(row.id, AMBIGUOUS, error=_short(AMBIGUOUS_ERROR, exc))
        log.warning(
            "outbox: row %d to chat %s: %s; it may have arrived, so it is not sent again",
            row.id,
            row.chat_id,
            type(exc).__name__,
        )

    def _fail(self, row: Pending, error: str, exc: BaseException) -> None:
        self.result.failed += 1
        self.writer.update(row.id, FAILED, error=error)
        log.warning("outbox: row %d to chat %s failed: %s", row.id, row.chat_id, type(exc).__name__)


async def drain(
    db: Database,
    bot: telegram.Bot,
    pacer: Pacer,
    clock: Clock,
    *,
    concurrency: int = 8,
    batch: int = 200,
    stop_when_empty: bool = True,
    limit: int | None = None,
    stop: asyncio.Event | None = None,
    lease: Lease | None = None,
) -> DrainResult:
    """Send pending rows in id order at the pacer's pace.

    Up to `concurrency` sends are in flight, with as many rows claimed ahead. Returns when the
    outbox has no pending row (with
    `stop_when_empty`), after `limit` rows have been claimed, or once `stop` is set; rows
    already claimed are finished first. Cancelling gives back the rows not yet sent. With a
    `lease`, every send first asks `lease.holds()`; once it says no, nothing more is sent,
    claimed rows go back to pending and the result has `lease_lost`.
    """
    if concurrency < 1 or batch < 1:
        raise ValueError("concurrency and batch must be at least 1")
    pace = pacer.time
    started = pace.monotonic()
    result = DrainResult()
    writer = GroupWriter(db)
    sender = _Sender(bot, pacer, writer, clock, result, lease)
    # Two stages, so that a claim's database round trip never holds up a send: up to
    # `concurrency` rows being claimed or waiting to start, and `concurrency` in the sender.
    ahead = asyncio.Semaphore(concurrency)
    sending = asyncio.Semaphore(concurrency)
    tasks: set[asyncio.Task[None]] = set()
    claiming = 0
    claimed = 0
    settled = asyncio.Event()

    async def run(row: Pending) -> None:
        nonlocal claiming, claimed
        holds_ahead = True
        try:
            try:
                attempts = await writer.claim(row.id)
            finally:
                claiming -= 1
                settled.set()
            if attempts is None:
                return  # not ours: another drainer has it
            claimed += 1
            try:
                await sending.acquire()
            except asyncio.CancelledError:
                writer.update(row.id, PENDING)  # claimed, never sent: give it back
                raise
            try:
                ahead.release()
                holds_ahead = False
                await sender.send(row, attempts)
            finally:
                sending.release()
        finally:
            if holds_ahead:
                ahead.release()

    def finished(task: asyncio.Task[None]) -> None:
        tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox: a send task failed", exc_info=task.exception())

    def stopping() -> bool:
        return sender.lost.is_set() or (stop is not None and stop.is_set())

    async def limit_reached() -> bool:
        while limit is not None and claimed + claiming >= limit:
            if claiming == 0:
                return True
            settled.clear()
            await settled.wait()
        return False

    writer.start()
    try:
        last_id = 0
        done = False
        while not done and not stopping():
            rows = await pending(db, last_id, batch)
            if not rows:
                if tasks:
                    await asyncio.wait(set(tasks))
                if last_id:
                    last_id = 0  # one more pass for rows given back while this one ran
                    continue
                if stop_when_empty:
                    break
                await _sleep_unless(pace, IDLE_POLL, stop)
                continue
            for row in rows:
                await ahead.acquire()
                if stopping() or await limit_reached():
                    ahead.release()
                    done = True
                    break
                claiming += 1
                task = asyncio.create_task(run(row), name=f"outbox-send-{row.id}")
                tasks.add(task)
                task.add_done_callback(finished)
            last_id = rows[-1].id
        if tasks:
            await asyncio.wait(set(tasks))
    finally:
        for task in list(tasks):
            task.cancel()
        if tasks:
            await asyncio.wait(set(tasks))
        await writer.close()
    result.elapsed = pace.monotonic() - started
    return result


async def _sleep_unless(clock: TimeSource, seconds: float, stop: asyncio.Event | None) -> None:
    """Sleep on the TimeSource, returning early once `stop` is set."""
    if stop is None:
        await clock.sleep(seconds)
        return
    waiters = {asyncio.create_task(stop.wait()), asyncio.create_task(clock.sleep(seconds))}
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)


# --- the worker -------------------------------------------------------------------------------


class OutboxWorker:
    """Drains the outbox whenever woken, and otherwise every `idle_seconds`.

    Started on the one leader instance; nothing runs until `start`. With a `lease`, every round
    (and every send) first asks `lease.holds()`: once this process no longer leads, it sends
    nothing more and the worker ends (`running` turns False; the next leader starts its own).
    Errors are logged and the worker carries on after `error_pause` seconds. `stop` lets rows
    already claimed finish (for up to `grace` seconds), then cancels.
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        limits: Limits | None = None,
        time: TimeSource | None = None,
        idle_seconds: float = 30.0,
        error_pause: float = 5.0,
        concurrency: int = 8,
        recover_on_start: bool = True,
        lease: Lease | None = None,
    ) -> None:
        self.db = db
        self.lease = lease
        self.clock = clock
        self.pacer = Pacer(limits, time)
        self.idle_seconds = idle_seconds
        self.error_pause = error_pause
        self.concurrency = concurrency
        self.recover_on_start = recover_on_start
        self.totals = DrainResult()
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, bot: telegram.Bot) -> None:
        if self.running:
            return
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        self._wake.set()  # drain once at start
        self._task = asyncio.create_task(self._run(bot), name="outbox-worker")

    def wake(self) -> None:
        """Drain soon: call after queueing messages."""
        self._wake.set()

    async def stop(self, grace: float = 10.0) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), grace)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _leads(self) -> bool:
        if self.lease is None or await self.lease.holds():
            return True
        log.warning("outbox: this instance no longer leads; the outbox worker stops")
        return False

    async def _run(self, bot: telegram.Bot) -> None:
        pace = self.pacer.time
        if not await self._leads():
            return
        if self.recover_on_start:
            while not self._stop.is_set():
                try:
                    await recover(self.db, self.clock.now())
                    break
                except Exception:
                    log.exception("outbox: recovery at start-up failed; trying again")
                    await _sleep_unless(pace, self.error_pause, self._stop)
        while not self._stop.is_set():
            await self._wait_for_work(pace)
            if self._stop.is_set():
                return
            self._wake.clear()
            if not await self._leads():
                return
            try:
                result = await drain(
                    self.db,
                    bot,
                    self.pacer,
                    self.clock,
                    concurrency=self.concurrency,
                    stop=self._stop,
                    lease=self.lease,
                )
            except Exception:
                log.exception("outbox: draining failed; trying again")
                await _sleep_unless(pace, self.error_pause, self._stop)
                self._wake.set()
                continue
            self._add(result)
            if result.lease_lost:
                log.warning("outbox: this instance no longer leads; the outbox worker stops")
                return

    async def _wait_for_work(self, clock: TimeSource) -> None:
        if self._wake.is_set():
            return
        waiters = {
            asyncio.create_task(self._wake.wait()),
            asyncio.create_task(clock.sleep(self.idle_seconds)),
        }
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    def _add(self, result: DrainResult) -> None:
        t = self.totals
        t.sent += result.sent
        t.failed += result.failed
        t.ambiguous += result.ambiguous
        t.retry_after_hits += result.retry_after_hits
        t.elapsed += result.elapsed
        if result.sent or result.failed or result.ambiguous:
            log.info(
                "outbox: %d sent, %d failed, %d ambiguous, %d × 429 in %.1f s",
                result.sent,
                result.failed,
                result.ambiguous,
                result.retry_after_hits,
                result.elapsed,
            )
