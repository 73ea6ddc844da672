"""The paced sender: pacing against an in-process Bot API that enforces Telegram's limits, on a
scaled clock (minutes of simulated sending take a second or two), and the outbox drain on both
database backends.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import httpx
import pytest
import telegram
from sqlalchemy import select, update
from telegram.error import RetryAfter, TimedOut
from telegram.request import RequestData

from bot.app import OFFLINE_TOKEN
from bot.clock import FrozenClock
from bot.console.limits import LimitedTransport, TimedCall
from bot.delivery.outbox import (
    Limits,
    OutboxWorker,
    Pacer,
    ScaledTime,
    drain,
    retry_after_seconds,
)
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox import (
    AMBIGUOUS,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    Outgoing,
    counts,
    enqueue,
    recover,
)

# RetryAfter reads its own `retry_after` when built, which warns in PTB 22 unless PTB_TIMEDELTA
# is set; the sender copes with both forms (see test_retry_after_seconds_takes_both_forms).
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
FIRST_CHAT = 700_000
# Simulated seconds per real second. The database work of a send must fit in 1/(25 × factor)
# real seconds, so the database tests keep this moderate; the pure pacing tests go faster.
DB_FACTOR = 15.0
FAST_FACTOR = 10.0
SLACK = 3.0  # simulated seconds of scheduling lag allowed in a paced window


WALL = FrozenClock(NOW)  # the dates written; pacing runs on the TimeSource


@pytest.fixture
async def make_bot() -> AsyncIterator[Callable[[LimitedTransport], Any]]:
    bots: list[telegram.Bot] = []

    async def make(transport: LimitedTransport) -> telegram.Bot:
        bot = telegram.Bot(token=OFFLINE_TOKEN, request=transport)
        await bot.initialize()
        transport.clear()
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        await bot.shutdown()


async def queue(
    db: Database,
    count: int,
    *,
    first: int = 0,
    chat: Callable[[int], int] = lambda n: FIRST_CHAT + n,
    buttons: Sequence[tuple[str, str]] = (),
) -> list[int]:
    messages = [
        Outgoing(f"test-{n}", chat(n), f"Hej <b>nummer {n}</b>", buttons)
        for n in range(first, first + count)
    ]
    async with db.transaction() as session:
        await enqueue(session, messages, NOW)
    return [m.chat_id for m in messages]


async def statuses(db: Database) -> dict[str, int]:
    async with db.read() as session:
        return await counts(session)


async def row_for(db: Database, chat_id: int) -> OutboxMessage:
    async with db.read() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id))
    assert row is not None
    return row


def chats_of(calls: Sequence[TimedCall]) -> Counter[int | str | None]:
    return Counter(c.chat_id for c in calls)


def most_in_window(times: Sequence[float], window: float) -> int:
    """The most sends found in any half-open window of `window` seconds."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


# --- the pacer on its own ---------------------------------------------------------------------


async def paced_sends(bot: telegram.Bot, pacer: Pacer, chats: Sequence[int | str]) -> list[float]:
    """Send to `chats` all at once through the pacer; the times the pacer let each one go."""
    released: list[float] = []

    async def one(chat_id: int | str) -> None:
        await pacer.wait(chat_id)
        released.append(pacer.time.monotonic())
        await bot.send_message(chat_id, "hej")

    await asyncio.gather(*(one(c) for c in chats))
    return released


async def test_pacer_spaces_sends_evenly_at_25_per_second(make_bot) -> None:
    clock = ScaledTime(FAST_FACTOR)
    transport = LimitedTransport(time=clock)
    bot = await make_bot(transport)
    pacer = Pacer(time=clock)

    released = await paced_sends(bot, pacer, [FIRST_CHAT + n for n in range(150)])

    assert transport.too_many_requests == 0
    assert len(transport.accepted) == 150
    # Never more than 25 in a second (the times are taken a hair after the pacer counted them),
    # never faster than 25/s on the whole, and never in bursts, not even when catching up after
    # the event loop stalled (which the scaled clock magnifies). How close to 25/s it comes is a
    # benchmark figure, not a test.
    assert most_in_window(released, 0.9) <= 25  # a little room for the clock's jitter
    assert max(released) - min(released) >= 149 / 25 * 0.99


