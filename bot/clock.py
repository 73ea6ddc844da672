"""Time is injected: logic asks a Clock, never the system directly.

`Clock` is the bot's one shape of wall-clock time: `now()` is an aware datetime in UTC, and
today's date where people are is derived from it (`local_today`). Services receive the
current time as a value (`now=`, `today=`) read from it; long-lived components (the inbox
processor, poller, webhook server, metrics, leader, outbox worker, channel publisher) are
handed the Clock itself. `SystemClock` runs in production, `FrozenClock` in tests, the demo
and benchmarks. The outbox's pacing runs on a separate monotonic `TimeSource` (seconds and
sleep, never dates), so that a benchmark can speed it up without touching dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until moved; for tests, the demo and benchmarks."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._at += delta


def local_today(clock: Clock, tz: tzinfo) -> date:
    """Today's date where people are (Europe/Stockholm unless configured otherwise)."""
    return clock.now().astimezone(tz).date()
