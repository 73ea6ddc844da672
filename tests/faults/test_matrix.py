"""The fault matrix of issue 15: the cells the other fault tests leave open, and the map of all.

(The audit table is filled in below; see "Cells".)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.delivery import scheduler as jobs
from bot.delivery.outbox import Pacer, ScaledTime, drain
from bot.serve import SECRET_HEADER
from storage.db import Database
from storage.models import PostStatus
from storage.outbox import SENT, Outgoing, counts, enqueue
from tests.conftest import POSTGRES_URL, Harness
from tests.e2e.test_posting import (  # noqa: F401 (the fixture)
    CHANNEL,
    Q4_DUE,
    _outbox,
    _post,
    posting,
)
from tests.faults.conftest import Rig
from tests.faults.fakeapi import FakeBotApi
from tests.faults.runner import (
    TOKEN,
    Reports,
    clean_env,
    confirmations,
    prepare_database,
    wait_for,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
HOLD = 1.5  # seconds the one pooled connection is held by another call (the outbox case)


def _one_connection_bot(api: FakeBotApi) -> Bot:
    """PTB's real HTTP client with a pool of one connection and a short pool timeout: while
    another call holds the connection, a send times out *before a byte of it leaves*."""
    request = HTTPXRequest(
        connection_pool_size=1,
        pool_timeout=0.1,
        read_timeout=3.0,
        connect_timeout=1.0,
        write_timeout=1.0,
    )
    return Bot(TOKEN, base_url=f"{api.base_url}/bot", request=request)


async def _hold_the_connection(
    bot: Bot, api: FakeBotApi, seconds: float = HOLD
) -> asyncio.Task[Any]:
    """A slow call (answered after `seconds`) on the bot's one connection; returns once it
    holds it. Cancelling the task gives the connection back."""
    api.delay("sendChatAction", seconds=seconds)
    task = asyncio.create_task(bot.send_chat_action(1, "typing", read_timeout=seconds + 2))
    await asyncio.sleep(0.2)
    return task


# --- timeout before sending ---------------------------------------------------------------------


async def test_channel_post_timeout_before_sending_is_sent_once_at_the_next_tick(
    harness: Harness,
    posting: dict[str, Any],  # noqa: F811 (the fixture imported above)
    fake_api: FakeBotApi,
) -> None:
    """The first channel part times out waiting for a connection (nothing left this process):
    not ambiguous, nobody bothered; the next tick sends every part exactly once."""
    harness.clock.set(Q4_DUE)
    bot = _one_connection_bot(fake_api)
    scheduler = jobs.Scheduler(harness.services, bot, pacer=Pacer(time=ScaledTime(1000.0)))
    assert scheduler.leadership is not None
    try:
        async with bot:
            assert await scheduler.leadership.ensure()  # (on PostgreSQL: the lock, first)
            blocker = await _hold_the_connection(bot, fake_api, seconds=8.0)
            first = await scheduler.tick()
            blocker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await blocker
            assert [p.outcome for p in first.posts] == ["retry"]
            assert not [c for c in fake_api.calls("sendMessage") if c.chat_id == CHANNEL]
            harness.clock.advance(timedelta(minutes=5))
            second = await scheduler.tick()
            assert [p.outcome for p in second.posts] == ["sent"]
            harness.clock.advance(timedelta(minutes=5))
            assert (await scheduler.tick()).posts == []
    finally:
        await scheduler.leadership.release()
    in_channel = [
        c
        for method in ("sendMessage", "sendPhoto")
        for c in fake_api.delivered(method)
        if c.chat_id == CHANNEL
    ]
    assert all(n == 1 for n in Counter(c.text for c in in_channel).values())
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.SENT
    assert len(post.message_ids) == post.parts == len(in_channel)
    assert await _outbox(harness, "post:%:ambiguous:%") == []  # no admin was bothered


async def test_outbox_notice_timeout_before_sending_arrives_once(
    db: Database, fake_api: FakeBotApi
) -> None:
    """A notice whose send timed out before leaving is sent again, and arrives exactly once."""
    chats = [920_001, 920_002]
    async with db.transaction() as session:
        await enqueue(session, [Outgoing(f"tb-{c}", c, f"Hej {c}") for c in chats], NOW)
    bot = _one_connection_bot(fake_api)
    async with bot:
        blocker = await _hold_the_connection(bot, fake_api)
        result = await drain(db, bot, Pacer(), lambda: NOW)
        await blocker
        await drain(db, bot, Pacer(), lambda: NOW)  # a second pass sends nothing again
    assert result.sent == 2 and result.ambiguous == 0
    [held] = fake_api.calls("sendChatAction")
    first = min(c.at for c in fake_api.calls("sendMessage"))
    assert first >= held.at + HOLD - 0.1, "the fault was not met: a send went out at once"
    delivered = Counter(c.chat_id for c in fake_api.delivered("sendMessage"))
    assert delivered == Counter(chats)
    async with db.read() as session:
        assert await counts(session) == {SENT: 2}


# --- two instances on PostgreSQL, one killed half-way --------------------------------------------

SECRET = "m4tRix_k3Jx9wQz-5mN2pL8vR4tY7uH1aS6"
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture
async def postgres_examples(tmp_path: Path, fake_api: FakeBotApi) -> AsyncIterator[str]:
    """A scratch PostgreSQL database, migrated by `loftesbot db upgrade`, with the example data.
    Skipped when PostgreSQL does not answer, except in CI, where that fails."""
    name = f"loftesbot_matrix_{uuid.uuid4().hex[:10]}"
    try:
        await asyncio.wait_for(_scratch("create", name), timeout=15)
    except Exception as exc:
        message = f"PostgreSQL at {POSTGRES_URL} does not answer ({type(exc).__name__}: {exc})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        config = _webhook_config(tmp_path / "prepare.toml", fake_api, url, _free_port())
        await asyncio.to_thread(prepare_database, config, url, tmp_path)
        yield url
    finally:
        await _scratch("drop", name)


async def _scratch(action: str, name: str) -> None:
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _webhook_config(path: Path, api: FakeBotApi, url: str, port: int) -> Path:
    path.write_text(
        "[telegram]\n"
        f'token = "{TOKEN}"\n'
        f'api_base_url = "{api.base_url}"\n'
        'mode = "webhook"\n'
        "[telegram.webhook]\n"
        'listen = "127.0.0.1"\n'
        f"port = {port}\n"
        'path = "hook"\n'
        'public_url = "https://bot.example.org/"\n'
        f'secret_token = "{SECRET}"\n'
        "[database]\n"
        f'url = "{url}"\n'
        "auto_upgrade = false\n"
        "[bot]\n"
        'timezone = "Europe/Stockholm"\n'
        'log_level = "INFO"\n',
        encoding="utf-8",
    )
    return path


class Instance:
    """`loftesbot run` in webhook mode, a real process: start, kill -9, start again."""

    def __init__(self, name: str, api: FakeBotApi, url: str, folder: Path) -> None:
        folder.mkdir()
        self.port = _free_port()
        self.config = _webhook_config(folder / "config.toml", api, url, self.port)
        self.folder = folder
        self.log = (folder / "bot.log").open("a", encoding="utf-8")
        self.process: subprocess.Popen[str] | None = None
        self.name = name

    async def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: ASYNC220 (starting it is quick)
            [sys.executable, "-m", "bot", "run", "--config", str(self.config)],
            cwd=self.folder,
            env=clean_env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}") as client:
            for _ in range(600):
                assert self.process.poll() is None, f"{self.name} exited: {self.tail()}"
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/healthz", timeout=1)).status_code == 200:
                        return
                await asyncio.sleep(0.05)
        raise AssertionError(f"{self.name} did not serve within 30 s: {self.tail()}")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def close(self) -> None:
        self.kill()
        self.log.close()

    def tail(self) -> str:
        self.log.flush()
        return "\n".join((self.folder / "bot.log").read_text("utf-8").splitlines()[-30:])

    async def post(self, client: httpx.AsyncClient, update: dict[str, Any]) -> bool:
        """Telegram's POST to the webhook; True when answered 200 (the update is acknowledged)."""
        try:
            response = await client.post(
                f"http://127.0.0.1:{self.port}/hook",
                json=update,
                headers={SECRET_HEADER: SECRET},
                timeout=10,
            )
        except httpx.HTTPError:
            return False
        return response.status_code == 200


