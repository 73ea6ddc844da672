"""Retention: what the bot keeps about a citizen is forgotten after a year of silence.

The rules (README, "Running it for real"):

- A citizen chat is *idle* when nothing it did is newer than `months` (12) months: its last
  message or button press (`chat_settings.last_seen_at`, or `updated_at` for rows older than
  that column), its latest synpunkt, and what the bot last waited for from it (`chat_states`).
- A subscription counts as use: someone who follows a municipality's progress posts uses the bot
  without ever writing to it. A subscribed chat is kept whole — its municipality and synpunkter
  too — for as long as the notices reach it.
- They stop reaching it when Telegram refuses a notice for good (Forbidden: the user blocked the
  bot, or the bot was removed from the group). Such a subscription is removed at the next run,
  whatever its age, unless the chat subscribed again after the refusal.
- An idle chat without subscriptions loses everything the bot keeps about it, as with `/glom`:
  its municipality (`chat_settings`), its synpunkter (`feedback`) and `chat_states`.
- Reporters and admins are never touched (anyone with a row in `reporters`, even after their
  rights were revoked): their activities are the municipality's records, not personal data of
  a citizen.

Not here: the inbox and the keys of handled updates are purged after seven days by the inbox
itself; outbox rows (notices already sent) are left alone.

The run is one transaction; the caller records it (counts only, no chat ids) in the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import ChatSetting, ChatState, Feedback, OutboxMessage, Reporter, Subscriber
from storage.outbox import FAILED, REFUSED

IDLE_MONTHS = 12
_CHUNK = 500  # chat ids per DELETE … IN (…): well under every driver's parameter limit


@dataclass(frozen=True)
class RetentionRun:
    chats: int = 0  # idle chats forgotten
    settings: int = 0  # chat_settings rows deleted
    feedback: int = 0  # synpunkter deleted
    states: int = 0  # chat_states rows deleted
    refused_subscriptions: int = 0  # subscriptions dropped because Telegram refused the chat

    def counts(self) -> dict[str, int]:
        return asdict(self)


def months_before(moment: datetime, months: int) -> datetime:
    """The same time of day `months` calendar months earlier (the last day of a shorter month)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=moment.tzinfo)
    last_day = (following - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


async def forget_inactive_citizens(
    session: AsyncSession, now: datetime, *, months: int = IDLE_MONTHS
) -> RetentionRun:
    """Drop refused subscriptions, then forget idle citizen chats (see the module's rules)."""
    refused = await drop_refused_subscriptions(session)
    idle = await idle_chats(session, months_before(now, months))
    settings = feedback = states = 0
    for start in range(0, len(idle), _CHUNK):
        chunk = idle[start : start + _CHUNK]
        settings += _count(
            await session.execute(delete(ChatSetting).where(ChatSetting.chat_id.in_(chunk)))
        )
        feedback += _count(
            await session.execute(delete(Feedback).where(Feedback.chat_id.in_(chunk)))
        )
        states += _count(
            await session.execute(delete(ChatState).where(ChatState.user_id.in_(chunk)))
        )
    return RetentionRun(
        chats=len(idle),
        settings=settings,
        feedback=feedback,
        states=states,
        refused_subscriptions=refused,
    )


async def drop_refused_subscriptions(session: AsyncSession) -> int:
    """Remove subscriptions of chats that refused a message for good after they subscribed."""
    refusal = aliased(OutboxMessage)
    result = await session.execute(
        delete(Subscriber).where(
            exists().where(
                refusal.chat_id == Subscriber.chat_id,
                refusal.status == FAILED,
                refusal.error.startswith(REFUSED, autoescape=True),
                refusal.created_at >= Subscriber.created_at,
            ),
            ~exists().where(Reporter.telegram_user_id == Subscriber.chat_id),
        )
    )
    return _count(result)


async def idle_chats(session: AsyncSession, cutoff: datetime) -> Sequence[int]:
    """Citizen chats with something kept about them and nothing newer than `cutoff`, that
    follow no municipality's posts."""
    seen = func.coalesce(ChatSetting.last_seen_at, ChatSetting.updated_at)
    old = union(
        select(ChatSetting.chat_id.label("chat_id")).where(seen < cutoff),
        select(Feedback.chat_id.label("chat_id")).where(Feedback.created_at < cutoff),
        select(ChatState.user_id.label("chat_id")).where(ChatState.expires_at < cutoff),
    ).subquery()
    chat = old.c.chat_id
    query = (
        select(chat)
        .where(
            ~exists().where(ChatSetting.chat_id == chat, seen >= cutoff),
            ~exists().where(Feedback.chat_id == chat, Feedback.created_at >= cutoff),
            ~exists().where(ChatState.user_id == chat, ChatState.expires_at >= cutoff),
            ~exists().where(Subscriber.chat_id == chat),
            ~exists().where(Reporter.telegram_user_id == chat),
        )
        .order_by(chat)
    )
    return [int(c) for c in await session.scalars(query)]


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
