"""Each municipality's posting schedule: how often, at what local time, with or without the
admins' approval, and reminders. Kept in `post_schedules`; a municipality without a row has the
defaults (quarterly, the first working day after the period at 09:00 Europe/Stockholm).

A period's post is due on the first working day (Monday-Friday, not a Swedish public holiday)
after the period's last day at the schedule's local time. Only periods that fall due after the
schedule was created are posted: a newly configured channel does not get years of old reports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.periods import Per, Window
from bot.domain.schedule import first_working_day_after, local_to_utc
from bot.services.access import require_admin
from bot.services.errors import Keyed
from bot.services.posting import lease_held
from storage import audit
from storage.models import Municipality, PostApproval, PostSchedule, PostStatus, ProgressPost

EVERY = ("quarter", "tertial", "half_year", "year", "month", "off")
UNANSWERED = ("publish", "hold")
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
DEFAULT_APPROVAL_HOURS = 48
DEFAULT_REMINDER_WEEKS = 3


class ScheduleError(Keyed, ValueError):
    """A schedule value that cannot be used; the key names the text for people."""


@dataclass(frozen=True)
class Schedule:
    municipality_id: int
    every: str = "quarter"
    post_time: time = time(9)
    approval: bool = False
    approval_hours: int = DEFAULT_APPROVAL_HOURS
    unanswered: str = "publish"
    reminder_weeks: int = DEFAULT_REMINDER_WEEKS
    created_at: datetime | None = None  # None: no row yet (defaults)

    @property
    def active(self) -> bool:
        return self.every != "off"

    @property
    def per(self) -> Per:
        return Per(self.every)


def read_time(text: str) -> time:
    match = TIME_RE.match(text.strip())
    if match is None:
        raise ScheduleError("schedule.bad_time")
    return time(int(match[1]), int(match[2]))


def _from_row(row: PostSchedule) -> Schedule:
    return Schedule(
        row.municipality_id,
        row.every,
        read_time(row.post_time),
        row.approval,
        row.approval_hours,
        row.unanswered,
        row.reminder_weeks,
        row.created_at,
    )


async def schedule_of(session: AsyncSession, municipality_id: int) -> Schedule:
    row = await session.get(PostSchedule, municipality_id)
    return _from_row(row) if row is not None else Schedule(municipality_id)


async def schedules(session: AsyncSession) -> dict[int, Schedule]:
    """Every stored schedule, by municipality id."""
    return {
        row.municipality_id: _from_row(row) for row in await session.scalars(select(PostSchedule))
    }


async def ensure_schedules(session: AsyncSession, now: datetime) -> int:
    """Give every municipality with a channel a schedule row (the defaults), so that "due after
    the schedule began" has a beginning. Returns how many rows were added."""
    have = set(await session.scalars(select(PostSchedule.municipality_id)))
    added = 0
    for mid in await session.scalars(
        select(Municipality.id).where(Municipality.channel.is_not(None))
    ):
        if mid not in have:
            session.add(PostSchedule(municipality_id=mid, created_at=now))
            added += 1
    await session.flush()
    return added


async def change(
    session: AsyncSession,
    municipality_id: int,
    *,
    now: datetime,
    user_id: int | None,
    every: str | None = None,
    post_time: time | None = None,
    approval: bool | None = None,
    approval_hours: int | None = None,
    unanswered: str | None = None,
    reminder_weeks: int | None = None,
) -> tuple[Schedule, dict[str, tuple[object, object]]]:
    """Change a schedule; returns it and what changed (field: (before, after)) for the audit."""
    if every is not None and every not in EVERY:
        raise ScheduleError("schedule.bad_every")
    if unanswered is not None and unanswered not in UNANSWERED:
        raise ScheduleError("schedule.bad_unanswered")
    if approval_hours is not None and not 1 <= approval_hours <= 14 * 24:
        raise ScheduleError("schedule.bad_approval_hours")
    if reminder_weeks is not None and not 0 <= reminder_weeks <= 26:
        raise ScheduleError("schedule.bad_reminder_weeks")
    row = await session.get(PostSchedule, municipality_id)
    if row is None:
        row = PostSchedule(
            municipality_id=municipality_id,
            every="quarter",
            post_time="09:00",
            approval=False,
            approval_hours=DEFAULT_APPROVAL_HOURS,
            unanswered="publish",
            reminder_weeks=DEFAULT_REMINDER_WEEKS,
            created_at=now,
        )
        session.add(row)
    changes: dict[str, tuple[object, object]] = {}
    wanted: dict[str, object] = {
        "every": every,
        "post_time": post_time.strftime("%H:%M") if post_time is not None else None,
        "approval": approval,
        "approval_hours": approval_hours,
        "unanswered": unanswered,
        "reminder_weeks": reminder_weeks,
    }
    for name, value in wanted.items():
        if value is not None and getattr(row, name) != value:
            changes[name] = (getattr(row, name), value)
            setattr(row, name, value)
    if changes:
        row.updated_at = now
        row.updated_by_user_id = user_id
        audit.record(
            session,
            at=now,
            actor="admin" if user_id is not None else "system",
            actor_user_id=user_id,
            action="schedule.change",
            entity="post_schedule",
            entity_id=municipality_id,
            details={k: {"before": v[0], "after": v[1]} for k, v in changes.items()},
        )
    await session.flush()
    return _from_row(row), changes


