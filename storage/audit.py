"""The audit trail: rows are only ever added."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired, TypedDict, Unpack, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


class Fields(TypedDict):
    """What an audit row says: when, who, what, to which row."""

    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: NotRequired[int | None]
    actor_user_id: NotRequired[int | None]
    details: NotRequired[dict[str, Any] | None]


def _row(fields: Fields) -> dict[str, Any]:
    return {
        "at": fields["at"],
        "actor": fields["actor"],
        "actor_user_id": fields.get("actor_user_id"),
        "action": fields["action"],
        "entity": fields["entity"],
        "entity_id": fields.get("entity_id"),
        "details": fields.get("details") or {},
    }


def record(session: AsyncSession, **fields: Unpack[Fields]) -> AuditEntry:
    """Add the row to the session; it is written with the session's next flush."""
    entry = AuditEntry(**_row(fields))
    session.add(entry)
    return entry


_INSERT = insert(cast(Table, AuditEntry.__table__))


async def append(session: AsyncSession, **fields: Unpack[Fields]) -> None:
    """Write the row at once as one statement, without an ORM object (the hot path)."""
    await session.execute(_INSERT, _row(fields))


async def recorded(session: AsyncSession, action: str, entity_id: int) -> bool:
    """An entry for (action, entity_id) exists: a run it marks is done."""
    found = await session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == action, AuditEntry.entity_id == entity_id)
    )
    return found is not None
