"""`/livez`, `/healthz` (= `/readyz`) and `/metrics`: the rules `routes()` returns, served on the
webhook's listener (webhook mode) and on `[health] listen` (either mode, off by default).

- `GET /livez` — liveness: 200 `{"status": "ok"}` whenever the process's event loop answers (the
  handler runs in it). Asks nothing else: restarting a process because the database is away
  would not bring the database back.
- `GET /healthz` and `GET /readyz` — readiness: 200 when the database answers a `SELECT 1`
  (and the inbox count) within `TIMEOUT` seconds and, in `loftesbot run`, the application is
  running and taking updates (not starting, not stopping); else 503. `/healthz` keeps the
  meaning it had before liveness was split off — the load balancer's check — so existing
  health checks go on working. The JSON body says why: `status`, `database`, `serving`,
  `inbox_pending`, `leader` (who leads, `bot.leader`) and `last_tick_age_seconds` (the
  scheduler). Never cached.
- `GET /metrics` — Prometheus's text format from `bot.metrics.Metrics` (database figures read
  at most every five seconds).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import tornado.web
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text

from bot.http import Rule
from bot.leader import Leadership
from bot.metrics import Metrics, TickSource
from storage import inbox as store
from storage.db import Database

log = logging.getLogger(__name__)

TIMEOUT = 3.0  # seconds readiness waits for the database
LIVE_PATH = "/livez"
READY_PATHS = ("/healthz", "/readyz")
METRICS_PATH = "/metrics"


class Health:
    """The checks behind the endpoints. Every source but the database is optional (a bare
    webhook server in a test has no application)."""

    def __init__(
        self,
        db: Database,
        *,
        leadership: Callable[[], Leadership | None] = lambda: None,
        scheduler: Callable[[], TickSource | None] = lambda: None,
        serving: Callable[[], bool] | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.db = db
        self.leadership = leadership
        self.scheduler = scheduler
        self.serving = serving
        self.timeout = timeout

    def live(self) -> tuple[int, dict[str, Any]]:
        return 200, {"status": "ok"}

    async def ready(self) -> tuple[int, dict[str, Any]]:
        body: dict[str, Any] = {"status": "ok", "database": "ok"}
        ok = True
        try:
            body["inbox_pending"] = await asyncio.wait_for(self._ask_database(), self.timeout)
        except Exception as exc:
            log.warning("health check: the database does not answer (%s)", type(exc).__name__)
            body["database"] = "unavailable"
            ok = False
        if self.serving is not None:
            body["serving"] = serving = self.serving()
            ok = ok and serving
        leadership = self.leadership()
        if leadership is not None:
            leader = leadership.status()
            if body["database"] == "ok":
                leader["leading_instance"] = await leadership.current_leader()
            body["leader"] = leader
        scheduler = self.scheduler()
        if scheduler is not None:
            body["last_tick_age_seconds"] = round(scheduler.last_tick_age(), 1)
        if not ok:
            body["status"] = "error"
        return (200 if ok else 503), body

    async def _ask_database(self) -> int:
        async with self.db.read() as session:
            await session.execute(text("SELECT 1"))
            return await store.pending_count(session)


def routes(health: Health, metrics: Metrics | None = None) -> list[Rule]:
    """The tornado rules for the endpoints (`/metrics` only with `metrics`)."""
    rules: list[Rule] = [
        (LIVE_PATH, _LiveHandler, {"health": health}),
        *((path, _ReadyHandler, {"health": health}) for path in READY_PATHS),
    ]
    if metrics is not None:
        rules.append((METRICS_PATH, _MetricsHandler, {"metrics": metrics}))
    return rules


class _JsonHandler(tornado.web.RequestHandler):
    def answer(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class _LiveHandler(_JsonHandler):
    health: Health

    def initialize(self, health: Health) -> None:
        self.health = health

    def get(self) -> None:
        self.answer(*self.health.live())


class _ReadyHandler(_JsonHandler):
    health: Health

    def initialize(self, health: Health) -> None:
        self.health = health

    async def get(self) -> None:
        self.answer(*await self.health.ready())


class _MetricsHandler(tornado.web.RequestHandler):
    metrics: Metrics

    def initialize(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def get(self) -> None:
        body = await self.metrics.render()
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.set_header("Cache-Control", "no-store")
        self.finish(body)
