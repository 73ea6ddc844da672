"""Scheduled work: progress posts, approvals, weekly reminders and daily retention (forgetting
idle citizen chats, `bot/services/retention.py`), run through PTB's JobQueue. The scheduler is
part of the delivery wing: it asks what is due (the rules: `bot.services.schedule.due_post` and
`ask_ahead`) and hands posts to the publisher (`bot.delivery.publisher`), reminders to the
reminders sender and notices to the outbox.

JobQueue jobs are not persisted and APScheduler skips late jobs, so nothing here trusts the
job itself: schedules, approvals and sent posts live in the database, and every run asks "what
is due now?" (`Scheduler.tick`). Jobs are registered at start-up from the database: one at each
municipality's next due time (and approval time), plus a tick shortly after start-up, which
catches up on posts that fell due while the bot was down, and every few minutes after that.

With several instances on PostgreSQL only the holder of an advisory lock (`bot.leader`) runs the
schedule and drains the outbox; the others keep answering people and try for the lock every
two seconds, so a dead leader is replaced within seconds. Each post's unique row makes a second
send impossible even if two processes tried.
"""

from __future__ import annotations

import asyncio
import logging
import time as _time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.botapi import make_bot
from bot.delivery import reminders
from bot.delivery.charts import ChartPool
from bot.delivery.outbox import OutboxWorker, Pacer
from bot.delivery.publisher import Publisher, PublishJob
from bot.domain.schedule import local_to_utc, week_first_working_day
from bot.leader import LEADERSHIP_KEY, LeaderWatch
from bot.leader import Leadership as Leadership
from bot.render import report as render
from bot.render.callbacks import encode
from bot.render.html import b, esc
from bot.services import access, posting, retention
from bot.services import schedule as schedules
from bot.services.core import Services
from bot.services.posting import PostOutcome, tell_admins
from bot.services.reports import ReportPeriod, build_report
from storage import audit
from storage.db import Database
from storage.models import PostApproval, PostStatus

T = TypeVar("T")
log = logging.getLogger(__name__)

SCHEDULER_KEY = "scheduler"
WATCH_KEY = "leader-watch"
SAFETY_TICK = 300.0  # seconds between ticks besides the exact due-time jobs
FIRST_TICK = 10.0  # seconds after start-up: catch up on what fell due while down
REMINDER_WEEKDAY = 0  # Monday
REMINDER_TIME = time(9)
RETENTION_TIME = time(3, 30)  # local time: forget idle citizen chats once a day


@dataclass
class TickReport:
    leader: bool = True
    posts: list[PostOutcome] = field(default_factory=list)
    asked: int = 0  # approval requests sent
    held: int = 0
    missed: int = 0
    reminders: int | None = None  # reminders queued, when the weekly run happened
    retention: retention.RetentionRun | None = None  # when the daily run happened


