"""The channel post over real HTTP, against the fake Bot API's faults.

For each fault on the first channel message, the channel holds each part of the report at most
once, and the post ends either SENT (every part exactly once) or openly unsettled (AMBIGUOUS or
FAILED) with the municipality's admins told. Nothing is resent on its own when Telegram may
have taken a part. Loopback only; PTB's real HTTPXRequest with a short read timeout.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.delivery import scheduler as jobs
from bot.delivery.outbox import Pacer, ScaledTime
from storage.models import PostStatus
from tests.conftest import Harness
from tests.e2e.test_posting import (  # noqa: F401 (the fixture)
    CHANNEL,
    EXAMPLE_ADMIN,
    Q4_DUE,
    _outbox,
    _post,
    posting,
)
from tests.faults.fakeapi import FakeBotApi
from tests.faults.runner import TOKEN

pytestmark = pytest.mark.faults

READ_TIMEOUT = 0.5

# fault -> (arm it, the outcome of the first tick, the final status)
CASES: dict[str, tuple[Callable[[FakeBotApi], None], str, PostStatus]] = {
    "refused": (lambda api: api.fail("sendMessage", status=403), "failed", PostStatus.FAILED),
    "429 with retry_after": (
        lambda api: api.throttle("sendMessage", retry_after=2),
        "sent",
        PostStatus.SENT,
    ),
    "500": (lambda api: api.fail("sendMessage", status=500), "ambiguous", PostStatus.AMBIGUOUS),
    "connection closed": (
        lambda api: api.hang_up("sendMessage"),
        "ambiguous",
        PostStatus.AMBIGUOUS,
    ),
    "answer after the timeout": (
        lambda api: api.delay("sendMessage", seconds=READ_TIMEOUT + 1.0),
        "ambiguous",
        PostStatus.AMBIGUOUS,
    ),
    "accepted then connection dropped": (
        lambda api: api.drop("sendMessage"),
        "ambiguous",
        PostStatus.AMBIGUOUS,
    ),
}


def _scheduler(harness: Harness, api: FakeBotApi) -> jobs.Scheduler:
    request = HTTPXRequest(read_timeout=READ_TIMEOUT, connect_timeout=1.0, write_timeout=2.0)
    bot = Bot(TOKEN, base_url=f"{api.base_url}/bot", request=request)
    return jobs.Scheduler(harness.services, bot, pacer=Pacer(time=ScaledTime(1000.0)))


@pytest.mark.parametrize("fault", list(CASES))
async def test_a_fault_on_the_channel_post_never_doubles_a_part(
    harness: Harness,
    posting: dict[str, Any],  # noqa: F811 (the fixture imported above)
    fake_api: FakeBotApi,
    fault: str,
) -> None:
    arm, outcome, status = CASES[fault]
    arm(fake_api)
    harness.clock.set(Q4_DUE)
    scheduler = _scheduler(harness, fake_api)
    assert scheduler.leadership is not None
    try:
        async with scheduler.bot:
            first = await scheduler.tick()
            assert [p.outcome for p in first.posts] == [outcome]
            for _ in range(2):  # later ticks, each after a lease would have run out
                harness.clock.advance(timedelta(minutes=5))
                assert (await scheduler.tick()).posts == []
    finally:
        await scheduler.leadership.release()  # on PostgreSQL, the scheduler's lock
    in_channel = [
        c
        for method in ("sendMessage", "sendPhoto")
        for c in fake_api.delivered(method)
        if c.chat_id == CHANNEL
    ]
    copies = Counter(c.text for c in in_channel)
    assert all(n == 1 for n in copies.values()), copies
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is status
    if status is PostStatus.SENT:
        assert len(post.message_ids) == post.parts == len(in_channel)
    else:
        told = await _outbox(harness, f"post:{post.id}:%")
        assert [n.chat_id for n in told] == [EXAMPLE_ADMIN.user_id]
