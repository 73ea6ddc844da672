"""The inbox processor through the real application: stored updates are processed once, a
failing update is retried and then given up without blocking the rest, and what a stopped
process left unfinished goes first at start-up."""

from __future__ import annotations

import asyncio
import os
import socket
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from telegram import Update
from telegram.error import TimedOut
from telegram.ext import MessageHandler, filters

from bot.console.updates import Person
from bot.context import BotContext, update_key
from bot.inbox import MAX_ATTEMPTS, InboxProcessor, key_of, parse, purge_old
from bot.render import texts
from storage import inbox
from storage.models import InboxUpdate
from tests.conftest import CITIZEN, CITIZEN_EN, REPORTER, Harness, replies
from tests.e2e.test_reporting import _mine, _setup

DEAD_PID = 99_999_999  # above any pid_max: no such process


def processor(h: Harness, **kwargs: Any) -> InboxProcessor:
    kwargs.setdefault("worker", "test-worker")
    return InboxProcessor(h.app, clock=h.clock, **kwargs)


async def store(h: Harness, *payloads: dict[str, Any]) -> int:
    async with h.services.db.transaction() as session:
        return await inbox.store(
            session, [(key_of(p), p["update_id"], p) for p in payloads], h.clock.now()
        )


async def rows(h: Harness) -> list[InboxUpdate]:
    async with h.services.db.read() as session:
        return list(await session.scalars(select(InboxUpdate).order_by(InboxUpdate.id)))


def test_the_key_of_a_raw_update_is_the_handlers_key(harness: Harness) -> None:
    f = harness.factory
    message = f.message(REPORTER, "3 trafikkontroller idag")
    channel_post: dict[str, Any] = {
        "update_id": 90,
        "channel_post": {
            "message_id": 5,
            "date": 1_700_000_000,
            "chat": {"id": -100123, "type": "channel", "title": "Kanal"},
            "text": "Hur går det?",
        },
    }
    edited_post: dict[str, Any] = {
        "update_id": 91,
        "edited_channel_post": dict(channel_post["channel_post"]),
    }
    edited_post["edited_channel_post"]["edit_date"] = 1_700_000_060
    member = {
        "update_id": 92,
        "my_chat_member": {
            "chat": {"id": 5, "type": "private", "first_name": "Kim"},
            "from": {"id": 5, "is_bot": False, "first_name": "Kim"},
            "date": 1_700_000_000,
            "old_chat_member": {
                "status": "member",
                "user": {"id": 1, "is_bot": True, "first_name": "B"},
            },
            "new_chat_member": {
                "status": "kicked",
                "user": {"id": 1, "is_bot": True, "first_name": "B"},
                "until_date": 0,
            },
        },
    }
    payloads = [
        message,
        f.edited(message, "4 trafikkontroller idag"),
        f.callback(REPORTER, "help"),
        channel_post,
        edited_post,
        member,
    ]
    keys = [key_of(p) for p in payloads]
    assert keys == [update_key(f.to_update(p)) for p in payloads]
    assert keys[0] == f"msg:{REPORTER.user_id}:{message['message']['message_id']}"
    assert keys[1].startswith("ed:") and keys[4].startswith("ed:")
    assert len(set(keys)) == len(keys)  # an edited post is not its post
    assert keys[5] == "upd:92"
    assert parse(message) == (keys[0], message["update_id"])
    bad: Any
    for bad in ([], {"message": {}}, {"update_id": "1"}, {"update_id": True}):
        with pytest.raises(ValueError):
            parse(bad)


async def test_a_stored_report_is_processed_into_one_activity(harness: Harness) -> None:
    await _setup(harness)
    message = harness.factory.message(REPORTER, "3 trafikkontroller E45 igår")
    assert await store(harness, message) == 1
    assert await store(harness, message) == 0  # delivered twice: stored once
    assert harness.transport.sent() == []  # nothing happens before processing
    worker = processor(harness)
    assert await worker.drain() == 1
    assert len(await _mine(harness)) == 1
    [reply] = replies(harness.transport.sent())
    assert reply.startswith("✅ Sparat: <b>trafikkontroller</b> · 3 st")
    [row] = await rows(harness)
    assert (row.done_at, row.attempts, row.error) == (harness.clock.now(), 1, None)
    assert worker.totals.done == 1
    assert await worker.drain() == 0


