"""Two instances on one PostgreSQL database run the schedule: every quarter is posted once.

Each instance is what one process would have: its own `Services` and `Database` (engine and
pool), its own Bot on its own in-process Bot API, its own pacer and claim name. A frozen clock,
shared as the wall clock would be, is moved to five quarters' due times in turn; at each, both
instances tick at the same moment (and again a minute and three minutes later, past the claim's
lease). Three ways to run it:

* ``lock``: as built, the holder of the advisory lock leads; the other tick does nothing;
* ``failover``: the leader lets go after every round (as if it restarted), so whoever grabs the
  lock first leads the next round;
* ``no_lock``: both believe they lead, so only the post's unique row stands between the
  channel and a double post.

In all three: one `progress_posts` row per municipality and quarter, SENT, and exactly one set of
channel messages (its parts and one chart) per row.

Leadership (`bot.leader`): a leader whose lock connection is cut (its backend terminated from
another connection) stops sending the outbox before the next leader starts, so the bot as a
whole stays within Telegram's budget and every notice goes out once; a leader killed with
SIGKILL (a real process) is replaced within seconds, and `/healthz` says who leads.

Skipped with the reason when PostgreSQL does not answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from telegram import Bot

from bot.app import OFFLINE_TOKEN, build_application
from bot.clock import FrozenClock
from bot.config import DatabaseSettings, Settings
from bot.console.limits import LimitedTransport
from bot.console.transport import ApiCall, OfflineTransport
from bot.delivery import scheduler as jobs
from bot.delivery.outbox import OutboxWorker, Pacer, RealTime, ScaledTime
from bot.leader import LEADERSHIP_KEY, LOCK_KEY, WATCH_INTERVAL, Leadership, LeaderWatch
from bot.serve import WebhookServer
from bot.services import schedule as schedules
from bot.services.core import Services
from bot.services.examples import load_examples
from storage import migrate
from storage.catalogue import municipality_by_name
from storage.db import Database
from storage.models import OutboxMessage, PostStatus, ProgressPost
from storage.outbox import SENT, Outgoing, counts, enqueue
from tests.conftest import POSTGRES_URL, postgres_unavailable
from tests.faults.runner import most_in_one_second

pytestmark = pytest.mark.faults

CHANNELS = {"Härjedalen": "@harjedalen_loften", "Åsele": "@asele_loften"}
START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # the schedules begin; Q4 2026 is next
QUARTERS = 5


async def _admin(action: str, name: str) -> None:
    admin = Database(POSTGRES_URL)
    try:
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            if action == "create":
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A scratch database of its own, migrated and filled with the example data."""
    name = f"loftesbot_faults_{uuid.uuid4().hex[:10]}"
    try:
        await asyncio.wait_for(_admin("create", name), timeout=15)
    except Exception as exc:
        postgres_unavailable(exc)
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    try:
        await migrate.upgrade(db)
        async with db.transaction() as session:
            await load_examples(session, today=date(2026, 11, 21), now=START)
            for name_, channel in CHANNELS.items():
                municipality = await municipality_by_name(session, name_)
                assert municipality is not None
                municipality.channel = channel
        async with db.transaction() as session:
            await schedules.ensure_schedules(session, START)
        await db.dispose()
        yield url
    finally:
        await db.dispose()
        await _admin("drop", name)


class AlwaysLeader(jobs.Leadership):
    """An instance that believes it leads whatever the lock says."""

    async def ensure(self) -> bool:
        return True


class Instance:
    """One process's scheduler: own engine, own bot and transport, same clock."""

    def __init__(self, url: str, clock: FrozenClock, *, lock: bool) -> None:
        self.db = Database(url)
        self.services = Services(
            settings=Settings(database=DatabaseSettings(url=url)), db=self.db, clock=clock
        )
        self.transport = OfflineTransport()
        self.bot = Bot(OFFLINE_TOKEN, request=self.transport)
        self.scheduler = jobs.Scheduler(
            self.services,
            self.bot,
            pacer=Pacer(time=ScaledTime(1000.0)),
            # A short handover: here the lock only changes hands when released on purpose.
            leadership=jobs.Leadership(self.db, handover=0.05) if lock else AlwaysLeader(self.db),
        )

    def channel_calls(self) -> list[ApiCall]:
        return [c for c in self.transport.calls if c.chat_id in CHANNELS.values()]

    async def close(self) -> None:
        assert self.scheduler.leadership is not None
        await self.scheduler.leadership.release()
        await self.db.dispose()


