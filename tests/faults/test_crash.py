"""`loftesbot run` killed and restarted while reports arrive: nothing lost, nothing twice.

The bot runs as a real process, long polling the fake Bot API over loopback, on a SQLite file
with the example data. The reporter (user 100 002, police, Härjedalen) sends sure readings such
as "3 trafikkontroller igår": each one stores an activity and is confirmed by a "✅ Sparat"
reply whose Ångra button names the activity.

What "acknowledged" means here is Telegram's: an update below the offset of a later getUpdates
call. Telegram forgets it then; the durable inbox must already hold it.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from typing import Any

import pytest

from tests.faults.conftest import Rig
from tests.faults.runner import confirmations, wait_for

pytestmark = pytest.mark.faults


def settled(rig: Rig, pushed: int, activities: int) -> bool:
    """Telegram has nothing left to hand out, the inbox is worked off, the activities are in."""
    return (
        rig.api.pending() == 0
        and rig.api.acknowledged() >= pushed
        and rig.db.inbox_unfinished() == 0
        and rig.db.telegram_activity_count() >= activities
    )


def state(rig: Rig) -> dict[str, int]:
    return {
        "pending at Telegram": rig.api.pending(),
        "acknowledged": rig.api.acknowledged(),
        "inbox rows": rig.db.inbox_rows(),
        "inbox unfinished": rig.db.inbox_unfinished(),
        "activities": rig.db.telegram_activity_count(),
    }


def test_kill_9_while_200_reports_arrive_loses_nothing_and_stores_nothing_twice(
    rig: Rig,
) -> None:
    started = time.monotonic()
    rig.bot.start()
    reports = rig.reports.batch(200)
    message_ids = {r["message"]["message_id"] for r in reports}
    at_kill: dict[str, Any] = {}
    pushed = 0
    for start in range(0, len(reports), 10):  # bursts of ten, ten bursts a second
        pushed += len(rig.api.push(*reports[start : start + 10]))
        time.sleep(0.1)
        if not at_kill and rig.api.acknowledged() >= 100:
            rig.bot.kill()
            at_kill = {"pushed": pushed, **state(rig)}
            # Everything Telegram was told had arrived is in the inbox.
            acknowledged = set(range(1, rig.api.acknowledged() + 1))
            assert not acknowledged - rig.db.inbox_update_ids()
    if not at_kill:  # the bot was slower than the feed: kill it once half is acknowledged
        wait_for(lambda: rig.api.acknowledged() >= 100, 30, "100 acknowledged updates")
        rig.bot.kill()
        at_kill = {"pushed": pushed, **state(rig)}
    assert at_kill["pushed"] < 200 or at_kill["pending at Telegram"] > 0, at_kill
    # A kill -9 lands between a handler's commit and the inbox's done mark only now and then;
    # make it certain for five handled updates. Only the update key stops them being stored
    # (and answered) twice: the inbox row is the same row, so its unique key does not.
    again = rig.db.forget_done_marks(5)
    assert len(again) == 5

    rig.bot.start()
    wait_for(
        lambda: settled(rig, 200, 200),
        60,
        "all 200 reports stored after the restart",
        alive=rig.bot.check_alive,
        seen=lambda: state(rig),
    )
    time.sleep(0.3)  # a straggling second copy would show now

    stored = rig.db.activities()
    per_message = Counter(a.message_id for a in stored)
    assert len(stored) == 200, state(rig)
    assert set(per_message) == message_ids
    assert max(per_message.values()) == 1
    assert {a.chat_id for a in stored} == {rig.reports.user_id}
    assert not rig.db.inbox_given_up()
    assert rig.db.inbox_rows() == 200

    # Replies: every report answered. The reply is recorded with the report: a process killed
    # after the commit and before the reply leaves it to the restarted one, which sends it.
    # The policy for a private reply: at least once. A kill after the reply went out and before
    # the done mark sends it twice; the inbox handles one update at a time, so that is at most
    # the one update in hand at the kill (the five made-certain ones had their reply marked
    # sent and stay silent).
    confirmed = confirmations(rig.api.delivered())
    twice = [k for k, c in confirmed.items() if len(c) > 1]
    assert len(twice) <= 1, twice
    assert max(len(c) for c in confirmed.values()) <= 2
    assert set(confirmed) == {a.id for a in stored}
    unanswered = 200 - len(confirmed)
    print(
        f"\nkill -9: at the kill {at_kill}; after the restart 200 activities, "
        f"{len(confirmed)} confirmations, {unanswered} unanswered, {len(twice)} sent twice; "
        f"{time.monotonic() - started:.1f} s"
    )


def test_a_tenth_delivered_twice_in_random_order_across_a_restart_is_handled_once(
    rig: Rig,
) -> None:
    started = time.monotonic()
    chance = random.Random(20261121)
    reports = rig.reports.batch(100)
    twice = chance.sample(range(100), 10)
    # 110 deliveries in random order, cut in two by a restart; at least three of the repeated
    # reports have one copy on each side of it.
    while True:
        deliveries = list(range(100)) + twice
        chance.shuffle(deliveries)
        before, after = deliveries[:55], deliveries[55:]
        if sum(1 for i in twice if i in before and i in after) >= 3:
            break

    rig.bot.start()
    for start in range(0, len(before), 11):
        rig.api.push(*(reports[i] for i in before[start : start + 11]))
        time.sleep(0.05)
    wait_for(lambda: rig.api.acknowledged() >= 40, 30, "40 acknowledged updates")
    assert rig.bot.stop() == 0, rig.bot.log_tail()
    halfway = state(rig)

    rig.bot.start()
    for start in range(0, len(after), 11):
        rig.api.push(*(reports[i] for i in after[start : start + 11]))
        time.sleep(0.05)
    wait_for(
        lambda: settled(rig, 110, 100),
        60,
        "100 reports stored",
        alive=rig.bot.check_alive,
        seen=lambda: state(rig),
    )
    wait_for(
        lambda: len(confirmations(rig.api.delivered())) >= 100,
        30,
        "100 confirmations",
        seen=lambda: len(confirmations(rig.api.delivered())),
    )
    time.sleep(0.5)  # a second reply to a repeated update would come now

    stored = rig.db.activities()
    per_message = Counter(a.message_id for a in stored)
    assert len(stored) == 100
    assert max(per_message.values()) == 1
    assert set(per_message) == {r["message"]["message_id"] for r in reports}
    confirmed = confirmations(rig.api.delivered())
    duplicates = {k: len(v) for k, v in confirmed.items() if len(v) > 1}
    assert duplicates == {}
    assert set(confirmed) == {a.id for a in stored}  # a clean restart: every report answered
    replies_to_reporter = [
        c
        for c in rig.api.delivered()
        if c.chat_id == rig.reports.user_id and "Påminnelse" not in (c.text or "")
    ]  # (the weekly reminder may come too: the schedule's first tick is 10 s after start)
    assert len(replies_to_reporter) == 100
    assert not rig.db.inbox_given_up()
    print(
        f"\nduplicates: 110 deliveries (10 repeated, "
        f"{sum(1 for i in twice if i in before and i in after)} across the restart); "
        f"at the restart {halfway}; 100 activities, 100 replies, 0 duplicates; "
        f"{rig.db.inbox_rows()} inbox rows; {time.monotonic() - started:.1f} s"
    )
