"""The chart pool: a batch of due posts has its charts drawn in worker processes, each post
rendered once and sent as stored; a single post keeps the thread; closing the pool (as the
application's shutdown does) leaves no worker process behind."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.app import OFFLINE_TOKEN
from bot.console.transport import OfflineTransport
from bot.delivery import publisher as publisher_module
from bot.delivery import scheduler as jobs
from bot.delivery.charts import BATCH_THRESHOLD, ChartPool, running_pools
from bot.delivery.outbox import Pacer, ScaledTime
from bot.render.chart import ChartRow, render_chart
from bot.services import schedule as schedules
from bot.services.examples import load_examples
from storage import catalogue
from storage.models import PostStatus, ProgressPost
from tests.conftest import Harness

BEFORE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
Q4_DUE = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"
ROWS = [ChartRow("trafikinsatser", "Polisen", 3, 4, 0.5, "I fas", "on_track")]


def _children() -> dict[int, str]:
    """This process's live child processes (pid: command line), read from /proc."""
    me, found = os.getpid(), {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == me and fields[0] != "Z":
            found[int(entry.name)] = cmdline
    return found


def _workers_left(before: dict[int, str]) -> dict[int, str]:
    """Children started since `before`, apart from multiprocessing's resource tracker (one per
    interpreter, started with the first worker, kept for the interpreter's life)."""
    return {
        pid: cmd
        for pid, cmd in _children().items()
        if pid not in before and "resource_tracker" not in cmd
    }


def test_the_default_threshold_sends_a_quarters_turn_to_the_workers() -> None:
    pool = ChartPool(workers=2)
    assert pool.threshold == BATCH_THRESHOLD
    assert pool.worth_it(290) and not pool.worth_it(1)
    assert not ChartPool(workers=2, enabled=False).worth_it(290)


async def test_the_pool_draws_the_same_chart_as_a_thread_and_leaves_no_worker() -> None:
    before = _children()
    pool = ChartPool(workers=2)
    try:
        pooled = await asyncio.gather(
            *(pool.draw("Titel", "Underrubrik", ROWS, note="n", pooled=True) for _ in range(3))
        )
        assert pool.started
        assert len(multiprocessing.active_children()) >= 1
    finally:
        await pool.close()
    assert pool.pooled == 3
    assert all(png == render_chart("Titel", "Underrubrik", ROWS, note="n") for png in pooled)
    assert multiprocessing.active_children() == []
    assert _workers_left(before) == {}
    # Closed: a later chart is still drawn, in a thread.
    assert (await pool.draw("T", "S", ROWS, pooled=True)).startswith(PNG)
    assert pool.threaded == 1
    assert not pool.started


async def _channels(harness: Harness, count: int) -> dict[str, str]:
    """Example data with a channel for `count` municipalities; their names and channels."""
    services = harness.services
    harness.clock.set(BEFORE)
    channels: dict[str, str] = {}
    async with services.db.transaction() as session:
        await load_examples(session, today=date(2026, 11, 21), now=harness.clock.now())
        for municipality in (await catalogue.list_municipalities(session))[:count]:
            municipality.channel = f"@{municipality.slug}_loften"
            channels[municipality.name] = municipality.channel
    async with services.db.transaction() as session:
        await schedules.ensure_schedules(session, services.now())
    assert len(channels) == count
    return channels


def _count_renders(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    renderings: list[Any] = []
    real = publisher_module.render_post

    async def counted(report: Any, lang: str = "sv", **kwargs: Any) -> Any:
        rendered = await real(report, lang, **kwargs)
        renderings.append(rendered)
        return rendered

    monkeypatch.setattr(publisher_module, "render_post", counted)
    return renderings


async def _run(harness: Harness, pool: ChartPool, ticks: int) -> tuple[list[Any], OfflineTransport]:
    transport = OfflineTransport()
    scheduler = jobs.Scheduler(
        harness.services,
        Bot(OFFLINE_TOKEN, request=transport),
        pacer=Pacer(time=ScaledTime(1000.0)),
        charts=pool,
    )
    harness.clock.set(Q4_DUE)
    try:
        reports = await asyncio.gather(*(scheduler.tick() for _ in range(ticks)))
    finally:
        await scheduler.close()
        assert scheduler.leadership is not None
        await scheduler.leadership.release()
    return [p for r in reports for p in r.posts], transport


async def test_a_batch_of_due_posts_is_drawn_in_the_pool_and_each_rendered_once(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 4  # the example data has four municipalities
    channels = await _channels(harness, count)
    renderings = _count_renders(monkeypatch)
    before = _children()
    pool = ChartPool(workers=2, threshold=count)
    # Jobs due at the same moment start their ticks together: one tick does the batch.
    posts, transport = await _run(harness, pool, ticks=3)
    assert [p.outcome for p in posts] == ["sent"] * count
    assert pool.pooled == count and pool.threaded == 0
    assert sorted(r.municipality for r in renderings) == sorted(channels)
    # Sent in the batch's order (the charts may finish in another), each channel its one rendering's parts, the chart last.
    by_chat = [c for c in transport.calls if c.chat_id in channels.values()]
    order = list(dict.fromkeys(c.chat_id for c in by_chat))
    assert order == [p.channel for p in posts]
    assert Counter(c.method for c in by_chat)["sendPhoto"] == count
    for rendered in renderings:
        calls = [c for c in by_chat if c.chat_id == channels[rendered.municipality]]
        assert [c.text for c in calls] == [*rendered.messages, rendered.caption]
        assert next(iter(calls[-1].uploads.values())) == rendered.chart
        assert rendered.chart.startswith(PNG)
    async with harness.services.db.read() as session:
        rows = list(await session.scalars(select(ProgressPost)))
    assert len(rows) == count
    assert all(r.status is PostStatus.SENT for r in rows)
    # The workers stopped when the batch was done.
    assert multiprocessing.active_children() == []
    assert _workers_left(before) == {}


async def test_fewer_posts_than_the_threshold_keep_the_thread(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 3
    await _channels(harness, count)
    renderings = _count_renders(monkeypatch)
    pool = ChartPool(workers=2, threshold=count + 1)
    posts, _transport = await _run(harness, pool, ticks=1)
    assert [p.outcome for p in posts] == ["sent"] * count
    assert len(renderings) == count
    assert pool.threaded == count and pool.pooled == 0
    assert not pool.started


async def test_the_applications_shutdown_stops_the_chart_workers(harness: Harness) -> None:
    before = _children()
    app = harness.app
    scheduler = await jobs.install(app)
    assert scheduler.charts is not None
    await scheduler.charts.start()  # as the first batch would
    assert len(_workers_left(before)) == scheduler.charts.workers
    assert app.post_shutdown is not None
    await app.post_shutdown(app)
    assert running_pools() == []
    assert multiprocessing.active_children() == []
    assert _workers_left(before) == {}


async def test_a_batch_that_fails_half_way_gives_back_the_claims_it_took_ahead(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third report cannot be read: the posts before it are sent, the claims taken ahead
    of it are given back at once (no lease to wait out), and the next tick sends the rest,
    each post once."""
    channels = await _channels(harness, 4)
    renderings = _count_renders(monkeypatch)
    real = publisher_module.build_report
    calls: list[int] = []

    async def failing(session: Any, municipality_id: int, *args: Any, **kwargs: Any) -> Any:
        calls.append(municipality_id)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return await real(session, municipality_id, *args, **kwargs)

    monkeypatch.setattr(publisher_module, "build_report", failing)
    with pytest.raises(RuntimeError):
        await _run(harness, ChartPool(workers=2, threshold=2), ticks=1)
    async with harness.services.db.read() as session:
        rows = list(await session.scalars(select(ProgressPost)))
    assert sorted(r.status.name for r in rows if r.status is PostStatus.SENT) == ["SENT"] * 2
    assert all(r.claimed_by is None for r in rows if r.status is not PostStatus.SENT)
    monkeypatch.setattr(publisher_module, "build_report", real)
    posts, transport = await _run(harness, ChartPool(workers=2, threshold=2), ticks=1)
    assert [p.outcome for p in posts] == ["sent"] * 2
    assert sorted(r.municipality for r in renderings) == sorted(channels)
    photos = Counter(c.chat_id for c in transport.calls if c.method == "sendPhoto")
    assert sum(photos.values()) == 2 and max(photos.values()) == 1


class _TakeOverAfterFirstPost(OfflineTransport):
    """A channel that, once the first post's chart is in, lets another process take over
    every post this one has claimed and not begun (their leases run out and the other process
    claims them, as after a long stall)."""

    def __init__(self, harness: Harness) -> None:
        super().__init__()
        self.harness = harness
        self.taken: set[int] = set()
        self.at: int | None = None  # calls made when the others were taken over

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        answer = await super().do_request(url, method, *args, **kwargs)
        if url.endswith("/sendPhoto") and self.at is None:
            self.at = len(self.calls)
            async with self.harness.services.db.transaction() as session:
                rows = await session.scalars(
                    select(ProgressPost).where(ProgressPost.status == PostStatus.CLAIMED)
                )
                for row in rows:
                    if not row.message_ids and row.sending_part is None:
                        row.claimed_by = "another-host:4242"
                        self.taken.add(row.id)
        return answer


async def test_posts_claimed_ahead_and_taken_over_meanwhile_are_not_sent_by_the_batch(
    harness: Harness,
) -> None:
    """A batch claims posts ahead of the one it sends. If one of those claims is taken over
    while it waits (its lease ran out, another process claimed it), the batch must not send
    it: the lease is checked before every part, and a claim held by another is left alone."""
    channels = await _channels(harness, 4)
    transport = _TakeOverAfterFirstPost(harness)
    scheduler = jobs.Scheduler(
        harness.services,
        Bot(OFFLINE_TOKEN, request=transport),
        pacer=Pacer(time=ScaledTime(1000.0)),
        charts=ChartPool(workers=2, threshold=2),
    )
    harness.clock.set(Q4_DUE)
    try:
        report = await scheduler.tick()
    finally:
        await scheduler.close()
        assert scheduler.leadership is not None
        await scheduler.leadership.release()
    assert transport.at is not None
    async with harness.services.db.read() as session:
        rows = {r.id: r for r in await session.scalars(select(ProgressPost))}
    assert transport.taken, "no post was waiting with its claim when the first was sent"
    later = transport.calls[transport.at :]
    for post_id in transport.taken:
        row = rows[post_id]
        assert row.status is PostStatus.CLAIMED and row.claimed_by == "another-host:4242"
        assert row.channel in channels.values()
        mine = [c for c in later if c.chat_id == row.channel]
        assert mine == [], f"post {post_id} was sent although another process held it"
    outcomes = Counter(p.outcome for p in report.posts)
    assert outcomes["busy"] == len(transport.taken)
    assert outcomes["sent"] == 4 - len(transport.taken)
