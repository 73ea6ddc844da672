"""Health and metrics over real HTTP on a loopback port: `/metrics` parsed with
prometheus_client's own parser, `/healthz` and `/livez`, in polling mode (a listener of its own,
`[health] listen`) and in webhook mode (the webhook's listener), through `serve.run`; and the
figures against stored state: a stuck update, a failing one, the outbox, an ambiguous channel
post, a database that does not answer. Seconds, no network."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import tornado.web
from prometheus_client.parser import text_string_to_metric_families
from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.app import build_application
from bot.config import (
    DatabaseSettings,
    HealthSettings,
    Secret,
    Settings,
    TelegramSettings,
    WebhookSettings,
)
from bot.context import BotContext
from bot.health import Health, routes
from bot.http import Listener
from bot.inbox import InboxProcessor, item_of
from bot.metrics import Metrics, metrics_of
from bot.serve import ServeError, Serving, run
from bot.services.core import Services
from storage import inbox as inbox_store
from storage import outbox as outbox_store
from storage.db import Database
from storage.models import Municipality, PostStatus, ProgressPost
from tests.conftest import CITIZEN, CITIZEN_EN, Harness
from tests.inbox.test_polling import PollingTransport, message
from tests.inbox.test_webhook import SECRET, UNREACHABLE, post

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Samples:
    """Every sample of an exposition, by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


