"""Progress posts to the channel: on time, after downtime, exactly once, approval, settling.

The clock is frozen and moved by hand; the scheduler's tick is what the JobQueue would run.
Channel posts go through a Bot on the in-process transport without PTB's rate limiter, so a
429 reaches the publisher, which waits (on a fast simulated clock) and sends the same part again.
"""

from __future__ import annotations

import asyncio
import html.parser
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.app import OFFLINE_TOKEN
from bot.console.transport import ApiCall, OfflineTransport
from bot.console.updates import Person
from bot.delivery import publisher as publisher_module
from bot.delivery import scheduler as jobs
from bot.delivery.outbox import Pacer, ScaledTime
from bot.delivery.publisher import Publisher
from bot.services import schedule as schedules
from bot.services.examples import load_examples
from storage import outbox as outbox_store
from storage.catalogue import municipality_by_name
from storage.models import (
    Activity,
    ActivitySource,
    AuditEntry,
    Municipality,
    OutboxMessage,
    PledgeSet,
    PostApproval,
    PostStatus,
    ProgressPost,
    Subscriber,
)
from tests.conftest import Harness, replies

CHANNEL = "@harjedalen_loften"
EXAMPLE_ADMIN = Person(100_003, "Alex", "sv")
# Q4 2026 ends on Thursday 31 December; Friday 1 January 2027 is nyårsdagen, a public holiday,
# so its post is due on Monday 4 January, 09:00 CET.
Q4_DUE = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
BEFORE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class Crash(BaseException):
    """The process dies: not an Exception, so nothing in the bot catches it."""


@pytest.fixture
async def posting(harness: Harness) -> AsyncIterator[dict[str, Any]]:
    """Example data, a channel for Härjedalen, three subscribers, and the schedule's start."""
    services = harness.services
    async with services.db.transaction() as session:
        await load_examples(session, today=date(2026, 11, 21), now=harness.clock.now())
        municipality = await municipality_by_name(session, "Härjedalen")
        assert municipality is not None
        municipality.channel = CHANNEL
        for chat_id, language in ((300_001, "sv"), (300_002, "en"), (300_003, None)):
            session.add(
                Subscriber(
                    chat_id=chat_id,
                    municipality_id=municipality.id,
                    language=language,
                    created_at=harness.clock.now(),
                )
            )
    harness.clock.set(BEFORE)
    async with services.db.transaction() as session:
        await schedules.ensure_schedules(session, services.now())
    yield {"municipality_id": municipality.id}
    while _LIVE:
        leadership = _LIVE.pop().leadership
        assert leadership is not None
        await leadership.release()


_LIVE: list[jobs.Scheduler] = []


async def _scheduler(
    harness: Harness, transport: OfflineTransport | None = None, *, alongside: bool = False
) -> jobs.Scheduler:
    """A scheduler as one process would have it: its own bot, pacer and claim name. Unless
    `alongside`, the processes before it have ended (on PostgreSQL their lock goes with them)."""
    if not alongside:
        while _LIVE:
            leadership = _LIVE.pop().leadership
            assert leadership is not None
            await leadership.release()
    bot = Bot(OFFLINE_TOKEN, request=transport or harness.transport)
    scheduler = jobs.Scheduler(harness.services, bot, pacer=Pacer(time=ScaledTime(1000.0)))
    _LIVE.append(scheduler)
    return scheduler


def _channel_calls(transport: OfflineTransport) -> list[ApiCall]:
    return [c for c in transport.calls if c.chat_id == CHANNEL]


async def _post(harness: Harness, mid: int, key: str) -> ProgressPost | None:
    async with harness.services.db.read() as session:
        return await session.scalar(
            select(ProgressPost).where(
                ProgressPost.municipality_id == mid, ProgressPost.period_key == key
            )
        )


async def _outbox(harness: Harness, prefix: str) -> list[OutboxMessage]:
    async with harness.services.db.read() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.key.like(prefix)))
        return list(rows)


async def test_the_post_goes_out_at_its_due_time_and_only_once(
    harness: Harness, posting: dict[str, Any]
) -> None:
    scheduler = await _scheduler(harness)
    await scheduler.bot.initialize()
    harness.clock.set(Q4_DUE - timedelta(minutes=1))
    early = await scheduler.tick()
    assert early.posts == []
    assert _channel_calls(harness.transport) == []

    harness.clock.set(Q4_DUE)
    due = await scheduler.tick()
    assert [p.outcome for p in due.posts] == ["sent"]
    calls = _channel_calls(harness.transport)
    assert [c.method for c in calls][-1] == "sendPhoto"  # the chart comes last
    assert calls[0].text is not None
    assert "Hur går det med medborgarlöftena?" in calls[0].text
    assert "kvartal 4 2026" in calls[0].text
    assert calls[-1].uploads  # the PNG itself
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.SENT
    assert len(post.message_ids) == len(calls)
    assert post.sending_part is None
    assert post.rendering is not None  # the texts stay on record
    assert post.chart is None  # the chart's bytes are not kept once out
    notices = await _outbox(harness, "post:%:sub:%")
    assert sorted(n.chat_id for n in notices) == [300_001, 300_002, 300_003]
    english = next(n for n in notices if n.chat_id == 300_002)
    assert "progress report" in english.text
    assert english.buttons[0][1] == f"https://t.me/harjedalen_loften/{post.message_ids[0]}"

    harness.clock.advance(timedelta(minutes=5))
    again = await scheduler.tick()
    assert again.posts == []
    assert len(_channel_calls(harness.transport)) == len(calls)


