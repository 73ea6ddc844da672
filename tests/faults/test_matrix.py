"""The fault matrix of issue 15: the cells the other fault tests left open, and the map of all.

Properties (columns): C = the channel holds each part once, or the post is AMBIGUOUS/FAILED
and the admins are told (notices: at most once, the row says so); R = no report lost, none
doubled; W = no feedback, invite or toggle applied twice; U = every acknowledged update
handled and answered once (private replies: at least once, a second copy only for the one
update in hand at a kill); B = the bot's send rate within Telegram's limits; L = a new leader
within seconds. "(new)" = in this module. f/ = tests/faults, e/ = tests/e2e, d/ =
tests/delivery, i/ = tests/inbox. "-" = the fault cannot touch the property.

refused (4xx)
  C  f/test_channel_post::..never_doubles_a_part[refused] (FAILED, admin told);
     f/test_outbox_faults::..[refused]; d/test_outbox::test_refusals_fail_their_row_and_the_others_go_out;
     f/test_send_errors::..[refused (400)|(403)]
  U  i/test_processor::test_a_confirmation_telegram_refused_is_sent_on_the_retry
  R W B L  -
429 with retry_after
  C  f/test_channel_post::..[429 with retry_after] (SENT, each part once);
     e/test_posting::test_a_429_in_the_channel_post_waits_and_sends_each_part_once;
     f/test_outbox_faults::..[429 with retry_after]
  R U  f/test_telegram_errors::test_telegram_errors_and_timeouts_are_retried_and_nothing_is_lost
  B  d/test_outbox::test_a_429_pauses_all_sending_and_nothing_is_lost
500
  C  f/test_channel_post::..[500] (AMBIGUOUS, admin told); f/test_outbox_faults::..[500]
  R U  f/test_telegram_errors (500 and 502 on getUpdates and sendMessage)
timeout before sending (connect/pool timeout, connection refused: nothing left the process)
  C  test_channel_post_timeout_before_sending_is_sent_once_at_the_next_tick (new, real HTTP);
     e/test_posting::test_a_channel_part_refused_before_sending_is_sent_at_the_next_tick_once;
     test_outbox_notice_timeout_before_sending_arrives_once (new);
     d/test_outbox::test_sends_that_never_left_are_retried_with_growing_pauses;
     f/test_send_errors::test_a_connection_refused_before_sending_is_not_sent
accepted then connection dropped (and answered after the read timeout)
  C  f/test_channel_post::..[accepted then connection dropped|answer after the timeout];
     e/test_posting::test_a_channel_part_whose_answer_was_lost_is_ambiguous_and_never_resent,
     ::test_send_again_after_a_lost_answer_sends_the_stored_parts;
     f/test_outbox_faults::..[accepted then connection dropped|timeout after sending];
     d/test_outbox::test_a_send_whose_answer_was_lost_is_ambiguous_and_never_sent_twice;
     f/test_send_errors::test_each_fault_is_classified_on_the_safe_side
  U  i/test_processor::test_a_reply_whose_send_timed_out_is_not_sent_again;
     f/test_telegram_errors (a reply taken after the 5 s read timeout is not sent again)
process killed mid-send
  C  e/test_posting::test_a_crash_between_send_and_mark_leaves_the_post_ambiguous,
     ::test_an_admin_can_confirm_an_ambiguous_post_came_out (crash simulated in-process);
     d/test_outbox::test_recover_marks_rows_left_sending_ambiguous_and_they_are_not_sent
  R U  f/test_crash::test_kill_9_while_200_reports_arrive_loses_nothing_and_stores_nothing_twice
     (kill -9 of `loftesbot run`); test_two_webhook_instances_on_postgresql_one_killed_half_way (new)
killed between commit and reply
  U R  i/test_processor::test_a_reply_lost_to_a_kill_after_the_commit_is_sent_once_by_the_next_run;
     f/test_crash (five done marks forgotten after the kill); the two-instance test (new, three)
  W  e/test_citizen::test_a_synpunkt_delivered_twice_is_stored_once;
     e/test_team::test_the_invite_button_handled_again_makes_no_second_invite;
     e/test_posting::test_schema_toggles_set_a_state_and_a_second_run_changes_nothing;
     i/test_processor::test_processing_again_after_a_crash_changes_nothing
crash loop
  U R  i/test_processor::test_a_crash_loop_charges_only_the_update_in_hand (in-process);
     test_a_crash_loop_gives_up_no_acknowledged_update (new: eight kill -9s of the real process)
lease expired while alive
  C  e/test_posting::test_a_sender_waiting_out_a_long_429_keeps_its_claim (offline transport);
     test_a_channel_sender_waiting_out_a_long_429_over_http_keeps_its_claim (new, real HTTP; on
     PostgreSQL the second scheduler does not get the lock, so the SQLite run is the sharp one)
  U  i/test_storage::test_a_claim_is_taken_over_when_its_lease_runs_out_unless_renewed
  (notices: an outbox row has no time lease; the right to send it is the leadership, so a
  sender alive without it is the lock-cut row below)
leader's lock connection cut (PostgreSQL)
  C B  f/test_two_schedulers::test_a_leader_whose_lock_connection_is_cut_stops_before_the_next_one_sends
     (every notice once, the old leader stops within 1 s, at most 30 sends in any second of both);
     d/test_outbox::test_a_worker_that_loses_the_lead_stops_sending_and_gives_its_rows_back
two instances on PostgreSQL
  C  f/test_two_schedulers::test_two_instances_post_each_quarter_exactly_once[lock|failover|no_lock];
     e/test_posting::test_two_instances_ticking_at_once_post_once
  R U W  test_two_webhook_instances_on_postgresql_one_killed_half_way (new: real processes,
     a tenth delivered to both, kill -9 half-way); W also by the handled-again tests above
  B  test_two_webhook_instances_send_within_the_bots_budget (new: real processes, 300 replies
     at once, at most 29 in any second of both; 111 without the shared budget);
     d/test_budget; f/test_two_schedulers (cut test); d/test_outbox::test_two_drains_at_once_send_each_row_once
  L  f/test_two_schedulers::test_a_killed_leader_is_replaced_within_seconds_and_health_says_who_leads

The issue's numbered faults:
1 lost answer = ambiguous: the "accepted then dropped" row above.
2 long 429 keeps the lease: e/test_posting::test_a_sender_waiting_out_a_long_429_keeps_its_claim.
3 resume sends the stored parts:
  e/test_posting::test_a_resumed_post_sends_the_stored_parts_of_its_one_rendering,
  ::test_send_again_after_a_lost_answer_sends_the_stored_parts.
4 typed answer used up with its change:
  e/test_one_transaction::test_a_typed_schema_time_is_used_up_only_with_its_change,
  ::test_a_typed_count_correction_is_used_up_only_with_its_change (a reporter's correction).
5 writes claim the key: the W row.
6 N² renders: e/test_posting::test_municipalities_due_together_are_rendered_once_each,
  ::test_one_due_job_per_moment_however_many_municipalities.
7 worker stops without the lead: the lock-cut row.
8 edit keys: e/test_reporting::test_two_edits_in_one_second_both_count,
  ::test_editing_a_typed_answer_into_a_report_adds_no_activity.
9 reply durable: the "killed between commit and reply" row.
10 crash loop: the crash-loop row.
11 one budget: the lock-cut row and the B cell of two instances.
12 leader replaced in seconds, health says who leads: the L cell.

A list sent as a file is read in one transaction (is a list awaited?), fetched from Telegram
outside any, and its step (the awaited state used up with the change) is the second: fault 4
cannot touch it, and it is the one update above one transaction (e/test_one_transaction).

PostgreSQL cells here skip when PostgreSQL does not answer, and fail instead when CI is set.
Loopback only; every wait bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.clock import FrozenClock
from bot.delivery import scheduler as jobs
from bot.delivery.budget import counts as counts_as_message
from bot.delivery.outbox import Pacer, ScaledTime, drain
from bot.render import callbacks
from bot.serve import SECRET_HEADER
from storage import activities
from storage.db import Database
from storage.models import PostStatus
from storage.outbox import SENT, Outgoing, counts, enqueue
from tests.conftest import POSTGRES_URL, REPORTER, Harness, postgres_unavailable
from tests.e2e.test_posting import (  # noqa: F401 (the fixture)
    CHANNEL,
    Q4_DUE,
    _outbox,
    _post,
    _WatchedTime,
    posting,
)
from tests.e2e.test_reporting import _live
from tests.e2e.test_reporting import _setup as _setup_reporting
from tests.faults.conftest import Rig
from tests.faults.fakeapi import FakeBotApi
from tests.faults.runner import (
    TOKEN,
    Reports,
    clean_env,
    confirmations,
    most_in_one_second,
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
        result = await drain(db, bot, Pacer(), FrozenClock(NOW))
        await blocker
        await drain(db, bot, Pacer(), FrozenClock(NOW))  # a second pass sends nothing again
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


@pytest.fixture
async def postgres_examples(tmp_path: Path, fake_api: FakeBotApi) -> AsyncIterator[str]:
    """A scratch PostgreSQL database, migrated by `loftesbot db upgrade`, with the example data.
    Skipped when PostgreSQL does not answer, except in CI, where that fails."""
    name = f"loftesbot_matrix_{uuid.uuid4().hex[:10]}"
    try:
        await asyncio.wait_for(_scratch("create", name), timeout=15)
    except Exception as exc:
        postgres_unavailable(exc)
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


@contextlib.contextmanager
def _two_instances(api: FakeBotApi, url: str, folder: Path) -> Iterator[tuple[Instance, Instance]]:
    """Instances "a" and "b" on one database; their logs' tails are printed when the test
    fails, and both are killed at the end."""
    a = Instance("a", api, url, folder / "a")
    b = Instance("b", api, url, folder / "b")
    try:
        yield a, b
    except BaseException:
        print(f"\n--- a ---\n{a.tail()}\n--- b ---\n{b.tail()}")
        raise
    finally:
        a.close()
        b.close()


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
    db = Database(postgres_examples)
    acknowledged: set[int] = set()
    again: list[int] = []
    with _two_instances(fake_api, postgres_examples, tmp_path) as (a, b):
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
                assert time.monotonic() < deadline, (
                    f"not settled: {state}, {len(answered)} answered"
                )
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
        finally:
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


BURST_REPORTS = 150  # to each instance


async def test_two_webhook_instances_send_within_the_bots_budget(
    postgres_examples: str, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    """Fault 11, the second half: two instances, each with its own limiter, answer a burst of
    reports at once. Each process alone may send 30 a second; together they must stay within
    Telegram's limit for the one bot, so every message is booked in the shared budget
    (`bot.delivery.budget`): at most 29 in any second of both, and every report answered."""
    reports = Reports()
    updates = [
        {"update_id": 8_000 + n, **reports.message(f"{n % 9 + 1} trafikkontroller igår")}
        for n in range(2 * BURST_REPORTS)
    ]
    with _two_instances(fake_api, postgres_examples, tmp_path) as (a, b):
        await asyncio.gather(a.start(), b.start())
        async with httpx.AsyncClient() as client:

            async def deliver(instance: Instance, share: list[dict[str, Any]]) -> None:
                for update in share:
                    assert await instance.post(client, update), "not acknowledged"

            await asyncio.gather(deliver(a, updates[0::2]), deliver(b, updates[1::2]))
        deadline = time.monotonic() + 60
        while len(confirmations(fake_api.delivered())) < len(updates):
            assert time.monotonic() < deadline, "not every report was answered"
            await asyncio.sleep(0.2)
    sent = [c.at for c in fake_api.calls() if c.took_effect and counts_as_message(c.method)]
    most = most_in_one_second(sent)
    span = max(sent) - min(sent)
    print(
        f"\n[budget] {len(sent)} messages from two instances in {span:.1f} s "
        f"({len(sent) / span:.1f}/s); at most {most} in one second"
    )
    assert len(confirmations(fake_api.delivered())) == len(updates)
    assert most <= 30, f"{most} messages in one second: over Telegram's limit for the bot"


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


# --- a typed answer is used up with its change (fault 4, a reporter's correction) ---------------


async def test_a_typed_count_correction_is_used_up_only_with_its_change(harness: Harness) -> None:
    """The reporter presses "change the count" and types 5; the activity's update fails once
    (the database went away mid-transaction). The question still waits and the count is still
    2; the same update handled again (the inbox's retry) sets 5, with no second activity. Were
    the answer used up in a transaction of its own, the retry would read "5" as a new message."""
    await _setup_reporting(harness)
    await harness.send(REPORTER, "2 trafikkontroller idag")
    [activity] = await _live(harness)
    await harness.press(REPORTER, callbacks.encode("cw", activity.id))
    engine = harness.services.db.engine.sync_engine
    failures = [1]

    def fail_once(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if failures[0] and statement.lstrip().upper().startswith("UPDATE ACTIVITIES"):
            failures[0] -= 1
            raise ConnectionError("the database went away")

    event.listen(engine, "before_cursor_execute", fail_once)
    answer = harness.factory.message(REPORTER, "5")
    try:
        await harness.feed(answer)
    finally:
        event.remove(engine, "before_cursor_execute", fail_once)
    assert failures == [0], "the correction never reached the activity"
    assert len(harness.errors) == 1
    harness.errors.clear()
    [unchanged] = await _live(harness)
    assert unchanged.count == 2
    async with harness.services.db.read() as session:
        assert await activities.get_state(session, REPORTER.user_id, harness.services.now())

    await harness.feed(answer)  # handled again
    [changed] = await _live(harness)
    assert (changed.id, changed.count) == (activity.id, 5)
    async with harness.services.db.read() as session:
        assert await activities.get_state(session, REPORTER.user_id, harness.services.now()) is None


# --- lease expired while alive: the channel post over real HTTP ---------------------------------


async def test_a_channel_sender_waiting_out_a_long_429_over_http_keeps_its_claim(
    harness: Harness,
    posting: dict[str, Any],  # noqa: F811 (the fixture imported above)
    fake_api: FakeBotApi,
) -> None:
    """Telegram answers the first channel part with 429 retry_after=180, longer than the post's
    lease. While the live sender waits, another process ticks with the clock past the lease:
    it neither takes the post nor calls it ambiguous; the sender then sends each part once."""
    fake_api.throttle("sendMessage", retry_after=180)
    harness.clock.set(Q4_DUE)
    watched = _WatchedTime(100.0)  # 180 s pass in 1.8 s
    first = jobs.Scheduler(
        harness.services,
        Bot(TOKEN, base_url=f"{fake_api.base_url}/bot"),
        pacer=Pacer(time=watched),
    )
    second = jobs.Scheduler(
        harness.services,
        Bot(TOKEN, base_url=f"{fake_api.base_url}/bot"),
        pacer=Pacer(time=ScaledTime(1000.0)),
    )
    try:
        async with first.bot, second.bot:
            sending = asyncio.create_task(first.tick())
            await asyncio.wait_for(watched.long_wait.wait(), 10)  # waiting out the 429
            harness.clock.advance(timedelta(minutes=3))
            meanwhile = await second.tick()
            assert [p.outcome for p in meanwhile.posts] in ([], ["busy"])
            async with asyncio.timeout(30):
                done = await sending
            assert [p.outcome for p in done.posts] == ["sent"]
    finally:
        for scheduler in (first, second):
            assert scheduler.leadership is not None
            await scheduler.leadership.release()
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.SENT
    assert await _outbox(harness, "post:%:ambiguous:%") == []
    in_channel = [
        c
        for method in ("sendMessage", "sendPhoto")
        for c in fake_api.delivered(method)
        if c.chat_id == CHANNEL
    ]
    assert all(n == 1 for n in Counter(c.text for c in in_channel).values())
    assert len(in_channel) == len(post.message_ids) == post.parts
