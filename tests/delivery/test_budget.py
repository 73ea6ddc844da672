"""The bot's one send budget (`bot.delivery.budget`, `storage.budget`).

The budget is a token bucket: `burst` sends at once after a quiet spell, then `rate` a second,
so that no second holds more than `burst + rate`. On PostgreSQL it lives in the database and
every process books from it; these tests book from two engines at once, as two processes
would, and time the sends. The two-process trial with real webhook instances is in
tests/faults/test_matrix.py.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot

from bot.app import OFFLINE_TOKEN
from bot.console.transport import OfflineTransport
from bot.delivery.budget import (
    BURST,
    RATE,
    BudgetedRequest,
    LocalBudget,
    SharedBudget,
    counts,
)
from storage.db import Database
from tests.faults.runner import most_in_one_second

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def test_the_whole_bot_stays_under_telegrams_thirty_a_second() -> None:
    assert RATE + BURST < 30


@pytest.mark.parametrize(
    ("method", "counted"),
    [
        ("sendMessage", True),
        ("sendPhoto", True),
        ("sendMediaGroup", True),
        ("copyMessage", True),
        ("forwardMessage", True),
        ("editMessageText", True),
        ("editMessageReplyMarkup", True),
        ("getUpdates", False),
        ("getMe", False),
        ("getFile", False),
        ("answerCallbackQuery", False),
        ("setMyCommands", False),
        ("setWebhook", False),
    ],
)
def test_only_calls_that_send_a_message_are_counted(method: str, counted: bool) -> None:
    assert counts(f"https://api.telegram.org/bot123:abc/{method}") is counted


def test_the_local_bucket_lets_a_burst_go_and_then_spaces_the_rest() -> None:
    budget = LocalBudget(rate=10, burst=3)
    waits = [budget.take() for _ in range(6)]
    assert waits[:3] == [0, 0, 0]
    # The 4th, 5th and 6th are booked 0.1, 0.2 and 0.3 s ahead (give or take the time the
    # bookings themselves took).
    for booked, expected in zip(waits[3:], (0.1, 0.2, 0.3), strict=True):
        assert expected - 0.01 < booked <= expected


async def test_a_quiet_spell_refills_the_bucket_only_up_to_the_burst() -> None:
    budget = LocalBudget(rate=50, burst=2)
    for _ in range(2):
        budget.take()
    await asyncio.sleep(0.2)  # long enough for 10 tokens; the bucket holds 2
    assert [budget.take() > 0 for _ in range(3)] == [False, False, True]


async def _send_through(budgets: list[SharedBudget], each: int) -> list[float]:
    """Each budget (a process) sends `each` messages at once; when each went out."""
    sent: list[float] = []

    async def one(budget: SharedBudget) -> None:
        await budget.wait()
        sent.append(time.monotonic())

    await asyncio.gather(*(one(b) for b in budgets for _ in range(each)))
    return sent


async def test_two_processes_book_from_one_bucket_in_the_database(db: Database) -> None:
    """Two engines on one database, as two processes: 2 × 40 messages at once go out at the
    bucket's pace for the bot as a whole, not each at its own."""
    rate, burst = 40.0, 4.0
    url = db.url.render_as_string(hide_password=False)
    budgets = [SharedBudget(url, rate=rate, burst=burst) for _ in range(2)]
    try:
        started = time.monotonic()
        sent = await _send_through(budgets, 40)
        took = time.monotonic() - started
    finally:
        for budget in budgets:
            await budget.close()
    assert len(sent) == 80
    assert [b.fallbacks for b in budgets] == [0, 0]
    assert sum(b.booked for b in budgets) == 80
    # 76 sends after the burst at 40 a second: 1.9 s for the bot (0.95 s if each process
    # had its own bucket).
    assert took >= (80 - burst) / rate - 0.05
    # At most burst + rate in any one second; a send woken a little late may join the next.
    assert most_in_one_second(sent) <= burst + rate + 2


async def test_a_database_that_does_not_answer_leaves_each_process_its_own_pace() -> None:
    budget = SharedBudget("postgresql+asyncpg://postgres@127.0.0.1:1/nothing", rate=20, burst=2)
    try:
        started = time.monotonic()
        for _ in range(4):
            await budget.wait()  # no exception reaches the sender
        took = time.monotonic() - started
    finally:
        await budget.close()
    assert budget.fallbacks == 4
    assert budget.booked == 0
    assert took >= (4 - 2) / 20 - 0.01


async def test_the_transport_books_messages_and_lets_other_calls_through() -> None:
    transport = OfflineTransport()
    budget = LocalBudget(rate=1000, burst=1000)
    bot = Bot(OFFLINE_TOKEN, request=BudgetedRequest(transport, budget))
    async with bot:
        await bot.send_message(42, "hej")
        await bot.edit_message_text("hej igen", chat_id=42, message_id=1)
        await bot.get_me()
        await bot.answer_callback_query("1")
    assert budget.booked == 2
