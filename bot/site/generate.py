"""`loftesbot site`: write the public pages of every kommun (or the named ones) to a folder.

    loftesbot site --out DIR [--kommun NAME]... [--db PATH] [--lang sv|en] [--base-url URL]

Each file is written to a temporary name and renamed into place, so a web server reading the
folder never serves half a page.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.render.chart import render_chart
from bot.site.model import (
    KommunPage,
    KommunSummary,
    build_kommun,
    build_summary,
    municipalities,
    summary_of,
)
from bot.site.render import CHART_FILE, CSS_FILE, Bundle, Site, draw_chart, resource
from bot.site.texts import Lang
from storage.db import Database


class SiteError(Exception):
    """A problem for the person at the terminal (one line, exit code 2)."""


@dataclass(frozen=True)
class Written:
    kommuner: int
    files: int
    out: Path


POOL_FROM = 8  # kommuner from which charts are drawn in other processes


def _chart_pool() -> ProcessPoolExecutor:
    workers = max(1, min(2, os.cpu_count() or 1))
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _write_file(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(body)
    os.replace(temporary, path)


def write_bundle(out: Path, bundle: Bundle) -> int:
    for relative, item in bundle.items():
        _write_file(out / relative, item.body)
    return len(bundle)


async def kommun_bundle(site: Site, page: KommunPage) -> Bundle:
    return site.kommun_files(page, await draw_chart(page))


async def write_site(
    db: Database,
    out: Path,
    site: Site,
    *,
    now: datetime,
    tz: Any,
    names: Sequence[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Written:
    """Write the index (of every kommun), the style sheet and every chosen kommun's files
    under `out`."""
    from bot.services.errors import NotFound
    from bot.services.export import municipality_ids_by_name

    async with db.read() as session:
        everyone = await municipalities(session)
        if names:
            try:
                wanted = set(await municipality_ids_by_name(session, names))
            except NotFound as exc:
                raise SiteError(f"kommunen {exc.values.get('name')!r} finns inte") from None
            chosen = [row for row in everyone if row[0] in wanted]
        else:
            chosen = everyone
    lang: Lang = site.lang
    pages: list[KommunSummary] = []
    files = 0
    if on_progress is not None:
        on_progress(0, len(chosen))
    # Charts take most of the time (matplotlib, one at a time per process): with many kommuner
    # they are drawn in other processes while this one reads the database and fills templates.
    pool = _chart_pool() if len(chosen) >= POOL_FROM else None
    loop = asyncio.get_running_loop()
    charts: list[tuple[str, asyncio.Future[bytes]]] = []
    try:
        for done, (mid, _name, slug) in enumerate(chosen, start=1):
            async with db.read() as session:
                page = await build_kommun(session, mid, now=now, tz=tz, lang=lang)
            if pool is None:
                files += write_bundle(out, await kommun_bundle(site, page))
            else:
                charts.append(
                    (
                        f"{slug}/{CHART_FILE}",
                        loop.run_in_executor(
                            pool,
                            # Pickled by reference: the workers import only the chart module.
                            functools.partial(render_chart, note=page.chart_note, lang=page.lang),
                            page.chart_title,
                            page.chart_subtitle,
                            page.chart_rows,
                        ),
                    )
                )
                files += write_bundle(out, site.kommun_files(page, None))
            pages.append(summary_of(page))  # the index needs only this
            if on_progress is not None:
                on_progress(done, len(chosen))
        for path, chart in charts:
            _write_file(out / path, await chart)
            files += 1
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    if len(chosen) < len(everyone):
        # The index lists every kommun in the bot, also when only some pages were rewritten.
        done_ids = {summary.id for summary in pages}
        for mid, _name, _slug in everyone:
            if mid not in done_ids:
                async with db.read() as session:
                    pages.append(await build_summary(session, mid, now=now, tz=tz, lang=lang))
        order = {mid: n for n, (mid, _name, _slug) in enumerate(everyone)}
        pages.sort(key=lambda summary: order[summary.id])
    local = now.astimezone(tz)
    files += write_bundle(
        out,
        {
            "index.html": resource("index.html", site.index(pages, local), local),
            CSS_FILE: resource(CSS_FILE, site.css(), local),
        },
    )
    return Written(len(chosen), files, out)


async def run(settings: Settings, args: argparse.Namespace, *, clock: Clock | None = None) -> int:
    from bot.progress import bar, say

    clock = clock or SystemClock()
    lang: Lang = args.lang or settings.site.lang
    base_url = (args.base_url or settings.site.public_url or "").strip()
    if base_url and not base_url.startswith(("http://", "https://")):
        raise SiteError("--base-url måste vara en http(s)-adress, till exempel https://loften.se")
    site = Site(lang=lang, base_url=base_url, templates=settings.site.templates)
    db = Database(settings.database.url)
    progress = bar(None, "Webbsidor", "kommun")

    def advance(done: int, total: int) -> None:
        progress.total = total
        progress.n = done
        progress.refresh()

    from jinja2 import TemplateError, TemplateSyntaxError

    try:
        with progress:
            written = await write_site(
                db,
                args.out,
                site,
                now=clock.now(),
                tz=settings.bot.timezone,
                names=args.kommun,
                on_progress=advance,
            )
    except TemplateSyntaxError as exc:
        where = exc.filename or exc.name
        raise SiteError(f"fel i mallen {where}, rad {exc.lineno}: {exc.message}") from None
    except TemplateError as exc:
        raise SiteError(f"en mall gick inte att använda: {exc}") from None
    except OSError as exc:
        raise SiteError(f"kunde inte skriva i {args.out}: {exc.strerror or exc}") from None
    finally:
        await db.dispose()
    kommuner = "kommun" if written.kommuner == 1 else "kommuner"
    say(
        f"Skrev {written.files} filer för {written.kommuner} {kommuner} i {written.out}"
        f" (öppna {written.out / 'index.html'})."
    )
    return 0