async def test_pacer_keeps_one_second_between_messages_to_one_private_chat(make_bot) -> None:
    clock = ScaledTime(FAST_FACTOR)
    transport = LimitedTransport(time=clock)
    bot = await make_bot(transport)
    pacer = Pacer(time=clock)
    busy, others = FIRST_CHAT, [FIRST_CHAT + n for n in range(1, 40)]

    # Five messages to one person, queued together with others.
    await paced_sends(bot, pacer, [busy] * 5 + others)

    assert transport.too_many_requests == 0
    times = [c.at for c in transport.sends_to(busy)]
    assert len(times) == 5
    assert all(b - a >= 1.0 for a, b in pairwise(times))
    # The others were not held up behind the busy chat.
    assert max(c.at for c in transport.accepted if c.chat_id != busy) < times[-1]


async def test_pacer_sends_at_most_18_a_minute_into_a_group_or_channel(make_bot) -> None:
    # Real time scaled 100 times: a minute is 0.6 s. The transport notes a send when it
    # arrives, a little after the pacer let it go; on a busy machine that lag differs from send
    # to send, so the windows are checked with SLACK (3 simulated seconds, 30 ms of real time).
    clock = ScaledTime(100.0)
    transport = LimitedTransport(time=clock)
    bot = await make_bot(transport)
    pacer = Pacer(time=clock)
    group, channel = -1001234567890, "@loftesbotenkanal"

    await paced_sends(bot, pacer, [group] * 25 + [channel] * 20 + [str(group)] * 2)

    assert transport.too_many_requests == 0
    for chat in (group, "@loftesbotenkanal"):
        times = sorted(c.at for c in transport.sends_to(chat))
        assert most_in_window(times, 60.0 - SLACK) == 18
        # The 19th waits for the first to leave the 60 s window.
        assert times[18] - times[0] >= 60.0 - SLACK
    assert len(transport.sends_to(group)) == 27


async def test_pause_holds_every_waiter_also_those_already_waiting() -> None:
    clock = ScaledTime(FAST_FACTOR)
    pacer = Pacer(time=clock)
    started = clock.monotonic()
    returned: list[float] = []

    async def one(chat_id: int) -> None:
        await pacer.wait(chat_id)
        returned.append(clock.monotonic())

    waiters = [asyncio.create_task(one(FIRST_CHAT + n)) for n in range(10)]
    await asyncio.sleep(0)  # the first went at once; the others have booked their slots
    pacer.pause(3.0)
    await asyncio.gather(*waiters)

    first, *held = sorted(returned)
    assert first < started + 1.0
    assert len(held) == 9
    assert min(held) >= started + 3.0


async def test_pacer_forgets_chats_it_no_longer_needs() -> None:
    clock = ScaledTime(FAST_FACTOR)
    pacer = Pacer(time=clock)
    for n in range(100):
        await pacer.wait(FIRST_CHAT + n)
    await clock.sleep(1.5)
    await pacer.wait(-100)
    await clock.sleep(1.5)
    await pacer.wait(FIRST_CHAT)
    # The group is remembered for its minute, the last private chat for its second.
    assert pacer.remembered_chats <= 3


def test_retry_after_seconds_takes_both_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    assert retry_after_seconds(RetryAfter(7)) == 7.0
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    assert retry_after_seconds(RetryAfter(7)) == 7.0


# --- draining the outbox ----------------------------------------------------------------------


async def test_broadcast_sends_every_row_once_within_the_limits(db, make_bot) -> None:
    chats = await queue(db, 1000)
    clock = ScaledTime(DB_FACTOR)
    transport = LimitedTransport(time=clock)
    bot = await make_bot(transport)

    result = await drain(db, bot, Pacer(time=clock), WALL)

    assert result.sent == 1000
    assert (result.failed, result.ambiguous, result.retry_after_hits) == (0, 0, 0)
    assert transport.too_many_requests == 0
    assert chats_of(transport.accepted) == Counter(chats)
    # Never faster than the budget; how close it comes is a figure of `python -m bench`.
    assert result.sent / result.elapsed <= 25 * 1.01
    assert await statuses(db) == {SENT: 1000}
    row = await row_for(db, chats[-1])
    assert row.message_id is not None
    assert row.sent_at == NOW
    assert row.attempts == 1


