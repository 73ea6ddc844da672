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
channel messages (its parts and one chart) per row. Skipped with the reason when PostgreSQL does
not answer.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from telegram import Bot

from bot import jobs
from bot.app import OFFLINE_TOKEN
from bot.clock import FrozenClock
from bot.config import DatabaseSettings, Settings
from bot.console.transport import ApiCall, OfflineTransport
from bot.services import schedule as schedules
from bot.services.core import Services
from bot.services.examples import load_examples
from bot.services.outbox import Pacer, ScaledTime
from storage import migrate
from storage.catalogue import municipality_by_name
from storage.db import Database
from storage.models import OutboxMessage, PostStatus, ProgressPost
from tests.conftest import POSTGRES_URL

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
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} does not answer ({type(exc).__name__}: {exc})")
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
            leadership=jobs.Leadership(self.db) if lock else AlwaysLeader(self.db),
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
