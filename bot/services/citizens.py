"""What a citizen's chat can ask the bot to keep, and to forget: its municipality,
subscriptions, synpunkter. `/glom` removes all of it at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.cache import VersionedCache
from bot.services.errors import Invalid, NotFound
from storage import catalogue as repo
from storage.models import (
    ChatSetting,
    ChatState,
    Feedback,
    Membership,
    Municipality,
    Reporter,
    Role,
    Subscriber,
)

FEEDBACK_MAX_CHARS = 2000
FEEDBACK_PER_HOUR = 3
# `chat_settings.last_seen_at` is kept to the day: a fresher value is not written again.
SEEN_RESOLUTION = timedelta(days=1)


@dataclass(frozen=True)
class Place:
    id: int
    name: str


async def places(session: AsyncSession, cache: VersionedCache | None = None) -> list[Place]:
    """Every municipality, in Swedish order. With a cache, read once per catalogue version
    (renaming, adding or removing a municipality bumps it)."""
    if cache is not None:
        cache.sync(await repo.catalogue_version(session))
        if isinstance(found := cache.get(("places",)), tuple):
            return list(found)
    found = tuple(Place(m.id, m.name) for m in await repo.list_municipalities(session))
    if cache is not None:
        cache.put(("places",), found)
    return list(found)


async def place_by_id(session: AsyncSession, municipality_id: int) -> Place:
    municipality = await session.get(Municipality, municipality_id)
    if municipality is None:
        raise NotFound(f"kommun {municipality_id}")
    return Place(municipality.id, municipality.name)


async def chat_place(session: AsyncSession, chat_id: int, user_id: int | None) -> Place | None:
    """The chat's remembered municipality; for a reporter without one, their own."""
    setting = await session.get(ChatSetting, chat_id)
    if setting is not None and setting.municipality_id is not None:
        return await place_by_id(session, setting.municipality_id)
    if user_id is not None:
        row = (
            await session.execute(
                select(Municipality.id, Municipality.name)
                .join(Membership, Membership.municipality_id == Municipality.id)
                .join(Reporter, Reporter.id == Membership.reporter_id)
                .where(Reporter.telegram_user_id == user_id, Membership.revoked_at.is_(None))
                .order_by(Municipality.name)
                .limit(1)
            )
        ).first()
        if row is not None:
            return Place(int(row[0]), str(row[1]))
    return None


async def remember_place(
    session: AsyncSession, chat_id: int, municipality_id: int, now: datetime
) -> None:
    setting = await session.get(ChatSetting, chat_id)
    if setting is None:
        session.add(
            ChatSetting(
                chat_id=chat_id, municipality_id=municipality_id, updated_at=now, last_seen_at=now
            )
        )
    elif setting.municipality_id != municipality_id:
        setting.municipality_id = municipality_id
        setting.updated_at = now
        setting.last_seen_at = now
    await session.flush()


async def seen_long_ago(session: AsyncSession, chat_id: int, now: datetime) -> bool:
    """True when the chat has settings whose `last_seen_at` is a day old or unset (a read)."""
    row = (
        await session.execute(
            select(ChatSetting.last_seen_at).where(ChatSetting.chat_id == chat_id)
        )
    ).first()
    return row is not None and (row[0] is None or row[0] <= now - SEEN_RESOLUTION)


async def mark_seen(session: AsyncSession, chat_id: int, now: datetime) -> None:
    """The chat wrote or pressed a button: retention counts its year of silence from now."""
    await session.execute(
        update(ChatSetting)
        .where(
            ChatSetting.chat_id == chat_id,
            or_(
                ChatSetting.last_seen_at.is_(None),
                ChatSetting.last_seen_at <= now - SEEN_RESOLUTION,
            ),
        )
        .values(last_seen_at=now)
    )


async def subscribe(
    session: AsyncSession, chat_id: int, municipality_id: int, language: str | None, now: datetime
) -> bool:
    """True when the chat was not subscribed before."""
    existing = await session.scalar(
        select(Subscriber).where(
            Subscriber.chat_id == chat_id, Subscriber.municipality_id == municipality_id
        )
    )
    if existing is not None:
        return False
    session.add(
        Subscriber(
            chat_id=chat_id, municipality_id=municipality_id, language=language, created_at=now
        )
    )
    await session.flush()
    return True


async def unsubscribe(
    session: AsyncSession, chat_id: int, municipality_id: int | None = None
) -> list[str]:
    """Names of the municipalities the chat no longer follows (all, without a municipality)."""
    query = select(Subscriber, Municipality.name).join(
        Municipality, Municipality.id == Subscriber.municipality_id
    )
    query = query.where(Subscriber.chat_id == chat_id)
    if municipality_id is not None:
        query = query.where(Subscriber.municipality_id == municipality_id)
    names = []
    for subscriber, name in await session.execute(query):
        names.append(str(name))
        await session.delete(subscriber)
    await session.flush()
    return sorted(names, key=repo.swedish_sort_key)


@dataclass(frozen=True)
class FeedbackSaved:
    id: int
    municipality: str
    admins: tuple[int, ...]  # Telegram user ids of the municipality's admins


async def give_feedback(
    session: AsyncSession, chat_id: int, municipality_id: int, text: str, now: datetime
) -> FeedbackSaved:
    """Store a synpunkt for the next medborgardialog; at most FEEDBACK_PER_HOUR per chat."""
    text = text.strip()
    if not text:
        raise Invalid("feedback_empty")
    if len(text) > FEEDBACK_MAX_CHARS:
        raise Invalid("feedback_long")
    recent = await session.scalar(
        select(func.count())
        .select_from(Feedback)
        .where(Feedback.chat_id == chat_id, Feedback.created_at > now - timedelta(hours=1))
    )
    if int(recent or 0) >= FEEDBACK_PER_HOUR:
        raise Invalid("feedback_rate")
    place = await place_by_id(session, municipality_id)
    feedback = Feedback(municipality_id=municipality_id, chat_id=chat_id, text=text, created_at=now)
    session.add(feedback)
    await session.flush()
    admins = await session.scalars(
        select(Reporter.telegram_user_id)
        .join(Membership, Membership.reporter_id == Reporter.id)
        .where(
            Membership.municipality_id == municipality_id,
            Membership.role == Role.ADMIN,
            Membership.revoked_at.is_(None),
        )
    )
    return FeedbackSaved(feedback.id, place.name, tuple(sorted(set(admins))))


@dataclass(frozen=True)
class Forgotten:
    subscriptions: int
    feedback: int
    settings: int


async def forget_chat(session: AsyncSession, chat_id: int) -> Forgotten:
    """Delete everything kept about a chat: subscriptions, synpunkter, its municipality and what
    the bot was waiting for. (Keys of handled updates hold no content and expire by themselves.)"""
    subs = await session.execute(delete(Subscriber).where(Subscriber.chat_id == chat_id))
    feedback = await session.execute(delete(Feedback).where(Feedback.chat_id == chat_id))
    settings = await session.execute(delete(ChatSetting).where(ChatSetting.chat_id == chat_id))
    await session.execute(delete(ChatState).where(ChatState.user_id == chat_id))
    return Forgotten(
        int(getattr(subs, "rowcount", 0) or 0),
        int(getattr(feedback, "rowcount", 0) or 0),
        int(getattr(settings, "rowcount", 0) or 0),
    )
