"""Prometheus metrics for one process, in a registry of its own (never the global one).

Two kinds of figure:

- **Counted here, in the process**: how long handling an update takes (a histogram, observed
  by the inbox processor around `Application.process_update`), updates handled by outcome,
  scheduler ticks that failed, seconds since the scheduler last finished a tick, whether this
  process leads (`bot.leader`), and an info metric naming the instance.
- **Read from the database at scrape time**: the inbox (pending, waiting for a retry, given up,
  the age of the oldest update not yet handled), the outbox (messages per state, the age of the
  oldest pending one) and channel posts waiting for an admin's decision. `refresh()` reads them
  in one read-only session of six small indexed statements, at most once every `CACHE_SECONDS`
  (5 s) however often it is scraped, with a timeout; when the database does not answer those
  figures are left out and `loftesbot_database_up` is 0.

The database figures describe the shared database, so every instance reports the same values:
aggregate them across instances with `max`, not `sum`.

`metrics_of(app)` gives the application's `Metrics` (made on first use and kept in
`bot_data`); `bot.health.routes` serves `/metrics` from it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.leader import LEADERSHIP_KEY, Leadership, default_instance
from storage import outbox as outbox_store
from storage.db import Database
from storage.models import InboxUpdate, OutboxMessage, PostStatus, ProgressPost

log = logging.getLogger(__name__)

METRICS_KEY = "metrics"  # in bot_data
SCHEDULER_KEY = "scheduler"  # bot.delivery.scheduler.SCHEDULER_KEY (not imported: it imports much)
BUDGET_KEY = "send_budget"  # bot.delivery.budget.BUDGET_KEY (not imported: it imports telegram)
CACHE_SECONDS = 5.0  # database figures are read at most this often
TIMEOUT = 3.0  # seconds the database may take to answer a refresh
PREFIX = "loftesbot_"
OUTCOMES = ("done", "retry", "given_up")
OUTBOX_STATES = (
    outbox_store.PENDING,
    outbox_store.SENDING,
    outbox_store.FAILED,
    outbox_store.AMBIGUOUS,
)
# Handling an update takes milliseconds; a chart about 0.15 s; a retry's wait is not in it.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class BudgetSource(Protocol):
    """What the bot's send budget (`bot.delivery.budget`) tells about its bookings."""

    booked: int
    waited: float


class TickSource(Protocol):
    """What the scheduler (`bot.delivery.scheduler.Scheduler`) tells about its ticks."""

    def last_tick_age(self) -> float: ...

    tick_errors: int


@dataclass(frozen=True)
class DatabaseFigures:
    """One reading of the database, at `now` on the services' clock."""

    now: datetime
    inbox_pending: int
    inbox_retrying: int
    inbox_given_up: int
    inbox_oldest: datetime | None  # the oldest update not handled and not waiting for a retry
    outbox: dict[str, int] = field(default_factory=dict)
    outbox_oldest_pending: datetime | None = None
    posts_ambiguous: int = 0
    posts_failed: int = 0

    @property
    def inbox_lag(self) -> float:
        return _age(self.now, self.inbox_oldest)

    @property
    def outbox_lag(self) -> float:
        return _age(self.now, self.outbox_oldest_pending)


def _age(now: datetime, then: datetime | None) -> float:
    return 0.0 if then is None else max(0.0, (now - then).total_seconds())


