"""What a failed send means, asked of PTB's real HTTP client against the fake Bot API.

For every fault the fake Telegram can inject, the bot's one classifier
(`bot.delivery.errors.classify_send_error`) must never call a send "not sent" or "refused" when
Telegram in fact took it: that is the promise the channel publisher and the outbox rely on
before sending anything again. Loopback only; each call is bounded by a short read timeout.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from telegram import Bot
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.delivery.errors import SendFate, classify_send_error
from tests.faults.fakeapi import FakeBotApi
from tests.faults.runner import TOKEN

pytestmark = pytest.mark.faults

READ_TIMEOUT = 0.5

FAULTS: dict[str, tuple[Callable[[FakeBotApi], None], SendFate]] = {
    "refused (400)": (lambda api: api.fail("sendMessage", status=400), SendFate.REFUSED),
    "refused (403)": (lambda api: api.fail("sendMessage", status=403), SendFate.REFUSED),
    "429 with retry_after": (
        lambda api: api.throttle("sendMessage", retry_after=3),
        SendFate.RATE_LIMITED,
    ),
    "500": (lambda api: api.fail("sendMessage", status=500), SendFate.AMBIGUOUS),
    "502": (lambda api: api.fail("sendMessage", status=502), SendFate.AMBIGUOUS),
    # The client cannot tell a hang-up before the effect from one after it.
    "connection closed, no answer": (lambda api: api.hang_up("sendMessage"), SendFate.AMBIGUOUS),
    "accepted, then the connection dropped": (
        lambda api: api.drop("sendMessage"),
        SendFate.AMBIGUOUS,
    ),
    "answered after the read timeout": (
        lambda api: api.delay("sendMessage", seconds=READ_TIMEOUT + 1.0),
        SendFate.AMBIGUOUS,
    ),
}


def _bot(base_url: str) -> Bot:
    request = HTTPXRequest(read_timeout=READ_TIMEOUT, connect_timeout=1.0, write_timeout=1.0)
    return Bot(TOKEN, base_url=f"{base_url}/bot", request=request)


async def _fate(bot: Bot) -> SendFate | None:
    try:
        await bot.send_message(42, "hej")
    except TelegramError as exc:
        return classify_send_error(exc)
    return None


@pytest.mark.parametrize("name", list(FAULTS))
async def test_each_fault_is_classified_on_the_safe_side(fake_api: FakeBotApi, name: str) -> None:
    arm, expected = FAULTS[name]
    arm(fake_api)
    async with _bot(fake_api.base_url) as bot:
        assert await _fate(bot) == expected
        assert await _fate(bot) is None  # the fault is used up; the next send goes through
    first = fake_api.calls("sendMessage")[0]
    if first.took_effect:
        assert expected is SendFate.AMBIGUOUS, f"{name}: Telegram took it, so it must be ambiguous"


async def test_a_connection_refused_before_sending_is_not_sent() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = HTTPXRequest(connect_timeout=2.0)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    async with request:  # not the Bot: its start-up would call getMe
        with pytest.raises(TelegramError) as refused:
            await bot.send_message(42, "hej")
    assert classify_send_error(refused.value) is SendFate.NOT_SENT
