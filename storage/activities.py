"""Activities, drafts, coverage items, chat states and processed-update keys.

Repositories never commit: the caller's transaction does, so an activity and the key of the
update that created it are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_for
from storage.models import (
    Activity,
    ChatState,
    CoverageItem,
    Draft,
    Municipality,
    Pledge,
    ProcessedUpdate,
)

# Statements run for every logged message are built once (per dialect where it matters) and
# run as Core on the tables: no statement construction or ORM unit of work per message.
_CLAIMS: dict[tuple[str, bool], Any] = {}
_MUNICIPALITIES = cast(Table, Municipality.__table__)
_ACTIVITIES = cast(Table, Activity.__table__)
_TOUCH = (
    update(_MUNICIPALITIES)
    .where(_MUNICIPALITIES.c.id == bindparam("municipality_id"))
    .values(data_updated_at=bindparam("now"))
)
_INSERT_ACTIVITY = insert(_ACTIVITIES).returning(_ACTIVITIES.c.id)
_PROCESSED = cast(Table, ProcessedUpdate.__table__)
_RECORD_REPLY = (
    update(_PROCESSED)
    .where(_PROCESSED.c.key == bindparam("k"))
    .values(payload=bindparam("payload"), processed_at=None)
)


async def claim_update(
    session: AsyncSession,
    key: str,
    update_id: int,
    now: datetime,
    *,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Record that the update with this key is handled; False when it already was.

    Written in the caller's transaction: if that rolls back, the key goes with it and a
    redelivery is handled afresh. On PostgreSQL a concurrent claim of the same key waits for
    the first transaction and then finds the key taken.

    With `payload` (what `record_reply` would write: the reply and its notes), the reply is
    recorded in the same statement: a use case that claims its key last, once it knows what to
    say, writes one row instead of two.
    """
    dialect = session.get_bind().dialect.name
    recorded = payload is not None
    statement = _CLAIMS.get((dialect, recorded))
    if statement is None:
        values: dict[str, Any] = {
            "key": bindparam("key"),
            "update_id": bindparam("update_id"),
            "received_at": bindparam("now"),
            "processed_at": None if recorded else bindparam("now"),
        }
        if recorded:
            values["payload"] = bindparam("payload", type_=_PROCESSED.c.payload.type)
        statement = _CLAIMS[(dialect, recorded)] = (
            insert_for(session)(_PROCESSED)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["key"])
        )
    params: dict[str, Any] = {"key": key, "update_id": update_id, "now": now}
    if recorded:
        params["payload"] = payload
    result = await session.execute(statement, params)
    return bool(getattr(result, "rowcount", 0) == 1)


def writers_serialised(session: AsyncSession) -> bool:
    """Does a writing transaction hold the database's one write lock from its start (SQLite,
    `BEGIN IMMEDIATE`)? Then an update key read as free stays free until the commit, and a use
    case may claim it last. On PostgreSQL another transaction could claim it meanwhile, and
    rows of the change (an activity's unique source) would collide before the claim does: the
    key is claimed first there."""
    return session.get_bind().dialect.name == "sqlite"


def message_key(chat_id: int, message_id: int) -> str:
    """The update key of a (new, not edited) message: `bot.context.update_key`."""
    return f"msg:{chat_id}:{message_id}"


async def record_reply(
    session: AsyncSession, key: str, reply: dict[str, Any], **notes: Any
) -> None:
    """Keep the reply to the update with this (claimed) key, in the transaction of its change,
    until it is sent: `processed_at` stays empty until the inbox marks the update done (see
    `storage.inbox.mark_replied`). `notes` are kept beside it (e.g. that the message was an
    answer to a question)."""
    await session.execute(_RECORD_REPLY, {"k": key, "payload": {"reply": reply, **notes}})


async def pending_reply(session: AsyncSession, key: str) -> dict[str, Any] | None:
    """The recorded reply to this update when it has not been marked sent."""
    row = await session.execute(
        select(ProcessedUpdate.payload, ProcessedUpdate.processed_at).where(
            ProcessedUpdate.key == key
        )
    )
    found = row.first()
    if found is None or found.processed_at is not None or not found.payload:
        return None
    reply = found.payload.get("reply")
    return reply if isinstance(reply, dict) else None


async def update_notes(session: AsyncSession, key: str) -> dict[str, Any]:
    """What was noted with the handled update's reply (empty when nothing, or not handled)."""
    payload = await session.scalar(
        select(ProcessedUpdate.payload).where(ProcessedUpdate.key == key)
    )
    return dict(payload) if isinstance(payload, dict) else {}


async def touch_municipality(session: AsyncSession, municipality_id: int, now: datetime) -> None:
    """Note that the municipality's activities changed (shown as "uppdaterades senast")."""
    await session.execute(_TOUCH, {"municipality_id": municipality_id, "now": now})


async def insert_activity(session: AsyncSession, values: dict[str, Any]) -> int:
    """Add one activity row (column name -> value; defaults fill the rest) and return its id."""
    return int((await session.execute(_INSERT_ACTIVITY, values)).scalar_one())


async def refresh_updated_at(session: AsyncSession) -> None:
    """Set every municipality's last update from its activities (after bulk loads)."""
    latest = (
        select(func.max(func.coalesce(Activity.updated_at, Activity.created_at)))
        .where(Activity.municipality_id == Municipality.id)
        .scalar_subquery()
    )
    await session.execute(update(Municipality).values(data_updated_at=latest))


