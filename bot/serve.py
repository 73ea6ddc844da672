"""Serving Telegram: long polling or a webhook, both through the durable inbox (`bot.inbox`).

`run` replaces PTB's `Application.run_polling`/`run_webhook`, which acknowledge updates before
they are handled. It goes through the same life cycle — `initialize`, `post_init`, `start`, …,
`stop`, `post_stop`, `shutdown`, `post_shutdown` — without PTB's Updater:

- **Long polling** (`Poller`): getUpdates; the batch is stored in the inbox in one transaction
  and only then does the offset move (the next getUpdates call acknowledges the batch to
  Telegram). If the database cannot take it, the same offset is asked for again after a pause,
  so nothing is lost. Telegram errors are retried with back-off (1 s doubling to 30 s);
  `Conflict` (another process polls with the token) stops with a readable error. Any webhook is
  deleted at start, keeping the updates Telegram holds.
- **Webhook** (`WebhookServer`, tornado): `POST /<path>` with the right
  `X-Telegram-Bot-Api-Secret-Token` is stored in the inbox and then answered 200 (500 when the
  database cannot take it, so that Telegram delivers it again; 403 and nothing stored for a
  missing or wrong secret; 400 for a body that is not an update). The same listener
  (`bot.http.Listener`) serves `/livez`, `/healthz` (= `/readyz`) and `/metrics`
  (`bot.health`): `/healthz` answers 200 with `{"status": "ok", "database": "ok",
  "inbox_pending": N, "serving": true, "leader": {...}, "last_tick_age_seconds": S}`, or 503
  when the database does not answer or the application is not taking updates. `leader` says
  who leads (`bot.leader`): this instance's id, whether it leads and since when, and the
  leading instance as PostgreSQL knows it. Further tornado rules (`run(routes=...)`) go on
  the same listener. The webhook is registered with Telegram once the server listens.
- **Health and metrics in either mode**: `[health] listen` starts a listener of their own.

Either way an `InboxProcessor` handles the stored updates (unfinished ones from before first),
and a daily job purges inbox rows and processed-update keys older than seven days. SIGINT and
SIGTERM stop taking updates, let the update in hand finish, then stop the application.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import signal
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import tornado.web
from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError

from bot.clock import Clock
from bot.config import Settings
from bot.context import SERVICES_KEY, BotApplication, BotContext
from bot.delivery.outbox import retry_after_seconds
from bot.health import Health
from bot.health import routes as health_routes
from bot.http import MAX_BODY_SIZE, Listener, ListenError, Rule
from bot.inbox import InboxProcessor, describe, item_of, parse, purge_old
from bot.leader import LEADERSHIP_KEY, Leadership
from bot.metrics import SCHEDULER_KEY, Metrics, metrics_of
from bot.services.core import Services
from storage import inbox as store
from storage.db import Database

log = logging.getLogger(__name__)

T = TypeVar("T")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates call open when there is nothing
POLL_LIMIT = 100
PURGE_INTERVAL = timedelta(days=1)
PURGE_FIRST = timedelta(minutes=1)
STOP_GRACE = 30.0  # seconds the update in hand may take to finish when stopping


class ServeError(Exception):
    """Serving cannot go on; the message is meant for a person (the CLI prints it)."""


class PollingConflict(ServeError):
    """Another process is polling with the same token (Telegram answered 409 Conflict)."""


@dataclass(frozen=True)
class Backoff:
    """Pauses after failures: `initial` seconds, doubling up to `maximum`."""

    initial: float = 1.0
    maximum: float = 30.0

    def next(self, delay: float) -> float:
        return min(delay * 2, self.maximum)


class _Stopped(Exception):
    pass


async def _until(stop: asyncio.Event, awaitable: Coroutine[Any, Any, T]) -> T:
    """Await `awaitable` unless `stop` is set first (then cancel it and raise _Stopped)."""
    task = asyncio.ensure_future(awaitable)
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    if task.cancelled():
        raise _Stopped
    return task.result()


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


# --- long polling --------------------------------------------------------------------------


class Poller:
    """getUpdates → store the batch in the inbox → move the offset → wake the processor."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        clock: Clock,
        *,
        on_stored: Callable[[], None] | None = None,
        allowed_updates: Sequence[str] | None = None,
        timeout: int = POLL_TIMEOUT,
        limit: int = POLL_LIMIT,
        backoff: Backoff | None = None,
    ) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self.on_stored = on_stored
        self.allowed_updates = list(allowed_updates) if allowed_updates is not None else None
        self.timeout = timeout
        self.limit = limit
        self.backoff = backoff or Backoff()
        self.offset: int | None = None  # the next update_id wanted; everything below is stored
        self.stored = 0  # new inbox rows
        self._acknowledged: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set. Raises PollingConflict and InvalidToken; other errors are
        retried with back-off."""
        delay = self.backoff.initial
        while not stop.is_set():
            offset = self.offset
            try:
                updates = await _until(
                    stop,
                    self.bot.get_updates(
                        offset=offset,
                        timeout=self.timeout,
                        limit=self.limit,
                        allowed_updates=self.allowed_updates,
                    ),
                )
            except _Stopped:
                break
            except Conflict as exc:
                raise PollingConflict(
                    "en annan process hämtar redan uppdateringar med samma token (409 Conflict) "
                    "– stoppa den, eller kör flera instanser i webhook-läge"
                ) from exc
            except InvalidToken:
                raise
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                log.warning("polling: Telegram asks to wait %.0f s", seconds)
                await _sleep(stop, seconds)
                continue
            except TelegramError as exc:
                log.warning(
                    "polling failed (%s: %s); trying again in %.0f s",
                    type(exc).__name__,
                    exc,
                    delay,
                )
                await _sleep(stop, delay)
                delay = self.backoff.next(delay)
                continue
            except Exception as exc:
                log.warning("polling failed (%s); trying again in %.0f s", describe(exc), delay)
                await _sleep(stop, delay)
                delay = self.backoff.next(delay)
                continue
            self._acknowledged = offset
            if updates:
                try:
                    await self._store(updates)
                except Exception as exc:
                    # Not acknowledged: the next getUpdates asks for the same offset again.
                    log.warning(
                        "polling: could not store %d update(s) (%s); fetching them again in %.0f s",
                        len(updates),
                        describe(exc),
                        delay,
                    )
                    await _sleep(stop, delay)
                    delay = self.backoff.next(delay)
                    continue
            delay = self.backoff.initial

    async def _store(self, updates: Sequence[Update]) -> None:
        items = [item_of(update) for update in updates]
        async with self.db.transaction() as session:
            added = await store.store(session, items, self.clock.now())
        self.offset = max(update.update_id for update in updates) + 1
        self.stored += added
        log.debug("polling: stored %d of %d update(s)", added, len(updates))
        if self.on_stored is not None:
            self.on_stored()

    async def acknowledge(self, wait: float = 10.0) -> None:
        """Tell Telegram that everything stored so far arrived (what the next getUpdates would
        do), so that a restart is not handed the same updates again."""
        if self.offset is None or self.offset == self._acknowledged:
            return
        try:
            await asyncio.wait_for(
                self.bot.get_updates(
                    offset=self.offset, timeout=0, limit=1, allowed_updates=self.allowed_updates
                ),
                wait,
            )
            self._acknowledged = self.offset
        except Exception as exc:  # they come again after a restart and are stored once
            log.debug("polling: final acknowledgement failed (%s)", describe(exc))


# --- webhook -------------------------------------------------------------------------------


class WebhookServer:
    """The HTTP endpoint Telegram calls, with the health and metrics endpoints (`bot.health`)
    and any further `routes` on the same tornado listener (`bot.http.Listener`)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        secret: str,
        path: str = "telegram",
        listen: str = "127.0.0.1",
        port: int = 8443,
        on_stored: Callable[[], None] | None = None,
        max_body_size: int = MAX_BODY_SIZE,
        leadership: Leadership | None = None,
        health: Health | None = None,
        metrics: Metrics | None = None,
        routes: Sequence[Rule] = (),
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the webhook secret must be at least 32 characters")
        self.db = db
        self.clock = clock
        self.path = path.strip("/")
        self.listen = listen
        self.requested_port = port
        self.on_stored = on_stored
        self.max_body_size = max_body_size
        self.checks = health or Health(db, leadership=lambda: leadership)
        self.metrics = metrics
        self.routes = list(routes)
        self.port: int | None = None  # the bound port, once started
        self.received = 0  # updates stored as new rows
        self._secret = secret.encode()
        self._listener: Listener | None = None

    async def start(self) -> int:
        """Listen; returns the port (useful when 0 was asked for)."""
        rules: list[Rule] = [
            (rf"/{re.escape(self.path)}", _WebhookHandler, {"server": self}),
            *health_routes(self.checks, self.metrics),
            *self.routes,
        ]
        listener = Listener(
            rules,
            self.listen,
            self.requested_port,
            what="[telegram.webhook] listen/port",
            max_body_size=self.max_body_size,
        )
        try:
            self.port = await listener.start()
        except ListenError as exc:
            raise ServeError(str(exc)) from exc
        self._listener = listener
        return self.port

    async def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            await listener.stop()

    async def receive(self, secret: str | None, body: bytes) -> int:
        """Handle one webhook call; returns the HTTP status to answer."""
        if secret is None or not hmac.compare_digest(
            secret.encode("utf-8", "surrogateescape"), self._secret
        ):
            return 403
        try:
            payload = json.loads(body)
            key, update_id = parse(payload)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep, no update
            return 400
        try:
            async with self.db.transaction() as session:
                added = await store.store(session, [(key, update_id, payload)], self.clock.now())
        except Exception as exc:
            log.warning("webhook: could not store update %d (%s)", update_id, describe(exc))
            return 500
        self.received += added
        if self.on_stored is not None:
            self.on_stored()
        return 200

    async def health(self) -> tuple[int, dict[str, Any]]:
        """What `GET /healthz` answers (`bot.health.Health.ready`)."""
        return await self.checks.ready()


