"""The audit trail: rows are only ever added."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    actor_user_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at,
        actor=actor,
        actor_user_id=actor_user_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=details or {},
    )
    session.add(entry)
    return entry


_INSERT = insert(cast(Table, AuditEntry.__table__))


async def append(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    actor_user_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Like `record`, written at once as one statement, without an ORM object (the hot path)."""
    await session.execute(
        _INSERT,
        {
            "at": at,
            "actor": actor,
            "actor_user_id": actor_user_id,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "details": details or {},
        },
    )