async def _inbound_state(db: Database) -> dict[str, int]:
    async with db.read() as session:
        row = (
            await session.execute(
                text(
                    "SELECT (SELECT count(*) FROM activities WHERE source = 'telegram' "
                    "AND deleted_at IS NULL), "
                    "(SELECT count(*) FROM inbox WHERE done_at IS NULL), "
                    "(SELECT count(*) FROM inbox WHERE done_at IS NOT NULL AND error IS NOT NULL)"
                )
            )
        ).one()
    return {"activities": int(row[0]), "unfinished": int(row[1]), "given up": int(row[2])}


async def _forget_done_marks(db: Database, worker: str, count: int) -> list[int]:
    """Make `count` rows the killed worker handled look as a kill right after the handler's
    commit (and its reply) leaves them: no done mark, still claimed by the dead process. Only
    the update key then stands between them and a second activity (the inbox row is the same
    row, so its unique key does not)."""
    async with db.transaction() as session:
        ids = list(
            await session.scalars(
                text(
                    "SELECT update_id FROM inbox WHERE claimed_by = :w AND done_at IS NOT NULL "
                    "AND error IS NULL ORDER BY id DESC LIMIT :n"
                ),
                {"w": worker, "n": count},
            )
        )
        await session.execute(
            text("UPDATE inbox SET done_at = NULL, attempts = 1 WHERE update_id = ANY(:ids)"),
            {"ids": ids},
        )
    return [int(i) for i in ids]


