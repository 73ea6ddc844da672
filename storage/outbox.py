"""The outbox: messages waiting to be sent at Telegram's pace.

Producers (a channel post's subscriber notices, weekly reminders, notices to admins) queue rows
here in their own transaction; the sender (`bot.delivery.outbox`) drains them. A row's `key`
makes queueing idempotent, so a notice queued twice (a retried job, two instances) exists once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_for
from storage.models import OutboxMessage

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
AMBIGUOUS = "ambiguous"
FAILED = "failed"
# How a failed row's error begins when Telegram refused the chat for good (Forbidden: the user
# blocked the bot, or it was removed from the group); retention drops such subscriptions.
REFUSED = "nekad av Telegram"

# Rows per INSERT statement: well under SQLite's 32,766 bound parameters (6 per row).
_CHUNK = 1000


@dataclass(frozen=True)
class Outgoing:
    """One message to queue. `buttons` are link buttons, one per row: (label, url)."""

    key: str
    chat_id: int
    text: str
    buttons: Sequence[tuple[str, str]] = field(default_factory=tuple)


async def enqueue(session: AsyncSession, messages: Sequence[Outgoing], now: datetime) -> int:
    """Queue messages in the caller's transaction; keys already queued are left alone.

    Returns how many rows were new.
    """
    if not messages:
        return 0
    insert = insert_for(session)
    added = 0
    for start in range(0, len(messages), _CHUNK):
        chunk = messages[start : start + _CHUNK]
        statement = (
            insert(OutboxMessage)
            .values(
                [
                    {
                        "key": m.key,
                        "chat_id": m.chat_id,
                        "text": m.text,
                        "buttons": [list(b) for b in m.buttons],
                        "status": PENDING,
                        "attempts": 0,
                        "created_at": now,
                    }
                    for m in chunk
                ]
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        result = await session.execute(statement)
        added += int(getattr(result, "rowcount", 0) or 0)
    return added


async def counts(session: AsyncSession) -> dict[str, int]:
    """Rows per status, for status pages and tests."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: int(n) for status, n in rows}
