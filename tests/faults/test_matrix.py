"""The fault matrix of issue 15: the cells the other fault tests leave open, and the map of all.

(The audit table is filled in below; see "Cells".)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.delivery import scheduler as jobs
from bot.delivery.outbox import Pacer, ScaledTime, drain
from storage.db import Database
from storage.models import PostStatus
from storage.outbox import SENT, Outgoing, counts, enqueue
from tests.conftest import Harness
from tests.e2e.test_posting import (  # noqa: F401 (the fixture)
    CHANNEL,
    Q4_DUE,
    _outbox,
    _post,
    posting,
)
from tests.faults.fakeapi import FakeBotApi
from tests.faults.runner import TOKEN

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