@pytest.mark.parametrize("mode", ["lock", "failover", "no_lock"])
async def test_two_instances_post_each_quarter_exactly_once(postgres_url: str, mode: str) -> None:
    clock = FrozenClock(START)
    tz = Settings().bot.timezone
    first = Instance(postgres_url, clock, lock=mode != "no_lock")
    second = Instance(postgres_url, clock, lock=mode != "no_lock")
    instances = (first, second)
    try:
        for instance in instances:
            await instance.bot.initialize()
        expected: list[str] = []
        leaders: Counter[int] = Counter()
        seen: Counter[str] = Counter()
        for quarter in range(QUARTERS):
            window, due = schedules.next_due(schedules.Schedule(0), clock.now(), tz)
            expected.append(window.code())
            for offset in (timedelta(0), timedelta(minutes=1), timedelta(minutes=3)):
                clock.set(due + offset)
                # Alternate who starts first: the race for the lock and the row goes both ways.
                order = instances if quarter % 2 == 0 else instances[::-1]
                reports = await asyncio.wait_for(
                    asyncio.gather(*(i.scheduler.tick() for i in order)), timeout=60
                )
                outcomes = Counter(p.outcome for r in reports for p in r.posts)
                seen.update(outcomes)
                assert set(outcomes) <= {"sent", "busy", "already"}, (window.code(), outcomes)
                if offset == timedelta(0):
                    assert outcomes["sent"] == len(CHANNELS), (window.code(), outcomes)
                else:
                    assert outcomes["sent"] == 0, (window.code(), offset, outcomes)
                if mode != "no_lock":
                    led = [i for i, r in zip(order, reports, strict=True) if r.leader]
                    assert len(led) == 1, f"{window.code()}: {len(led)} leaders"
                    leaders[instances.index(led[0])] += 1
                if mode == "failover":
                    for instance in instances:  # the leader "restarts": its lock goes
                        assert instance.scheduler.leadership is not None
                        await instance.scheduler.leadership.release()
        if mode == "lock":
            assert len(leaders) == 1  # the lock stays with whoever took it first
        if mode == "failover":
            assert sum(leaders.values()) == QUARTERS * 3

        async with first.db.read() as session:
            rows = list(await session.scalars(select(ProgressPost).order_by(ProgressPost.id)))
            outbox_rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
        assert sorted(r.period_key for r in rows) == sorted(expected * len(CHANNELS))
        assert {r.status for r in rows} == {PostStatus.SENT}
        per_key = Counter((r.municipality_id, r.channel, r.period_key) for r in rows)
        assert max(per_key.values()) == 1
        calls = first.channel_calls() + second.channel_calls()
        for channel in CHANNELS.values():
            mine = [c for c in calls if c.chat_id == channel]
            posted = [r for r in rows if r.channel == channel]
            assert sum(len(r.message_ids) for r in posted) == len(mine)
            assert sum(1 for c in mine if c.method == "sendPhoto") == QUARTERS
            headings = [
                c.text for c in mine if c.method == "sendMessage" and c.text and "Hur går" in c.text
            ]
            assert len(headings) == QUARTERS, headings
        print(
            f"\n[{mode}] {QUARTERS} quarters x {len(CHANNELS)} channels: {len(rows)} posts SENT, "
            f"{len(calls)} channel messages, leaders {dict(leaders)}, "
            f"first {len(first.channel_calls())} / second {len(second.channel_calls())} sent, "
            f"{outbox_rows} outbox rows, outcomes {dict(seen)}"
        )
    finally:
        for instance in instances:
            await instance.close()


# --- leadership ---------------------------------------------------------------------------


async def _cut_lock_connection() -> int:
    """Terminate the backend holding the leader's lock, as a failing network or an operator
    would; how many backends were terminated."""
    admin = Database(POSTGRES_URL)
    try:
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            killed = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = :k"
                ),
                {"k": LOCK_KEY},
            )
            return int(killed or 0)
    finally:
        await admin.dispose()


