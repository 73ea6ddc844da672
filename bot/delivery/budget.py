"""One send budget for the bot, however many processes it runs in.

Telegram's limit (about 30 messages a second) is the bot's, not a process's. Each process paces
itself (PTB's `AIORateLimiter` for replies, the outbox's `Pacer` for notices), but two webhook
instances on one PostgreSQL database would each use the whole budget. `BudgetedRequest` wraps
the process's HTTP transport, so every message any part of the process sends (replies, channel
posts, notices, confirmations, edits) first books a slot in the shared bucket
(`storage.budget`): `RATE` a second with bursts of `BURST`, so that no second holds more than
29 messages of the whole bot. Calls that send nothing (getUpdates, answerCallbackQuery,
getFile, setMyCommands…) are not counted.

PTB's limiter alone is not enough even for one process: it lets 30 go at once and then 30 a
second, so 60 can fall in one second. On SQLite the bot is one process per database file and the
same bucket is kept in memory (`LocalBudget`); on PostgreSQL it is kept in the database
(`SharedBudget`), which `build_application` chooses. A booking there is one short statement on a
connection of the budget's own (about a millisecond on a local network), never inside the use
case's transaction. If the database does not answer, the process falls back to its own bucket
and says so in the log once a minute: while the database is away no update is handled anyway.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from storage import budget as budget_store
from storage.db import Database

log = logging.getLogger(__name__)

RATE = 25.0  # messages a second for the whole bot, sustained
BURST = 4.0  # messages that may go at once after a quiet spell; RATE + BURST < 30
NAME = "bot"
BUDGET_KEY = "send_budget"  # in bot_data: the process's budget (`build_application`)
# Bot API methods that deliver or change a message in a chat; they count against the budget.
COUNTED_PREFIXES = ("send", "copyMessage", "forwardMessage", "editMessage")
WARN_EVERY = 60.0  # seconds between log lines about a database that does not answer


def counts(url: str) -> bool:
    """Does a request to this Bot API address send a message?"""
    method = url.rstrip("/").rsplit("/", 1)[-1]
    return method.startswith(COUNTED_PREFIXES)


class LocalBudget:
    """The bucket in this process's memory, the same arithmetic as `storage.budget`."""

    def __init__(self, *, rate: float = RATE, burst: float = BURST) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate, self.burst = rate, burst
        self._tokens = burst
        self._stamp = time.monotonic()
        self.booked = 0
        self.waited = 0.0

    def take(self) -> float:
        """Book one send; the seconds to wait before it."""
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + max(0.0, now - self._stamp) * self.rate) - 1
        self._stamp = now
        self.booked += 1
        return max(0.0, -self._tokens) / self.rate

    async def wait(self) -> None:
        delay = self.take()
        if delay > 0:
            self.waited += delay
            await asyncio.sleep(delay)

    async def close(self) -> None:
        return None


class SharedBudget:
    """The bucket in the database, seen from one process."""

    def __init__(
        self, url: str, *, rate: float = RATE, burst: float = BURST, name: str = NAME
    ) -> None:
        # Paces this process alone while the database does not answer (and checks the figures).
        self._local = LocalBudget(rate=rate, burst=burst)
        self.rate, self.burst, self.name = rate, burst, name
        # No ping before each booking (a second round trip per message): a connection found
        # dead fails that one booking, which is paced locally, and the pool connects afresh.
        self._db = Database(url, pool_size=2, pre_ping=False)
        self._warned = -WARN_EVERY
        self.booked = 0  # sends booked in the shared bucket
        self.waited = 0.0  # seconds spent waiting for booked slots
        self.fallbacks = 0  # sends paced locally because the database did not answer

    async def wait(self) -> None:
        """Book a slot for one message and wait until it comes."""
        try:
            async with self._db.engine.connect() as conn:
                delay = await budget_store.take(conn, self.name, rate=self.rate, burst=self.burst)
            self.booked += 1
        except (SQLAlchemyError, OSError) as exc:
            delay = self._local.take()
            self.fallbacks += 1
            now = time.monotonic()
            if now - self._warned >= WARN_EVERY:
                self._warned = now
                log.warning("send budget: the database did not answer (%s); pacing alone", exc)
        if delay > 0:
            self.waited += delay
            await asyncio.sleep(delay)

    async def close(self) -> None:
        await self._db.dispose()


class BudgetedRequest(BaseRequest):
    """A transport that books each message in the shared budget before passing it on."""

    def __init__(self, inner: BaseRequest, budget: LocalBudget | SharedBudget) -> None:
        self.inner = inner
        self.budget = budget

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Shut the transport down and close the budget's connections (PTB calls this when the
        application shuts down; the engine connects again should anything send after it)."""
        await self.inner.shutdown()
        await self.budget.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if counts(url):
            await self.budget.wait()
        return await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )


def budget_for(db: Database) -> LocalBudget | SharedBudget:
    """The bot's budget as this process sees it: in the database on PostgreSQL (several
    processes may share it: instances, `loftesbot report --publish`), in memory on SQLite."""
    if db.is_sqlite:
        return LocalBudget()
    return SharedBudget(db.url.render_as_string(hide_password=False))


def budgeted(request: BaseRequest | None, budget: LocalBudget | SharedBudget) -> BudgetedRequest:
    """`request` (PTB's own HTTP client when None) booking every message in `budget`."""
    return BudgetedRequest(request or HTTPXRequest(connection_pool_size=256), budget)
