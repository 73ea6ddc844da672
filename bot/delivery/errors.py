"""What a failed Bot API call tells us about the message: sent, not sent, or nobody knows.

Telegram has no idempotency key, so a send whose answer was lost may well have been delivered.
Every sender (the channel publisher, the outbox) asks `classify_send_error` what a failure means
before it decides to send again. Pure, no I/O:

- ``RATE_LIMITED`` (``"retry_after"``): a 429; Telegram refused the call (no effect) and said when
  to try again. Wait, then send the same thing again.
- ``REFUSED``: Telegram answered and refused it for good (400, 401, 403, 404, 409, a migrated
  chat, a bad token): no effect, and the same call would be refused again.
- ``NOT_SENT``: the request never left this process: the connection could not be made (refused,
  or timed out while connecting) or no pooled connection was free. Safe to send again.
- ``AMBIGUOUS``: the request may have reached Telegram and the answer was lost: a read or write
  timeout, a connection dropped after sending, a 5xx (502 included), an answer that could not be
  read. The message may be out: never send it again blindly. PTB turns every status it does not
  know (5xx and the rarer 4xx alike) into a bare `NetworkError` without the code, so those count
  as ambiguous too: the safe side.
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

# httpx failures raised before a byte of the request went out.
_BEFORE_SENDING: tuple[type[BaseException], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
_REFUSALS = (Forbidden, BadRequest, ChatMigrated, InvalidToken, EndPointNotFound, Conflict)


class SendFate(StrEnum):
    RATE_LIMITED = "retry_after"
    REFUSED = "refused"
    NOT_SENT = "not_sent"
    AMBIGUOUS = "ambiguous"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what it was raised from (PTB raises its errors `from` httpx's)."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify_send_error(exc: BaseException) -> SendFate:
    """What the exception raised by a send call says about the message's delivery."""
    if isinstance(exc, RetryAfter):
        return SendFate.RATE_LIMITED
    if isinstance(exc, _REFUSALS):
        return SendFate.REFUSED
    if any(isinstance(cause, _BEFORE_SENDING) for cause in _chain(exc)):
        return SendFate.NOT_SENT
    return SendFate.AMBIGUOUS