# --- when things are due -----------------------------------------------------------------


def period_containing(per: Per, day: date) -> Window:
    year, month = day.year, day.month
    if per is Per.YEAR:
        return Window(per, date(year, 1, 1), date(year, 12, 31))
    size = {Per.HALF_YEAR: 6, Per.TERTIAL: 4, Per.QUARTER: 3, Per.MONTH: 1}[per]
    first = (month - 1) // size * size + 1
    last_month = first + size - 1
    end = (date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)) - timedelta(
        days=1
    )
    return Window(per, date(year, first, 1), end)


def due_at(schedule: Schedule, window: Window, tz: ZoneInfo) -> datetime:
    """When the post for `window` is due (aware UTC)."""
    return local_to_utc(first_working_day_after(window.end), schedule.post_time, tz)


def ask_at(schedule: Schedule, due: datetime) -> datetime:
    return due - timedelta(hours=schedule.approval_hours)


def latest_due(schedule: Schedule, now: datetime, tz: ZoneInfo) -> tuple[Window, datetime]:
    """The most recent period whose post is due at or before `now`."""
    today = now.astimezone(tz).date()
    window = period_containing(schedule.per, today)
    while True:
        window = period_containing(schedule.per, window.start - timedelta(days=1))
        due = due_at(schedule, window, tz)
        if due <= now:
            return window, due


def next_due(schedule: Schedule, now: datetime, tz: ZoneInfo) -> tuple[Window, datetime]:
    """The first period whose post falls due after `now`."""
    window, _due = latest_due(schedule, now, tz)
    while True:
        window = period_containing(schedule.per, window.end + timedelta(days=1))
        due = due_at(schedule, window, tz)
        if due > now:
            return window, due


# --- what is due now (the scheduler's rules) ----------------------------------------------

CATCH_UP = timedelta(days=7)  # a post overdue by more than this is reported missed, not sent
ANSWER_GRACE = timedelta(hours=1)  # at least this long to answer an approval asked late
FINAL = (PostStatus.SENT, PostStatus.SKIPPED, PostStatus.AMBIGUOUS, PostStatus.FAILED)


@dataclass(frozen=True)
class Due:
    """What one municipality's schedule asks for now: nothing, an approval request, a missed
    post recorded and told, a post skipped by the admins, the admins told a post is held, or
    the post published (with the admins' comment)."""

    action: Literal["nothing", "ask", "missed", "skip", "hold", "publish"]
    window: Window | None = None
    due: datetime | None = None
    approval: PostApproval | None = None
    comment: str | None = None


def ask_ahead(
    plan: Schedule,
    now: datetime,
    tz: ZoneInfo,
    approvals: Mapping[tuple[int, str], PostApproval],
) -> tuple[Window, datetime] | None:
    """The coming post whose approval should be asked for now (the schedule asks the admins
    `approval_hours` before it is due), or None."""
    if not plan.active or not plan.approval:
        return None
    upcoming, upcoming_due = next_due(plan, now, tz)
    if now >= ask_at(plan, upcoming_due) and (
        (plan.municipality_id, upcoming.code()) not in approvals
    ):
        return upcoming, upcoming_due
    return None


def due_post(
    plan: Schedule,
    channel: str,
    now: datetime,
    tz: ZoneInfo,
    posts: Mapping[tuple[int, str, str], ProgressPost],
    approvals: Mapping[tuple[int, str], PostApproval],
) -> Due:
    """What the latest period's post needs now. A post already final, or being sent under a
    live lease, needs nothing; one overdue by more than CATCH_UP with no row is missed; with
    approval on, the admins are asked first, may skip it, and an unanswered request publishes
    after the grace or holds the post, as the schedule says."""
    mid = plan.municipality_id
    if not plan.active:
        return Due("nothing")
    window, due = latest_due(plan, now, tz)
    if plan.created_at is not None and due < plan.created_at:
        return Due("nothing")
    key = window.code()
    row = posts.get((mid, channel, key))
    if row is not None and row.status in FINAL:
        return Due("nothing")
    if row is not None and lease_held(row, now):
        return Due("nothing")  # someone is sending it right now
    if row is None and now - due > CATCH_UP:
        return Due("missed", window, due)
    comment = None
    if plan.approval:
        approval = approvals.get((mid, key))
        if approval is None:
            return Due("ask", window, due)  # give the admins time to answer
        if approval.decision == "skip":
            return Due("skip", window, due, approval)
        if approval.decision is None:
            if now < approval.asked_at + ANSWER_GRACE:
                return Due("nothing")
            if plan.unanswered == "hold":
                return Due("hold", window, due, approval)
        comment = approval.comment
    return Due("publish", window, due, comment=comment)


# --- what admins see and decide ------------------------------------------------------------