async def test_processing_again_after_a_crash_changes_nothing(harness: Harness) -> None:
    """The handler's transaction claimed the update's key: if the process died before the
    inbox row was marked done, the second run neither saves nor answers again."""
    await _setup(harness)
    await store(harness, harness.factory.message(REPORTER, "skolbesök Sveg skola idag"))
    await processor(harness).drain()
    async with harness.services.db.transaction() as session:
        await session.execute(update(InboxUpdate).values(done_at=None, claimed_at=None))
    harness.transport.clear()
    assert await processor(harness).drain() == 1
    assert harness.transport.sent() == []
    assert len(await _mine(harness)) == 1
    [row] = await rows(harness)
    assert (row.attempts, row.done_at) == (2, harness.clock.now())


def _boom_handler(h: Harness, failures: int | None) -> list[int]:
    """Messages starting with 💥 raise in a handler: `failures` times, or always (None)."""
    calls: list[int] = []

    async def boom(update: Update, context: BotContext) -> None:
        calls.append(update.update_id)
        if failures is None or len(calls) <= failures:
            raise RuntimeError("boom")

    h.app.add_handler(MessageHandler(filters.Regex("^💥"), boom), group=-1)
    return calls


async def test_a_failing_update_is_retried_then_given_up_without_blocking_the_rest(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    calls = _boom_handler(harness, failures=None)
    f = harness.factory
    poison = f.message(CITIZEN, "💥 hemligt innehåll")
    await store(harness, poison, f.message(CITIZEN_EN, "/hjalp"), f.message(REPORTER, "/hjalp"))
    worker = processor(harness, max_attempts=3)
    assert await worker.drain() == 3  # the poison waits for its retry; the others are done
    chats = [c.chat_id for c in harness.transport.sent()]
    assert chats == [CITIZEN.user_id, CITIZEN.user_id, CITIZEN_EN.user_id, REPORTER.user_id]
    state = {r.update_id: r for r in await rows(harness)}
    first = state[poison["update_id"]]
    assert (first.done_at, first.claimed_by, first.attempts) == (None, None, 1)
    assert first.error is not None and first.error.startswith("RuntimeError")
    assert all(r.done_at is not None for r in state.values() if r is not first)

    assert await worker.drain() == 0  # not before its time
    harness.clock.advance(timedelta(seconds=5))
    harness.transport.clear()
    assert await worker.drain() == 1
    harness.clock.advance(timedelta(seconds=30))
    assert await worker.drain() == 1
    assert await worker.drain() == 0
    assert calls == [poison["update_id"]] * 3
    # The person was told once, at the first failure, not at every retry.
    error_text = texts.error_reply("sv")
    assert error_text not in replies(harness.transport.sent())
    [given_up] = [r for r in await rows(harness) if r.update_id == poison["update_id"]]
    assert (given_up.attempts, given_up.done_at) == (3, harness.clock.now())
    assert given_up.error is not None and "boom" in given_up.error
    assert (worker.totals.done, worker.totals.retried, worker.totals.failed) == (2, 2, 1)
    assert "gave up on update" in caplog.text
    assert "hemligt" not in caplog.text  # never the message body
    harness.errors.clear()  # the errors were the point


async def test_a_passing_failure_is_retried_and_done(harness: Harness) -> None:
    calls = _boom_handler(harness, failures=1)
    await store(harness, harness.factory.message(CITIZEN, "💥 /hjalp"))
    worker = processor(harness, retry_delays=[timedelta(0)])
    assert await worker.drain() == 2
    assert len(calls) == 2
    [row] = await rows(harness)
    assert (row.attempts, row.error) == (2, None)
    assert row.done_at is not None
    said = replies(harness.transport.sent())
    assert said.count(texts.error_reply("sv")) == 1
    assert len(said) == 3  # the apology once, and the fallback answer on each run
    harness.errors.clear()


async def test_a_permanent_telegram_error_is_not_retried(harness: Harness) -> None:
    harness.transport.fail_next("sendMessage", 403)
    await store(harness, harness.factory.message(CITIZEN, "/hjalp"))
    worker = processor(harness)
    assert await worker.drain() == 1
    [row] = await rows(harness)
    assert row.done_at is not None
    assert row.error is not None and row.error.startswith("Forbidden")
    assert worker.totals.failed == 1
    harness.errors.clear()


async def test_unfinished_updates_go_first_at_start_up(harness: Harness) -> None:
    f = harness.factory
    people = [Person(300_000 + n, f"P{n}", "sv") for n in range(4)]
    await store(harness, *(f.message(p, "/hjalp") for p in people[:3]))
    dead = f"{socket.gethostname()}:{DEAD_PID}"
    async with harness.services.db.transaction() as session:
        # A process that died while handling the first two (within their lease).
        await inbox.claim(session, dead, harness.clock.now(), limit=2)
    # And a row that crashed the process every time: given up, not tried again.
    crash = f.message(people[0], "/start")
    await store(harness, crash)
    async with harness.services.db.transaction() as session:
        await session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.update_id == crash["update_id"])
            .values(claimed_by=dead, claimed_at=harness.clock.now(), attempts=5)
        )
    worker = processor(harness, worker=f"{socket.gethostname()}:{os.getpid()}")
    worker.start()
    await store(harness, f.message(people[3], "/hjalp"))
    worker.wake()
    try:
        for _ in range(200):
            if len(harness.transport.sent()) >= 4:
                break
            await asyncio.sleep(0.02)
    finally:
        await worker.stop()
    assert [c.chat_id for c in harness.transport.sent()] == [p.user_id for p in people]
    state = await rows(harness)
    assert all(r.done_at is not None for r in state)
    [crashed] = [r for r in state if r.update_id == crash["update_id"]]
    assert crashed.error is not None and "stopped while handling" in crashed.error


