"""Telegram answering 500, hanging up, throttling or timing out: retried, and nothing lost.

The fake Bot API fails getUpdates several times in a row (500, a closed connection, 502, then a
429 with retry_after) and sendMessage too (500s, a closed connection, 429s, and one answer that
comes only after the client's 5 s read timeout — Telegram did take that message).

What "nothing lost" means, and what this test holds the bot to:

* **Reports:** every report is stored exactly once, whatever Telegram did. Polling failures are
  retried with back-off (`bot.serve.Backoff`: 1 s, doubling), a 429 after its retry_after; the
  offset only moves once the updates are in the inbox.
* **Replies:** never two confirmations for one report. A confirmation Telegram took (answered,
  or answered too late) counts as sent and is not sent again. A confirmation Telegram refused
  (500, connection closed) makes the inbox try the update again; the report and its key were
  committed before the reply, so the retry saves nothing and sends the confirmation that did
  not go out (it was recorded with the report). Nobody is told "Något gick fel, försök igen"
  for a failure of Telegram's: sending the report again would store it twice. Once the inbox
  is worked off, each report is confirmed exactly once. A 429 is retried by the rate limiter
  and the confirmation does go out.
"""

from __future__ import annotations

import itertools
import time

import pytest

from tests.faults.conftest import Rig
from tests.faults.fakeapi import Call
from tests.faults.runner import confirmation_of, confirmations, wait_for

pytestmark = pytest.mark.faults

READ_TIMEOUT = 5.0  # PTB's default HTTPXRequest read timeout, which `loftesbot run` keeps


def gaps_after_failures(calls: list[Call]) -> list[tuple[str, float]]:
    """For each failed call, its outcome and the seconds until the next call."""
    gaps = []
    for failed, following in itertools.pairwise(calls):
        if not failed.took_effect:
            label = "hangup" if failed.outcome == "hangup" else str(failed.status)
            gaps.append((label, following.at - failed.at))
    return gaps


def test_telegram_errors_and_timeouts_are_retried_and_nothing_is_lost(rig: Rig) -> None:
    from bot.serve import Backoff

    started = time.monotonic()
    rig.bot.start()
    api = rig.api
    # First half: polling fails four times; a confirmation is refused (and so are the apology
    # and the note to the admins after it), the next one is throttled twice.
    api.fail("getUpdates", status=500)
    api.hang_up("getUpdates")
    api.fail("getUpdates", status=502)
    api.throttle("getUpdates", retry_after=1)
    api.fail("sendMessage", 3, status=500)
    api.throttle("sendMessage", 2, retry_after=1)
    api.push(*rig.reports.batch(15))
    wait_for(
        lambda: api.faults_left("getUpdates") == 0 and api.faults_left("sendMessage") == 0,
        30,
        "the first faults to be used up",
        alive=rig.bot.check_alive,
    )
    # Second half: a confirmation answered only after the read timeout (Telegram took it), a
    # closed connection, another 500.
    api.delay("sendMessage", seconds=READ_TIMEOUT + 1.5)
    api.hang_up("sendMessage")
    api.fail("sendMessage", status=500)
    api.push(*rig.reports.batch(15))
    wait_for(
        lambda: (
            rig.db.telegram_activity_count() >= 30
            and api.pending() == 0
            and rig.db.inbox_unfinished() == 0
            and api.faults_left("sendMessage") == 0
        ),
        60,
        "30 reports stored and every fault used",
        alive=rig.bot.check_alive,
        seen=lambda: (
            rig.db.telegram_activity_count(),
            api.pending(),
            rig.db.inbox_unfinished(),
            api.faults_left("sendMessage"),
        ),
    )
    time.sleep(0.5)

    # Every report once.
    stored = rig.db.activities()
    assert len(stored) == 30
    assert len({a.message_id for a in stored}) == 30
    assert not rig.db.inbox_given_up()
    assert rig.bot.alive

    # Polling: retried with growing pauses after errors, after retry_after on a 429.
    polls = api.calls("getUpdates")
    gaps = gaps_after_failures(polls)
    assert [label for label, _ in gaps] == ["500", "hangup", "502", "429"], gaps
    backoff = Backoff()
    expected = [backoff.initial]
    expected += [backoff.next(expected[-1]), backoff.next(backoff.next(expected[-1]))]
    for (label, gap), want in zip(gaps[:3], expected, strict=True):
        assert want * 0.9 <= gap <= want + 1.5, (label, gap, want)
    assert 0.9 <= gaps[3][1] <= 2.5, gaps[3]

    # Replies: none twice; each report confirmed, or its confirmation refused by Telegram.
    sends = [c for c in api.calls("sendMessage") if c.chat_id == rig.reports.user_id]
    confirmed = confirmations(api.delivered())
    assert max(len(c) for c in confirmed.values()) == 1
    refused = {confirmation_of(c) for c in sends if not c.took_effect} - {None}
    retried_429 = [c for c in sends if c.status == 429 and confirmation_of(c) is not None]
    ids = {a.id for a in stored}
    assert refused  # the resend below is tested, not assumed
    assert set(confirmed) == ids  # a refused confirmation went out on the retry
    assert retried_429
    assert all(confirmation_of(c) in confirmed for c in retried_429)  # 429: sent after all
    assert (
        not [  # never asked to send again after a failure of Telegram's
            c
            for c in api.delivered()
            if c.chat_id == rig.reports.user_id and "försök" in (c.text or "").lower()
        ]
    )
    late = [c for c in sends if c.outcome == "delayed"]
    assert len(late) == 1
    assert confirmation_of(late[0]) in confirmed  # taken by Telegram, and not sent again
    apologies = [
        c
        for c in api.delivered()
        if c.chat_id == rig.reports.user_id and "gick fel" in (c.text or "")
    ]
    print(
        f"\nTelegram errors: getUpdates gaps after failures "
        f"{[(label, round(gap, 2)) for label, gap in gaps]}; 30 activities once; "
        f"{len(confirmed)} confirmations (none twice), {len(refused & set(confirmed))} refused "
        f"by Telegram and sent on the retry, "
        f"{len(apologies)} 'något gick fel' replies; "
        f"{time.monotonic() - started:.1f} s"
    )