@dataclass(frozen=True)
class PostInfo:
    id: int
    period_key: str
    status: str
    sent_at: datetime | None
    error: str | None


@dataclass(frozen=True)
class ScheduleView:
    municipality_id: int
    municipality: str
    channel: str | None
    schedule: Schedule
    next_window: Window | None
    next_due: datetime | None
    posts: tuple[PostInfo, ...]  # newest first


async def view(
    session: AsyncSession, user_id: int, municipality_id: int, now: datetime, tz: ZoneInfo
) -> ScheduleView:
    from storage.models import ProgressPost

    name = await require_admin(session, user_id, municipality_id)
    municipality = await session.get(Municipality, municipality_id)
    plan = await schedule_of(session, municipality_id)
    next_window, next_when = next_due(plan, now, tz) if plan.active else (None, None)
    rows = await session.scalars(
        select(ProgressPost)
        .where(ProgressPost.municipality_id == municipality_id)
        .order_by(ProgressPost.created_at.desc(), ProgressPost.id.desc())
        .limit(6)
    )
    posts = tuple(PostInfo(r.id, r.period_key, r.status.value, r.sent_at, r.error) for r in rows)
    return ScheduleView(
        municipality_id,
        name,
        municipality.channel if municipality else None,
        plan,
        next_window,
        next_when,
        posts,
    )


async def decide(
    session: AsyncSession, user_id: int, approval_id: int, decision: str, now: datetime
) -> tuple[str, str]:
    """An admin's Publicera ("publish") or Hoppa över ("skip"). Returns (municipality,
    period key). Refused once the post has gone out."""
    from bot.services.errors import Invalid, NotFound
    from storage.models import PostApproval, PostStatus, ProgressPost

    approval = await session.get(PostApproval, approval_id)
    if approval is None:
        raise NotFound("missing.approval")
    name = await require_admin(session, user_id, approval.municipality_id)
    done = await session.scalar(
        select(ProgressPost.status).where(
            ProgressPost.municipality_id == approval.municipality_id,
            ProgressPost.period_key == approval.period_key,
            ProgressPost.kind == approval.kind,
        )
    )
    if done is not None and done is not PostStatus.CLAIMED:
        raise Invalid("schedule.settled_here")
    before = approval.decision
    approval.decision = decision
    approval.decided_by_user_id = user_id
    approval.decided_at = now
    audit.record(
        session,
        at=now,
        actor="admin",
        actor_user_id=user_id,
        action=f"post.{decision}",
        entity="post_approval",
        entity_id=approval.id,
        details={"before": before, "after": decision, "period": approval.period_key},
    )
    return name, approval.period_key


async def approval_of(session: AsyncSession, user_id: int, approval_id: int) -> str:
    """The municipality of an approval the user may decide on; NotFound / NotAllowed."""
    from bot.services.errors import NotFound
    from storage.models import PostApproval

    approval = await session.get(PostApproval, approval_id)
    if approval is None:
        raise NotFound("missing.approval")
    return await require_admin(session, user_id, approval.municipality_id)


async def set_comment(
    session: AsyncSession, user_id: int, approval_id: int, text: str, now: datetime
) -> str:
    from bot.services.errors import Invalid, NotFound
    from storage.models import PostApproval

    approval = await session.get(PostApproval, approval_id)
    if approval is None:
        raise NotFound("missing.approval")
    name = await require_admin(session, user_id, approval.municipality_id)
    cleaned = text.strip()
    if not cleaned:
        raise Invalid("schedule.comment_empty")
    if len(cleaned) > 1500:
        raise Invalid("schedule.comment_long")
    audit.record(
        session,
        at=now,
        actor="admin",
        actor_user_id=user_id,
        action="post.comment",
        entity="post_approval",
        entity_id=approval.id,
        details={"before": approval.comment, "after": cleaned},
    )
    approval.comment = cleaned
    return name


async def settle_ambiguous(
    session: AsyncSession, user_id: int, post_id: int, came_out: bool, now: datetime
) -> tuple[str, str]:
    """An admin looked in the channel: the post came out (mark it sent) or did not (let the
    schedule send it again from the part that was in flight)."""
    from bot.services.errors import Invalid, NotFound
    from storage.models import PostStatus, ProgressPost

    post = await session.get(ProgressPost, post_id)
    if post is None:
        raise NotFound("missing.report")
    name = await require_admin(session, user_id, post.municipality_id)
    if post.status is not PostStatus.AMBIGUOUS:
        raise Invalid("schedule.settled")
    if came_out:
        post.status = PostStatus.SENT
        post.sent_at = now
        post.error = "bekräftad i kanalen av en administratör"
    else:
        post.status = PostStatus.CLAIMED
        post.claimed_at = None
        post.claimed_by = None
        post.lease_until = None
        post.sending_part = None
        post.error = None
    audit.record(
        session,
        at=now,
        actor="admin",
        actor_user_id=user_id,
        action="post.came_out" if came_out else "post.send_again",
        entity="progress_post",
        entity_id=post.id,
        details={"period": post.period_key},
    )
    return name, post.period_key