async def test_a_crash_loop_charges_only_the_update_in_hand(harness: Harness) -> None:
    """A process that dies again and again right after claiming a batch: only the row it was
    handling counts the attempts; the other rows of its batches are handled and answered."""
    f = harness.factory
    people = [Person(310_000 + n, f"Q{n}", "sv") for n in range(4)]
    await store(harness, *(f.message(p, "/hjalp") for p in people))
    dead = f"{socket.gethostname()}:{DEAD_PID}"
    for _ in range(MAX_ATTEMPTS + 1):
        async with harness.services.db.transaction() as session:
            assert len(await inbox.claim(session, dead, harness.clock.now(), limit=8)) == 4
        assert await processor(harness, worker=dead).recover() == 4
    worker = processor(harness)
    assert await worker.drain() == 4
    first, *others = await rows(harness)
    assert first.error is not None and "stopped while handling" in first.error
    assert [(r.attempts, r.error) for r in others] == [(1, None)] * 3
    assert [c.chat_id for c in harness.transport.sent()] == [p.user_id for p in people[1:]]


async def test_a_live_claim_of_another_instance_is_left_alone(
    harness: Harness, backend: str
) -> None:
    await store(harness, harness.factory.message(CITIZEN, "/hjalp"))
    async with harness.services.db.transaction() as session:
        await inbox.claim(session, "other-host:1", harness.clock.now())
    worker = processor(harness)
    assert await worker.recover() == (1 if backend == "sqlite" else 0)
    assert await worker.drain() == (1 if backend == "sqlite" else 0)


async def test_stopping_gives_unstarted_claims_back(harness: Harness) -> None:
    """Stop while a batch is in hand: the row being handled finishes, the rest go back."""
    f = harness.factory
    gate = asyncio.Event()
    started = asyncio.Event()

    async def slow(update: Update, context: BotContext) -> None:
        started.set()
        await gate.wait()

    harness.app.add_handler(MessageHandler(filters.Regex("^långsam"), slow), group=-1)
    await store(harness, f.message(CITIZEN, "långsam"), f.message(CITIZEN_EN, "/hjalp"))
    worker = processor(harness)
    worker.start()
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(worker.stop())
    await asyncio.sleep(0.05)
    gate.set()
    await asyncio.wait_for(stopping, 5)
    first, second = await rows(harness)
    assert first.done_at is not None
    assert (second.done_at, second.claimed_by, second.attempts) == (None, None, 0)


