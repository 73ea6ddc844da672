"""The outbox against the fake Bot API over real HTTP (PTB's own HTTPXRequest): for each fault
a notice meets, it arrives once, or the row says honestly that it may have arrived, and it is
never sent a second time. Loopback only, a few seconds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.clock import FrozenClock
from bot.delivery.outbox import Pacer, drain
from storage.db import Database
from storage.outbox import AMBIGUOUS, FAILED, SENT, Outgoing, counts, enqueue
from tests.faults.fakeapi import FakeBotApi
from tests.faults.runner import TOKEN

pytestmark = [
    pytest.mark.faults,
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
CHATS = [910_001, 910_002, 910_003]


WALL = FrozenClock(NOW)  # the dates written; pacing runs on the TimeSource


# fault -> (the row's status, how many times the unlucky notice reached the chat)
MATRIX = {
    "refused": (FAILED, 0),
    "429 with retry_after": (SENT, 1),
    "500": (AMBIGUOUS, 0),
    "timeout after sending": (AMBIGUOUS, 1),
    "accepted then connection dropped": (AMBIGUOUS, 1),
    "hung up before taking it": (AMBIGUOUS, 0),
}


def arm(api: FakeBotApi, fault: str) -> None:
    if fault == "refused":
        api.fail("sendMessage", status=400)
    elif fault == "429 with retry_after":
        api.throttle("sendMessage", retry_after=1)
    elif fault == "500":
        api.fail("sendMessage", status=500)
    elif fault == "timeout after sending":
        api.delay("sendMessage", seconds=1.5)
    elif fault == "accepted then connection dropped":
        api.drop("sendMessage")
    else:
        api.hang_up("sendMessage")


@pytest.mark.parametrize("fault", list(MATRIX))
async def test_each_notice_arrives_at_most_once_whatever_the_fault(
    db: Database, fake_api: FakeBotApi, fault: str
) -> None:
    async with db.transaction() as session:
        await enqueue(session, [Outgoing(f"n-{c}", c, f"Hej {c}") for c in CHATS], NOW)
    bot = Bot(
        TOKEN,
        base_url=f"{fake_api.base_url}/bot",
        request=HTTPXRequest(read_timeout=0.5, connect_timeout=2.0),
    )
    await bot.initialize()
    try:
        first = await drain(db, bot, Pacer(), WALL, limit=1)  # the first chat, cleanly
        assert first.sent == 1
        arm(fake_api, fault)  # the next send: the unlucky chat's
        await drain(db, bot, Pacer(), WALL)
        await drain(db, bot, Pacer(), WALL)  # a second pass sends nothing again
    finally:
        await bot.shutdown()

    status, arrived = MATRIX[fault]
    unlucky = fake_api.calls("sendMessage")[1].chat_id  # the call the fault met
    delivered = [c.chat_id for c in fake_api.delivered("sendMessage")]
    assert delivered.count(unlucky) == arrived
    assert sorted(set(delivered)) == sorted(c for c in CHATS if c != unlucky or arrived)
    assert len(delivered) == len(set(delivered)), "a notice arrived twice"
    async with db.read() as session:
        by_status = await counts(session)
    assert by_status == {SENT: 2, status: 1} if status != SENT else {SENT: 3}
