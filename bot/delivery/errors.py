"""What a failed Bot API call tells us about the message: sent, not sent, or nobody knows.

Telegram has no idempotency key, so a send whose answer was lost may well have been delivered.
Every sender asks `classify_send_error` what a failure means before it decides to send again:

* ``"retry_after"`` — a 429: Telegram refused the call (no effect) and said when to try again.
* ``"not_sent"`` — the request never left: the connection could not be made (refused, or timed
  out while connecting) or no pooled connection was free. Sending again cannot double anything.
* ``"refused"`` — Telegram answered and refused it for good (400, 401, 403, 404, 409, a migrated
  chat): no effect, and the same call would be refused again.
* ``"ambiguous"`` — the request may have reached Telegram and the answer was lost: a read or
  write timeout, a connection dropped after sending, a 5xx (502 included), an answer we could
  not read. The message may be out. Never send it again blindly to a channel; the people
  responsible decide. PTB turns every status it does not know (5xx and the rarer 4xx alike) into
  a bare `NetworkError` without the code, so those count as ambiguous too: the safe side.
"""

from __future__ import annotations

from typing import Literal

import httpx
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

SendFate = Literal["retry_after", "not_sent", "ambiguous", "refused"]

# httpx failures raised before a byte of the request went out.
_BEFORE_SENDING: tuple[type[BaseException], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc.__cause__ or exc.__context__
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify_send_error(exc: BaseException) -> SendFate:
    """What became of a send that raised `exc` (see the module's docstring)."""
    if isinstance(exc, RetryAfter):
        return "retry_after"
    if isinstance(exc, BadRequest | Forbidden | InvalidToken | Conflict | ChatMigrated):
        return "refused"
    if isinstance(exc, EndPointNotFound):
        return "refused"
    if isinstance(exc, _BEFORE_SENDING):
        return "not_sent"
    if isinstance(exc, NetworkError | TimedOut):  # TimedOut is a NetworkError too
        if any(isinstance(cause, _BEFORE_SENDING) for cause in _causes(exc)):
            return "not_sent"
        return "ambiguous"
    return "ambiguous"