async def test_old_rows_are_purged(harness: Harness) -> None:
    await store(harness, harness.factory.message(CITIZEN, "/hjalp"))
    await processor(harness).drain()
    db = harness.services.db
    assert await purge_old(db, harness.clock.now() + timedelta(days=6)) == 0
    assert await purge_old(db, harness.clock.now() + timedelta(days=8)) == 1
    assert await rows(harness) == []


async def test_a_confirmation_telegram_refused_is_sent_on_the_retry(harness: Harness) -> None:
    """The report was saved but the reply failed: the person is not asked to send it again
    (that would store it twice); the retry finds it saved and sends the confirmation."""
    await _setup(harness)
    await store(harness, harness.factory.message(REPORTER, "3 trafikkontroller E45 igår"))
    harness.transport.fail_next("sendMessage", 500)
    worker = processor(harness, retry_delays=[timedelta(0)])
    assert await worker.drain() == 2
    said = replies(harness.transport.sent())
    assert texts.error_reply("sv") not in said
    assert [r for r in said if r.startswith("✅ Sparat")] != []
    assert len(await _mine(harness)) == 1
    [row] = await rows(harness)
    assert (row.attempts, row.error) == (2, None)
    harness.errors.clear()  # the refused reply was the point


async def test_a_reply_lost_to_a_kill_after_the_commit_is_sent_once_by_the_next_run(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process stops between the commit and the reply: the report is saved, its reply was
    recorded with it, and the next run sends that reply (once) instead of staying silent."""
    await _setup(harness)
    await store(harness, harness.factory.message(REPORTER, "3 trafikkontroller E45 igår"))
    transport = harness.transport
    request = transport.do_request

    async def stopped(url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage"):
            raise asyncio.CancelledError  # the process goes down as the reply is sent
        return await request(url, *args, **kwargs)

    monkeypatch.setattr(transport, "do_request", stopped)
    with pytest.raises(asyncio.CancelledError):
        await processor(harness, worker=f"{socket.gethostname()}:{DEAD_PID}").drain()
    monkeypatch.setattr(transport, "do_request", request)
    assert len(await _mine(harness)) == 1
    assert transport.sent("sendMessage") == []
    restarted = processor(harness, worker="restarted")
    assert await restarted.recover() == 1  # at start-up: the dead process's claim goes back
    assert await restarted.drain() == 1
    [reply] = replies(transport.sent())
    assert reply.startswith("✅ Sparat: <b>trafikkontroller</b> · 3 st")
    # Done now, and the reply is marked sent: a further run says nothing.
    async with harness.services.db.transaction() as session:
        await session.execute(update(InboxUpdate).values(done_at=None, claimed_at=None))
    transport.clear()
    assert await processor(harness).drain() == 1
    assert transport.sent() == []
    assert len(await _mine(harness)) == 1


async def test_a_reply_whose_send_timed_out_is_not_sent_again(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram took the reply but answered after the timeout: the retry does not send it
    again (one confirmation too few beats two)."""
    await _setup(harness)
    await store(harness, harness.factory.message(REPORTER, "3 trafikkontroller E45 igår"))
    transport = harness.transport
    request = transport.do_request

    timeouts = [TimedOut()]

    async def late(url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        answer = await request(url, *args, **kwargs)
        if url.endswith("/sendMessage") and timeouts:
            raise timeouts.pop()  # taken, but the answer came too late
        return answer

    monkeypatch.setattr(transport, "do_request", late)
    assert await processor(harness, retry_delays=[timedelta(0)]).drain() == 2  # and the retry
    assert len([r for r in replies(transport.sent()) if r.startswith("✅ Sparat")]) == 1
    assert len(await _mine(harness)) == 1
    harness.errors.clear()  # the late answer was the point


async def test_a_redelivered_report_stays_silent(harness: Harness) -> None:
    """A second delivery of a handled message (not a retry) answers nothing."""
    await _setup(harness)
    message = harness.factory.message(REPORTER, "3 trafikkontroller E45 igår")
    await harness.feed(message)
    harness.transport.clear()
    await harness.feed(dict(message, update_id=message["update_id"] + 1000))
    assert harness.transport.sent() == []
    assert len(await _mine(harness)) == 1