async def read_figures(session: AsyncSession, now: datetime) -> DatabaseFigures:
    """The database figures, each statement on an index (`ix_inbox_pending`,
    `ix_outbox_status`); given-up inbox rows are those of the last seven days (older ones are
    purged), channel posts are a few per municipality and year."""
    undone = InboxUpdate.done_at.is_(None)
    counts = select(func.count(), func.count(InboxUpdate.error)).select_from(InboxUpdate)
    pending, retrying = (await session.execute(counts.where(undone))).one()
    oldest = await session.scalar(
        select(InboxUpdate.received_at)
        .where(undone, InboxUpdate.error.is_(None))
        .order_by(InboxUpdate.id)
        .limit(1)
    )
    given_up = await session.scalar(
        select(func.count())
        .select_from(InboxUpdate)
        .where(InboxUpdate.done_at.is_not(None), InboxUpdate.error.is_not(None))
    )
    outbox = dict.fromkeys(OUTBOX_STATES, 0)
    for state, count in await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_(OUTBOX_STATES))
        .group_by(OutboxMessage.status)
    ):
        outbox[str(state)] = int(count)
    outbox_oldest = await session.scalar(
        select(OutboxMessage.created_at)
        .where(OutboxMessage.status == outbox_store.PENDING)
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    posts = {
        status: int(count)
        for status, count in await session.execute(
            select(ProgressPost.status, func.count())
            .where(ProgressPost.status.in_([PostStatus.AMBIGUOUS, PostStatus.FAILED]))
            .group_by(ProgressPost.status)
        )
    }
    return DatabaseFigures(
        now=now,
        inbox_pending=int(pending or 0),
        inbox_retrying=int(retrying or 0),
        inbox_given_up=int(given_up or 0),
        inbox_oldest=oldest,
        outbox=outbox,
        outbox_oldest_pending=outbox_oldest,
        posts_ambiguous=posts.get(PostStatus.AMBIGUOUS, 0),
        posts_failed=posts.get(PostStatus.FAILED, 0),
    )


def _version() -> str:
    try:
        return version("loftesbot")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


class Metrics:
    """The process's registry: instruments observed in the process, and a collector that
    reports the last database reading and the scheduler's and the leader's state."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        leadership: Callable[[], Leadership | None] = lambda: None,
        scheduler: Callable[[], TickSource | None] = lambda: None,
        budget: Callable[[], BudgetSource | None] = lambda: None,
        mode: str = "",
        cache_seconds: float = CACHE_SECONDS,
        timeout: float = TIMEOUT,
    ) -> None:
        self.db = db
        self.clock = clock
        self.leadership = leadership
        self.scheduler = scheduler
        self.budget = budget
        self.mode = mode
        self.cache_seconds = cache_seconds
        self.timeout = timeout
        self.registry = CollectorRegistry(auto_describe=True)
        self.handling = Histogram(
            f"{PREFIX}update_handling_seconds",
            "Time to handle one update from the inbox (PTB dispatch, handlers, replies)",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.handled = Counter(
            f"{PREFIX}updates_handled",
            "Updates handled from the inbox by outcome: done, retry (failed, tried again later), "
            "given_up (failed for good)",
            ["outcome"],
            registry=self.registry,
        )
        for outcome in OUTCOMES:
            self.handled.labels(outcome)  # every series exists from the start, at 0
        self.registry.register(_StateCollector(self))
        self.figures: DatabaseFigures | None = None
        self.database_up: bool | None = None  # None: not read yet
        self.reads = 0  # database readings made (tests check the cache)
        self._read_at = -math.inf
        self._lock = asyncio.Lock()

    def observe(self, seconds: float, outcome: str) -> None:
        """One update handled: how long the dispatch took and how it ended."""
        self.handling.observe(seconds)
        self.handled.labels(outcome).inc()

    async def refresh(self) -> None:
        """Read the database figures unless they were read in the last `cache_seconds`
        (a failed reading is remembered as long, so a down database is not asked at every
        scrape). Never raises."""
        async with self._lock:
            if time.monotonic() - self._read_at < self.cache_seconds:
                return
            try:
                figures = await asyncio.wait_for(self._read(), self.timeout)
            except Exception as exc:
                log.warning("metrics: the database does not answer (%s)", type(exc).__name__)
                self.figures, self.database_up = None, False
            else:
                self.figures, self.database_up = figures, True
            self.reads += 1
            self._read_at = time.monotonic()

    async def _read(self) -> DatabaseFigures:
        async with self.db.read() as session:
            return await read_figures(session, self.clock.now())

    def exposition(self) -> bytes:
        """The registry in Prometheus's text format (as last refreshed)."""
        return generate_latest(self.registry)

    async def render(self) -> bytes:
        await self.refresh()
        return self.exposition()


class _StateCollector(Collector):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> Iterator[Any]:
        return iter(())  # names vary with the state: nothing to check at registration

    def collect(self) -> Iterator[Any]:
        m = self.metrics
        leadership = m.leadership()
        instance = leadership.instance if leadership is not None else default_instance()
        info = InfoMetricFamily(
            f"{PREFIX}instance", "This process: its instance id (host:pid), version and mode"
        )
        info.add_metric([], {"instance": instance, "version": _version(), "mode": m.mode})
        yield info
        if leadership is not None:
            leader = GaugeMetricFamily(
                f"{PREFIX}leader",
                "1 when this process leads (runs the schedule and sends the outbox), else 0",
                labels=["instance"],
            )
            leader.add_metric([instance], 1.0 if leadership.leading else 0.0)
            yield leader
        budget = m.budget()
        if budget is not None:
            yield CounterMetricFamily(
                f"{PREFIX}sent_messages",
                "Messages this process booked in the bot's send budget (replies, posts, notices, "
                "edits)",
                value=budget.booked,
            )
            yield CounterMetricFamily(
                f"{PREFIX}send_budget_wait_seconds",
                "Seconds messages waited for a slot in the bot's send budget",
                value=budget.waited,
            )
        scheduler = m.scheduler()
        if scheduler is not None:
            yield GaugeMetricFamily(
                f"{PREFIX}scheduler_last_tick_age_seconds",
                "Seconds since the scheduler last finished a tick (since start-up before the "
                "first); ticks come every 5 minutes",
                value=scheduler.last_tick_age(),
            )
            yield CounterMetricFamily(
                f"{PREFIX}scheduler_tick_errors",
                "Scheduler ticks that raised an error",
                value=scheduler.tick_errors,
            )
        yield GaugeMetricFamily(
            f"{PREFIX}database_up",
            "1 when the database answered the last reading of the figures below, else 0",
            value=1.0 if m.database_up else 0.0,
        )
        f = m.figures
        if f is None:
            return
        yield GaugeMetricFamily(
            f"{PREFIX}inbox_lag_seconds",
            "Age of the oldest stored update not handled yet (updates waiting for a retry "
            "excluded); 0 when none",
            value=f.inbox_lag,
        )
        yield GaugeMetricFamily(
            f"{PREFIX}inbox_pending",
            "Stored updates not handled yet (including those waiting for a retry)",
            value=f.inbox_pending,
        )
        yield GaugeMetricFamily(
            f"{PREFIX}inbox_retrying",
            "Stored updates whose handling failed and that wait for another attempt",
            value=f.inbox_retrying,
        )
        yield GaugeMetricFamily(
            f"{PREFIX}inbox_given_up",
            "Updates given up after failing (kept seven days with their error)",
            value=f.inbox_given_up,
        )
        outbox = GaugeMetricFamily(
            f"{PREFIX}outbox_messages",
            "Outbox messages (notices, reminders) per state: pending, sending, failed "
            "(refused by Telegram), ambiguous (may have arrived; never sent again)",
            labels=["state"],
        )
        for state in OUTBOX_STATES:
            outbox.add_metric([state], f.outbox.get(state, 0))
        yield outbox
        yield GaugeMetricFamily(
            f"{PREFIX}outbox_oldest_pending_seconds",
            "Age of the oldest outbox message waiting to be sent; 0 when none",
            value=f.outbox_lag,
        )
        yield GaugeMetricFamily(
            f"{PREFIX}channel_posts_ambiguous",
            "Channel posts that may or may not have come out, waiting for an admin's decision "
            "(/schema: den kom ut, skicka igen)",
            value=f.posts_ambiguous,
        )
        yield GaugeMetricFamily(
            f"{PREFIX}channel_posts_failed",
            "Channel posts that failed (the bot cannot post there); retried only by hand",
            value=f.posts_failed,
        )


def metrics_of(app: Any) -> Metrics:
    """The application's Metrics, made on first use (reads services, the leader and the
    scheduler from `bot_data` when scraped)."""
    metrics: Metrics | None = app.bot_data.get(METRICS_KEY)
    if metrics is None:
        services = app.bot_data["services"]
        metrics = Metrics(
            services.db,
            services.clock,
            leadership=lambda: app.bot_data.get(LEADERSHIP_KEY),
            scheduler=lambda: app.bot_data.get(SCHEDULER_KEY),
            budget=lambda: app.bot_data.get(BUDGET_KEY),
            mode=services.settings.telegram.mode,
        )
        app.bot_data[METRICS_KEY] = metrics
    return metrics
