"""The SQLite database locked for 10 s while reports arrive: they wait, then all succeed.

Another connection holds `BEGIN EXCLUSIVE` on the bot's database file for ten seconds (as long
as the bot's busy timeout), and once for three seconds more, so that the bot's writes give up
waiting and have to be tried again. Meanwhile 20 reports arrive. The poller cannot store them, so it must
not acknowledge them to Telegram: the offset stays where it was and the same updates are asked
for again. Once the lock goes, every report is stored once and answered, and the bot is still
running. In WAL mode readers are not blocked, which lets the test watch the inbox during the
lock.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from storage.limits import SQLITE_BUSY_TIMEOUT_MS
from tests.faults.conftest import Rig
from tests.faults.runner import confirmations, wait_for

pytestmark = pytest.mark.faults

BUSY_TIMEOUT = SQLITE_BUSY_TIMEOUT_MS / 1000  # how long the bot's writers wait for a lock


class Locker(threading.Thread):
    """Holds the database's write lock for `seconds` from a connection of its own."""

    def __init__(self, path: str, seconds: float) -> None:
        super().__init__(name="sqlite-locker", daemon=True)
        self.path = path
        self.seconds = seconds
        self.locked = threading.Event()
        self.released = threading.Event()
        self.error: BaseException | None = None
        self.locked_at = self.released_at = 0.0

    def run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            try:
                conn.execute("BEGIN EXCLUSIVE")
                self.locked_at = time.monotonic()
                self.locked.set()
                time.sleep(self.seconds)
                conn.execute("COMMIT")
            finally:
                conn.close()
        except BaseException as exc:
            self.error = exc
        finally:
            self.released_at = time.monotonic()
            self.released.set()


@pytest.mark.parametrize(
    "lock_seconds",
    [
        pytest.param(10.0, id="10s"),
        # Longer than the busy timeout: the bot's writes fail and must be tried again.
        pytest.param(BUSY_TIMEOUT + 3, id="beyond-busy-timeout"),
    ],
)
def test_a_locked_database_makes_updates_wait_and_then_succeed(
    rig: Rig, lock_seconds: float
) -> None:
    rig.bot.start()
    rig.api.push(*rig.reports.batch(5))
    wait_for(
        lambda: len(confirmations(rig.api.delivered())) == 5,
        30,
        "the first 5 reports answered",
        alive=rig.bot.check_alive,
    )
    before = rig.db.telegram_activity_count()
    acknowledged_before = rig.api.acknowledged()

    locker = Locker(str(rig.db.path), lock_seconds)
    locker.start()
    try:
        assert locker.locked.wait(15), locker.error
        polls_before = rig.api.count("getUpdates")
        for _ in range(4):
            rig.api.push(*rig.reports.batch(5))
            time.sleep(0.5)
        polls_during_lock = 0
        while not locker.released.wait(0.1):
            # Nothing can be written, so nothing may be acknowledged: Telegram keeps the reports.
            assert rig.db.telegram_activity_count() == before
            assert rig.api.acknowledged() == acknowledged_before
            assert rig.api.pending() == 20
            polls_during_lock = rig.api.count("getUpdates") - polls_before
        assert locker.error is None, locker.error
    finally:
        locker.join(lock_seconds + 15)
    assert rig.bot.alive, rig.bot.log_tail()
    took = wait_for(
        lambda: rig.db.telegram_activity_count() == 25 and rig.api.pending() == 0,
        40,
        "the 20 reports that waited",
        alive=rig.bot.check_alive,
        seen=lambda: (rig.db.telegram_activity_count(), rig.api.pending()),
    )
    wait_for(
        lambda: len(confirmations(rig.api.delivered())) == 25 and rig.db.inbox_unfinished() == 0,
        30,
        "25 confirmations",
        seen=lambda: len(confirmations(rig.api.delivered())),
    )
    time.sleep(0.3)
    stored = rig.db.activities()
    assert len(stored) == 25
    assert len({a.message_id for a in stored}) == 25
    confirmed = confirmations(rig.api.delivered())
    assert set(confirmed) == {a.id for a in stored}
    assert max(len(c) for c in confirmed.values()) == 1
    assert not rig.db.inbox_given_up()
    assert rig.bot.alive
    log = rig.bot.log_text()
    print(
        f"\nlocked database: held {locker.released_at - locker.locked_at:.1f} s; "
        f"{polls_during_lock} getUpdates calls during it, none acknowledged; "
        f"{log.count('could not store')} failed stores and "
        f"{log.count('claiming failed')} failed claims logged; "
        f"all 20 stored {took:.1f} s after the lock went; 25 activities, 25 replies"
    )