async def test_messages_go_out_as_html_without_link_preview_and_with_link_buttons(
    db, make_bot
) -> None:
    await queue(db, 1, buttons=[("Läs mer", "https://example.org/lofte")])
    await queue(db, 1, first=1)
    clock = ScaledTime(DB_FACTOR)
    transport = LimitedTransport(time=clock)
    bot = await make_bot(transport)

    await drain(db, bot, Pacer(time=clock), WALL)

    with_button, plain = (c.call for c in transport.accepted)
    assert with_button.text == "Hej <b>nummer 0</b>"
    assert with_button.params["parse_mode"] == "HTML"
    preview = with_button.params["link_preview_options"]
    preview = json.loads(preview) if isinstance(preview, str) else preview
    assert preview["is_disabled"] is True
    assert with_button.buttons == [[{"text": "Läs mer", "url": "https://example.org/lofte"}]]
    assert plain.buttons == []


async def test_a_429_pauses_all_sending_and_nothing_is_lost(db, make_bot) -> None:
    chats = await queue(db, 500)
    clock = ScaledTime(DB_FACTOR)
    transport = LimitedTransport(time=clock)
    transport.inject_retry_after(at_send=300, seconds=5)
    bot = await make_bot(transport)

    result = await drain(db, bot, Pacer(time=clock), WALL)

    assert result.retry_after_hits == 1
    assert transport.too_many_requests == 1
    assert result.sent == 500
    assert chats_of(transport.accepted) == Counter(chats)
    (refused,) = transport.rejections
    assert refused.retry_after == 5
    inside = [c for c in transport.accepted if refused.at <= c.at < refused.at + 5]
    assert inside == []
    # The refused message went out after the pause, and its row counts both attempts.
    assert refused.chat_id in {c.chat_id for c in transport.accepted if c.at >= refused.at + 5}
    assert isinstance(refused.chat_id, int)
    assert (await row_for(db, refused.chat_id)).attempts == 2
    assert await statuses(db) == {SENT: 500}


async def test_two_drains_at_once_send_each_row_once(db, make_bot) -> None:
    chats = await queue(db, 300)
    clock = ScaledTime(DB_FACTOR)
    transport = LimitedTransport(time=clock)
    bot = await make_bot(transport)
    # Two instances, each with its own pacer at half the budget.
    half = Limits(per_second=12.0)

    first, second = await asyncio.gather(
        drain(db, bot, Pacer(half, clock), WALL, batch=50),
        drain(db, bot, Pacer(half, clock), WALL, batch=50),
    )

    assert first.sent + second.sent == 300
    assert chats_of(transport.accepted) == Counter(chats)
    assert await statuses(db) == {SENT: 300}


async def test_recover_marks_rows_left_sending_ambiguous_and_they_are_not_sent(
    db, make_bot
) -> None:
    chats = await queue(db, 5)
    crashed = chats[2]
    async with db.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == crashed)
            .values(status=SENDING, attempts=1)
        )
    clock = ScaledTime(DB_FACTOR)
    transport = LimitedTransport(time=clock)
    bot = await make_bot(transport)

    assert await recover(db, NOW) == 1
    result = await drain(db, bot, Pacer(time=clock), WALL)

    assert result.sent == 4
    assert crashed not in chats_of(transport.accepted)
    row = await row_for(db, crashed)
    assert row.status == AMBIGUOUS
    assert row.error is not None
    assert "Telegram kan ha tagit emot" in row.error
    assert await recover(db, NOW) == 0


async def test_refusals_fail_their_row_and_the_others_go_out(db, make_bot) -> None:
    chats = await queue(db, 20)
    blocked, gone = chats[3], chats[11]
    clock = ScaledTime(DB_FACTOR)
    transport = LimitedTransport(time=clock)
    transport.refuse(blocked, 403, "Forbidden: bot was blocked by the user")
    transport.refuse(gone, 400, "Bad Request: chat not found")
    bot = await make_bot(transport)

    result = await drain(db, bot, Pacer(time=clock), WALL)

    assert (result.sent, result.failed) == (18, 2)
    assert set(chats_of(transport.accepted)) == set(chats) - {blocked, gone}
    assert await statuses(db) == {SENT: 18, FAILED: 2}
    for chat_id, reason in ((blocked, "blocked by the user"), (gone, "chat not found")):
        row = await row_for(db, chat_id)
        assert row.error is not None
        assert reason in row.error.lower()
        assert "nummer" not in row.error  # never the message itself
        assert row.attempts == 1