async def get(port: int, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        return await client.get(path)


async def scrape(port: int) -> Samples:
    response = await get(port, "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return parse(response.text)


async def wait_for(condition: Any, what: str, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
async def ops(harness: Harness) -> AsyncIterator[tuple[Metrics, int]]:
    """The endpoints of the harness's application on a loopback listener, no cache."""
    metrics = metrics_of(harness.app)
    metrics.cache_seconds = 0.0
    listener = Listener(routes(Health(harness.services.db), metrics), "127.0.0.1", 0)
    port = await listener.start()
    yield metrics, port
    await listener.stop()


async def store(harness: Harness, *updates: dict[str, Any]) -> None:
    items = [item_of(Update.de_json(u, harness.app.bot)) for u in updates]
    async with harness.services.db.transaction() as session:
        await inbox_store.store(session, items, harness.clock.now())


# --- the figures against stored state ---------------------------------------------------------


async def test_inbox_lag_rises_while_an_update_is_stuck_and_falls_when_it_is_handled(
    harness: Harness, ops: tuple[Metrics, int]
) -> None:
    _, port = ops
    samples = await scrape(port)
    assert value(samples, "loftesbot_inbox_lag_seconds") == 0
    assert value(samples, "loftesbot_inbox_pending") == 0
    assert value(samples, "loftesbot_database_up") == 1

    await store(harness, harness.factory.message(CITIZEN, "/hjalp"))  # nobody processes it
    harness.clock.advance(timedelta(seconds=90))
    samples = await scrape(port)
    assert value(samples, "loftesbot_inbox_pending") == 1
    assert value(samples, "loftesbot_inbox_lag_seconds") == 90
    harness.clock.advance(timedelta(seconds=60))
    assert value(await scrape(port), "loftesbot_inbox_lag_seconds") == 150

    worker = InboxProcessor(harness.app, clock=harness.clock, worker="ops")
    assert await worker.drain() == 1
    samples = await scrape(port)
    assert value(samples, "loftesbot_inbox_lag_seconds") == 0
    assert value(samples, "loftesbot_inbox_pending") == 0
    # The processor timed the dispatch and counted how it ended.
    assert value(samples, "loftesbot_update_handling_seconds_count") == 1
    assert value(samples, "loftesbot_update_handling_seconds_sum") > 0
    assert value(samples, "loftesbot_update_handling_seconds_bucket", le="+Inf") == 1
    assert value(samples, "loftesbot_updates_handled_total", outcome="done") == 1
    assert value(samples, "loftesbot_updates_handled_total", outcome="retry") == 0


async def test_a_failing_update_is_counted_as_retrying_then_given_up(
    harness: Harness, ops: tuple[Metrics, int]
) -> None:
    _, port = ops

    async def boom(update: Update, context: BotContext) -> None:
        raise RuntimeError("boom")

    harness.app.add_handler(MessageHandler(filters.Regex("^💥"), boom), group=-1)
    await store(harness, harness.factory.message(CITIZEN, "💥"))
    worker = InboxProcessor(
        harness.app,
        clock=harness.clock,
        worker="ops",
        max_attempts=2,
        retry_delays=[timedelta(minutes=5)],
    )
    assert await worker.drain() == 1
    harness.clock.advance(timedelta(minutes=1))
    samples = await scrape(port)
    assert value(samples, "loftesbot_inbox_retrying") == 1
    assert value(samples, "loftesbot_inbox_pending") == 1
    # Waiting for its retry is not lag: the queue behind it is not held up.
    assert value(samples, "loftesbot_inbox_lag_seconds") == 0
    assert value(samples, "loftesbot_updates_handled_total", outcome="retry") == 1

    harness.clock.advance(timedelta(minutes=5))
    assert await worker.drain() == 1
    samples = await scrape(port)
    assert value(samples, "loftesbot_inbox_given_up") == 1
    assert value(samples, "loftesbot_inbox_retrying") == 0
    assert value(samples, "loftesbot_updates_handled_total", outcome="given_up") == 1
    assert value(samples, "loftesbot_update_handling_seconds_count") == 2
    harness.errors.clear()  # the errors were the point


async def test_outbox_backlog_and_an_ambiguous_channel_post(
    harness: Harness, ops: tuple[Metrics, int]
) -> None:
    _, port = ops
    now = harness.clock.now()
    async with harness.services.db.transaction() as session:
        await outbox_store.enqueue(
            session,
            [outbox_store.Outgoing(f"ops:{n}", CITIZEN.user_id, "hej") for n in range(3)],
            now,
        )
        place = Municipality(name="Åsele", slug="asele", channel="@asele_loften")
        session.add(place)
        await session.flush()
        for period, status in (("2026-Q2", PostStatus.SENT), ("2026-Q3", PostStatus.AMBIGUOUS)):
            session.add(
                ProgressPost(
                    municipality_id=place.id,
                    channel="@asele_loften",
                    period_key=period,
                    kind="progress",
                    status=status,
                    message_ids=[],
                )
            )
    harness.clock.advance(timedelta(minutes=2))
    samples = await scrape(port)
    assert value(samples, "loftesbot_outbox_messages", state="pending") == 3
    assert value(samples, "loftesbot_outbox_messages", state="ambiguous") == 0
    assert value(samples, "loftesbot_outbox_oldest_pending_seconds") == 120
    assert value(samples, "loftesbot_channel_posts_ambiguous") == 1
    assert value(samples, "loftesbot_channel_posts_failed") == 0


async def test_database_figures_are_read_at_most_every_few_seconds(harness: Harness) -> None:
    metrics = Metrics(harness.services.db, harness.clock, cache_seconds=60)
    listener = Listener(routes(Health(harness.services.db), metrics), "127.0.0.1", 0)
    port = await listener.start()
    try:
        for _ in range(5):
            await scrape(port)
        assert metrics.reads == 1
    finally:
        await listener.stop()


async def test_without_a_database_readiness_is_503_liveness_200_and_figures_left_out(
    harness: Harness,
) -> None:
    broken = Database(UNREACHABLE)
    metrics = Metrics(broken, harness.clock)
    listener = Listener(routes(Health(broken, timeout=1.0), metrics), "127.0.0.1", 0)
    port = await listener.start()
    try:
        ready = await get(port, "/healthz")
        assert ready.status_code == 503
        assert ready.json() == {"status": "error", "database": "unavailable"}
        assert (await get(port, "/readyz")).status_code == 503
        live = await get(port, "/livez")
        assert (live.status_code, live.json()) == (200, {"status": "ok"})
        samples = await scrape(port)
        assert value(samples, "loftesbot_database_up") == 0
        assert not any(name.startswith("loftesbot_inbox") for name, _ in samples)
        assert value(samples, "loftesbot_update_handling_seconds_count") == 0
    finally:
        await listener.stop()
        await broken.dispose()


# --- the whole life cycle ---------------------------------------------------------------------


def _sqlite_path(db: Database) -> Path | None:
    return Path(db.url.database) if db.is_sqlite and db.url.database else None


async def test_polling_mode_serves_health_and_metrics_on_its_own_listener(db: Database) -> None:
    settings = Settings(
        database=DatabaseSettings(url=db.display_url),
        health=HealthSettings(host="127.0.0.1", port=0),
    )
    services = Services(settings=settings, db=db)
    transport = PollingTransport()
    transport.pending = [message(100, CITIZEN, "/start"), message(101, CITIZEN_EN, "/start")]
    app = build_application(services, request=transport)
    metrics_of(app).cache_seconds = 0.0
    stop = asyncio.Event()
    ready: asyncio.Future[Serving] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run(app, settings, stop=stop, on_ready=ready.set_result))
    serving = await asyncio.wait_for(ready, 10)
    try:
        assert serving.poller is not None and serving.health is not None
        port = serving.health.port
        assert port
        await wait_for(lambda: len(transport.sent("sendMessage")) >= 2, "two answers")
        await wait_for(lambda: serving.processor.totals.done >= 2, "both marked done")

        leadership = app.bot_data["leadership"]
        await wait_for(lambda: leadership.leading, "the lead (PostgreSQL: the watch's first try)")

        samples = await scrape(port)
        assert value(samples, "loftesbot_update_handling_seconds_count") == 2
        assert value(samples, "loftesbot_updates_handled_total", outcome="done") == 2
        assert value(samples, "loftesbot_inbox_pending") == 0
        assert value(samples, "loftesbot_database_up") == 1
        assert value(samples, "loftesbot_leader", instance=leadership.instance) == 1
        [info] = [k for k in samples if k[0] == "loftesbot_instance_info"]
        assert dict(info[1])["mode"] == "polling"
        assert 0 <= value(samples, "loftesbot_scheduler_last_tick_age_seconds") < 30
        # Both answers were booked in the bot's send budget (in memory on SQLite, in the
        # database on PostgreSQL); two fit in its burst, so neither waited.
        assert value(samples, "loftesbot_sent_messages_total") >= 2
        assert value(samples, "loftesbot_send_budget_wait_seconds_total") == 0

        health = await get(port, "/healthz")
        assert health.status_code == 200
        body = health.json()
        assert (body["status"], body["database"], body["serving"]) == ("ok", "ok", True)
        assert body["leader"]["leader"] is True
        assert "last_tick_age_seconds" in body
        assert (await get(port, "/livez")).status_code == 200

        path = _sqlite_path(db)
        if path is not None:
            # The database goes away: its file replaced by a folder, the pool emptied.
            moved = path.with_name("away.sqlite3")
            await db.engine.dispose()
            path.rename(moved)
            path.mkdir()
            try:
                health = await get(port, "/healthz")
                assert health.status_code == 503
                assert health.json()["database"] == "unavailable"
                assert (await get(port, "/livez")).status_code == 200
                samples = await scrape(port)
                assert value(samples, "loftesbot_database_up") == 0
                assert ("loftesbot_inbox_pending", ()) not in samples
            finally:
                path.rmdir()
                moved.rename(path)
                await db.engine.dispose()
            assert (await get(port, "/healthz")).status_code == 200
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    with pytest.raises(httpx.ConnectError):
        await get(port, "/livez")


class _Page(tornado.web.RequestHandler):
    """A page served beside the webhook (what a public site would add through `routes`)."""

    def get(self) -> None:
        self.finish("sidan")


async def test_webhook_mode_serves_them_beside_the_webhook(db: Database) -> None:
    settings = Settings(
        telegram=TelegramSettings(
            mode="webhook",
            webhook=WebhookSettings(
                port=0,
                path="hook",
                public_url="https://bot.example.org",
                secret_token=Secret(SECRET),
            ),
        ),
        database=DatabaseSettings(url=db.display_url),
    )
    services = Services(settings=settings, db=db)
    transport = PollingTransport()
    app = build_application(services, request=transport)
    metrics_of(app).cache_seconds = 0.0
    stop = asyncio.Event()
    ready: asyncio.Future[Serving] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        run(app, settings, stop=stop, on_ready=ready.set_result, routes=[("/sida", _Page, {})])
    )
    serving = await asyncio.wait_for(ready, 10)
    try:
        assert serving.webhook is not None and serving.health is None  # [health] listen is off
        port = serving.webhook.port
        assert port
        assert await post(port, message(7, CITIZEN, "/start"), path="hook") == 200
        await wait_for(lambda: serving.processor.totals.done >= 1, "the update handled")
        samples = await scrape(port)
        assert value(samples, "loftesbot_update_handling_seconds_count") == 1
        assert value(samples, "loftesbot_updates_handled_total", outcome="done") == 1
        [info] = [k for k in samples if k[0] == "loftesbot_instance_info"]
        assert dict(info[1])["mode"] == "webhook"
        health = await get(port, "/readyz")
        assert (health.status_code, health.json()["serving"]) == (200, True)
        assert (await get(port, "/livez")).status_code == 200
        assert (await get(port, "/sida")).text == "sidan"  # further rules on the same listener
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def test_a_taken_health_port_stops_start_up_with_one_line(db: Database) -> None:
    blocker = Listener([], "127.0.0.1", 0)
    taken = await blocker.start()
    settings = Settings(
        database=DatabaseSettings(url=db.display_url),
        health=HealthSettings(host="127.0.0.1", port=taken),
    )
    app = build_application(Services(settings=settings, db=db), request=PollingTransport())
    try:
        with pytest.raises(ServeError, match=r"\[health\] listen"):
            await asyncio.wait_for(run(app, settings), 20)
        assert not app.running
    finally:
        await blocker.stop()