@dataclass
class Scheduler:
    services: Services
    bot: Bot
    pacer: Pacer = field(default_factory=Pacer)
    leadership: Leadership | None = None
    worker: OutboxWorker | None = None
    publisher: Publisher | None = None
    # Draws the charts of a batch of posts in worker processes; closed by `close()`.
    charts: ChartPool | None = None
    # Runs this process knows are done (action, id): later ticks need not ask the database.
    _done: set[tuple[str, int]] = field(default_factory=set, repr=False)
    # One tick at a time: jobs falling due together wait, then find the work done.
    _ticking: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    # For /metrics and /healthz: when the last tick finished (time.monotonic()), else when
    # the scheduler was made; ticks that raised.
    last_tick: float = field(default_factory=_time.monotonic, repr=False)
    ticks: int = 0
    tick_errors: int = 0

    def __post_init__(self) -> None:
        if self.leadership is None:
            self.leadership = Leadership(self.services.db, clock=self.services.clock)
        if self.publisher is None:
            if self.charts is None:
                self.charts = ChartPool()
            self.publisher = Publisher(
                self.services.db,
                self.bot,
                self.pacer,
                clock=self.services.clock,
                public_url=self.services.settings.site.public_url,
                charts=self.charts,
            )
        elif self.charts is None:
            self.charts = self.publisher.charts

    async def close(self) -> None:
        """Stop the chart workers (the application is stopping)."""
        if self.charts is not None:
            await self.charts.close()

    @property
    def db(self) -> Database:
        return self.services.db

    async def tick(self) -> TickReport:
        """Do whatever is due now: ask for approvals, publish, remind. Safe to run any time and
        from any number of processes. One tick handles every municipality that is due; ticks
        of one process run one after another, so jobs due at the same moment do the work once
        (each post is claimed before it is rendered, so another process's tick renders
        nothing it does not send)."""
        async with self._ticking:
            try:
                report = await self._tick()
            except Exception:
                self.tick_errors += 1
                raise
            self.ticks += 1
            self.last_tick = _time.monotonic()
            return report

    def last_tick_age(self) -> float:
        """Seconds since the last tick finished (since the scheduler was made, before the
        first)."""
        return max(0.0, _time.monotonic() - self.last_tick)

    async def _tick(self) -> TickReport:
        assert self.leadership is not None
        assert self.publisher is not None
        if not await self.leadership.ensure():
            return TickReport(leader=False)
        if self.worker is not None and not self.worker.running:
            # The leader sends the outbox (the worker first turns what a crash left in flight
            # into "ambiguous", so nothing is sent twice).
            self.worker.start(self.bot)
        now = self.services.now()
        tz = self.services.tz
        today = self.services.today()
        report = TickReport()
        async with self.db.transaction() as session:
            await schedules.ensure_schedules(session, now)
        async with self.db.read() as session:
            municipalities = await posting.channels(session)
            plans = await schedules.schedules(session)
            posts = await posting.posts_by_key(session)
            approvals = await posting.approvals_by_key(session)
        jobs: list[PublishJob] = []
        names: list[str] = []
        for mid, name, channel in municipalities:
            plan = plans.get(mid) or schedules.Schedule(mid)
            ahead = schedules.ask_ahead(plan, now, tz, approvals)
            if ahead is not None:
                report.asked += await self.ask_approval(mid, *ahead)
            todo = schedules.due_post(plan, channel, now, tz, posts, approvals)
            if todo.action == "nothing":
                continue
            assert todo.window is not None
            assert todo.due is not None
            window, due = todo.window, todo.due
            if todo.action == "missed":
                report.missed += await self._missed(mid, name, channel, window, due, now)
            elif todo.action == "ask":
                report.asked += await self.ask_approval(mid, window, due)
            elif todo.action == "skip":
                await self._skip(
                    mid, channel, window.code(), due, now, "hoppades över av en administratör"
                )
            elif todo.action == "hold":
                assert todo.approval is not None
                report.held += await self._tell_held(todo.approval, name, window, now)
            else:
                jobs.append(
                    PublishJob(
                        mid,
                        ReportPeriod(window.code(), window),
                        due=due,
                        actor="schedule",
                        comment=todo.comment,
                    )
                )
                names.append(name)
        # All the due posts at once: at a quarter's turn the charts are drawn in the worker
        # processes while the next reports are read and written (Publisher.publish_many).
        outcomes = await self.publisher.publish_many(jobs, today=today, now=now)
        for name, job, outcome in zip(names, jobs, outcomes, strict=True):
            assert job.period is not None
            log.info("post %s %s: %s", name, job.period.key, outcome.outcome)
            report.posts.append(outcome)
        report.reminders = await self.remind_if_due(now, today)
        if self.worker is not None and (
            any(p.notices for p in report.posts) or report.asked or report.reminders
        ):
            self.worker.wake()
        report.retention = await self.retention_if_due(now, today)
        return report

    # --- missed, skipped, held ------------------------------------------------------------

    async def _missed(
        self, mid: int, name: str, channel: str, window: Any, due: datetime, now: datetime
    ) -> int:
        """Overdue by more than a week (the bot was down long): do not post old news out of
        the blue; record it and tell the admins, who can still publish it by hand."""
        async with self.db.transaction() as session:
            if not await posting.record_unsent(
                session,
                mid,
                channel,
                window.code(),
                due,
                now,
                PostStatus.SKIPPED,
                "missad: boten var nere när rapporten skulle ut",
            ):
                return 0
            text = (
                f"⚠️ {b('Lägesrapporten för ' + name + ', ' + window.label('sv'))} skulle ha "
                f"publicerats {due.astimezone(self.services.tz):%Y-%m-%d %H:%M}, men boten var "
                "inte igång då. Den skickas inte så här långt i efterhand av sig själv. Vill ni "
                "ändå publicera den: "
                f'<code>loftesbot report --kommun "{esc(name)}" --period {window.code()} '
                "--publish --force</code>"
            )
            await tell_admins(session, mid, f"missed:{mid}:{window.code()}", text, now)
        return 1

    async def _skip(
        self, mid: int, channel: str, key: str, due: datetime, now: datetime, why: str
    ) -> None:
        async with self.db.transaction() as session:
            await posting.record_unsent(
                session, mid, channel, key, due, now, PostStatus.SKIPPED, why
            )

    async def _tell_held(
        self, approval: PostApproval, name: str, window: Any, now: datetime
    ) -> int:
        if approval.held_told_at is not None:
            return 0
        async with self.db.transaction() as session:
            row = await posting.mark_held_told(session, approval.id, now)
            if row is None:
                return 0
            approval.held_told_at = now
            text = (
                f"⏸ {b('Lägesrapporten för ' + name + ', ' + window.label('sv'))} väntar på "
                "ert godkännande och publiceras inte förrän någon trycker på Publicera."
            )
            await tell_admins(session, row.municipality_id, f"held:{row.id}", text, now)
        return 1

    # --- approval ---------------------------------------------------------------------------

    async def ask_approval(self, mid: int, window: Any, due: datetime) -> int:
        """Send the draft to the municipality's admins with Publicera / Hoppa över / Kommentar.
        The approval row is created first, so the request goes out once."""
        now = self.services.now()
        today = self.services.today()
        async with self.db.transaction() as session:
            approval_id = await posting.open_approval(session, mid, window.code(), due, now)
            if approval_id is None:
                return 0
            admins = await access.admins_with_language(session, mid)
        async with self.db.read() as session:
            draft = await build_report(session, mid, ReportPeriod(window.code(), window), today)
        messages = render.telegram_messages(draft)
        local_due = due.astimezone(self.services.tz)
        intro = (
            f"📝 {b(f'Utkast: lägesrapport för {draft.municipality}, {window.label()}')}\n"
            f"Den publiceras i kanalen {local_due:%Y-%m-%d} kl. {local_due:%H:%M} med siffrorna "
            "som de är då. Godkänn, hoppa över eller lägg till en avslutande kommentar."
        )
        buttons = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Publicera", callback_data=encode("ap", approval_id, "p")),
                    InlineKeyboardButton(
                        "Hoppa över", callback_data=encode("ap", approval_id, "s")
                    ),
                ],
                [
                    InlineKeyboardButton(
                        "Lägg till kommentar", callback_data=encode("ap", approval_id, "c")
                    )
                ],
            ]
        )
        for uid, _lang in admins:
            try:
                for part in [intro, *messages]:
                    await self.pacer.wait(uid)
                    # Named, as in the Publisher: the Scheduler may be given a plain Bot.
                    await self.bot.send_message(uid, part, parse_mode=ParseMode.HTML)
                await self.pacer.wait(uid)
                await self.bot.send_message(
                    uid, "Vad vill du göra med rapporten?", reply_markup=buttons
                )
            except TelegramError as exc:
                log.warning("approval request to an admin failed: %s", type(exc).__name__)
        return 1

    # --- reminders --------------------------------------------------------------------------

    async def remind_if_due(self, now: datetime, today: date) -> int | None:
        """Queue the week's reminders once, on or after 09:00 local time on the week's first
        working day (Monday, or Tuesday after annandag påsk)."""
        first = week_first_working_day(today)
        if now < local_to_utc(first, REMINDER_TIME, self.services.tz):
            return None
        iso_year, week, _ = today.isocalendar()

        async def work(session: AsyncSession) -> tuple[int, dict[str, Any]]:
            run = await reminders.queue_reminders(session, today=today, now=now)
            return run.reminded, {"reminded": run.reminded}

        return await self._once("reminders.queued", "week", iso_year * 100 + week, now, work)

    # --- retention --------------------------------------------------------------------------

    async def retention_if_due(self, now: datetime, today: date) -> retention.RetentionRun | None:
        """Forget idle citizen chats once a day, on or after 03:30 local time; the audit row
        (counts only) marks the day as done."""
        if now < local_to_utc(today, RETENTION_TIME, self.services.tz):
            return None
        day_id = today.year * 10000 + today.month * 100 + today.day

        async def work(session: AsyncSession) -> tuple[retention.RetentionRun, dict[str, Any]]:
            run = await retention.forget_inactive_citizens(session, now)
            return run, dict(run.counts())

        run = await self._once("retention.run", "day", day_id, now, work)
        if run is None:
            return None
        log.info(
            "retention: forgot %d idle chats, dropped %d refused subscriptions",
            run.chats,
            run.refused_subscriptions,
            extra={"event": "retention", "counts": run.counts()},
        )
        return run

    async def _once(
        self,
        action: str,
        entity: str,
        entity_id: int,
        now: datetime,
        work: Callable[[AsyncSession], Awaitable[tuple[T, dict[str, Any]]]],
    ) -> T | None:
        """Run `work` once for (action, entity_id), whichever process gets there first: its
        audit row, written in the same transaction, marks it done. None when it was done."""
        if (action, entity_id) in self._done:
            return None
        async with self.db.transaction() as session:
            if await audit.recorded(session, action, entity_id):
                self._done.add((action, entity_id))
                return None
            result, details = await work(session)
            audit.record(
                session,
                at=now,
                actor="system",
                action=action,
                entity=entity,
                entity_id=entity_id,
                details=details,
            )
        self._done.add((action, entity_id))
        return result

    # --- JobQueue -------------------------------------------------------------------------

    async def register_due_jobs(self, job_queue: Any) -> int:
        """One job at each municipality's next due time (and approval time), from the
        database; replaces the jobs registered before."""
        for job in job_queue.jobs():
            if job.name and job.name.startswith("due:"):
                job.schedule_removal()
        now = self.services.now()
        tz = self.services.tz
        async with self.db.read() as session:
            ids = [mid for mid, _name, _channel in await posting.channels(session)]
            plans = await schedules.schedules(session)
        # One job per moment, however many municipalities fall due then: its tick handles
        # them all (a quarter's turn is one job, not one per municipality).
        moments: set[datetime] = set()
        for mid in ids:
            plan = plans.get(mid) or schedules.Schedule(mid)
            if not plan.active:
                continue
            _window, due = schedules.next_due(plan, now, tz)
            moments.add(due)
            if plan.approval and schedules.ask_at(plan, due) > now:
                moments.add(schedules.ask_at(plan, due))
        for when in sorted(moments):
            job_queue.run_once(
                _tick_job,
                when=when,
                name=f"due:{when.astimezone(UTC):%Y-%m-%dT%H:%M:%S}",
                job_kwargs={"misfire_grace_time": int(SAFETY_TICK), "coalesce": True},
            )
        return len(moments)