async def test_two_webhook_instances_on_postgresql_one_killed_half_way(
    postgres_examples: str, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    """The operator's trial: 200 reports to two instances on one PostgreSQL database, a tenth
    delivered to both, one instance killed with SIGKILL half-way and started again (as its
    supervisor would). Every acknowledged report is stored once and answered; none is given up;
    only the one update in hand at the kill may be answered twice (the private reply policy)."""
    started = time.monotonic()
    reports = Reports()
    updates = [
        {"update_id": 5_000 + n, **reports.message(f"{n % 9 + 1} trafikkontroller igår")}
        for n in range(200)
    ]
    both = set(random.Random(15).sample(range(200), 20))
    a = Instance("a", fake_api, postgres_examples, tmp_path / "a")
    b = Instance("b", fake_api, postgres_examples, tmp_path / "b")
    db = Database(postgres_examples)
    acknowledged: set[int] = set()
    again: list[int] = []
    try:
        await asyncio.gather(a.start(), b.start())
        async with httpx.AsyncClient() as client:
            for n, update in enumerate(updates):
                if n == 100:
                    assert a.process is not None
                    pid = a.process.pid
                    a.kill()
                    again = await _forget_done_marks(db, f"{socket.gethostname()}:{pid}", 3)
                if n == 120:
                    await a.start()
                first, second = (a, b) if n % 2 else (b, a)
                targets = [first, second] if n in both else [first]
                took = [await t.post(client, update) for t in targets if t.alive]
                if not any(took):  # Telegram tries again, here at once, at the other one
                    took = [await second.post(client, update)]
                assert any(took), f"update {update['update_id']} was never acknowledged"
                acknowledged.add(update["update_id"])
                if n % 10 == 9:
                    await asyncio.sleep(0.05)
        deadline = time.monotonic() + 90
        while True:
            state = await _inbound_state(db)
            answered = confirmations(fake_api.delivered())
            if state["unfinished"] == 0 and state["activities"] >= 200 and len(answered) >= 200:
                break
            assert time.monotonic() < deadline, f"not settled: {state}, {len(answered)} answered"
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)  # a straggling second copy would show now
        state = await _inbound_state(db)
        async with db.read() as session:
            stored = (
                await session.execute(
                    text(
                        "SELECT id, source_message_id FROM activities WHERE source = 'telegram' "
                        "AND deleted_at IS NULL"
                    )
                )
            ).all()
            inbox_ids = set(await session.scalars(text("SELECT update_id FROM inbox")))
    except BaseException:
        print(f"\n--- a ---\n{a.tail()}\n--- b ---\n{b.tail()}")
        raise
    finally:
        a.close()
        b.close()
        await db.dispose()
    assert len(again) == 3, again
    assert acknowledged <= inbox_ids, "an acknowledged update is not in the inbox"
    assert state == {"activities": 200, "unfinished": 0, "given up": 0}
    per_message = Counter(int(r[1]) for r in stored)
    assert set(per_message) == {u["message"]["message_id"] for u in updates}
    assert max(per_message.values()) == 1, "a report stored twice"
    answered = confirmations(fake_api.delivered())
    assert set(answered) == {int(r[0]) for r in stored}, "a report not answered"
    twice = [k for k, calls in answered.items() if len(calls) > 1]
    assert len(twice) <= 1, f"answered twice: {twice}"
    print(
        f"\n[two instances] 200 reports, {len(both)} to both, one kill -9 at 100: "
        f"200 stored once, {len(answered)} answered, {len(twice)} twice; "
        f"{time.monotonic() - started:.1f} s"
    )


