"""`classify_send_error`: what each failure of a Bot API call tells a sender."""

from __future__ import annotations

import httpx
import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.delivery.errors import classify_send_error


def _wrapped(cause: Exception, outer: type[TelegramError] = NetworkError) -> TelegramError:
    """As PTB's HTTPXRequest raises it: a Telegram error from the httpx one."""
    try:
        try:
            raise cause
        except Exception as exc:
            raise outer(f"httpx.{type(exc).__name__}: {exc}") from exc
    except TelegramError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    ("exc", "fate"),
    [
        (RetryAfter(30), "retry_after"),
        (BadRequest("Chat not found"), "refused"),
        (Forbidden("bot is not a member of the channel chat"), "refused"),
        (ChatMigrated(-1001), "refused"),
        (_wrapped(httpx.ConnectError("Connection refused")), "not_sent"),
        (_wrapped(httpx.ConnectTimeout("timed out"), TimedOut), "not_sent"),
        (_wrapped(httpx.PoolTimeout("no free connection"), TimedOut), "not_sent"),
        (_wrapped(httpx.ReadTimeout("timed out"), TimedOut), "ambiguous"),
        (_wrapped(httpx.RemoteProtocolError("Server disconnected")), "ambiguous"),
        (_wrapped(httpx.ReadError("connection reset")), "ambiguous"),
        (_wrapped(httpx.WriteError("broken pipe")), "ambiguous"),
        (NetworkError("Bad Gateway"), "ambiguous"),  # a 502, and any 5xx
        (TimedOut(), "ambiguous"),
        (TelegramError("Invalid server response"), "ambiguous"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v),
)
def test_what_a_failed_send_means(exc: TelegramError, fate: str) -> None:
    assert classify_send_error(exc) == fate