async def test_sends_that_never_left_are_retried_with_growing_pauses(db, make_bot) -> None:
    chats = await queue(db, 3)
    flaky = chats[1]
    clock = ScaledTime(DB_FACTOR)
    transport = LimitedTransport(time=clock)
    transport.cut(flaky, after_sending=False, times=2)  # no connection could be made
    bot = await make_bot(transport)

    result = await drain(db, bot, Pacer(time=clock), WALL)

    assert result.sent == 3
    refusals = [r.at for r in transport.rejections]
    (sent,) = transport.sends_to(flaky)
    # Back-off: 1 s after the first error, 2 s after the second.
    assert refusals[1] - refusals[0] >= 1.0
    assert sent.at - refusals[1] >= 2.0
    row = await row_for(db, flaky)
    assert (row.status, row.attempts, row.error) == (SENT, 3, None)


async def test_a_row_that_never_gets_a_connection_fails_after_ten_attempts(db, make_bot) -> None:
    (chat,) = await queue(db, 1)
    async with db.transaction() as session:  # nine attempts already made before a restart
        await session.execute(update(OutboxMessage).values(attempts=9))
    clock = ScaledTime(FAST_FACTOR)
    transport = LimitedTransport(time=clock)
    transport.cut(chat, after_sending=False, times=5)
    bot = await make_bot(transport)

    result = await drain(db, bot, Pacer(time=clock), WALL)

    assert (result.sent, result.failed) == (0, 1)
    row = await row_for(db, chat)
    assert (row.status, row.attempts) == (FAILED, 10)


@pytest.mark.parametrize(
    "fault", ["500 Internal Server Error", "502 Bad Gateway", "accepted, then connection dropped"]
)
async def test_a_send_whose_answer_was_lost_is_ambiguous_and_never_sent_twice(
    db, make_bot, fault: str
) -> None:
    """At most once for notices: Telegram may have the message, so it is not sent again."""
    chats = await queue(db, 4)
    unsure = chats[2]
    clock = ScaledTime(DB_FACTOR)
    transport = LimitedTransport(time=clock)
    if fault.startswith("accepted"):
        transport.cut(unsure, after_sending=True)
    else:
        status, _, description = fault.partition(" ")
        transport.refuse(unsure, int(status), description, times=1)
    bot = await make_bot(transport)

    result = await drain(db, bot, Pacer(time=clock), WALL)

    assert (result.sent, result.failed, result.ambiguous) == (3, 0, 1)
    assert await statuses(db) == {SENT: 3, AMBIGUOUS: 1}
    row = await row_for(db, unsure)
    assert row.attempts == 1
    assert row.error is not None
    assert "kan ha kommit fram" in row.error
    assert "nummer" not in row.error  # never the message itself
    # Asked once; with the dropped connection it did arrive, and only once.
    asked = [r for r in transport.rejections if r.chat_id == unsure]
    assert len(asked) + len(transport.sends_to(unsure)) == 1
    assert len(transport.sends_to(unsure)) == (1 if fault.startswith("accepted") else 0)
    assert set(chats_of(transport.accepted)) == set(chats) - (
        set() if fault.startswith("accepted") else {unsure}
    )


class TimingOutTransport(LimitedTransport):
    """Times out every send to `read_timeout_chat` (the request reached Telegram, the answer
    did not come back) and the first send to `pool_timeout_chat` (it never left)."""

    read_timeout_chat: int = 0
    pool_timeout_chat: int = 0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *a: Any, **k: Any
    ) -> tuple[int, bytes]:
        chat = request_data.parameters.get("chat_id") if request_data is not None else None
        if chat == self.read_timeout_chat:
            raise TimedOut("Timed out") from httpx.ReadTimeout("read")
        if chat == self.pool_timeout_chat:
            self.pool_timeout_chat = 0
            raise TimedOut("Pool timeout") from httpx.PoolTimeout("pool")
        return await super().do_request(url, method, request_data, *a, **k)


