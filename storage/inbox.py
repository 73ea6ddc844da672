"""The inbox: updates from Telegram, stored before Telegram is told they arrived.

The receiver (long polling or the webhook) stores each update here in one transaction and only
then acknowledges it; workers claim rows, process them and mark them done. A row's `key` is the
update's content key (chat and message id, callback id, …), so a redelivered update is stored
once.

Claiming: a row is free when it is not done and either unclaimed or claimed longer ago than the
lease. A worker keeps its claims fresh while it works (`renew`); a worker that dies loses them
when the lease runs out. A failed row waiting for its retry has no `claimed_by` and its
`claimed_at` says when it may be tried again. On PostgreSQL several workers claim at once
without overlapping (`SELECT … FOR UPDATE SKIP LOCKED`, then the update, in one transaction);
SQLite has one writer at a time (write transactions begin IMMEDIATE), so a plain select and
update is enough.

Nothing here commits: the caller's transaction does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_for
from storage.models import InboxUpdate, ProcessedUpdate

# Rows per INSERT statement: well under SQLite's 32,766 bound parameters (4 per row).
_CHUNK = 500
DEFAULT_LEASE = timedelta(seconds=60)
ERROR_LENGTH = 2000

Item = tuple[str, int, Mapping[str, Any]]  # (key, update_id, payload)


async def store(session: AsyncSession, items: Sequence[Item], now: datetime) -> int:
    """Store updates in the caller's transaction; keys already stored are left alone.

    Returns how many rows were new.
    """
    if not items:
        return 0
    insert = insert_for(session)
    added = 0
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        statement = (
            insert(InboxUpdate)
            .values(
                [
                    {
                        "key": key,
                        "update_id": update_id,
                        "payload": dict(payload),
                        "received_at": now,
                        "attempts": 0,
                    }
                    for key, update_id, payload in chunk
                ]
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        result = await session.execute(statement)
        added += int(getattr(result, "rowcount", 0) or 0)
    return added


def _free(now: datetime, lease: timedelta) -> Any:
    return and_(
        InboxUpdate.done_at.is_(None),
        or_(
            InboxUpdate.claimed_at.is_(None),
            and_(InboxUpdate.claimed_by.is_(None), InboxUpdate.claimed_at <= now),
            InboxUpdate.claimed_at < now - lease,
        ),
    )


async def claim(
    session: AsyncSession,
    worker: str,
    now: datetime,
    limit: int = 10,
    lease: timedelta = DEFAULT_LEASE,
) -> list[InboxUpdate]:
    """Claim up to `limit` free rows for `worker`, oldest first. Only the first row's attempt is
    counted here: the others are counted by `begin` when the worker starts them, so a worker that
    dies with a batch in hand charges only the row it was handling."""
    query = select(InboxUpdate.id).where(_free(now, lease)).order_by(InboxUpdate.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Rows another transaction is claiming right now are skipped, not waited for.
        query = query.with_for_update(skip_locked=True)
    ids = list(await session.scalars(query))
    if not ids:
        return []
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.id.in_(ids))
        .values(
            claimed_by=worker[:100],
            claimed_at=now,
            attempts=case(
                (InboxUpdate.id == ids[0], InboxUpdate.attempts + 1), else_=InboxUpdate.attempts
            ),
        )
        .execution_options(synchronize_session=False)
    )
    rows = await session.scalars(
        select(InboxUpdate)
        .where(InboxUpdate.id.in_(ids))
        .order_by(InboxUpdate.id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def begin(session: AsyncSession, row_id: int, worker: str) -> bool:
    """Count an attempt for a claimed row the worker is about to handle (the first row of a
    claim is counted by the claim itself). False when the row is no longer the worker's."""
    result = await session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.id == row_id,
            InboxUpdate.claimed_by == worker[:100],
            InboxUpdate.done_at.is_(None),
        )
        .values(attempts=InboxUpdate.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def renew(session: AsyncSession, ids: Sequence[int], worker: str, now: datetime) -> int:
    """Keep `worker`'s claims on these rows fresh (a heartbeat while it works)."""
    if not ids:
        return 0
    result = await session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.id.in_(list(ids)),
            InboxUpdate.claimed_by == worker[:100],
            InboxUpdate.done_at.is_(None),
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_done(session: AsyncSession, ids: Sequence[int], now: datetime) -> int:
    """Processed: the rows are finished (an earlier attempt's error is cleared)."""
    if not ids:
        return 0
    result = await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.id.in_(list(ids)), InboxUpdate.done_at.is_(None))
        .values(done_at=now, error=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_replied(session: AsyncSession, key: str, now: datetime) -> None:
    """The update with this key was processed to its end: a reply recorded for it
    (`storage.activities.record_reply`) is sent."""
    await session.execute(
        update(ProcessedUpdate)
        .where(ProcessedUpdate.key == key, ProcessedUpdate.processed_at.is_(None))
        .values(processed_at=now)
        .execution_options(synchronize_session=False)
    )


async def mark_failed(
    session: AsyncSession,
    row_id: int,
    now: datetime,
    error: str,
    *,
    retry_at: datetime | None = None,
) -> None:
    """Processing failed. With `retry_at` the row is released and may be claimed again from
    then on; without it the row is given up: done, with its error kept."""
    values: dict[str, Any] = {"error": error[:ERROR_LENGTH]}
    if retry_at is None:
        values["done_at"] = now
    else:
        values.update(claimed_by=None, claimed_at=retry_at)
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.id == row_id, InboxUpdate.done_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def release(
    session: AsyncSession,
    *,
    ids: Sequence[int] | None = None,
    workers: Sequence[str] | None = None,
    refund: bool = False,
) -> int:
    """Give claims back so that any worker may take the rows at once: the rows `ids`, or every
    undone row claimed by one of `workers`. `refund` takes back the attempt the claim counted
    (for rows that were claimed but never started)."""
    if ids is None and workers is None:
        raise ValueError("release needs ids or workers")
    condition = [InboxUpdate.done_at.is_(None), InboxUpdate.claimed_by.is_not(None)]
    if ids is not None:
        if not ids:
            return 0
        condition.append(InboxUpdate.id.in_(list(ids)))
    if workers is not None:
        if not workers:
            return 0
        condition.append(InboxUpdate.claimed_by.in_(list(workers)))
    values: dict[str, Any] = {"claimed_by": None, "claimed_at": None}
    if refund:
        values["attempts"] = case(
            (InboxUpdate.attempts > 0, InboxUpdate.attempts - 1), else_=InboxUpdate.attempts
        )
    result = await session.execute(
        update(InboxUpdate)
        .where(*condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def claimants(session: AsyncSession) -> list[str]:
    """The workers holding claims on undone rows (for recovery at start-up)."""
    rows = await session.scalars(
        select(InboxUpdate.claimed_by)
        .where(InboxUpdate.done_at.is_(None), InboxUpdate.claimed_by.is_not(None))
        .distinct()
    )
    return sorted(w for w in rows if w is not None)


async def pending_count(session: AsyncSession) -> int:
    """Rows not done yet (claimed or not)."""
    count = await session.scalar(
        select(func.count()).select_from(InboxUpdate).where(InboxUpdate.done_at.is_(None))
    )
    return int(count or 0)


async def failed_count(session: AsyncSession) -> int:
    """Rows given up on."""
    count = await session.scalar(
        select(func.count())
        .select_from(InboxUpdate)
        .where(InboxUpdate.done_at.is_not(None), InboxUpdate.error.is_not(None))
    )
    return int(count or 0)


async def purge(session: AsyncSession, before: datetime) -> int:
    """Delete inbox rows done before `before` and processed-update keys received before it.
    Rows not done yet are never deleted. Returns how many rows went."""
    inbox = await session.execute(
        delete(InboxUpdate)
        .where(InboxUpdate.done_at.is_not(None), InboxUpdate.done_at < before)
        .execution_options(synchronize_session=False)
    )
    keys = await session.execute(
        delete(ProcessedUpdate)
        .where(ProcessedUpdate.received_at < before)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(inbox, "rowcount", 0) or 0) + int(getattr(keys, "rowcount", 0) or 0)
