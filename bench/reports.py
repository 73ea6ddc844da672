"""The quarterly run: every municipality's progress report, text and chart, from the
all-of-Sweden dataset. Measured in three parts (reading the figures, writing the texts,
drawing the charts) and in total, against the target of 60 s for 290 municipalities.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from sqlalchemy import update

from bench.dataset import BENCH_TODAY
from bench.figures import Figure
from bot.render import report as render
from bot.render.chart import render_chart
from bot.services.reports import build_report, previous_period
from storage import catalogue
from storage.db import Database


async def quarterly_figures(db: Database) -> list[Figure]:
    period = previous_period(BENCH_TODAY)
    async with db.read() as session:
        ids = [m.id for m in await catalogue.list_municipalities(session)]
    reading = writing = drawing = 0.0
    characters = messages = png_bytes = 0
    started = time.perf_counter()
    for municipality_id in ids:
        t0 = time.perf_counter()
        async with db.read() as session:
            report = await build_report(session, municipality_id, period, BENCH_TODAY)
        t1 = time.perf_counter()
        parts = render.telegram_messages(report)
        page = render.html_page(report)
        markdown = render.markdown(report)
        t2 = time.perf_counter()
        title, subtitle, note, rows = render.chart(report)
        png = await asyncio.to_thread(render_chart, title, subtitle, rows, note=note)
        t3 = time.perf_counter()
        reading += t1 - t0
        writing += t2 - t1
        drawing += t3 - t2
        messages += len(parts)
        characters += sum(map(len, parts)) + len(page) + len(markdown)
        png_bytes += len(png)
    total = time.perf_counter() - started
    n = len(ids)
    return [
        Figure(
            f"quarterly run, {n} kommuner ({period.key}): total",
            total,
            "s",
            "≤ 60 s",
            total <= 60 * n / 290,
        ),
        Figure("quarterly run: reading figures per kommun", reading / n * 1000, "ms"),
        Figure("quarterly run: texts per kommun", writing / n * 1000, "ms"),
        Figure("quarterly run: chart per kommun", drawing / n * 1000, "ms"),
        Figure("quarterly run: Telegram messages per kommun", messages / n, "msgs"),
        Figure("quarterly run: chart size per kommun", png_bytes / n / 1024, "KiB"),
    ]


async def scheduled_figures(db_url: str, *, pool: bool = True, label: str = "") -> list[Figure]:
    """The quarterly run as the schedule does it: every municipality with a channel falls due
    at the same moment, the ticks of that moment start together (the job queue used to start
    one per municipality), and each post is claimed, rendered, stored and sent to the
    in-process Bot API. Counts the renderings: one per municipality is the goal (each extra
    tick once drew every report again before finding it taken). Run last: it gives every
    municipality a channel and publishes every post.

    `pool` draws the charts in the chart worker processes (as the bot does for a batch);
    without it every chart is drawn in a thread of this process (bench/quarter.py compares
    the two)."""
    from telegram import Bot

    from bot.app import OFFLINE_TOKEN
    from bot.clock import FrozenClock
    from bot.config import DatabaseSettings, Settings
    from bot.console.transport import OfflineTransport
    from bot.delivery import scheduler as jobs
    from bot.delivery.charts import ChartPool
    from bot.delivery.outbox import Pacer, ScaledTime
    from bot.services import schedule as schedules
    from bot.services.core import Services
    from storage.models import Municipality

    period = previous_period(BENCH_TODAY)
    db = Database(db_url)
    try:
        tz = Settings().bot.timezone
        due = datetime.combine(period.window.end + timedelta(days=1), dtime(9), tz).astimezone(UTC)
        clock = FrozenClock(due - timedelta(days=30))
        services = Services(Settings(database=DatabaseSettings(url=db_url)), db, clock)
        async with db.transaction() as session:
            await session.execute(
                update(Municipality)
                .where(Municipality.channel.is_(None))
                .values(channel="@" + Municipality.slug)
            )
            await schedules.ensure_schedules(session, clock.now())
        async with db.read() as session:
            n = len(await catalogue.list_municipalities(session))
        clock.set(due + timedelta(minutes=1))
        transport = OfflineTransport()
        charts = ChartPool(enabled=pool)
        scheduler = jobs.Scheduler(
            services,
            Bot(OFFLINE_TOKEN, request=transport),
            pacer=Pacer(time=ScaledTime(1e6)),
            charts=charts,
        )
        assert scheduler.publisher is not None
        # Timed from the moment the jobs fire: the workers start inside the run (as they do
        # in the bot at its first batch).
        started = time.perf_counter()
        try:
            ticks = await asyncio.gather(*(scheduler.tick() for _ in range(n)))
        finally:
            await scheduler.close()
            if scheduler.leadership is not None:
                await scheduler.leadership.release()
        total = time.perf_counter() - started
        sent = sum(1 for r in ticks for p in r.posts if p.outcome == "sent")
        photos = sum(1 for c in transport.calls if c.method == "sendPhoto")
    finally:
        await db.dispose()
    how = label or (
        f"charts in {charts.workers} worker processes" if pool else "charts in a thread"
    )
    return [
        Figure(
            f"scheduled quarterly run ({how}), {n} kommuner due at once, {n} ticks: total",
            total,
            "s",
            # The run without the pool is the reference, measured beside it: no verdict.
            "≤ 60 s" if pool else "",
            total <= 60 * n / 290 if pool else None,
        ),
        Figure(
            "scheduled quarterly run: reports rendered",
            scheduler.publisher.renders,
            "",
            f"= {n}",
            scheduler.publisher.renders == n,
        ),
        Figure("scheduled quarterly run: posts sent", sent, "", f"= {n}", sent == n),
        Figure("scheduled quarterly run: charts drawn in worker processes", charts.pooled, ""),
        Figure(
            "scheduled quarterly run: charts in the channels", photos, "", f"= {n}", photos == n
        ),
    ]
