"""What a failed Telegram call says about delivery.

Telegram has no idempotency key, so the one question after an error is: may the message have
arrived? `classify_send_error` answers it from the exception alone (pure, no I/O):

- ``RATE_LIMITED``: a 429; Telegram refused it, so it was not delivered. Wait, then send again.
- ``REFUSED``: any other 4xx (blocked, chat not found, bad markup, chat migrated, bad token);
  not delivered, and sending it again will not help.
- ``NOT_SENT``: the request never left this process (no connection could be made, no pooled
  connection was free in time); not delivered, safe to send again.
- ``AMBIGUOUS``: the request may have reached Telegram and the answer was lost or was an error
  of Telegram's side (a read timeout, a connection dropped after sending, a 5xx, an answer that
  could not be read). It may have been delivered: never resend blindly.
"""

from __future__ import annotations

from enum import StrEnum

import httpx
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)

# httpx errors raised before any byte of the request went out.
_BEFORE_SENDING = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class SendFate(StrEnum):
    RATE_LIMITED = "rate_limited"
    REFUSED = "refused"
    NOT_SENT = "not_sent"
    AMBIGUOUS = "ambiguous"


def classify_send_error(exc: BaseException) -> SendFate:
    """What the exception raised by a send call says about the message's delivery."""
    if isinstance(exc, RetryAfter):
        return SendFate.RATE_LIMITED
    if isinstance(
        exc, (Forbidden, BadRequest, ChatMigrated, InvalidToken, EndPointNotFound, Conflict)
    ):
        return SendFate.REFUSED
    cause: BaseException | None = exc
    while cause is not None:  # PTB raises NetworkError/TimedOut `from` the httpx error
        if isinstance(cause, _BEFORE_SENDING):
            return SendFate.NOT_SENT
        cause = cause.__cause__
    return SendFate.AMBIGUOUS
