"""`loftesbot site`: write the public pages of every kommun (or the named ones) to a folder.

    loftesbot site --out DIR [--kommun NAME]... [--db PATH] [--lang sv|en] [--base-url URL]

Each file is written to a temporary name and renamed into place, so a web server reading the
folder never serves half a page.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.site.model import KommunPage, build_kommun, municipalities
from bot.site.render import CSS_FILE, Bundle, Site, draw_chart, resource
from bot.site.texts import Lang
from storage.db import Database


class SiteError(Exception):
    """A problem for the person at the terminal (one line, exit code 2)."""


@dataclass(frozen=True)
class Written:
    kommuner: int
    files: int
    out: Path


def add_parser(sub: Any, db_help: str) -> None:
    site = sub.add_parser(
        "site",
        help="skriv publika webbsidor för kommunernas löften",
        description="Skriv publika webbsidor: en sida per kommun och per löfte, data.json, ett "
        "Atom-flöde, en widget för iframe och ett fragment att klistra in i en webbsida.",
        epilog="exempel:\n"
        "  loftesbot site --out web/\n"
        "  loftesbot site --out web/ --db var/demo.sqlite3   (demons data)\n"
        "  loftesbot site --out web/ --kommun Härjedalen --base-url https://loften.kommun.se\n"
        "  loftesbot site --out web-en/ --lang en",
    )
    site.add_argument("--out", type=Path, required=True, metavar="MAPP", help="mapp för sidorna")
    site.add_argument(
        "--kommun",
        action="append",
        metavar="KOMMUN",
        help="bara den här kommunen (kan upprepas); annars alla",
    )
    site.add_argument(
        "--lang", choices=("sv", "en"), help="sidornas språk (annars [site] lang, svenska)"
    )
    site.add_argument(
        "--base-url",
        metavar="ADRESS",
        help="sidornas publika adress, för delningslänkar och förhandsbilder "
        "(annars [site] public_url)",
    )
    site.add_argument("--config", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")
    site.add_argument("--db", type=Path, metavar="FIL", help=db_help)


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
    """Write the index, the style sheet and every chosen kommun's files under `out`."""
    from bot.services.errors import NotFound
    from bot.services.export import municipality_ids_by_name

    async with db.read() as session:
        everyone = await municipalities(session)
        if names:
            try:
                wanted = set(await municipality_ids_by_name(session, names))
            except NotFound as exc:
                raise SiteError(f"kommunen {exc.detail!r} finns inte") from None
            chosen = [row for row in everyone if row[0] in wanted]
        else:
            chosen = everyone
    lang: Lang = site.lang
    pages: list[KommunPage] = []
    files = 0
    if on_progress is not None:
        on_progress(0, len(chosen))
    for done, (mid, _name, _slug) in enumerate(chosen, start=1):
        async with db.read() as session:
            page = await build_kommun(session, mid, now=now, tz=tz, lang=lang)
        files += write_bundle(out, await kommun_bundle(site, page))
        pages.append(page)
        if on_progress is not None:
            on_progress(done, len(chosen))
    local = now.astimezone(tz)
    files += write_bundle(
        out,
        {
            "index.html": resource("index.html", site.index(pages, local), local),
            CSS_FILE: resource(CSS_FILE, site.css(), local),
        },
    )
    return Written(len(pages), files, out)


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
    finally:
        await db.dispose()
    kommuner = "kommun" if written.kommuner == 1 else "kommuner"
    say(
        f"Skrev {written.files} filer för {written.kommuner} {kommuner} i {written.out}"
        f" (öppna {written.out / 'index.html'})."
    )
    return 0
