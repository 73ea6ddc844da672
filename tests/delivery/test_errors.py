"""`classify_send_error`: what an error of a send call says about delivery."""

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

from bot.delivery.errors import SendFate, classify_send_error

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def _from(exc: TelegramError, cause: BaseException) -> TelegramError:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(
    ("exc", "fate"),
    [
        (RetryAfter(3), SendFate.RATE_LIMITED),
        (Forbidden("Forbidden: bot was blocked by the user"), SendFate.REFUSED),
        (BadRequest("Bad Request: chat not found"), SendFate.REFUSED),
        (ChatMigrated(-100123), SendFate.REFUSED),
        # The request never left this process.
        (
            _from(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")),
            SendFate.NOT_SENT,
        ),
        (_from(TimedOut("Pool timeout"), httpx.PoolTimeout("pool")), SendFate.NOT_SENT),
        (_from(TimedOut(), httpx.ConnectTimeout("connect")), SendFate.NOT_SENT),
        # It may have reached Telegram.
        (_from(TimedOut(), httpx.ReadTimeout("read")), SendFate.AMBIGUOUS),
        (_from(TimedOut(), httpx.WriteTimeout("write")), SendFate.AMBIGUOUS),
        (
            _from(NetworkError("dropped"), httpx.RemoteProtocolError("Server disconnected")),
            SendFate.AMBIGUOUS,
        ),
        (_from(NetworkError("reset"), httpx.ReadError("reset by peer")), SendFate.AMBIGUOUS),
        (NetworkError("Internal Server Error (500)"), SendFate.AMBIGUOUS),
        (NetworkError("Bad Gateway"), SendFate.AMBIGUOUS),
        (TimedOut(), SendFate.AMBIGUOUS),
        (TelegramError("Invalid server response"), SendFate.AMBIGUOUS),
    ],
)
def test_each_error_says_whether_the_message_may_have_arrived(
    exc: TelegramError, fate: SendFate
) -> None:
    assert classify_send_error(exc) is fate