async def activity_by_source(
    session: AsyncSession, chat_id: int, message_id: int
) -> Activity | None:
    return await session.scalar(
        select(Activity).where(
            Activity.source_chat_id == chat_id, Activity.source_message_id == message_id
        )
    )


async def latest_of_reporter(session: AsyncSession, reporter_id: int) -> Activity | None:
    return await session.scalar(
        select(Activity)
        .where(Activity.reporter_id == reporter_id, Activity.deleted_at.is_(None))
        .order_by(Activity.created_at.desc(), Activity.id.desc())
        .limit(1)
    )


async def recent_of_reporter(
    session: AsyncSession, reporter_id: int, limit: int
) -> Sequence[Activity]:
    return (
        await session.scalars(
            select(Activity)
            .where(Activity.reporter_id == reporter_id, Activity.deleted_at.is_(None))
            .order_by(Activity.created_at.desc(), Activity.id.desc())
            .limit(limit)
        )
    ).all()


_PLEDGE_TOTALS = select(
    func.coalesce(func.sum(Activity.count), 0), func.max(Activity.occurred_on)
).where(
    # The municipality adds nothing to the filter (a pledge has one) but lets the database
    # answer from ix_activities_overview alone, without reading a row per activity.
    Activity.municipality_id == bindparam("municipality_id"),
    Activity.pledge_id == bindparam("pledge_id"),
    Activity.deleted_at.is_(None),
    Activity.occurred_on >= bindparam("start"),
    Activity.occurred_on <= bindparam("end"),
)


async def pledge_totals(
    session: AsyncSession, pledge: Pledge, start: date, end: date
) -> tuple[int, date | None]:
    """Sum of counts and the latest day of a pledge's activities within [start, end]."""
    parameters = {
        "municipality_id": pledge.municipality_id,
        "pledge_id": pledge.id,
        "start": start,
        "end": end,
    }
    row = (await session.execute(_PLEDGE_TOTALS, parameters)).one()
    return int(row[0]), row[1]


async def coverage_visits(
    session: AsyncSession, pledge_id: int, start: date, end: date
) -> dict[int, int]:
    """Visits per coverage item of a pledge within [start, end] (items never visited are absent)."""
    rows = await session.execute(
        select(Activity.coverage_item_id, func.sum(Activity.count))
        .where(
            Activity.pledge_id == pledge_id,
            Activity.coverage_item_id.is_not(None),
            Activity.deleted_at.is_(None),
            Activity.occurred_on >= start,
            Activity.occurred_on <= end,
        )
        .group_by(Activity.coverage_item_id)
    )
    return {int(item): int(total) for item, total in rows if item is not None}


async def coverage_items(
    session: AsyncSession, pledge_ids: Sequence[int]
) -> dict[int, list[CoverageItem]]:
    """The current (not removed) list items of each pledge, in list order."""
    result: dict[int, list[CoverageItem]] = {pid: [] for pid in pledge_ids}
    if not pledge_ids:
        return result
    items = await session.scalars(
        select(CoverageItem)
        .where(CoverageItem.pledge_id.in_(pledge_ids), CoverageItem.removed_at.is_(None))
        .order_by(CoverageItem.pledge_id, CoverageItem.position, CoverageItem.id)
    )
    for item in items:
        result[item.pledge_id].append(item)
    return result


async def replace_coverage_list(
    session: AsyncSession, pledge: Pledge, names: Sequence[str], now: datetime
) -> tuple[list[CoverageItem], list[str]]:
    """Make `names` the pledge's list. Items no longer listed are marked removed (their
    activities keep pointing at them); names listed again come back. Returns (items, removed)."""
    existing = {
        item.name.casefold(): item
        for item in await session.scalars(
            select(CoverageItem).where(CoverageItem.pledge_id == pledge.id)
        )
    }
    wanted: list[CoverageItem] = []
    for position, name in enumerate(names):
        item = existing.pop(name.casefold(), None)
        if item is None:
            item = CoverageItem(pledge_id=pledge.id, name=name, position=position)
            session.add(item)
        item.name = name
        item.position = position
        item.removed_at = None
        wanted.append(item)
    removed = []
    for item in existing.values():
        if item.removed_at is None:
            item.removed_at = now
            removed.append(item.name)
    await session.flush()
    return wanted, removed


async def draft_for_message(session: AsyncSession, chat_id: int, message_id: int) -> Draft | None:
    return await session.scalar(
        select(Draft).where(Draft.chat_id == chat_id, Draft.message_id == message_id)
    )


async def get_state(session: AsyncSession, user_id: int, now: datetime) -> ChatState | None:
    state = await session.get(ChatState, user_id)
    if state is not None and state.expires_at <= now:
        return None
    return state


async def set_state(
    session: AsyncSession,
    user_id: int,
    kind: str,
    payload: dict[str, Any],
    expires_at: datetime,
) -> None:
    state = await session.get(ChatState, user_id)
    if state is None:
        session.add(ChatState(user_id=user_id, kind=kind, payload=payload, expires_at=expires_at))
    else:
        state.kind, state.payload, state.expires_at = kind, payload, expires_at
    await session.flush()


async def clear_state(session: AsyncSession, user_id: int) -> None:
    state = await session.get(ChatState, user_id)
    if state is not None:
        await session.delete(state)
        await session.flush()
