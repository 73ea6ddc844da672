"""`loftesbot report`: write a municipality's progress report to files, and publish it.

    loftesbot report --kommun NAME [--period 2026-Q3|2026|2026-H1|2026-T2|period]
                     [--out DIR] [--publish [--force]] [--config PATH]

Writes `<kommun>-<period>.md`, `.html` (a page for the municipality's web site) and `.png` (the
chart) to DIR. `--publish` posts the report to the municipality's channel through the same
exactly-once path as the schedule: a period already published answers "redan publicerad" and
sends nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from telegram.request import BaseRequest

from bot.clock import Clock
from bot.config import Settings
from bot.render.messages import say as say_in
from bot.services.reports import ReportPeriod
from storage.db import Database


class ReportError(Exception):
    """A problem for the person at the terminal (one line, exit code 2)."""


def add_parser(sub: Any) -> None:
    rep = sub.add_parser(
        "report",
        help="skriv en lägesrapport till filer och publicera den",
        description="Skriv en lägesrapport till filer, eller publicera den i kommunens kanal.",
        epilog="exempel:\n"
        "  loftesbot report --kommun Härjedalen\n"
        "  loftesbot report --kommun Härjedalen --db var/demo.sqlite3   (demons data)\n"
        "  loftesbot report --kommun Härjedalen --period 2026 --out web/\n"
        "  loftesbot report --kommun Härjedalen --period 2026-Q3 --publish",
    )
    rep.add_argument("--kommun", required=True, help="kommunens namn")
    rep.add_argument(
        "--period",
        help="2026-Q3 (kvartal), 2026-T2, 2026-H1, 2026 (år) eller period (hela löftesperioden);"
        " utan: kvartalet som just slutat",
    )
    rep.add_argument(
        "--out", type=Path, default=Path(), metavar="MAPP", help="katalog för filerna (.)"
    )
    rep.add_argument("--publish", action="store_true", help="publicera i kommunens kanal")
    rep.add_argument(
        "--force",
        action="store_true",
        help="publicera även en rapport som schemat hoppade över",
    )
    rep.add_argument("--config", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")
    rep.add_argument(
        "--db",
        type=Path,
        metavar="FIL",
        help="en SQLite-fil att läsa i stället för konfigurationens databas (t.ex. demons)",
    )


async def run(
    settings: Settings,
    args: argparse.Namespace,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
) -> int:
    """`request` and `clock` replace the network and the wall clock (tests)."""
    from bot.clock import SystemClock, local_today
    from bot.delivery.publisher import render_post
    from bot.render import report as render
    from bot.services.errors import ServiceError
    from bot.services.posting import sync_channels
    from bot.services.reports import build_report, read_period
    from storage.catalogue import municipality_by_name

    clock = clock or SystemClock()
    today = local_today(clock, settings.bot.timezone)
    db = Database(settings.database.url)
    try:
        async with db.transaction() as session:
            await sync_channels(session, settings.channels)
        async with db.read() as session:
            municipality = await municipality_by_name(session, args.kommun)
            if municipality is None:
                raise ReportError(
                    f"kommunen {args.kommun!r} finns inte; importera dess löften först"
                )
            try:
                period = read_period(args.period, today)
                report = await build_report(session, municipality.id, period, today)
            except ServiceError as exc:
                raise ReportError(say_in(exc, "sv")) from None
        rendered = await render_post(report)
        stem = f"{report.slug}-{report.period.key}"
        for path in _write(
            args.out,
            {
                f"{stem}.md": render.markdown(report).encode(),
                f"{stem}.html": render.html_page(report).encode(),
                f"{stem}.png": rendered.chart,
            },
        ):
            print(f"Skrev {path}")
        if args.publish:
            return await _publish(settings, db, municipality.id, period, clock, args, request)
    finally:
        await db.dispose()
    return 0


async def _publish(
    settings: Settings,
    db: Database,
    municipality_id: int,
    period: ReportPeriod | None,
    clock: Clock,
    args: argparse.Namespace,
    request: BaseRequest | None,
) -> int:
    from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

    from bot.botapi import make_bot
    from bot.clock import local_today
    from bot.delivery.budget import budget_for, budgeted
    from bot.delivery.outbox import Pacer
    from bot.delivery.publisher import Publisher
    from bot.domain.words import count
    from storage.models import PostStatus

    token = settings.require_token().get()
    # The post's messages are booked in the bot's one send budget, as a running bot's are.
    bot = make_bot(settings, token, budgeted(request, budget_for(db)))
    allow = {PostStatus.FAILED}
    if args.force:
        allow.add(PostStatus.SKIPPED)
    try:
        async with bot:
            publisher = Publisher(
                db, bot, Pacer(), clock=clock, public_url=settings.site.public_url
            )
            outcome = await publisher.publish(
                municipality_id,
                period,
                today=local_today(clock, settings.bot.timezone),
                now=clock.now(),
                actor="cli",
                allow=frozenset(allow),
            )
    except InvalidToken:
        raise ReportError("Telegram godtog inte token; kontrollera [telegram] token.") from None
    except (NetworkError, TimedOut) as exc:
        raise ReportError(
            f"Telegram gick inte att nå ({exc.message}); ingenting skickades. "
            "Försök igen om en stund."
        ) from None
    except TelegramError as exc:
        raise ReportError(
            f"Telegram svarade med ett fel ({exc.message}); ingenting skickades."
        ) from None
    messages = {
        "sent": "Publicerad i {channel} ({n}); {notices} får en notis.",
        "already": "Redan publicerad i {channel}; ingenting skickades.",
        "skipped": "Schemat hoppade över den här rapporten ({detail}); "
        "använd --force för att publicera den ändå.",
        "ambiguous": "Det är oklart om rapporten kom ut i {channel} ({detail}); "
        "ingenting skickades. Kontrollera kanalen och avgör under /schema i chatten.",
        "busy": "Rapporten skickas just nu av en annan process; ingenting skickades.",
        "failed": "Rapporten kunde inte publiceras: {detail}",
        "retry": "Telegram gick inte att nå ({detail}); försök igen om en stund.",
        "no_channel": "Kommunen har ingen kanal; lägg till den under [channels] i konfigurationen.",
    }
    print(
        messages[outcome.outcome].format(
            channel=outcome.channel,
            n=count(len(outcome.message_ids), "meddelande", "meddelanden"),
            notices=count(outcome.notices, "prenumerant", "prenumeranter"),
            detail=outcome.detail,
        )
    )
    return 0 if outcome.outcome in ("sent", "already") else 1


def _write(out: Path, files: dict[str, bytes]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        (out / name).write_bytes(content)
        written.append(out / name)
    return written