async def test_a_timed_out_send_is_ambiguous_and_not_repeated(db, make_bot) -> None:
    chats = await queue(db, 4)
    clock = ScaledTime(DB_FACTOR)
    transport = TimingOutTransport(time=clock)
    transport.read_timeout_chat = chats[0]
    transport.pool_timeout_chat = chats[1]
    bot = await make_bot(transport)

    result = await drain(db, bot, Pacer(time=clock), WALL)

    assert (result.sent, result.ambiguous) == (3, 1)
    assert await statuses(db) == {SENT: 3, AMBIGUOUS: 1}
    assert (await row_for(db, chats[0])).attempts == 1
    # A send that never left its connection pool is simply tried again.
    assert len(transport.sends_to(chats[1])) == 1
    assert (await row_for(db, chats[1])).attempts == 2


async def test_sending_resumes_where_it_stopped(db, make_bot) -> None:
    chats = await queue(db, 120)
    clock = ScaledTime(DB_FACTOR)
    transport = LimitedTransport(time=clock)
    bot = await make_bot(transport)

    first = await drain(db, bot, Pacer(time=clock), WALL, limit=50)
    assert first.sent == 50
    assert await statuses(db) == {SENT: 50, PENDING: 70}
    assert set(chats_of(transport.accepted)) == set(chats[:50])  # the first 50 in the queue

    # A new process: a new pacer (and the same Bot API, which remembers what it was sent).
    second = await drain(db, bot, Pacer(time=clock), WALL)

    assert second.sent == 70
    assert chats_of(transport.accepted) == Counter(chats)
    assert transport.too_many_requests == 0
    assert await statuses(db) == {SENT: 120}


async def test_the_worker_drains_at_start_and_when_woken(db, make_bot) -> None:
    chats = await queue(db, 10)
    clock = ScaledTime(FAST_FACTOR)
    transport = LimitedTransport(time=clock)
    bot = await make_bot(transport)
    worker = OutboxWorker(db, WALL, time=clock, idle_seconds=3600)

    async def sent() -> int:
        return (await statuses(db)).get(SENT, 0)

    async def until(count: int) -> None:
        for _ in range(500):
            if await sent() >= count:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"only {await sent()} of {count} sent")

    worker.start(bot)
    try:
        await until(10)
        more = await queue(db, 5, first=10)
        worker.wake()
        await until(15)
    finally:
        await worker.stop()

    assert not worker.running
    assert chats_of(transport.accepted) == Counter(chats + more)
    assert worker.totals.sent == 15


class Lease:
    """A lease that is lost once `sends` messages have been accepted."""

    def __init__(self, transport: LimitedTransport, sends: int) -> None:
        self.transport = transport
        self.sends = sends
        self.asked = 0

    async def holds(self) -> bool:
        self.asked += 1
        return len(self.transport.accepted) < self.sends


async def test_a_worker_that_loses_the_lead_stops_sending_and_gives_its_rows_back(
    db, make_bot
) -> None:
    chats = await queue(db, 40)
    clock = ScaledTime(FAST_FACTOR)
    transport = LimitedTransport(time=clock)
    bot = await make_bot(transport)
    lease = Lease(transport, 10)
    worker = OutboxWorker(db, WALL, time=clock, idle_seconds=3600, lease=lease)

    worker.start(bot)
    try:
        for _ in range(500):
            if not worker.running:
                break
            await asyncio.sleep(0.01)
        assert not worker.running, "the worker kept running without the lead"
        sent = len(transport.accepted)
        await asyncio.sleep(0.2)
        assert len(transport.accepted) == sent  # nothing more once it stopped
    finally:
        await worker.stop()

    # Each send asked first; the sends already past the check may finish (at most `concurrency`).
    assert lease.asked >= sent
    assert 10 <= sent <= 10 + worker.concurrency
    by_status = await statuses(db)
    assert by_status == {SENT: sent, PENDING: 40 - sent}  # given back, not ambiguous
    assert set(chats_of(transport.accepted)) <= set(chats)
