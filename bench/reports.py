"""The quarterly run: every municipality's progress report, text and chart, from the
all-of-Sweden dataset. Measured in three parts (reading the figures, writing the texts,
drawing the charts) and in total, against the target of 60 s for 290 municipalities.
"""

from __future__ import annotations

import asyncio
import time

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
