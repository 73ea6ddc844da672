"""What a citizen's chat can ask the bot to keep, and to forget: its municipality,
subscriptions, synpunkter. `/glom` removes all of it at once.

Also where a citizen's words lead: a municipality in the bot, a town in one ("Sveg" →
Härjedalen), one of Sweden's other municipalities that has no promises in the bot yet
("Stockholm"), or a place nobody knows. A synpunkt waits in the database (as the chat's state)
while the bot asks for its text or its municipality, and is stored once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Literal

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.municipality_names import SWEDISH_MUNICIPALITIES
from bot.domain.questions import Question, Topic, find_municipality, read_question
from bot.domain.swedish import FOLD
from bot.domain.towns import TOWNS
from bot.services import access
from bot.services.cache import VersionedCache
from bot.services.errors import Invalid, NotFound
from storage import activities
from storage import catalogue as repo
from storage.models import (
    ChatSetting,
    ChatState,
    Feedback,
    Membership,
    Municipality,
    Pledge,
    ProcessedUpdate,
    Reporter,
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
        raise NotFound("missing.municipality_id", municipality_id=municipality_id)
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
    text: str = ""
    english_admins: frozenset[int] = frozenset()  # those of them whose Telegram is English


async def give_feedback(
    session: AsyncSession, chat_id: int, municipality_id: int, text: str, now: datetime
) -> FeedbackSaved:
    """Store a synpunkt for the next medborgardialog; at most FEEDBACK_PER_HOUR per chat."""
    text = text.strip()
    if not text:
        raise Invalid("feedback.empty")
    if len(text) > FEEDBACK_MAX_CHARS:
        raise Invalid("feedback.long")
    recent = await session.scalar(
        select(func.count())
        .select_from(Feedback)
        .where(Feedback.chat_id == chat_id, Feedback.created_at > now - timedelta(hours=1))
    )
    if int(recent or 0) >= FEEDBACK_PER_HOUR:
        raise Invalid("feedback.rate")
    place = await place_by_id(session, municipality_id)
    feedback = Feedback(municipality_id=municipality_id, chat_id=chat_id, text=text, created_at=now)
    session.add(feedback)
    await session.flush()
    languages = dict(await access.admins_with_language(session, municipality_id))
    english = frozenset(
        uid for uid, language in languages.items() if (language or "").lower().startswith("en")
    )
    return FeedbackSaved(feedback.id, place.name, tuple(sorted(languages)), text, english)


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


# --- where a citizen's words lead -----------------------------------------------------------


def _name_key(name: str) -> str:
    """A name compared loosely: folded, without spaces, hyphens or a trailing "kommun"."""
    words = name.lower().replace("-", " ").split()
    if len(words) > 1 and words[-1] in ("kommun", "kommuns"):
        words = words[:-1]
    return "".join(words).translate(FOLD)


@lru_cache(maxsize=8)
def _all_names(in_bot: tuple[str, ...]) -> tuple[str, ...]:
    """The bot's municipalities, then Sweden's others (the bot's spelling wins)."""
    keys = {_name_key(name) for name in in_bot}
    return in_bot + tuple(n for n in SWEDISH_MUNICIPALITIES if _name_key(n) not in keys)


@dataclass(frozen=True)
class PlaceFound:
    """Where a name leads. ``place``: a municipality in the bot. ``town``: the town named, when
    it led there (or to ``outside``). ``outside``: one of Sweden's municipalities the bot has
    nothing about. ``unknown``: words that look like a place nobody knows."""

    place: Place | None = None
    town: str | None = None
    outside: str | None = None
    unknown: str | None = None


def _lead(
    places: list[Place], name: str | None, town: str | None, unknown: str | None
) -> PlaceFound:
    if name is None:
        return PlaceFound(unknown=unknown)
    key = _name_key(name)
    place = next((p for p in places if p.name == name), None) or next(
        (p for p in places if _name_key(p.name) == key), None
    )
    if place is None:
        return PlaceFound(town=town, outside=name)
    return PlaceFound(place=place, town=town)


async def find_place(
    session: AsyncSession, text: str, cache: VersionedCache | None = None
) -> PlaceFound:
    """Where a short text ("Sveg", "stockholms", "Åsel", the argument of /kommun) leads."""
    found = await places(session, cache)
    names = _all_names(tuple(p.name for p in found))
    question = read_question(text[:200], names, towns=TOWNS)
    name, town = question.municipality, question.town
    if name is None:
        name = find_municipality(text[:200], names, towns=TOWNS)
    unknown = None if name is not None else (question.unknown_place or text.strip()[:60] or None)
    return _lead(found, name, town, unknown)


@dataclass(frozen=True)
class Asked:
    """A citizen's question, read: what it asks, where it leads, and the chat's remembered
    municipality (used when the question names none)."""

    question: Question
    found: PlaceFound
    remembered: Place | None
    names: tuple[str, ...] = ()
    handled: bool = False  # the message was handled before (it answered a question of ours)

    @property
    def place(self) -> Place | None:
        """The municipality to answer about."""
        if self.found.place is not None:
            return self.found.place
        if self.found.outside is None and self.found.unknown is None:
            return self.remembered
        return None


async def ask(
    session: AsyncSession,
    chat_id: int,
    user_id: int | None,
    text: str,
    *,
    named: str = "",
    cache: VersionedCache | None = None,
    update_key: str | None = None,
) -> Asked:
    """Read a citizen's question against every municipality and town of Sweden. `named` is a
    command's argument, which must name a place. With the update's key, ``handled`` tells
    whether the message was already taken as an answer (a redelivery)."""
    found = await places(session, cache)
    names = _all_names(tuple(p.name for p in found))
    question = read_question(text[:1000], names, towns=TOWNS)
    if named and question.municipality is None:
        by_name = await find_place(session, named, cache)
        name = by_name.place.name if by_name.place is not None else by_name.outside
        question = dataclasses.replace(
            question, municipality=name, town=by_name.town, unknown_place=by_name.unknown
        )
    lead = _lead(found, question.municipality, question.town, question.unknown_place)
    remembered = await chat_place(session, chat_id, user_id)
    handled = update_key is not None and (
        await session.get(ProcessedUpdate, update_key) is not None
    )
    return Asked(question, lead, remembered, names, handled)


def read_topics(text: str, asked: Asked, topics: list[Topic]) -> Question:
    """The question read again with the municipality's pledges, to find its topic."""
    return read_question(text[:1000], asked.names, topics, towns=TOWNS)


async def places_with_pledges(session: AsyncSession) -> list[Place]:
    """The municipalities the bot holds promises for, in Swedish order."""
    ids = set(await session.scalars(select(Pledge.municipality_id).distinct()))
    return [p for p in await places(session) if p.id in ids]


# --- a synpunkt, step by step ---------------------------------------------------------------

FEEDBACK_WAIT = timedelta(minutes=30)
FEEDBACK_TEXT = "feedback_text"  # waiting for the synpunkt's text
FEEDBACK_PLACE = "feedback_place"  # waiting for its municipality
FEEDBACK_STATES = (FEEDBACK_TEXT, FEEDBACK_PLACE)
PLACE_ANSWER_WORDS = 4  # a longer answer to "which kommun?" is more of the synpunkt


@dataclass(frozen=True)
class FeedbackStep:
    """What happened to a synpunkt: ``saved``; the bot asks for its text (``ask_text``) or its
    municipality (``ask_place``, with what the typed name led to, or ``added`` when a longer
    message was added to the synpunkt); ``duplicate`` (the update was handled before); ``gone``
    (nothing was waiting)."""

    kind: Literal["saved", "ask_text", "ask_place", "duplicate", "gone"]
    saved: FeedbackSaved | None = None
    place: Place | None = None
    found: PlaceFound | None = None
    added: bool = False  # the message was added to the waiting synpunkt


def _check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise Invalid("feedback.empty")
    if len(text) > FEEDBACK_MAX_CHARS:
        raise Invalid("feedback.long")
    return text


async def _save(
    session: AsyncSession, chat_id: int, user_id: int, place: Place, text: str, now: datetime
) -> FeedbackStep:
    saved = await give_feedback(session, chat_id, place.id, text, now)
    await remember_place(session, chat_id, place.id, now)
    await activities.clear_state(session, user_id)
    return FeedbackStep("saved", saved=saved, place=place)


async def start_feedback(
    session: AsyncSession,
    *,
    chat_id: int,
    user_id: int,
    text: str,
    update_key: str,
    update_id: int,
    now: datetime,
) -> FeedbackStep:
    """/tyck with or without its text. Without a municipality for the chat, the text waits in
    the chat's state while the bot asks which one; without a text, the bot asks for it."""
    if not await activities.claim_update(session, update_key, update_id, now):
        return FeedbackStep("duplicate")
    place = await chat_place(session, chat_id, user_id)
    if not text.strip():
        payload: dict[str, object] = {"chat_id": chat_id, "place_id": place.id if place else None}
        await activities.set_state(session, user_id, FEEDBACK_TEXT, payload, now + FEEDBACK_WAIT)
        return FeedbackStep("ask_text", place=place)
    text = _check_text(text)
    if place is None:
        payload = {"chat_id": chat_id, "text": text}
        await activities.set_state(session, user_id, FEEDBACK_PLACE, payload, now + FEEDBACK_WAIT)
        return FeedbackStep("ask_place")
    return await _save(session, chat_id, user_id, place, text, now)


async def continue_feedback(
    session: AsyncSession,
    *,
    chat_id: int,
    user_id: int,
    text: str,
    update_key: str,
    update_id: int,
    now: datetime,
    place_id: int | None = None,
    cache: VersionedCache | None = None,
) -> FeedbackStep:
    """The next message (or a municipality's button, `place_id`) after /tyck: the synpunkt's
    text, or its municipality. Claims the update's key, so a redelivery stores nothing twice."""
    if not await activities.claim_update(session, update_key, update_id, now):
        return FeedbackStep("duplicate")
    state = await activities.get_state(session, user_id, now)
    if state is None or state.kind not in FEEDBACK_STATES:
        return FeedbackStep("gone")
    payload = dict(state.payload)
    if state.kind == FEEDBACK_TEXT:
        if place_id is not None:  # a button from an older question
            return FeedbackStep("gone")
        text = _check_text(text)
        known = payload.get("place_id")
        if isinstance(known, int):
            try:
                place = await place_by_id(session, known)
            except NotFound:
                place = None
            if place is not None:
                return await _save(session, chat_id, user_id, place, text, now)
        payload = {"chat_id": chat_id, "text": text}
        await activities.set_state(session, user_id, FEEDBACK_PLACE, payload, now + FEEDBACK_WAIT)
        return FeedbackStep("ask_place")
    waiting = str(payload.get("text") or "")
    if place_id is not None:
        try:
            place = await place_by_id(session, place_id)
        except NotFound:
            return FeedbackStep("gone")
        return await _save(session, chat_id, user_id, place, waiting, now)
    if len(text.split()) > PLACE_ANSWER_WORDS:
        # Not a name but more to say: added to the synpunkt, which still waits for its kommun.
        payload["text"] = _check_text(f"{waiting}\n{text.strip()}")
        await activities.set_state(session, user_id, FEEDBACK_PLACE, payload, now + FEEDBACK_WAIT)
        return FeedbackStep("ask_place", added=True)
    found = await find_place(session, text, cache)
    if found.place is None:
        return FeedbackStep("ask_place", found=found)
    return await _save(session, chat_id, user_id, found.place, waiting, now)