async def test_nothing_goes_out_on_new_years_day_the_post_waits_for_monday(
    harness: Harness, posting: dict[str, Any]
) -> None:
    scheduler = await _scheduler(harness)
    await scheduler.bot.initialize()
    new_years_day = datetime(2027, 1, 1, 8, 0, tzinfo=UTC)  # Friday 09:00 CET, nyårsdagen
    for moment in (new_years_day, new_years_day + timedelta(days=1, hours=3)):
        harness.clock.set(moment)
        report = await scheduler.tick()
        assert report.posts == []
    assert _channel_calls(harness.transport) == []
    assert await _post(harness, posting["municipality_id"], "2026-Q4") is None

    harness.clock.set(Q4_DUE)  # Monday 4 January, 09:00 CET
    due = await scheduler.tick()
    assert [p.outcome for p in due.posts] == ["sent"]
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None and post.due_at == Q4_DUE


async def test_the_weekly_reminders_wait_for_tuesday_after_easter_monday(
    harness: Harness, posting: dict[str, Any]
) -> None:
    scheduler = await _scheduler(harness)
    await scheduler.bot.initialize()
    easter_monday = datetime(2027, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST, annandag påsk
    harness.clock.set(easter_monday + timedelta(hours=5))
    assert (await scheduler.tick()).reminders is None
    harness.clock.set(easter_monday + timedelta(days=1))  # Tuesday 09:00 CEST
    assert (await scheduler.tick()).reminders is not None
    # An ordinary Monday: the reminders run at 09:00 that day.
    harness.clock.set(datetime(2027, 4, 5, 7, 0, tzinfo=UTC) - timedelta(minutes=1))
    assert (await scheduler.tick()).reminders is None
    harness.clock.set(datetime(2027, 4, 5, 7, 0, tzinfo=UTC))
    assert (await scheduler.tick()).reminders is not None


async def test_a_post_due_while_the_bot_was_down_goes_out_at_the_first_tick(
    harness: Harness, posting: dict[str, Any]
) -> None:
    # The bot stopped before the due time and starts again two days later.
    harness.clock.set(Q4_DUE + timedelta(days=2, hours=3))
    scheduler = await _scheduler(harness)
    report = await scheduler.tick()
    assert [p.outcome for p in report.posts] == ["sent"]
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.SENT
    assert post.due_at == Q4_DUE


async def test_a_post_overdue_by_more_than_a_week_is_recorded_and_admins_told(
    harness: Harness, posting: dict[str, Any]
) -> None:
    harness.clock.set(Q4_DUE + timedelta(days=9))
    report = await (await _scheduler(harness)).tick()
    assert report.missed == 1
    assert _channel_calls(harness.transport) == []
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.SKIPPED
    told = await _outbox(harness, "missed:%")
    assert [n.chat_id for n in told] == [EXAMPLE_ADMIN.user_id]
    assert "--force" in told[0].text


async def test_a_new_schedule_does_not_post_periods_that_fell_due_before_it(
    harness: Harness, posting: dict[str, Any]
) -> None:
    # The schedule began on 1 December; Q3's post was due on 1 October.
    harness.clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    report = await (await _scheduler(harness)).tick()
    assert report.posts == []
    assert report.missed == 0
    assert await _post(harness, posting["municipality_id"], "2026-Q3") is None


async def test_start_up_registers_a_catch_up_tick_and_the_due_time(
    harness: Harness, posting: dict[str, Any]
) -> None:
    app = harness.app
    assert app.job_queue is not None
    scheduler = await jobs.install(app)
    try:
        await app.job_queue.start()
        names = {job.name: job for job in app.job_queue.jobs()}
        tick = names["tick"]
        assert tick.next_t is not None
        assert tick.next_t - datetime.now(UTC) <= timedelta(minutes=5)
        due_jobs = [job for name, job in names.items() if name and name.startswith("due:")]
        assert [job.next_t for job in due_jobs] == [Q4_DUE]
    finally:
        await app.job_queue.stop()
        await jobs.uninstall(app)
    assert scheduler.worker is not None


async def test_two_instances_ticking_at_once_post_once(
    harness: Harness, posting: dict[str, Any]
) -> None:
    other = OfflineTransport()
    first = await _scheduler(harness)
    second = await _scheduler(harness, other, alongside=True)
    harness.clock.set(Q4_DUE)
    reports = await asyncio.gather(first.tick(), second.tick())
    outcomes = sorted(p.outcome for r in reports for p in r.posts)
    assert outcomes.count("sent") == 1
    assert set(outcomes) <= {"sent", "busy", "already"}
    sent = _channel_calls(harness.transport) + _channel_calls(other)
    photos = [c for c in sent if c.method == "sendPhoto"]
    assert len(photos) == 1
    async with harness.services.db.read() as session:
        rows = await session.scalar(select(func.count()).select_from(ProgressPost))
    assert rows == 1
    if not harness.services.db.is_sqlite:
        # Only one of them holds the scheduler lock.
        assert sorted(r.leader for r in reports) == [False, True]


async def test_a_crash_between_send_and_mark_leaves_the_post_ambiguous(
    harness: Harness, posting: dict[str, Any]
) -> None:
    crashing = OfflineTransport()

    def die_after_accepting(call: ApiCall) -> None:
        if call.chat_id == CHANNEL and call.method == "sendMessage":
            raise Crash

    crashing.on_call = die_after_accepting
    harness.clock.set(Q4_DUE)
    with pytest.raises(Crash):
        await (await _scheduler(harness, crashing)).tick()
    assert len(_channel_calls(crashing)) == 1  # Telegram has the first part
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.CLAIMED
    assert post.sending_part == 0

    # The restarted bot finds the claim expired with a part in flight: ambiguous, not resent.
    harness.clock.advance(timedelta(minutes=3))
    restarted = OfflineTransport()
    report = await (await _scheduler(harness, restarted)).tick()
    assert [p.outcome for p in report.posts] == ["ambiguous"], report
    assert _channel_calls(restarted) == []
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.AMBIGUOUS
    told = await _outbox(harness, f"post:{post.id}:ambiguous:%")
    assert [n.chat_id for n in told] == [EXAMPLE_ADMIN.user_id]
    harness.clock.advance(timedelta(minutes=5))
    later = await (await _scheduler(harness, restarted)).tick()
    assert later.posts == []
    assert _channel_calls(restarted) == []

    # The admin looks in the channel and says it did not come out: it is sent from that part.
    picker = await harness.send(EXAMPLE_ADMIN, "/schema")
    assert any("Vilken kommun?" in r for r in replies(picker))  # admin of four
    shown = await harness.press(EXAMPLE_ADMIN, f"1|sh|{posting['municipality_id']}|v")
    assert any("oklart om den kom ut" in r for r in replies(shown))
    await harness.press(EXAMPLE_ADMIN, f"1|pp|{post.id}|n")
    final = await (await _scheduler(harness, restarted)).tick()
    assert [p.outcome for p in final.posts] == ["sent"]
    assert _channel_calls(restarted)[0].method == "sendMessage"
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.SENT


async def test_an_admin_can_confirm_an_ambiguous_post_came_out(
    harness: Harness, posting: dict[str, Any]
) -> None:
    async with harness.services.db.transaction() as session:
        post = ProgressPost(
            municipality_id=posting["municipality_id"],
            channel=CHANNEL,
            period_key="2026-Q4",
            kind="progress",
            status=PostStatus.AMBIGUOUS,
            parts=3,
            message_ids=["7"],
            created_at=harness.clock.now(),
        )
        session.add(post)
        await session.flush()
        post_id = post.id
    # A citizen cannot settle it.
    await harness.press(Person(200_001, "Kim", "sv"), f"1|pp|{post_id}|y")
    assert (await _post(harness, posting["municipality_id"], "2026-Q4")).status is (  # type: ignore[union-attr]
        PostStatus.AMBIGUOUS
    )
    await harness.press(EXAMPLE_ADMIN, f"1|pp|{post_id}|y")
    settled = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert settled is not None
    assert settled.status is PostStatus.SENT
    async with harness.services.db.read() as session:
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert "post.came_out" in actions


async def test_a_429_in_the_channel_post_waits_and_sends_each_part_once(
    harness: Harness, posting: dict[str, Any]
) -> None:
    transport = OfflineTransport()
    transport.fail_next("sendMessage", 429, retry_after=30)
    scheduler = await _scheduler(harness, transport)
    harness.clock.set(Q4_DUE)
    report = await scheduler.tick()
    assert [p.outcome for p in report.posts] == ["sent"]
    calls = _channel_calls(transport)
    texts = [c.text for c in calls if c.method == "sendMessage"]
    assert len(texts) == len(set(texts))
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert len(post.message_ids) == len(calls)


async def test_a_channel_the_bot_cannot_post_in_fails_once_and_tells_admins(
    harness: Harness, posting: dict[str, Any]
) -> None:
    transport = OfflineTransport()
    transport.fail_next("sendMessage", 403)
    harness.clock.set(Q4_DUE)
    report = await (await _scheduler(harness, transport)).tick()
    assert [p.outcome for p in report.posts] == ["failed"]
    assert await _outbox(harness, "post:%:failed:%")
    harness.clock.advance(timedelta(minutes=10))
    assert (await (await _scheduler(harness, transport)).tick()).posts == []


async def test_approval_hold_then_publish_with_a_comment(
    harness: Harness, posting: dict[str, Any]
) -> None:
    mid = posting["municipality_id"]
    admin_view = await harness.press(EXAMPLE_ADMIN, f"1|sh|{mid}|v")
    assert any("Lägesrapporter – Härjedalen" in r for r in replies(admin_view))
    async with harness.services.db.transaction() as session:
        await schedules.change(
            session, mid, now=harness.clock.now(), user_id=None, approval=True, unanswered="hold"
        )
    scheduler = await _scheduler(harness)
    # 48 hours before the due time the admins get the draft.
    harness.clock.set(Q4_DUE - timedelta(hours=47))
    asked = await scheduler.tick()
    assert asked.asked == 1
    to_admin = [c for c in harness.transport.calls if c.chat_id == EXAMPLE_ADMIN.user_id]
    assert any("Utkast" in (c.text or "") for c in to_admin)
    buttons = [b["callback_data"] for c in to_admin for row in c.buttons for b in row]
    async with harness.services.db.read() as session:
        approval = await session.scalar(select(PostApproval))
    assert approval is not None
    assert f"1|ap|{approval.id}|p" in buttons
    assert (await scheduler.tick()).asked == 0  # asked once

    # Nobody answers: at the due time the post waits and the admins are told.
    harness.clock.set(Q4_DUE + timedelta(minutes=1))
    held = await scheduler.tick()
    assert held.posts == []
    assert held.held == 1
    assert _channel_calls(harness.transport) == []

    # An admin adds a comment (with HTML in it) and publishes.
    await harness.press(EXAMPLE_ADMIN, f"1|ap|{approval.id}|c")
    saved = await harness.send(EXAMPLE_ADMIN, "Tack till alla <b>skolor</b> & föräldrar!")
    assert any("Kommentaren" in r for r in replies(saved))
    await harness.press(EXAMPLE_ADMIN, f"1|ap|{approval.id}|p")
    published = await scheduler.tick()
    assert [p.outcome for p in published.posts] == ["sent"]
    texts = "\n".join(c.text or "" for c in _channel_calls(harness.transport))
    assert "Tack till alla &lt;b&gt;skolor&lt;/b&gt; &amp; föräldrar!" in texts


async def test_approval_skip_means_no_post(harness: Harness, posting: dict[str, Any]) -> None:
    async with harness.services.db.transaction() as session:
        await schedules.change(
            session,
            posting["municipality_id"],
            now=harness.clock.now(),
            user_id=None,
            approval=True,
        )
    scheduler = await _scheduler(harness)
    harness.clock.set(Q4_DUE - timedelta(hours=40))
    await scheduler.tick()
    async with harness.services.db.read() as session:
        approval = await session.scalar(select(PostApproval))
    assert approval is not None
    # A reporter is not an admin: the press is refused and changes nothing.
    await harness.press(Person(100_002, "Robin", "sv"), f"1|ap|{approval.id}|s")
    await harness.press(EXAMPLE_ADMIN, f"1|ap|{approval.id}|s")
    harness.clock.set(Q4_DUE + timedelta(hours=2))
    assert (await scheduler.tick()).posts == []
    assert _channel_calls(harness.transport) == []
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.SKIPPED


async def test_unanswered_approval_publishes_when_so_configured(
    harness: Harness, posting: dict[str, Any]
) -> None:
    async with harness.services.db.transaction() as session:
        await schedules.change(
            session,
            posting["municipality_id"],
            now=harness.clock.now(),
            user_id=None,
            approval=True,
            unanswered="publish",
        )
    scheduler = await _scheduler(harness)
    harness.clock.set(Q4_DUE - timedelta(hours=47))
    await scheduler.tick()
    harness.clock.set(Q4_DUE)
    assert [p.outcome for p in (await scheduler.tick()).posts] == ["sent"]


async def test_schema_changes_the_schedule_for_admins_only(
    harness: Harness, posting: dict[str, Any]
) -> None:
    mid = posting["municipality_id"]
    refused = await harness.send(Person(200_001, "Kim", "sv"), "/schema")
    assert any("administratörer" in r for r in replies(refused))
    await harness.press(Person(200_001, "Kim", "sv"), f"1|sh|{mid}|a|1")
    async with harness.services.db.read() as session:
        assert not (await schedules.schedule_of(session, mid)).approval
    await harness.press(EXAMPLE_ADMIN, f"1|sh|{mid}|a|1")
    await harness.press(EXAMPLE_ADMIN, f"1|sh|{mid}|e|h")
    await harness.press(EXAMPLE_ADMIN, f"1|sh|{mid}|h|72")
    await harness.press(EXAMPLE_ADMIN, f"1|sh|{mid}|h|99999")  # refused, nothing changes
    await harness.press(EXAMPLE_ADMIN, f"1|sh|{mid}|t")
    bad = await harness.send(EXAMPLE_ADMIN, "klockan nio")
    assert any("TT:MM" in r for r in replies(bad))
    await harness.send(EXAMPLE_ADMIN, "10.30")
    async with harness.services.db.read() as session:
        plan = await schedules.schedule_of(session, mid)
        changes = list(
            await session.scalars(
                select(AuditEntry.details).where(AuditEntry.action == "schedule.change")
            )
        )
    assert plan.approval
    assert plan.every == "half_year"
    assert f"{plan.post_time:%H:%M}" == "10:30"
    assert plan.approval_hours == 72
    assert len(changes) == 4


async def test_schema_toggles_set_a_state_and_a_second_run_changes_nothing(
    harness: Harness, posting: dict[str, Any]
) -> None:
    mid = posting["municipality_id"]
    calls = await harness.press(EXAMPLE_ADMIN, f"1|sh|{mid}|v")
    buttons = {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}
    press = harness.factory.callback(EXAMPLE_ADMIN, buttons["Slå på godkännande"])
    calls = await harness.feed(press)
    shown = {b["text"] for c in calls for row in c.buttons for b in row}
    assert "Stäng av godkännande" in shown
    await harness.feed(press)  # handled again (a retry, a redelivery): approval stays on
    await harness.press(EXAMPLE_ADMIN, buttons["Slå på godkännande"])  # an old message: the same
    async with harness.services.db.read() as session:
        plan = await schedules.schedule_of(session, mid)
    assert plan.approval
    calls = await harness.press(EXAMPLE_ADMIN, f"1|sh|{mid}|v")
    buttons = {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}
    assert buttons["Utan svar: vänta"] == f"1|sh|{mid}|u|h"
    second = harness.factory.callback(EXAMPLE_ADMIN, f"1|sh|{mid}|u|h")
    await harness.feed(second)
    await harness.feed(second)
    async with harness.services.db.read() as session:
        assert (await schedules.schedule_of(session, mid)).unanswered == "hold"


# --- the report itself ----------------------------------------------------------------------


class _TagBalance(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.ok = False


async def test_a_long_report_is_split_between_lines_into_messages_under_the_limit(
    harness: Harness, posting: dict[str, Any]
) -> None:
    from bot.render import report as render
    from bot.services.reports import build_report, read_period
    from storage.models import FocusArea, Pledge, PledgeSet, Responsible, ResultNote

    mid = posting["municipality_id"]
    async with harness.services.db.transaction() as session:
        pledge_set = await session.scalar(select(PledgeSet).where(PledgeSet.municipality_id == mid))
        assert pledge_set is not None
        area = FocusArea(
            pledge_set_id=pledge_set.id, name="Många löften & <långa> namn", position=99
        )
        session.add(area)
        await session.flush()
        for n in range(60):
            pledge = Pledge(
                focus_area_id=area.id,
                municipality_id=mid,
                position=n,
                text=f"Löfte nummer {n}",
                short_name=f"löfte {n} <x>",
                responsible=Responsible.BOTH,
                target_count=4,
                target_per="year",
                created_at=harness.clock.now(),
            )
            session.add(pledge)
            await session.flush()
            session.add(
                ResultNote(
                    pledge_id=pledge.id,
                    window_start=date(2026, 1, 1),
                    text="Resultat & uppföljning " * 20,
                    source="test",
                    created_at=harness.clock.now(),
                )
            )
    async with harness.services.db.read() as session:
        report = await build_report(
            session, mid, read_period("2026-Q3", date(2026, 11, 21)), date(2026, 11, 21)
        )
    messages = render.telegram_messages(report)
    assert len(messages) >= 3
    whole = "\n\n".join(messages)
    for message in messages:
        assert len(message) <= 4096
        checker = _TagBalance()
        checker.feed(message)
        assert checker.ok
        assert not checker.open
    # Nothing lost at the seams: every pledge line is there once.
    for n in range(60):
        assert whole.count(f"<b>löfte {n} &lt;x&gt;</b>") == 1


async def test_a_municipality_without_activities_gets_honest_zeros(
    harness: Harness, posting: dict[str, Any]
) -> None:
    from bot.render import report as render
    from bot.services.reports import build_report, read_period

    mid = posting["municipality_id"]
    async with harness.services.db.transaction() as session:
        for activity in await session.scalars(
            select(Activity).where(Activity.municipality_id == mid)
        ):
            await session.delete(activity)
    async with harness.services.db.read() as session:
        report = await build_report(
            session, mid, read_period("2026-Q3", date(2026, 11, 21)), date(2026, 11, 21)
        )
    text = "\n".join(render.telegram_messages(report))
    assert text.count("Inga aktiviteter under perioden") == len(report.lines) > 0
    assert "Inga extra insatser under perioden." in text
    page = render.html_page(report)
    assert page.startswith("<!DOCTYPE html>")
    assert "Inga aktiviteter under perioden" in render.markdown(report)


async def test_the_report_follows_the_public_rules(
    harness: Harness, posting: dict[str, Any]
) -> None:
    from bot.render import report as render
    from bot.services.reports import build_report, read_period

    mid = posting["municipality_id"]
    async with harness.services.db.transaction() as session:
        for place, public, note in (
            ("Hemliga gatan 3", False, "Kontroll planerad nästa vecka vid skolan"),
            ("Torget", True, "Namn: Anna Andersson"),
        ):
            session.add(
                Activity(
                    municipality_id=mid,
                    pledge_id=None,
                    occurred_on=date(2026, 8, 20),
                    count=2,
                    place=place,
                    place_public=public,
                    note=note,
                    source=ActivitySource.TELEGRAM,
                    created_at=harness.clock.now(),
                )
            )
    async with harness.services.db.read() as session:
        report = await build_report(
            session, mid, read_period("2026-Q3", date(2026, 11, 21)), date(2026, 11, 21)
        )
    for text in (
        "\n".join(render.telegram_messages(report)),
        render.markdown(report),
        render.html_page(report),
    ):
        assert "Hemliga gatan" not in text
        assert "planerad" not in text
        assert "Anna Andersson" not in text
        assert "Torget" in text
        assert "Robin" not in text


async def test_outbox_enqueue_is_idempotent(harness: Harness, posting: dict[str, Any]) -> None:
    now = harness.clock.now()
    message = outbox_store.Outgoing("k:1", 5, "hej")
    async with harness.services.db.transaction() as session:
        assert await outbox_store.enqueue(session, [message], now) == 1
    async with harness.services.db.transaction() as session:
        assert await outbox_store.enqueue(session, [message], now) == 0


async def test_publisher_answers_already_published(
    harness: Harness, posting: dict[str, Any]
) -> None:
    from bot.services.reports import read_period

    bot = Bot(OFFLINE_TOKEN, request=harness.transport)
    publisher = Publisher(harness.services.db, bot, Pacer(time=ScaledTime(1000.0)))
    period = read_period("2026-Q3", date(2026, 11, 21))
    first = await publisher.publish(
        posting["municipality_id"], period, today=date(2026, 11, 21), now=harness.clock.now()
    )
    second = await publisher.publish(
        posting["municipality_id"], period, today=date(2026, 11, 21), now=harness.clock.now()
    )
    assert (first.outcome, second.outcome) == ("sent", "already")
    assert second.message_ids == first.message_ids
    assert len([c for c in _channel_calls(harness.transport) if c.method == "sendPhoto"]) == 1


async def test_schema_speaks_to_telegram_only_after_its_transaction_ends(
    harness: Harness, posting: dict[str, Any]
) -> None:
    """A reply sent inside a write transaction would hold SQLite's write lock (and a
    PostgreSQL transaction) over a network call: every Bot API call of the /schema journey
    finds no transaction open."""
    engine = harness.services.db.engine.sync_engine
    open_now: list[int] = [0]
    during: list[tuple[str, int]] = []

    def began(conn: Any) -> None:
        open_now[0] += 1

    def ended(conn: Any) -> None:
        open_now[0] -= 1

    listeners = (("begin", began), ("commit", ended), ("rollback", ended))
    for name, listener in listeners:
        event.listen(engine, name, listener)
    harness.transport.on_call = lambda call: during.append((call.method, open_now[0]))
    try:
        mid = posting["municipality_id"]
        await harness.press(EXAMPLE_ADMIN, f"1|sh|{mid}|t")
        bad = await harness.send(EXAMPLE_ADMIN, "klockan nio")
        assert any("TT:MM" in r for r in replies(bad))
        done = await harness.send(EXAMPLE_ADMIN, "10.30")
        assert any("10:30" in r for r in replies(done))
    finally:
        harness.transport.on_call = None
        for name, listener in listeners:
            event.remove(engine, name, listener)
    assert during
    assert [(method, n) for method, n in during if n] == []


# --- faults: lost answers, leases, one rendering, one tick ----------------------------------


def _lose_answer_to_channel_part(transport: OfflineTransport, part: int, fault: str) -> None:
    """The `part`-th channel message fails with `fault`. "dropped": Telegram took it, then the
    connection closed before the answer (as HTTPXRequest reports it); "timeout": no answer in
    time; "refused_connection": the connection could not be made (nothing was sent)."""
    seen = [0]

    def hook(call: ApiCall) -> None:
        if call.chat_id != CHANNEL:
            return
        seen[0] += 1
        if seen[0] != part + 1:
            return
        if fault == "dropped":
            cause: Exception = httpx.RemoteProtocolError("Server disconnected")
            raise NetworkError(f"httpx.RemoteProtocolError: {cause}") from cause
        if fault == "timeout":
            raise TimedOut from httpx.ReadTimeout("timed out")
        transport.calls.remove(call)  # it never reached Telegram
        refused = httpx.ConnectError("[Errno 111] Connection refused")
        raise NetworkError(f"httpx.ConnectError: {refused}") from refused

    transport.on_call = hook


@pytest.mark.parametrize("fault", ["dropped", "502", "timeout"])
async def test_a_channel_part_whose_answer_was_lost_is_ambiguous_and_never_resent(
    harness: Harness, posting: dict[str, Any], fault: str
) -> None:
    transport = OfflineTransport()
    if fault == "502":
        transport.fail_next("sendMessage", 502)
    else:
        _lose_answer_to_channel_part(transport, 0, fault)
    harness.clock.set(Q4_DUE)
    report = await (await _scheduler(harness, transport)).tick()
    assert [p.outcome for p in report.posts] == ["ambiguous"]
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.AMBIGUOUS
    told = await _outbox(harness, f"post:{post.id}:ambiguous:%")
    assert [n.chat_id for n in told] == [EXAMPLE_ADMIN.user_id]
    assert "går inte att veta om den kom ut" in told[0].text
    assert "/schema" in told[0].text
    before = len(_channel_calls(transport))
    for _ in range(3):  # later ticks, each after the lease would have run out
        harness.clock.advance(timedelta(minutes=5))
        assert (await (await _scheduler(harness, transport)).tick()).posts == []
    assert len(_channel_calls(transport)) == before


async def test_an_english_admin_is_told_of_an_ambiguous_post_in_english(
    harness: Harness, posting: dict[str, Any]
) -> None:
    from storage.models import Reporter

    async with harness.services.db.transaction() as session:
        admin = await session.scalar(
            select(Reporter).where(Reporter.telegram_user_id == EXAMPLE_ADMIN.user_id)
        )
        assert admin is not None
        admin.language = "en-GB"
    transport = OfflineTransport()
    _lose_answer_to_channel_part(transport, 0, "dropped")
    harness.clock.set(Q4_DUE)
    report = await (await _scheduler(harness, transport)).tick()
    assert [p.outcome for p in report.posts] == ["ambiguous"]
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    [told] = await _outbox(harness, f"post:{post.id}:ambiguous:%")
    assert "there is no knowing whether it came out" in told.text
    assert "/schedule" in told.text
    assert "/schema" not in told.text


async def test_a_channel_part_refused_before_sending_is_sent_at_the_next_tick_once(
    harness: Harness, posting: dict[str, Any]
) -> None:
    transport = OfflineTransport()
    _lose_answer_to_channel_part(transport, 1, "refused_connection")
    harness.clock.set(Q4_DUE)
    first = await (await _scheduler(harness, transport)).tick()
    assert [p.outcome for p in first.posts] == ["retry"]
    harness.clock.advance(timedelta(minutes=5))
    second = await (await _scheduler(harness, transport)).tick()
    assert [p.outcome for p in second.posts] == ["sent"]
    texts = [c.text for c in _channel_calls(transport)]
    assert len(texts) == len(set(texts))
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.SENT
    assert len(post.message_ids) == len(texts)


def _count_renders(monkeypatch: pytest.MonkeyPatch) -> list[publisher_module.Rendered]:
    """Every rendering of a post, in order (the real rendering runs)."""
    renderings: list[publisher_module.Rendered] = []
    real = publisher_module.render_post

    async def counted(report: Any, lang: str = "sv", **kwargs: Any) -> publisher_module.Rendered:
        rendered = await real(report, lang, **kwargs)
        renderings.append(rendered)
        return rendered

    monkeypatch.setattr(publisher_module, "render_post", counted)
    return renderings


async def test_a_resumed_post_sends_the_stored_parts_of_its_one_rendering(
    harness: Harness, posting: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    renderings = _count_renders(monkeypatch)
    transport = OfflineTransport()
    _lose_answer_to_channel_part(transport, 1, "refused_connection")
    harness.clock.set(Q4_DUE)
    await (await _scheduler(harness, transport)).tick()
    harness.clock.advance(timedelta(minutes=5))
    resumed = await (await _scheduler(harness, transport)).tick()
    assert [p.outcome for p in resumed.posts] == ["sent"]
    assert len(renderings) == 1
    calls = _channel_calls(transport)
    one = renderings[0]
    assert [c.text for c in calls] == [*one.messages, one.caption]
    assert calls[-1].uploads and next(iter(calls[-1].uploads.values())) == one.chart


async def test_send_again_after_a_lost_answer_sends_the_stored_parts(
    harness: Harness, posting: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    renderings = _count_renders(monkeypatch)
    transport = OfflineTransport()
    _lose_answer_to_channel_part(transport, 1, "dropped")
    harness.clock.set(Q4_DUE)
    first = await (await _scheduler(harness, transport)).tick()
    assert [p.outcome for p in first.posts] == ["ambiguous"]
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    # The admin looks in the channel, does not find part 2 and says "skicka igen".
    await harness.press(EXAMPLE_ADMIN, f"1|pp|{post.id}|n")
    harness.clock.advance(timedelta(minutes=1))
    again = await (await _scheduler(harness, transport)).tick()
    assert [p.outcome for p in again.posts] == ["sent"]
    assert len(renderings) == 1
    one = renderings[0]
    texts = [c.text for c in _channel_calls(transport)]
    # Part 1, then part 2 (lost answer), then from part 2 again, as the admin decided.
    parts = [*one.messages, one.caption]
    assert texts == [parts[0], parts[1], *parts[1:]]


class _WatchedTime(ScaledTime):
    """Scaled time that says when someone starts a wait of more than a minute."""

    def __init__(self, factor: float) -> None:
        super().__init__(factor)
        self.long_wait = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        if seconds > 60:
            self.long_wait.set()
        await super().sleep(seconds)


async def test_a_sender_waiting_out_a_long_429_keeps_its_claim(
    harness: Harness, posting: dict[str, Any]
) -> None:
    """retry_after=180 is longer than the lease: the sender renews it to cover the wait, so a
    second process ticking meanwhile neither takes the post nor calls it ambiguous."""
    transport = OfflineTransport()
    transport.fail_next("sendMessage", 429, retry_after=180)
    harness.clock.set(Q4_DUE)
    first = await _scheduler(harness, transport)
    watched = _WatchedTime(100.0)  # 180 s pass in 1.8 s
    first.pacer = Pacer(time=watched)
    assert first.publisher is not None
    first.publisher.pacer = first.pacer
    sending = asyncio.create_task(first.tick())
    await asyncio.wait_for(watched.long_wait.wait(), 10)  # waiting out the 429
    harness.clock.advance(timedelta(minutes=3))
    other = OfflineTransport()
    second = await _scheduler(harness, other, alongside=True)
    meanwhile = await second.tick()
    assert [p.outcome for p in meanwhile.posts] in ([], ["busy"])
    assert _channel_calls(other) == []
    async with asyncio.timeout(30):
        done = await sending
    assert [p.outcome for p in done.posts] == ["sent"]
    post = await _post(harness, posting["municipality_id"], "2026-Q4")
    assert post is not None
    assert post.status is PostStatus.SENT
    assert await _outbox(harness, "post:%:ambiguous:%") == []
    texts = [c.text for c in _channel_calls(transport)]
    assert len(texts) == len(set(texts)) == len(post.message_ids)


async def _channels_for_every_example_municipality(harness: Harness) -> list[int]:
    async with harness.services.db.transaction() as session:
        rows = list(
            await session.scalars(
                select(Municipality).join(PledgeSet, PledgeSet.municipality_id == Municipality.id)
            )
        )
        for row in set(rows):
            row.channel = row.channel or f"@{row.slug}_loften"
        ids = sorted({row.id for row in rows})
    harness.clock.set(BEFORE)
    async with harness.services.db.transaction() as session:
        await schedules.ensure_schedules(session, harness.services.now())
    return ids


async def test_municipalities_due_together_are_rendered_once_each(
    harness: Harness, posting: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a quarter's turn every municipality falls due at once. However many ticks run then
    (one per due job before), each municipality's report is drawn once: N renders, not N²."""
    ids = await _channels_for_every_example_municipality(harness)
    n = len(ids)
    assert n >= 3
    renderings = _count_renders(monkeypatch)
    scheduler = await _scheduler(harness)
    harness.clock.set(Q4_DUE)
    reports = await asyncio.gather(*(scheduler.tick() for _ in range(n)))
    outcomes = [p.outcome for r in reports for p in r.posts]
    assert outcomes.count("sent") == n
    assert len(renderings) == n, f"{len(renderings)} renders for {n} municipalities"
    photos = [c for c in harness.transport.calls if c.method == "sendPhoto"]
    assert len(photos) == n


async def test_one_due_job_per_moment_however_many_municipalities(
    harness: Harness, posting: dict[str, Any]
) -> None:
    ids = await _channels_for_every_example_municipality(harness)
    assert len(ids) >= 3
    app = harness.app
    assert app.job_queue is not None
    scheduler = await jobs.install(app)
    try:
        await app.job_queue.start()
        due_jobs = [j for j in app.job_queue.jobs() if j.name and j.name.startswith("due:")]
        assert [job.next_t for job in due_jobs] == [Q4_DUE]
    finally:
        await app.job_queue.stop()
        await jobs.uninstall(app)
    assert scheduler.worker is not None