def tick_soon(application: Any, delay: float = 2.0) -> None:
    """Run a tick shortly (an admin's decision may have made a post due now)."""
    queue = application.job_queue
    if queue is not None and SCHEDULER_KEY in application.bot_data:
        queue.run_once(_tick_job, when=delay, name="tick-now")


def reschedule(application: Any) -> None:
    """Register the due-time jobs again after a change of schedule."""
    scheduler = application.bot_data.get(SCHEDULER_KEY)
    queue = application.job_queue
    if scheduler is not None and queue is not None:
        application.create_task(scheduler.register_due_jobs(queue))


async def _tick_job(context: Any) -> None:
    scheduler: Scheduler = context.application.bot_data[SCHEDULER_KEY]
    try:
        await scheduler.tick()
        await scheduler.register_due_jobs(context.application.job_queue)
    except Exception:
        log.exception("scheduled tick failed")


def _unlimited_bot(app: Any) -> Bot:
    """The application's bot without PTB's rate limiter, on the same connection pool and with
    the same `Defaults`.

    The scheduler and the outbox pace themselves (`Pacer`) and must see a 429 to pause
    everything; the application's AIORateLimiter would swallow it and retry on its own clock.
    """
    settings = app.bot_data["services"].settings
    return make_bot(settings, app.bot.token, app.bot.request, bot_defaults=app.bot.defaults)


