"""The words the bot learnt from reporters: shown to admins, and removable (/ord).

When a reporter picks a pledge for a message the bot was unsure about, the words of the message
that named no pledge become a synonym of that pledge (``reporting._learn``), so that the next such
message is read at once. Each learnt word is in the audit trail ("pledge.learn_word"); an admin
of the pledge's kommun sees them here and removes a wrong one. Removing changes the pledge, so
the catalogue version moves and every instance reads the pledges again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import require_any_admin
from bot.services.errors import NotAllowed, NotFound
from storage import audit
from storage.models import AuditEntry, Municipality, Pledge

LEARN_ACTION = "pledge.learn_word"
FORGET_ACTION = "pledge.forget_word"


@dataclass(frozen=True)
class LearntWord:
    pledge_id: int
    pledge: str  # short name
    municipality: str
    index: int  # position among the pledge's synonyms
    word: str


async def learnt_words(session: AsyncSession, user_id: int) -> list[LearntWord]:
    """The learnt words still in use in the admin's kommuner, by kommun and pledge."""
    municipalities = await require_any_admin(session, user_id)
    learnt = await session.execute(
        select(AuditEntry.entity_id, AuditEntry.details).where(
            AuditEntry.action == LEARN_ACTION, AuditEntry.entity == "pledge"
        )
    )
    words_of: dict[int, set[str]] = {}
    for pledge_id, details in learnt:
        word = str((details or {}).get("word") or "")
        if pledge_id is not None and word:
            words_of.setdefault(pledge_id, set()).add(word)
    if not words_of:
        return []
    rows = await session.execute(
        select(Pledge, Municipality.name)
        .join(Municipality, Municipality.id == Pledge.municipality_id)
        .where(Pledge.id.in_(words_of), Pledge.municipality_id.in_(municipalities))
        .order_by(Municipality.name, Pledge.id)
    )
    found: list[LearntWord] = []
    for pledge, municipality in rows:
        for index, synonym in enumerate(pledge.synonyms or ()):
            if str(synonym) in words_of[pledge.id]:
                found.append(LearntWord(pledge.id, pledge.short_name, municipality, index, synonym))
    return found


async def forget_word(
    session: AsyncSession, user_id: int, pledge_id: int, index: int, *, now: datetime
) -> LearntWord:
    """Remove one learnt word from its pledge (only a learnt word, only by its kommun's admin)."""
    municipalities = await require_any_admin(session, user_id)
    for word in await learnt_words(session, user_id):
        if word.pledge_id == pledge_id and word.index == index:
            break
    else:
        raise NotFound(f"ord {pledge_id}/{index}")
    pledge = await session.get(Pledge, pledge_id)
    if pledge is None or pledge.municipality_id not in municipalities:
        raise NotAllowed(f"löfte {pledge_id}")
    synonyms = list(pledge.synonyms or ())
    del synonyms[index]
    pledge.synonyms = synonyms  # a new list: the JSON column sees the change
    audit.record(
        session,
        at=now,
        actor="admin",
        actor_user_id=user_id,
        action=FORGET_ACTION,
        entity="pledge",
        entity_id=pledge.id,
        details={"word": word.word},
    )
    await session.flush()
    return word
