"""The outbox: messages waiting to be sent at Telegram's pace.

Producers (a channel post's subscriber notices, weekly reminders, notices to admins) queue rows
here in their own transaction; the sender (`bot.delivery.outbox`) drains them through the
storage operations at the end of this module (`pending`, `GroupWriter`, `recover`). A row's `key`
makes queueing idempotent, so a notice queued twice (a retried job, two instances) exists once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database, insert_for
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
AMBIGUOUS = "ambiguous"
FAILED = "failed"
# How a failed row's error begins when Telegram refused the chat for good (Forbidden: the user
# blocked the bot, or it was removed from the group); retention drops such subscriptions.
REFUSED = "nekad av Telegram"

_outbox = cast(Table, OutboxMessage.__table__)

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


# --- the sender's storage operations ---------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A pending row as the sender needs it."""

    id: int
    chat_id: int
    text: str
    buttons: Sequence[Any]


class GroupWriter:
    """Group commit for the sender (`bot.delivery.outbox`): row state changes queued while one
    transaction runs go into the next; a claim is committed before its message is sent."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._claims: list[tuple[int, asyncio.Future[int | None]]] = []
        self._updates: list[tuple[dict[str, Any], asyncio.Future[bool]]] = []
        self._more = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-writer")

    async def claim(self, row_id: int) -> int | None:
        """Claim a pending row; its attempt count when it is ours, None when it is not."""
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._claims.append((row_id, future))
        self._more.set()
        return await future

    def update(
        self,
        row_id: int,
        status: str,
        *,
        message_id: int | None = None,
        sent_at: datetime | None = None,
        error: str | None = None,
    ) -> asyncio.Future[bool]:
        """Queue a state change; the future tells whether it was committed."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        values = {
            "b_id": row_id,
            "b_status": status,
            "b_message_id": message_id,
            "b_sent_at": sent_at,
            "b_error": error,
        }
        self._updates.append((values, future))
        self._more.set()
        return future

    async def close(self) -> None:
        """Commit everything queued, then stop."""
        self._closing = True
        self._more.set()
        if self._task is not None:
            await asyncio.shield(self._task)

    async def _run(self) -> None:
        while True:
            await self._more.wait()
            await asyncio.sleep(0)  # let the ops of tasks already woken join this transaction
            self._more.clear()
            claims, self._claims = self._claims, []
            updates, self._updates = self._updates, []
            if claims or updates:
                await self._flush(claims, updates)
            if self._closing and not self._claims and not self._updates:
                return

    async def _flush(
        self,
        claims: list[tuple[int, asyncio.Future[int | None]]],
        updates: list[tuple[dict[str, Any], asyncio.Future[bool]]],
    ) -> None:
        for attempt in range(3):
            try:
                claimed = await self._commit([c[0] for c in claims], [u[0] for u in updates])
            except Exception:
                log.exception("outbox: writing %d state changes failed", len(claims) + len(updates))
                if attempt < 2:
                    await asyncio.sleep(0.2 * (attempt + 1))
                continue
            for row_id, claim in claims:
                if not claim.done():
                    claim.set_result(claimed.get(row_id))
            for _, done in updates:
                if not done.done():
                    done.set_result(True)
            return
        # Given up: claims were not made (the rows stay pending); updates were lost, so those
        # rows stay "sending" and become "ambiguous" at the next start-up, never sent twice.
        for _, claim in claims:
            if not claim.done():
                claim.set_result(None)
        for _, done in updates:
            if not done.done():
                done.set_result(False)

    async def _commit(self, claims: list[int], updates: list[dict[str, Any]]) -> dict[int, int]:
        claimed: dict[int, int] = {}
        # In the background: a group commit runs while the sends go on.
        async with self._db.transaction(background=True) as session:
            if updates:
                statement = (
                    update(_outbox)
                    .where(_outbox.c.id == bindparam("b_id"))
                    .values(
                        status=bindparam("b_status"),
                        message_id=bindparam("b_message_id"),
                        sent_at=bindparam("b_sent_at"),
                        error=bindparam("b_error"),
                    )
                )
                await session.execute(statement, updates)
            if claims:
                # Atomic per row: only a row still "pending" is ours.
                rows = await session.execute(
                    update(_outbox)
                    .where(_outbox.c.id.in_(claims), _outbox.c.status == PENDING)
                    .values(status=SENDING, attempts=_outbox.c.attempts + 1)
                    .returning(_outbox.c.id, _outbox.c.attempts)
                )
                claimed = {int(row_id): int(attempts) for row_id, attempts in rows}
        return claimed


async def pending(db: Database, after: int, limit: int) -> list[Pending]:
    """Pending rows after id `after`, in id order."""
    async with db.read() as session:
        rows = await session.execute(
            select(
                _outbox.c.id,
                _outbox.c.chat_id,
                _outbox.c.text,
                _outbox.c.buttons,
            )
            .where(_outbox.c.status == PENDING, _outbox.c.id > after)
            .order_by(_outbox.c.id)
            .limit(limit)
        )
        return [Pending(int(r.id), int(r.chat_id), str(r.text), r.buttons or ()) for r in rows]


async def recover(db: Database, now: datetime) -> int:
    """At start-up: rows a crashed process left "sending" become "ambiguous" and stay unsent.

    Telegram may have accepted them, and a second copy is worse than a missing one. Run this
    only where no other drainer is running (the scheduler leader, before its worker starts).
    """
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    error = (
        f"avbröts under sändning (upptäckt {stamp}); Telegram kan ha tagit emot "
        "meddelandet, så det skickas inte igen"
    )
    async with db.transaction() as session:
        result = await session.execute(
            update(_outbox).where(_outbox.c.status == SENDING).values(status=AMBIGUOUS, error=error)
        )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        log.warning("outbox: %d messages were being sent when the bot stopped: ambiguous", count)
    return count