# --- crash loop -----------------------------------------------------------------------------------

KILLS = 8


def _claimed(rig: Rig) -> int:
    """Inbox rows a worker holds and has not finished."""
    conn = sqlite3.connect(rig.db.path, timeout=5)
    try:
        sql = "SELECT count(*) FROM inbox WHERE claimed_by IS NOT NULL AND done_at IS NULL"
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_a_crash_loop_gives_up_no_acknowledged_update(rig: Rig) -> None:
    """`loftesbot run` killed with SIGKILL eight times in a row, each time as soon as it holds
    a claim on the inbox, then left to run: every acknowledged report is stored once and
    answered, and none is given up as "stopped while handling it" (more kills than the inbox's
    five attempts: a claim must charge only the update in hand, and a restart give back what
    the dead process held)."""
    started = time.monotonic()
    reports = rig.reports.batch(80)
    rig.api.push(*reports)
    rig.api.delay("sendMessage", 10 * KILLS, seconds=1.0)  # each reply takes a second
    for life in range(KILLS):
        rig.bot.start()
        wait_for(
            lambda: _claimed(rig) > 0,
            10,
            f"a claim in life {life + 1}",
            interval=0.01,
            alive=rig.bot.check_alive,
        )
        time.sleep(0.3)  # the bot works on the update in hand: its reply is under way
        rig.bot.kill()
    at_last_kill = {
        "acknowledged": rig.api.acknowledged(),
        "activities": rig.db.telegram_activity_count(),
        "given up": len(rig.db.inbox_given_up()),
    }
    assert at_last_kill["activities"] < 80, f"the kills came too late: {at_last_kill}"
    rig.api.clear_faults()  # the replies go at once from now on
    rig.bot.start()
    wait_for(
        lambda: (
            rig.api.pending() == 0
            and rig.db.inbox_unfinished() == 0
            and len(confirmations(rig.api.delivered())) >= rig.db.telegram_activity_count()
        ),
        60,
        "the inbox worked off and every stored report answered",
        alive=rig.bot.check_alive,
        seen=lambda: (rig.api.pending(), rig.db.inbox_unfinished(), len(rig.db.activities())),
    )
    time.sleep(0.3)
    assert rig.db.inbox_given_up() == []
    stored = rig.db.activities()
    per_message = Counter(a.message_id for a in stored)
    assert set(per_message) == {r["message"]["message_id"] for r in reports}
    assert max(per_message.values()) == 1
    answered = confirmations(rig.api.delivered())
    assert set(answered) == {a.id for a in stored}
    twice = [k for k, calls in answered.items() if len(calls) > 1]
    assert len(twice) <= KILLS, twice  # at most the one in hand at each kill
    print(
        f"\n[crash loop] {KILLS} kills, at the last {at_last_kill}; then 80 stored once, "
        f"{len(answered)} answered, {len(twice)} twice, none given up; "
        f"{time.monotonic() - started:.1f} s"
    )
