"""An admin's import that waits for "Importera": kept in `chat_states` like every other dialogue.

The read page (its JSON document, which may be large), the preview's token and the admin's
choices for follow-up results wait in the admin's dialogue state of kind ``"import"``, written
in the transaction of the update that showed the preview. A restart, or another instance, still
imports on the press; a press whose token is not the one waiting (an older preview, a state that
expired or was replaced by another question) finds nothing, and the handler says so politely.

One dialogue state per user: a new preview replaces an older one, and another question (a /logga
step, a list) replaces a waiting import, as it would any other state.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import activities

KIND = "import"
# Long enough to read a long preview, fix a match and come back after lunch.
TTL = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class PendingImport:
    token: str
    document: dict[str, Any]
    choices: dict[int, int] = field(default_factory=dict)
    """Follow-up result index -> pledge id (or NEW_PLEDGE) the admin chose."""

    def payload(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "document": self.document,
            "choices": {str(k): v for k, v in self.choices.items()},
        }


async def keep(
    session: AsyncSession, user_id: int, document: dict[str, Any], *, now: datetime
) -> PendingImport:
    """Keep a read document until the admin presses a button under its preview."""
    pending = PendingImport(secrets.token_urlsafe(6), document)
    await activities.set_state(session, user_id, KIND, pending.payload(), now + TTL)
    return pending


async def waiting(
    session: AsyncSession, user_id: int, token: str | None, *, now: datetime
) -> PendingImport | None:
    """The import that waits under this token, or None (none, expired, another token)."""
    state = await activities.get_state(session, user_id, now)
    if state is None or state.kind != KIND or not token:
        return None
    payload = state.payload or {}
    document = payload.get("document")
    if payload.get("token") != token or not isinstance(document, dict):
        return None
    raw = payload.get("choices")
    choices = {int(k): int(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    return PendingImport(token, document, choices)


async def choose(
    session: AsyncSession,
    pending: PendingImport,
    user_id: int,
    index: int,
    pledge_id: int,
    *,
    now: datetime,
) -> PendingImport:
    """Remember where the admin wants a follow-up result to go."""
    chosen = PendingImport(pending.token, pending.document, {**pending.choices, index: pledge_id})
    await activities.set_state(session, user_id, KIND, chosen.payload(), now + TTL)
    return chosen


async def forget(session: AsyncSession, user_id: int) -> None:
    """The import is done or cancelled."""
    await activities.clear_state(session, user_id)