async def _until(condition: Callable[[], bool], within: float, what: str) -> float:
    """Poll `condition()` every 20 ms; the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > within:
            raise AssertionError(f"{what}: not within {within} s")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_a_leader_whose_lock_connection_is_cut_stops_before_the_next_one_sends(
    postgres_url: str,
) -> None:
    rows = 200
    chats = [800_000 + n for n in range(rows)]
    seed = Database(postgres_url)
    async with seed.transaction() as session:
        await enqueue(session, [Outgoing(f"lead-{c}", c, f"Hej {c}") for c in chats], START)
    await seed.dispose()

    class Side:
        def __init__(self, name: str) -> None:
            self.db = Database(postgres_url)
            self.transport = LimitedTransport(time=RealTime())  # the same Telegram clock
            self.bot = Bot(OFFLINE_TOKEN, request=self.transport)
            self.leadership = Leadership(self.db, instance=name)
            self.worker = OutboxWorker(
                self.db, FrozenClock(START), lease=self.leadership, idle_seconds=0.2
            )

        def times(self) -> list[float]:
            return [t.at for t in self.transport.accepted]

    old, new = Side("old"), Side("new")
    watch = LeaderWatch(
        new.leadership,
        interval=0.5,
        on_gain=lambda: asyncio.sleep(0, new.worker.start(new.bot)),
        on_lose=new.worker.stop,
    )
    try:
        for side in (old, new):
            await side.bot.initialize()
            side.transport.clear()
        assert await old.leadership.try_lead()
        old.worker.start(old.bot)
        watch.start()
        await _until(lambda: len(old.transport.accepted) >= 30, 20, "the old leader sending")
        assert not new.leadership.leading
        assert await _cut_lock_connection() == 1
        cut = time.monotonic()

        with contextlib.suppress(AssertionError):  # asserted below, after the sends
            await _until(lambda: not old.worker.running, 5, "the old leader stopping")
        stopped = time.monotonic() - cut
        old_running = old.worker.running
        await _until(lambda: sum(len(s.transport.accepted) for s in (old, new)) >= rows, 30, "all")
        await asyncio.sleep(0.3)  # anything sent twice would show up by now
    finally:
        await watch.stop()
        for side in (old, new):
            await side.worker.stop()
            await side.leadership.release()
            await side.bot.shutdown()

    async with old.db.read() as session:
        assert await counts(session) == {SENT: rows}
    for side in (old, new):
        await side.db.dispose()
    sent = Counter(t.chat_id for s in (old, new) for t in s.transport.accepted)
    assert sent == Counter(chats), "every notice once"
    old_last = max(old.times())
    new_first = min(new.times())
    assert old_last <= cut + 1.0, f"the old leader sent {old_last - cut:.2f} s after the cut"
    assert new_first >= old_last + 1.0, "the two leaders sent at the same time"
    both = old.times() + new.times()
    assert most_in_one_second(both) <= 30, "over Telegram's budget for the bot"
    assert not old.leadership.leading
    assert not old_running, "the old leader's outbox worker kept running"
    print(
        f"\n[cut] old leader stopped {stopped:.2f} s after the cut, last send "
        f"{old_last - cut:+.2f} s; new leader's first send {new_first - cut:+.2f} s; "
        f"{len(old.times())} + {len(new.times())} sends, at most "
        f"{most_in_one_second(both)} in one second"
    )


LEADER_SCRIPT = """
import asyncio, sys
from bot.leader import Leadership
from storage.db import Database

async def main() -> None:
    leadership = Leadership(Database(sys.argv[1]), instance="doomed", handover=0)
    while not await leadership.try_lead():
        await asyncio.sleep(0.1)
    print("leading", flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


async def test_a_killed_leader_is_replaced_within_seconds_and_health_says_who_leads(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.leader")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    leader = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LEADER_SCRIPT, postgres_url, stdout=subprocess.PIPE, env=env
    )
    db = Database(postgres_url)
    services = Services(
        settings=Settings(database=DatabaseSettings(url=postgres_url)),
        db=db,
        clock=FrozenClock(START),
    )
    app = build_application(services, request=OfflineTransport())
    installed = False
    try:
        assert leader.stdout is not None
        line = await asyncio.wait_for(leader.stdout.readline(), 30)
        assert line.strip() == b"leading"
        await app.initialize()
        await jobs.install(app)
        installed = True
        leadership: Leadership = app.bot_data[LEADERSHIP_KEY]
        health = WebhookServer(db, services.clock, secret="s" * 32, port=0, leadership=leadership)
        await asyncio.sleep(WATCH_INTERVAL / 2)
        assert not leadership.leading
        status, body = await health.health()
        assert status == 200
        assert body["leader"]["leader"] is False
        assert body["leader"]["leading_instance"].startswith("doomed since ")

        leader.send_signal(signal.SIGKILL)
        await asyncio.wait_for(leader.wait(), 10)
        took = await _until(lambda: leadership.leading, 3 * WATCH_INTERVAL, "a new leader")
        ready = await asyncio.wait_for(leadership.ensure(), 10)
        assert ready
        assert took <= WATCH_INTERVAL + 1.0, f"replaced after {took:.1f} s"
        scheduler: jobs.Scheduler = app.bot_data[jobs.SCHEDULER_KEY]
        assert scheduler.worker is not None
        assert scheduler.worker.running  # the outbox now drains here
        assert app.job_queue is not None  # and the schedule is checked now, not in 5 minutes
        assert any(job.name == "tick-on-lead" for job in app.job_queue.jobs())

        status, body = await health.health()
        me = body["leader"]
        assert (me["leader"], me["instance"]) == (True, leadership.instance)
        assert (
            me["since"] and me["leading_instance"] == f"{leadership.instance} since {me['since']}"
        )
        assert any(
            f"instance {leadership.instance} leads since" in r.getMessage() for r in caplog.records
        )
        print(f"\n[kill] the follower led {took:.2f} s after SIGKILL of the leader")
    finally:
        if leader.returncode is None:
            leader.kill()
            await asyncio.wait_for(leader.wait(), 10)
        if installed:
            await jobs.uninstall(app)
        await app.shutdown()
        await db.dispose()
