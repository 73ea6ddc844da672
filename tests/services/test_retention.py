"""Retention: idle citizen chats are forgotten after twelve months, subscribers are kept while
notices reach them, reporters are never touched; the tick runs it once a day."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from telegram import Bot

from bot.app import OFFLINE_TOKEN
from bot.delivery import scheduler as jobs
from bot.delivery.outbox import Pacer, ScaledTime
from bot.services.examples import load_examples
from bot.services.retention import (
    RetentionRun,
    forget_inactive_citizens,
    idle_chats,
    months_before,
)
from storage import catalogue, people
from storage.db import Database
from storage.models import (
    AuditEntry,
    ChatSetting,
    ChatState,
    Feedback,
    OutboxMessage,
    Role,
    Subscriber,
)
from storage.outbox import FAILED, REFUSED, SENT
from tests.conftest import NOW, Harness

YEAR_AGO = NOW - timedelta(days=366)
LONG_AGO = NOW - timedelta(days=800)
RECENTLY = NOW - timedelta(days=40)

IDLE = 500_001  # settings, a synpunkt and a chat state, all older than a year
IDLE_OLD_ROW = 500_002  # settings from before last_seen_at existed (updated_at only)
ACTIVE = 500_003  # wrote recently; an old synpunkt stays
RECENT_FEEDBACK = 500_004  # old settings but a recent synpunkt
SUBSCRIBED = 500_005  # silent for two years but follows a municipality
BLOCKED = 500_006  # subscribed, silent, and blocked the bot
RESUBSCRIBED = 500_007  # blocked the bot once, then subscribed again
FEEDBACK_ONLY = 500_008  # only an old synpunkt (settings already gone)
REPORTER = 500_009  # a reporter: never touched, however old
BAD_REQUEST = 500_010  # a notice failed for another reason: still a subscriber
GROUP = -1_009_000_001  # a group chat, idle


async def _world(db: Database) -> int:
    async with db.transaction() as session:
        place = await catalogue.get_or_create_municipality(session, "Åsele")
        mid = place.id

        def settings(chat_id: int, seen: datetime | None, updated: datetime) -> None:
            session.add(
                ChatSetting(
                    chat_id=chat_id, municipality_id=mid, updated_at=updated, last_seen_at=seen
                )
            )

        def feedback(chat_id: int, at: datetime) -> None:
            session.add(
                Feedback(municipality_id=mid, chat_id=chat_id, text="Synpunkt", created_at=at)
            )

        def subscriber(chat_id: int, at: datetime) -> None:
            session.add(Subscriber(chat_id=chat_id, municipality_id=mid, created_at=at))

        def notice(chat_id: int, at: datetime, status: str, error: str | None) -> None:
            session.add(
                OutboxMessage(
                    key=f"notice:{chat_id}:{at.timestamp()}",
                    chat_id=chat_id,
                    text="Ny lägesrapport",
                    status=status,
                    created_at=at,
                    error=error,
                )
            )

        settings(IDLE, YEAR_AGO, LONG_AGO)
        feedback(IDLE, LONG_AGO)
        session.add(ChatState(user_id=IDLE, kind="feedback", payload={}, expires_at=YEAR_AGO))
        settings(IDLE_OLD_ROW, None, YEAR_AGO)
        settings(ACTIVE, RECENTLY, LONG_AGO)
        feedback(ACTIVE, LONG_AGO)
        settings(RECENT_FEEDBACK, LONG_AGO, LONG_AGO)
        feedback(RECENT_FEEDBACK, RECENTLY)
        settings(SUBSCRIBED, LONG_AGO, LONG_AGO)
        feedback(SUBSCRIBED, LONG_AGO)
        subscriber(SUBSCRIBED, LONG_AGO)
        notice(SUBSCRIBED, RECENTLY, SENT, None)
        settings(BLOCKED, LONG_AGO, LONG_AGO)
        subscriber(BLOCKED, LONG_AGO)
        notice(BLOCKED, YEAR_AGO, SENT, None)
        notice(BLOCKED, RECENTLY, FAILED, f"{REFUSED}: Forbidden: bot was blocked by the user")
        settings(RESUBSCRIBED, RECENTLY, RECENTLY)
        notice(RESUBSCRIBED, YEAR_AGO, FAILED, f"{REFUSED}: Forbidden: bot was blocked by the user")
        subscriber(RESUBSCRIBED, RECENTLY)
        feedback(FEEDBACK_ONLY, LONG_AGO)
        settings(REPORTER, LONG_AGO, LONG_AGO)
        feedback(REPORTER, LONG_AGO)
        settings(BAD_REQUEST, LONG_AGO, LONG_AGO)
        subscriber(BAD_REQUEST, LONG_AGO)
        notice(BAD_REQUEST, RECENTLY, FAILED, "avvisad av Telegram: Can't parse entities")
        settings(GROUP, YEAR_AGO, YEAR_AGO)
        reporter = await people.ensure_reporter(session, REPORTER)
        await people.grant(session, reporter, place, Role.REPORTER)
        subscriber(REPORTER, LONG_AGO)
        notice(REPORTER, RECENTLY, FAILED, f"{REFUSED}: Forbidden: bot was blocked by the user")
    return mid


async def _kept(db: Database) -> dict[str, set[int]]:
    async with db.read() as session:
        return {
            "settings": set(await session.scalars(select(ChatSetting.chat_id))),
            "feedback": set(await session.scalars(select(Feedback.chat_id))),
            "states": set(await session.scalars(select(ChatState.user_id))),
            "subscribers": set(await session.scalars(select(Subscriber.chat_id))),
        }


def test_months_before_counts_calendar_months() -> None:
    assert months_before(NOW, 12) == datetime(2025, 11, 21, 12, 0, tzinfo=UTC)
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2028, 3, 31, tzinfo=UTC), 1) == datetime(2028, 2, 29, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 1) == datetime(2025, 12, 15, tzinfo=UTC)
    assert months_before(datetime(2026, 12, 15, tzinfo=UTC), 12) == datetime(
        2025, 12, 15, tzinfo=UTC
    )


async def test_idle_citizens_are_forgotten_and_the_rest_is_kept(db: Database) -> None:
    await _world(db)
    run = await _run(db)
    forgotten = {IDLE, IDLE_OLD_ROW, BLOCKED, FEEDBACK_ONLY, GROUP}
    assert run == RetentionRun(
        chats=len(forgotten), settings=4, feedback=2, states=1, refused_subscriptions=1
    )
    kept = await _kept(db)
    assert kept["settings"] == {
        ACTIVE,
        RECENT_FEEDBACK,
        SUBSCRIBED,
        RESUBSCRIBED,
        REPORTER,
        BAD_REQUEST,
    }
    assert kept["feedback"] == {ACTIVE, RECENT_FEEDBACK, SUBSCRIBED, REPORTER}
    assert kept["states"] == set()
    # A refusal drops the subscription, unless the chat subscribed again afterwards; other
    # failures do not; a reporter's subscription is theirs to manage.
    assert kept["subscribers"] == {SUBSCRIBED, RESUBSCRIBED, REPORTER, BAD_REQUEST}
    # A second run finds nothing more to do.
    assert await _run(db) == RetentionRun()


async def test_a_chat_is_idle_only_after_twelve_months(db: Database) -> None:
    await _world(db)
    async with db.read() as session:
        year = set(await idle_chats(session, months_before(NOW, 12)))
        longer = set(await idle_chats(session, months_before(NOW, 24)))
    assert year == {IDLE, IDLE_OLD_ROW, FEEDBACK_ONLY, GROUP}  # BLOCKED is still subscribed
    assert longer == {FEEDBACK_ONLY}
    async with db.transaction() as session:
        run = await forget_inactive_citizens(session, NOW, months=24)
    assert run.chats == 2  # FEEDBACK_ONLY, and BLOCKED once its subscription was dropped
    assert run.refused_subscriptions == 1


async def _run(db: Database) -> RetentionRun:
    async with db.transaction() as session:
        return await forget_inactive_citizens(session, NOW)


# --- the daily run in the scheduler's tick -----------------------------------------------------


@pytest.fixture
async def scheduler(harness: Harness) -> AsyncIterator[jobs.Scheduler]:
    bot = Bot(OFFLINE_TOKEN, request=harness.transport)
    scheduler = jobs.Scheduler(harness.services, bot, pacer=Pacer(time=ScaledTime(1000.0)))
    yield scheduler
    assert scheduler.leadership is not None
    await scheduler.leadership.release()


async def test_the_tick_runs_retention_once_a_day_after_half_past_three(
    harness: Harness, scheduler: jobs.Scheduler
) -> None:
    db = harness.services.db
    await _world(db)
    # 2026-11-22 03:29 in Stockholm (UTC+1): not yet.
    harness.clock.set(datetime(2026, 11, 22, 2, 29, tzinfo=UTC))
    assert (await scheduler.tick()).retention is None
    assert IDLE in (await _kept(db))["settings"]
    harness.clock.set(datetime(2026, 11, 22, 2, 30, tzinfo=UTC))
    first = (await scheduler.tick()).retention
    assert first is not None and first.chats == 5
    assert IDLE not in (await _kept(db))["settings"]
    harness.clock.set(datetime(2026, 11, 22, 22, 0, tzinfo=UTC))
    assert (await scheduler.tick()).retention is None  # the same day, later
    harness.clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    second = (await scheduler.tick()).retention
    assert second == RetentionRun()  # the next day: runs again, nothing left to do
    async with db.read() as session:
        audits = list(
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "retention.run")
                .order_by(AuditEntry.id)
            )
        )
    assert [a.entity_id for a in audits] == [20261122, 20261123]
    assert audits[0].details == first.counts()
    assert audits[0].actor == "system" and audits[0].actor_user_id is None
    assert str(IDLE) not in repr([a.details for a in audits])  # counts only, no chat ids


# --- last seen -----------------------------------------------------------------------------------


async def _last_seen(harness: Harness, chat_id: int) -> datetime | None:
    async with harness.services.db.read() as session:
        return await session.scalar(
            select(ChatSetting.last_seen_at).where(ChatSetting.chat_id == chat_id)
        )


async def _updates_of_chat_settings(harness: Harness, send: object) -> int:
    from sqlalchemy import event

    engine = harness.services.db.engine.sync_engine
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE CHAT_SETTINGS"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        await send  # type: ignore[misc]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


async def test_writing_or_pressing_a_button_marks_the_chat_as_seen_at_most_daily(
    harness: Harness,
) -> None:
    from bot.console.updates import Person

    async with harness.services.db.transaction() as session:
        await load_examples(session, today=NOW.date(), now=NOW)
    kim = Person(200_201, "Kim", "sv")
    await harness.send(kim, "/kommun Härjedalen")
    assert await _last_seen(harness, kim.user_id) == NOW
    # Two days later: the first message of the day moves it on.
    later = NOW + timedelta(days=2)
    harness.clock.set(later)
    assert await _updates_of_chat_settings(harness, harness.send(kim, "hur går det?")) == 1
    assert await _last_seen(harness, kim.user_id) == later
    # Later the same day: nothing is read or written for it.
    harness.clock.set(later + timedelta(hours=2))
    assert await _updates_of_chat_settings(harness, harness.send(kim, "hur går det?")) == 0
    assert await _last_seen(harness, kim.user_id) == later
    # Just after midnight (Stockholm): a new day, but the value is less than a day old.
    harness.clock.set(datetime(2026, 11, 23, 23, 30, tzinfo=UTC))
    assert await _updates_of_chat_settings(harness, harness.send(kim, "hur går det?")) == 0
    assert await _last_seen(harness, kim.user_id) == later
    # A button press on a later day counts too.
    pressed = NOW + timedelta(days=5)
    harness.clock.set(pressed)
    async with harness.services.db.read() as session:
        place = await catalogue.municipality_by_name(session, "Härjedalen")
    assert place is not None
    from bot.render import callbacks

    await harness.press(kim, callbacks.encode("co", place.id))
    assert await _last_seen(harness, kim.user_id) == pressed
    # A chat the bot keeps nothing about gets no row.
    await harness.send(Person(200_202, "Sam", "sv"), "/hjalp")
    async with harness.services.db.read() as session:
        rows = await session.scalar(select(func.count()).select_from(ChatSetting))
    assert rows == 1
