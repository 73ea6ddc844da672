"""The scheduler's rules as a pure function: what one municipality's post needs now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.schedule import (
    ANSWER_GRACE,
    CATCH_UP,
    Schedule,
    ask_ahead,
    due_post,
    latest_due,
)
from storage.models import PostApproval, PostStatus, ProgressPost

TZ = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)  # an hour after the third quarter fell due
MID, CHANNEL = 7, "@kanal"
PLAN = Schedule(MID, created_at=NOW - timedelta(days=400))


def _post(key: str, status: PostStatus, **values: object) -> ProgressPost:
    return ProgressPost(
        municipality_id=MID, channel=CHANNEL, period_key=key, kind="progress", status=status,
        **values,
    )  # fmt: skip


def _approval(key: str, asked: datetime, decision: str | None = None) -> PostApproval:
    return PostApproval(
        id=1, municipality_id=MID, period_key=key, kind="progress", due_at=asked,
        asked_at=asked, decision=decision, comment="Bra jobbat",
    )  # fmt: skip


def test_a_due_post_without_a_row_is_published() -> None:
    window, due = latest_due(PLAN, NOW, TZ)
    todo = due_post(PLAN, CHANNEL, NOW, TZ, {}, {})
    assert (todo.action, todo.window, todo.due, todo.comment) == ("publish", window, due, None)


def test_final_posts_live_leases_and_periods_before_the_schedule_need_nothing() -> None:
    window, due = latest_due(PLAN, NOW, TZ)
    key = window.code()
    for status in (PostStatus.SENT, PostStatus.SKIPPED, PostStatus.AMBIGUOUS, PostStatus.FAILED):
        posts = {(MID, CHANNEL, key): _post(key, status)}
        assert due_post(PLAN, CHANNEL, NOW, TZ, posts, {}).action == "nothing"
    held = _post(key, PostStatus.CLAIMED, claimed_at=NOW, lease_until=NOW + timedelta(minutes=1))
    assert due_post(PLAN, CHANNEL, NOW, TZ, {(MID, CHANNEL, key): held}, {}).action == "nothing"
    expired = _post(key, PostStatus.CLAIMED, claimed_at=NOW, lease_until=NOW - timedelta(1))
    posts = {(MID, CHANNEL, key): expired}
    assert due_post(PLAN, CHANNEL, NOW, TZ, posts, {}).action == "publish"
    new = Schedule(MID, created_at=due + timedelta(seconds=1))
    assert due_post(new, CHANNEL, NOW, TZ, {}, {}).action == "nothing"
    assert due_post(Schedule(MID, every="off"), CHANNEL, NOW, TZ, {}, {}).action == "nothing"


def test_a_post_overdue_past_the_catch_up_is_missed_unless_it_has_a_row() -> None:
    _window, due = latest_due(PLAN, NOW, TZ)
    late = due + CATCH_UP + timedelta(minutes=1)
    window, _ = latest_due(PLAN, late, TZ)
    assert due_post(PLAN, CHANNEL, late, TZ, {}, {}).action == "missed"
    key = window.code()
    retry = {(MID, CHANNEL, key): _post(key, PostStatus.CLAIMED)}
    assert due_post(PLAN, CHANNEL, late, TZ, retry, {}).action == "publish"


def test_with_approval_ask_then_skip_wait_hold_or_publish_with_the_comment() -> None:
    plan = Schedule(MID, approval=True, created_at=PLAN.created_at)
    window, _due = latest_due(plan, NOW, TZ)
    key = window.code()
    assert due_post(plan, CHANNEL, NOW, TZ, {}, {}).action == "ask"
    skip = {(MID, key): _approval(key, NOW - timedelta(days=2), "skip")}
    assert due_post(plan, CHANNEL, NOW, TZ, {}, skip).action == "skip"
    fresh = {(MID, key): _approval(key, NOW - ANSWER_GRACE + timedelta(minutes=1))}
    assert due_post(plan, CHANNEL, NOW, TZ, {}, fresh).action == "nothing"
    stale = {(MID, key): _approval(key, NOW - ANSWER_GRACE)}
    assert due_post(plan, CHANNEL, NOW, TZ, {}, stale).action == "publish"
    hold = Schedule(MID, approval=True, unanswered="hold", created_at=PLAN.created_at)
    assert due_post(hold, CHANNEL, NOW, TZ, {}, stale).action == "hold"
    yes = {(MID, key): _approval(key, NOW - timedelta(days=2), "publish")}
    todo = due_post(plan, CHANNEL, NOW, TZ, {}, yes)
    assert (todo.action, todo.comment) == ("publish", "Bra jobbat")


def test_the_coming_post_is_asked_about_ahead_once() -> None:
    plan = Schedule(MID, approval=True, approval_hours=24 * 400, created_at=PLAN.created_at)
    ahead = ask_ahead(plan, NOW, TZ, {})
    assert ahead is not None
    window, _due = ahead
    asked = {(MID, window.code()): _approval(window.code(), NOW)}
    assert ask_ahead(plan, NOW, TZ, asked) is None
    assert ask_ahead(PLAN, NOW, TZ, {}) is None  # no approval: nothing to ask
