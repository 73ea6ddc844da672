"""The inbox table's repository on every backend: store, claim, retry, release, purge."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from storage import inbox
from storage.activities import claim_update
from storage.db import Database
from storage.models import InboxUpdate, ProcessedUpdate

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def item(n: int, key: str | None = None) -> tuple[str, int, dict[str, Any]]:
    payload = {"update_id": n, "message": {"message_id": n, "text": f"hej {n}"}}
    return key or f"msg:1:{n}", n, payload


async def fill(db: Database, count: int, now: datetime = NOW) -> None:
    async with db.transaction() as session:
        await inbox.store(session, [item(n) for n in range(1, count + 1)], now)


async def claim(db: Database, worker: str, now: datetime = NOW, limit: int = 10) -> list[int]:
    async with db.transaction() as session:
        rows = await inbox.claim(session, worker, now, limit=limit, lease=LEASE)
    return [row.update_id for row in rows]


async def rows(db: Database) -> dict[int, InboxUpdate]:
    async with db.read() as session:
        return {r.update_id: r for r in await session.scalars(select(InboxUpdate))}


async def test_store_keeps_one_row_per_key(db: Database) -> None:
    async with db.transaction() as session:
        added = await inbox.store(session, [item(1), item(1), item(2)], NOW)
    assert added == 2
    async with db.transaction() as session:
        # A redelivery, even under a new update_id, is the same update.
        assert await inbox.store(session, [item(7, key="msg:1:1"), item(3)], NOW) == 1
    stored = await rows(db)
    assert sorted(stored) == [1, 2, 3]
    first = stored[1]
    assert first.payload == item(1)[2]
    assert (first.attempts, first.claimed_by, first.done_at) == (0, None, None)
    assert first.received_at == NOW
    async with db.read() as session:
        assert await inbox.pending_count(session) == 3


async def test_store_in_chunks(db: Database) -> None:
    async with db.transaction() as session:
        assert await inbox.store(session, [item(n) for n in range(1, 1203)], NOW) == 1202
        assert await inbox.store(session, [], NOW) == 0
    async with db.read() as session:
        assert await inbox.pending_count(session) == 1202


async def test_claim_takes_the_oldest_free_rows_and_counts_the_first_ones_attempt(
    db: Database,
) -> None:
    await fill(db, 5)
    assert await claim(db, "a", limit=2) == [1, 2]
    assert await claim(db, "b", limit=10) == [3, 4, 5]
    assert await claim(db, "c") == []  # everything is claimed
    stored = await rows(db)
    assert stored[1].claimed_by == "a"
    assert stored[3].claimed_by == "b"
    # Only the row a worker starts with is charged; `begin` charges the others as they start.
    assert [r.attempts for r in stored.values()] == [1, 0, 1, 0, 0]
    assert {r.claimed_at for r in stored.values()} == {NOW}
    async with db.transaction() as session:
        assert await inbox.begin(session, stored[2].id, "a")
        assert not await inbox.begin(session, stored[4].id, "a")  # b's row
    assert (await rows(db))[2].attempts == 1


async def test_a_claim_is_taken_over_when_its_lease_runs_out_unless_renewed(db: Database) -> None:
    await fill(db, 2)
    assert await claim(db, "a") == [1, 2]
    later = NOW + LEASE - timedelta(seconds=1)
    assert await claim(db, "b", later) == []
    async with db.transaction() as session:
        assert await inbox.renew(session, [1], "a", later) == 1  # row id 1 = update 1
        assert await inbox.renew(session, [2], "someone else", later) == 0
    expired = NOW + LEASE + timedelta(seconds=1)
    assert await claim(db, "b", expired) == [2]  # row 1 was renewed
    stored = await rows(db)
    assert (stored[2].claimed_by, stored[2].attempts) == ("b", 1)  # a never started it
    assert await claim(db, "b", later + LEASE + timedelta(seconds=1)) == [1]


async def test_done_rows_are_never_claimed(db: Database) -> None:
    await fill(db, 3)
    async with db.transaction() as session:
        claimed = await inbox.claim(session, "a", NOW, limit=2, lease=LEASE)
        assert await inbox.mark_done(session, [r.id for r in claimed], NOW) == 2
    assert await claim(db, "b", NOW + timedelta(days=1)) == [3]
    async with db.read() as session:
        assert await inbox.pending_count(session) == 1


async def test_a_failed_row_waits_for_its_retry_then_is_given_up(db: Database) -> None:
    await fill(db, 2)
    async with db.transaction() as session:
        [first, _] = await inbox.claim(session, "a", NOW, lease=LEASE)
        await inbox.mark_failed(
            session, first.id, NOW, "RuntimeError: boom", retry_at=NOW + timedelta(seconds=30)
        )
    stored = await rows(db)
    assert (stored[1].claimed_by, stored[1].error, stored[1].done_at) == (
        None,
        "RuntimeError: boom",
        None,
    )
    assert await claim(db, "b", NOW + timedelta(seconds=29)) == []
    assert await claim(db, "b", NOW + timedelta(seconds=30)) == [1]
    async with db.transaction() as session:
        await inbox.mark_failed(session, first.id, NOW, "RuntimeError: boom again")
        assert await inbox.failed_count(session) == 1
    stored = await rows(db)
    assert (stored[1].attempts, stored[1].done_at, stored[1].error) == (
        2,
        NOW,
        "RuntimeError: boom again",
    )
    # Success after a failure clears the error.
    async with db.transaction() as session:
        await inbox.mark_failed(session, stored[2].id, NOW, "x", retry_at=NOW)
        await inbox.mark_done(session, [stored[2].id], NOW)
    assert (await rows(db))[2].error is None


async def test_release_gives_claims_back(db: Database) -> None:
    await fill(db, 4)
    assert await claim(db, "a", limit=2) == [1, 2]
    assert await claim(db, "b", limit=2) == [3, 4]
    stored = await rows(db)
    async with db.transaction() as session:
        assert await inbox.claimants(session) == ["a", "b"]
        # Claimed but never started: the attempt is taken back.
        assert await inbox.release(session, ids=[stored[1].id], refund=True) == 1
        # A dead worker's rows: the attempt of the row it was handling counts, no other.
        assert await inbox.release(session, workers=["b"]) == 2
        assert await inbox.release(session, workers=[]) == 0
        assert await inbox.claimants(session) == ["a"]
    stored = await rows(db)
    assert [(stored[n].claimed_by, stored[n].attempts) for n in (1, 2, 3, 4)] == [
        (None, 0),
        ("a", 0),
        (None, 1),
        (None, 0),
    ]
    assert await claim(db, "c") == [1, 3, 4]
    with pytest.raises(ValueError):
        async with db.transaction() as session:
            await inbox.release(session)


async def test_purge_keeps_unfinished_and_recent_rows(db: Database) -> None:
    old = NOW - timedelta(days=8)
    async with db.transaction() as session:
        await inbox.store(session, [item(1), item(2)], old)
        await inbox.store(session, [item(3), item(4)], NOW)
        for key, n, when in (("msg:1:1", 1, old), ("msg:1:3", 3, NOW)):
            assert await claim_update(session, key, n, when)
    stored = await rows(db)
    async with db.transaction() as session:
        await inbox.mark_done(session, [stored[1].id], old)  # done long ago: goes
        await inbox.mark_done(session, [stored[3].id], NOW)  # done today: stays
    # Update 2 is old but was never finished: it stays; update 4 is new and unfinished.
    async with db.transaction() as session:
        assert await inbox.purge(session, NOW - timedelta(days=7)) == 2
        assert await inbox.purge(session, NOW - timedelta(days=7)) == 0
    assert sorted(await rows(db)) == [2, 3, 4]
    async with db.read() as session:
        keys = list(await session.scalars(select(ProcessedUpdate.key)))
    assert keys == ["msg:1:3"]


async def test_concurrent_claimers_never_share_a_row(db: Database) -> None:
    await fill(db, 60)

    async def worker(name: str) -> list[int]:
        got: list[int] = []
        while batch := await claim(db, name, limit=3):
            got += batch
            await asyncio.sleep(0)
        return got

    results = await asyncio.gather(*(worker(f"w{n}") for n in range(4)))
    everything = [n for batch in results for n in batch]
    assert sorted(everything) == list(range(1, 61))


async def test_two_open_claims_on_postgresql_skip_each_others_rows(
    db: Database, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second claim waits for the first")
    await fill(db, 6)
    async with db.transaction() as first:
        mine = await inbox.claim(first, "a", NOW, limit=4, lease=LEASE)
        # The first transaction has not committed: its rows are locked, not yet marked.
        async with db.transaction() as second:
            theirs = await asyncio.wait_for(
                inbox.claim(second, "b", NOW, limit=4, lease=LEASE), timeout=5
            )
    assert [r.update_id for r in mine] == [1, 2, 3, 4]
    assert [r.update_id for r in theirs] == [5, 6]
    stored = await rows(db)
    assert [stored[n].claimed_by for n in range(1, 7)] == ["a"] * 4 + ["b"] * 2