async def install(app: Any) -> Scheduler:
    """Wire the scheduler into a running application (called from post_init)."""
    services: Services = app.bot_data["services"]
    leadership = Leadership(services.db, clock=services.clock)
    worker = OutboxWorker(services.db, services.clock, lease=leadership)
    bot = _unlimited_bot(app)
    scheduler = Scheduler(services, bot, pacer=worker.pacer, leadership=leadership, worker=worker)
    app.bot_data[SCHEDULER_KEY] = scheduler
    app.bot_data[LEADERSHIP_KEY] = leadership
    if app.job_queue is None:
        log.warning("no JobQueue (python-telegram-bot[job-queue] missing): nothing is scheduled")
        return scheduler
    if services.db.is_sqlite:
        await leadership.try_lead()  # one process per file: it leads from the start
    else:
        job_queue = app.job_queue

        async def gained() -> None:
            worker.start(bot)  # it sends once the handover has passed
            job_queue.run_once(_tick_job, when=leadership.handover, name="tick-on-lead")

        async def lost() -> None:
            await worker.stop()

        watch = LeaderWatch(leadership, on_gain=gained, on_lose=lost)
        app.bot_data[WATCH_KEY] = watch
        watch.start()
    app.job_queue.run_repeating(
        _tick_job,
        interval=SAFETY_TICK,
        first=FIRST_TICK,
        name="tick",
        job_kwargs={"misfire_grace_time": int(SAFETY_TICK), "coalesce": True, "max_instances": 1},
    )
    await scheduler.register_due_jobs(app.job_queue)
    return scheduler


async def uninstall(app: Any) -> None:
    watch: LeaderWatch | None = app.bot_data.pop(WATCH_KEY, None)
    if watch is not None:
        await watch.stop()
    scheduler: Scheduler | None = app.bot_data.get(SCHEDULER_KEY)
    if scheduler is None:
        return
    if scheduler.worker is not None:
        await scheduler.worker.stop()
    await scheduler.close()
    if scheduler.leadership is not None:
        await scheduler.leadership.release()