class _WebhookHandler(tornado.web.RequestHandler):
    server: WebhookServer

    def initialize(self, server: WebhookServer) -> None:
        self.server = server

    async def post(self) -> None:
        status = await self.server.receive(
            self.request.headers.get(SECRET_HEADER), self.request.body
        )
        self.set_status(status)
        self.finish()


# --- the whole life cycle ------------------------------------------------------------------


@dataclass
class Serving:
    """What is running, handed to `on_ready` (tests and tools)."""

    app: BotApplication
    processor: InboxProcessor
    poller: Poller | None = None
    webhook: WebhookServer | None = None
    health: Listener | None = None  # `[health] listen`, when on
    site: Any = None  # bot.site.live.LiveSite, when `[site] serve` is on
    site_listener: Listener | None = None  # its own listener in polling mode (`[site] listen`)


def schedule_purge(app: BotApplication) -> None:
    """A daily job deleting inbox rows and processed-update keys older than seven days."""
    if app.job_queue is None:
        log.warning("no JobQueue: old inbox rows are not purged")
        return
    app.job_queue.run_repeating(
        _purge_job,
        interval=PURGE_INTERVAL,
        first=PURGE_FIRST,
        name="inbox-purge",
        job_kwargs={"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1},
    )


async def _purge_job(context: BotContext) -> None:
    services = context.services
    try:
        await purge_old(services.db, services.now())
    except Exception as exc:
        log.warning("inbox: purging failed (%s)", describe(exc))


async def run(
    app: BotApplication,
    settings: Settings,
    *,
    allowed_updates: Sequence[str] | None = None,
    stop: asyncio.Event | None = None,
    stop_signals: Sequence[signal.Signals] = (),
    poll_timeout: int = POLL_TIMEOUT,
    backoff: Backoff | None = None,
    on_ready: Callable[[Serving], Awaitable[None] | None] | None = None,
    routes: Sequence[Rule] = (),
) -> None:
    """Serve until `stop` is set or a stop signal arrives (mode from `settings.telegram`).

    Raises InvalidToken/NetworkError when Telegram cannot be used at start, ServeError when
    serving cannot go on (the webhook port is taken, another process polls).

    `/livez`, `/healthz`, `/readyz` and `/metrics` (`bot.health`) are served on the webhook's
    listener and, when `[health] listen` is set, on a listener of their own. `routes` are
    further tornado rules for the webhook's listener (pages served beside the webhook).
    """
    stop = stop if stop is not None else asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in stop_signals:
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            log.debug("cannot handle signal %s here", sig)
    services: Services = app.bot_data[SERVICES_KEY]
    telegram = settings.telegram
    processor: InboxProcessor | None = None
    poller: Poller | None = None
    webhook: WebhookServer | None = None
    poll_task: asyncio.Task[None] | None = None
    listener: Listener | None = None
    site: Any = None
    site_listener: Listener | None = None
    site_rules: list[Rule] = []
    if settings.site.serve:
        # The public pages (bot.site.live): a catch-all rule, so after every other one.
        from bot.site.live import LiveSite, handlers

        site = LiveSite(services.db, settings.site, services.tz, services.clock)
        site_rules = handlers(site)
    health = Health(
        services.db,
        leadership=lambda: app.bot_data.get(LEADERSHIP_KEY),
        scheduler=lambda: app.bot_data.get(SCHEDULER_KEY),
        serving=lambda: (
            app.running and processor is not None and processor.running and not stop.is_set()
        ),
    )
    metrics = metrics_of(app)
    try:
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        schedule_purge(app)
        await app.start()
        processor = InboxProcessor(app)
        processor.start()
        if telegram.mode == "webhook":
            hook = telegram.webhook
            assert hook.secret_token is not None
            webhook = WebhookServer(
                services.db,
                services.clock,
                secret=hook.secret_token.get(),
                path=hook.path,
                listen=hook.listen,
                port=hook.port,
                on_stored=processor.wake,
                health=health,
                metrics=metrics,
                routes=[*routes, *site_rules],
            )
            port = await webhook.start()
            await app.bot.set_webhook(
                f"{hook.public_url.rstrip('/')}/{hook.path}",
                secret_token=hook.secret_token.get(),
                allowed_updates=allowed_updates,
            )
            log.info("serving by webhook on %s:%d/%s", hook.listen, port, hook.path)
            if site is not None:
                log.info("serving the public pages on %s:%d/", hook.listen, port)
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
            poller = Poller(
                app.bot,
                services.db,
                services.clock,
                on_stored=processor.wake,
                allowed_updates=allowed_updates,
                timeout=poll_timeout,
                backoff=backoff,
            )
            poll_task = asyncio.create_task(poller.run(stop), name="poller")
            log.info("serving by long polling")
            if site is not None:
                host, site_port = settings.site.host_port
                site_listener = Listener(site_rules, host, site_port, what="[site] listen")
                try:
                    bound = await site_listener.start()
                except ListenError as exc:
                    raise ServeError(str(exc)) from exc
                log.info("serving the public pages on %s:%d/", host, bound)
        if settings.health.enabled:
            listener = Listener(
                health_routes(health, metrics),
                settings.health.host,
                settings.health.port,
                what="[health] listen",
            )
            try:
                health_port = await listener.start()
            except ListenError as exc:
                raise ServeError(str(exc)) from exc
            log.info("health and metrics on %s:%d", settings.health.host, health_port)
        if on_ready is not None:
            ready = on_ready(
                Serving(app, processor, poller, webhook, listener, site, site_listener)
            )
            if ready is not None:
                await ready
        stopped = asyncio.ensure_future(stop.wait())
        waiting: set[asyncio.Future[Any]] = {stopped}
        if poll_task is not None:
            waiting.add(poll_task)
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if poll_task is not None and poll_task.done():
            poll_task.result()  # raises what stopped polling
        log.info("stopping")
    finally:
        stop.set()
        if site_listener is not None:
            with contextlib.suppress(Exception):
                await site_listener.stop()
        await _shut_down(app, processor, poller, poll_task, webhook, listener)
        for sig in installed:
            loop.remove_signal_handler(sig)


async def _shut_down(
    app: BotApplication,
    processor: InboxProcessor | None,
    poller: Poller | None,
    poll_task: asyncio.Task[None] | None,
    webhook: WebhookServer | None,
    listener: Listener | None = None,
) -> None:
    """Stop taking updates, let the processor finish the update in hand, stop the app."""

    async def step(what: str, action: Callable[[], Awaitable[Any]]) -> None:
        try:
            await action()
        except Exception as exc:
            log.warning("stopping: %s failed (%s)", what, describe(exc))

    if poll_task is not None:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await poll_task
    if poller is not None:
        await step("acknowledging updates", poller.acknowledge)
    if webhook is not None:
        await step("closing the webhook server", webhook.stop)
    if listener is not None:
        await step("closing the health listener", listener.stop)
    if processor is not None:
        await step("stopping the inbox", lambda: processor.stop(STOP_GRACE))
    if app.running:
        await step("stopping the application", app.stop)
        if app.post_stop is not None:
            await step("post_stop", lambda: app.post_stop(app))  # type: ignore[misc]
    await step("shutting down the application", app.shutdown)
    if app.post_shutdown is not None:
        await step("post_shutdown", lambda: app.post_shutdown(app))  # type: ignore[misc]


def serve(
    app: BotApplication,
    settings: Settings,
    *,
    allowed_updates: Sequence[str] | None = None,
    stop_signals: Sequence[signal.Signals] = (signal.SIGINT, signal.SIGTERM),
) -> None:
    """`run` in a fresh event loop, stopping on SIGINT/SIGTERM (what `loftesbot run` calls)."""
    asyncio.run(run(app, settings, allowed_updates=allowed_updates, stop_signals=stop_signals))
