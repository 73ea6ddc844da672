"""The `loftesbot` command.

    loftesbot run [--config PATH]        serve Telegram (long polling, or webhook per config),
                                         through the durable inbox (bot/serve.py)
    loftesbot --version                  the installed version
    loftesbot demo [--db PATH]           the offline demo chat on example data, kept in PATH
    loftesbot import PATH... [--kommun NAME] [--dry-run] [--json]
                                         read promise pages and follow-ups into the catalogue
    loftesbot report --kommun NAME [--period P] [--out DIR] [--publish] [--db PATH]
                                         a progress report as files, or in the channel
    loftesbot export --format csv|json [--kommun NAME]... [--out PATH|-] [--public] [--db PATH]
                                         write pledges, activities and result notes to a file
    loftesbot site --out DIR [--kommun NAME]... [--db PATH] [--lang sv|en] [--base-url URL]
                                         the public web pages (bot/site/)
    loftesbot db upgrade [--config PATH] create or update the database schema
    loftesbot db current [--config PATH] show the schema revision
    loftesbot db backup [--out PATH]     a consistent copy of SQLite (pg_dump advice for PostgreSQL)

`--db PATH` (report, export, site, import, invite) uses an existing SQLite file (the demo's)
instead of the configured database. Help and usage errors are in Swedish (bot/cli_text.py),
each command's help ends with examples.

Configuration problems and an unreachable database end with one readable line on stderr and
exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from bot import logs, report_cli
from bot.backup import BackupError
from bot.cli_text import Parser, swedish
from bot.config import ConfigError, Settings, load_settings
from bot.render.messages import say as say_in
from storage import migrate
from storage.db import Database, DatabaseError

EXIT_USAGE = 2


# A bot's Telegram username: 5-32 letters, digits and underscores, "@" allowed in front.
BOT_USERNAME = re.compile(r"@?[A-Za-z][A-Za-z0-9_]{4,31}")


class CliError(Exception):
    """A problem for the person at the terminal: printed as one line, exit code 2."""


def _examples(*lines: str) -> str:
    return "exempel:\n" + "\n".join(f"  {line}" for line in lines)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("loftesbot")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "okänd version"


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="loftesbot",
        description="Löftesboten: medborgarlöften i Telegram.",
        epilog=_examples(
            "loftesbot demo --db var/demo.sqlite3",
            "loftesbot report --kommun Härjedalen --db var/demo.sqlite3",
            "loftesbot site --out web/ --db var/demo.sqlite3",
            "loftesbot KOMMANDO --help   (hjälp för ett kommando)",
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {_version()}",
        help="visa versionen och avsluta",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="KOMMANDO", title="kommandon"
    )

    run = sub.add_parser(
        "run",
        help="kör boten mot Telegram",
        description="Kör boten mot Telegram (long polling, eller webhook enligt konfigurationen).",
        epilog=_examples("loftesbot run --config /etc/loftesbot/config.toml"),
    )
    run.add_argument("--config", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")

    demo = sub.add_parser(
        "demo",
        help="demo-chatt i terminalen, utan nätverk, med exempeldata",
        description="Demo-chatt i terminalen, utan nätverk, med exempeldata.",
        epilog=_examples(
            "loftesbot demo",
            "loftesbot demo --db var/demo.sqlite3   (behåll demons data för report och export)",
        ),
    )
    demo.add_argument("--config", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")
    demo.add_argument("--db", type=Path, help="spara demons SQLite-fil här (skrivs över)")

    imp = sub.add_parser(
        "import",
        help="läs in löftessidor och uppföljningar",
        description="Läs in löftessidor och uppföljningar i databasen.",
        epilog=_examples(
            "loftesbot import sida.html --dry-run",
            "loftesbot import sida.html --kommun Härjedalen --start 2026-01-01 --end 2027-12-31",
        ),
    )
    imp.add_argument("paths", nargs="+", type=Path, metavar="FIL", help=".txt- eller .html-fil")
    imp.add_argument("--kommun", help="kommunens namn, om sidan inte säger det tydligt")
    imp.add_argument(
        "--start",
        type=date.fromisoformat,
        metavar="DATUM",
        help="periodens första dag (ÅÅÅÅ-MM-DD)",
    )
    imp.add_argument(
        "--end", type=date.fromisoformat, metavar="DATUM", help="periodens sista dag (ÅÅÅÅ-MM-DD)"
    )
    imp.add_argument("--dry-run", action="store_true", help="visa vad som lästes, skriv inget")
    imp.add_argument("--json", action="store_true", help="skriv ett JSON-dokument per fil")
    imp.add_argument("--config", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")
    imp.add_argument("--db", type=Path, metavar="FIL", help=DB_HELP)

    inv = sub.add_parser(
        "invite",
        help="skapa en inbjudan för en rapportör eller administratör",
        description="Skapa en engångslänk som gör någon till rapportör eller administratör.",
        epilog=_examples(
            "loftesbot invite --role reporter --kommun Härjedalen --organisation polisen"
            " --bot LoftesbotenBot"
        ),
    )
    inv.add_argument("--role", required=True, choices=("reporter", "admin"), help="roll")
    inv.add_argument("--kommun", required=True, help="kommunens namn")
    inv.add_argument(
        "--organisation", choices=("polisen", "kommunen"), help="rapportörens organisation"
    )
    inv.add_argument(
        "--hours", type=float, default=72.0, metavar="TIMMAR", help="giltighetstid i timmar (72)"
    )
    inv.add_argument("--bot", metavar="ANVÄNDARNAMN", help="botens användarnamn, för länken")
    inv.add_argument("--config", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")
    inv.add_argument("--db", type=Path, metavar="FIL", help=DB_HELP)

    report_cli.add_parser(sub)

    exp = sub.add_parser(
        "export",
        help="skriv löften, aktiviteter och resultat till en fil",
        description="Skriv löften, aktiviteter och resultat till en CSV- eller JSON-fil.",
        epilog=_examples(
            "loftesbot export --format csv --kommun Härjedalen",
            "loftesbot export --format json --db var/demo.sqlite3   (demons data)",
            "loftesbot export --format json --public --out -",
        ),
    )
    exp.add_argument("--format", required=True, choices=("csv", "json"), help="filformat")
    exp.add_argument(
        "--kommun",
        action="append",
        metavar="KOMMUN",
        help="bara den här kommunen (kan upprepas); annars alla",
    )
    exp.add_argument(
        "--out",
        metavar="SÖKVÄG",
        help="fil eller mapp att skriva till (- för standard ut); annars en fil med eget namn här",
    )
    exp.add_argument(
        "--public",
        action="store_true",
        help="publik fil: bara antal, datum och publika platser, inga namn eller anteckningar",
    )
    exp.add_argument("--config", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")
    exp.add_argument("--db", type=Path, metavar="FIL", help=DB_HELP)

    from bot.site import command as site_command

    site_command.add_parser(sub, DB_HELP)

    db = sub.add_parser(
        "db",
        help="databasen",
        description="Databasens schema och säkerhetskopior.",
        epilog=_examples("loftesbot db upgrade", "loftesbot db backup --out /var/backups/"),
    )
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ÅTGÄRD", title="åtgärder")
    for name, text in (
        ("upgrade", "skapa eller uppdatera schemat"),
        ("current", "visa schemats version"),
    ):
        p = db_sub.add_parser(
            name, help=text, epilog=_examples(f"loftesbot db {name} --config config.toml")
        )
        p.add_argument("--config", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")
        p.add_argument("--url", help="databas-URL (annars från konfigurationen)")
    backup = db_sub.add_parser(
        "backup",
        help="säkerhetskopiera databasen medan boten kör",
        epilog=_examples("loftesbot db backup --out /var/backups/"),
    )
    backup.add_argument(
        "--out", type=Path, metavar="SÖKVÄG", help="fil eller mapp; annars en fil med eget namn här"
    )
    backup.add_argument("--config", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")
    backup.add_argument("--url", help="databas-URL (annars från konfigurationen)")
    return parser


DB_HELP = "en SQLite-fil att använda i stället för konfigurationens databas (t.ex. demons)"


def _with_db(settings: Settings, db_path: Path | None) -> Settings:
    """The settings with `--db PATH` (an existing SQLite file, such as the one `loftesbot demo
    --db PATH` kept) as the database."""
    if db_path is None:
        return settings
    if not db_path.is_file():
        raise CliError(
            f"databasfilen {db_path} finns inte; skapa den med `loftesbot demo --db {db_path}`"
        )
    from dataclasses import replace

    database = replace(settings.database, url=f"sqlite:///{db_path}")
    return replace(settings, database=database)


def _fail(message: str) -> NoReturn:
    print(f"loftesbot: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def main(argv: Sequence[str] | None = None) -> int:
    with swedish():
        args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(load_settings(args.config, must_exist=args.config is not None))
        if args.command == "demo":
            settings = load_settings(args.config, must_exist=args.config is not None)
            return _demo(settings, args.db)
        if args.command == "import":
            settings = load_settings(args.config, must_exist=args.config is not None)
            settings = _with_db(settings, args.db)
            return asyncio.run(_import(settings, args))
        if args.command == "invite":
            settings = load_settings(args.config, must_exist=args.config is not None)
            settings = _with_db(settings, args.db)
            return asyncio.run(_invite(settings, args))
        if args.command == "report":
            settings = load_settings(args.config, must_exist=args.config is not None)
            settings = _with_db(settings, args.db)
            asyncio.run(_prepare_database(settings))
            return asyncio.run(report_cli.run(settings, args))
        if args.command == "export":
            settings = load_settings(args.config, must_exist=args.config is not None)
            settings = _with_db(settings, args.db)
            return asyncio.run(_export(settings, args))
        if args.command == "site":
            from bot.site import generate as site_cli

            settings = load_settings(args.config, must_exist=args.config is not None)
            settings = _with_db(settings, args.db)
            asyncio.run(_prepare_database(settings))
            return asyncio.run(site_cli.run(settings, args))
        if args.command == "db":
            settings = load_settings(args.config, must_exist=args.config is not None)
            if args.db_command == "backup":
                return _backup(settings, args.url or settings.database.url, args.out)
            return asyncio.run(_db(args.db_command, args.url or settings.database.url))
    except ConfigError as exc:
        _fail(f"fel i konfigurationen: {exc.key}: {exc.problem}")
    except (DatabaseError, CliError, report_cli.ReportError, BackupError) as exc:
        _fail(str(exc))
    except Exception as exc:
        from bot.site.generate import SiteError

        if isinstance(exc, SiteError):
            _fail(str(exc))
        raise
    except KeyboardInterrupt:
        return 130
    return EXIT_USAGE


async def _db(action: str, url: str) -> int:
    db = Database(url)
    try:
        await db.ping()
        if action == "upgrade":
            before = await migrate.current_revision(db)
            await migrate.upgrade(db)
            after = await migrate.current_revision(db)
            if before == after:
                print(f"Databasen {db.display_url} är redan aktuell (version {after}).")
            else:
                print(f"Databasen {db.display_url} är uppdaterad: {before or 'tom'} → {after}.")
        else:
            current = await migrate.current_revision(db)
            head = migrate.head_revision()
            state = "aktuell" if current == head else f"senaste är {head}"
            print(f"{db.display_url}: version {current or 'tom'} ({state})")
    finally:
        await db.dispose()
    return 0


def _backup(settings: Settings, url: str, out: Path | None) -> int:
    from bot import backup
    from bot.clock import SystemClock

    return backup.run(url, out, SystemClock().now().astimezone(settings.bot.timezone))


async def _invite(settings: Settings, args: argparse.Namespace) -> int:
    """Create an invite and print its deep link and the /start line to paste."""
    from datetime import timedelta

    from bot.clock import SystemClock
    from bot.render.links import start_link
    from bot.services.errors import ServiceError
    from bot.services.invites import create_invite
    from storage.models import Organisation, Role

    if args.bot and not BOT_USERNAME.fullmatch(args.bot):
        raise CliError(
            f"--bot: {args.bot!r} är inget användarnamn för en bot (t.ex. LoftesbotenBot)"
        )
    await _prepare_database(settings)
    db = Database(settings.database.url)
    try:
        async with db.transaction() as session:
            invite = await create_invite(
                session,
                municipality=args.kommun,
                role=Role(args.role),
                organisation=Organisation(args.organisation) if args.organisation else None,
                now=SystemClock().now(),
                ttl=timedelta(hours=args.hours),
            )
    except ServiceError as exc:
        if exc.code == "not_found":
            raise CliError(
                f"kommunen {args.kommun!r} finns inte; importera dess löften först"
            ) from None
        raise CliError(f"kunde inte skapa inbjudan: {say_in(exc, 'sv')}") from None
    finally:
        await db.dispose()
    expires = invite.expires_at.astimezone(settings.bot.timezone).strftime("%Y-%m-%d %H:%M")
    role = "administratör" if invite.role.value == "admin" else "rapportör"
    print(f"Inbjudan som {role} i {invite.municipality}, gäller en gång till {expires}.")
    if args.bot:
        print(start_link(args.bot, invite.code))
    print(f"/start {invite.code}")
    return 0


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    """Stream the export to stdout, or into a temporary file renamed into place when complete
    (so a failed export never leaves half a file). An internal file is readable only by you."""
    import contextlib
    import os
    import tempfile

    from bot.clock import SystemClock
    from bot.services.errors import NotFound
    from bot.services.export import municipality_ids_by_name, write_export
    from storage import catalogue

    to_stdout = args.out == "-"
    out = Path(args.out) if args.out and not to_stdout else None
    # Into a folder (the current one by default) the file goes under its own name.
    target: Path | None = None if out is None or out.is_dir() else out
    folder = target.parent if target is not None else out or Path()
    from bot import progress

    await _prepare_database(settings)
    db = Database(settings.database.url)
    partial: Path | None = None
    bars: list[progress.Bar] = []  # one, once the number of municipalities is known

    def advance(done: int, total: int) -> None:
        if not bars:
            bars.append(progress.bar(total, "Export", "kommun"))
        bars[0].update(done - bars[0].n)

    try:
        async with db.read() as session:
            try:
                ids = await municipality_ids_by_name(session, args.kommun) if args.kommun else None
            except NotFound as exc:
                from bot.domain.words import join_words

                known = [m.name for m in await catalogue.list_municipalities(session)]
                hint = f" (finns: {join_words(known)})" if 0 < len(known) <= 12 else ""
                name = exc.values.get("name", args.kommun)
                raise CliError(f"kommunen {name!r} finns inte i databasen{hint}") from None
            options: dict[str, Any] = {
                "municipality_ids": ids,
                "public": args.public,
                "fmt": args.format,
                "now": SystemClock().now(),
                "tz": settings.bot.timezone,
                "on_progress": advance,
            }
            if to_stdout:
                try:
                    info = await write_export(session, sys.stdout.buffer, **options)
                    sys.stdout.buffer.flush()
                except BrokenPipeError:
                    # The reader stopped early (`| head`): not an error worth a traceback.
                    with contextlib.suppress(OSError, ValueError):
                        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                    return 1
                where = "standard ut"
            else:
                try:
                    handle, name = tempfile.mkstemp(prefix=".loftesboten-", dir=folder)
                except OSError as exc:
                    raise CliError(f"kan inte skriva i {folder}: {exc.strerror}") from None
                partial = Path(name)
                with os.fdopen(handle, "wb") as stream:
                    info = await write_export(session, stream, **options)
                target = target or folder / info.filename
                try:
                    if args.public:
                        partial.chmod(0o644)
                    partial.replace(target)
                except OSError as exc:
                    raise CliError(f"kan inte skriva {target}: {exc.strerror}") from None
                partial = None
                where = str(target)
    finally:
        for shown in bars:
            shown.close()
        if partial is not None:
            partial.unlink(missing_ok=True)
        await db.dispose()
    from bot.domain.words import count, join_words

    counts = info.counts
    names = info.municipalities
    which = join_words(names) if 0 < len(names) <= 3 else count(len(names), "kommun", "kommuner")
    kind = "publik" if args.public else "intern"
    amounts = join_words(
        [
            count(counts.pledges, "löfte", "löften"),
            count(counts.activities, "aktivitet", "aktiviteter"),
            count(counts.result_notes, "resultattext", "resultattexter"),
        ]
    )
    print(
        f"Export av {which} ({kind}, {args.format.upper()}): {amounts} → {where}",
        file=sys.stderr if to_stdout else sys.stdout,
    )
    return 0


async def _import(settings: Settings, args: argparse.Namespace) -> int:
    """Read each file; print what was read (--dry-run) or write it to the database."""
    from bot.clock import SystemClock, local_today
    from bot.console.chat import TerminalHTML
    from bot.progress import say, steps
    from bot.render.admin import follow_up_preview
    from bot.render.catalogue import reading_summary
    from bot.services.importing import (
        ImportFailed,
        import_document,
        plan_follow_up,
        read_source_off_loop,
    )

    clock = SystemClock()
    today = local_today(clock, settings.bot.timezone)
    failures = 0
    db: Database | None = None
    try:
        for path in steps(args.paths, len(args.paths), "Import", "fil"):
            try:
                content = _read_page_file(path)
                reading = await read_source_off_loop(
                    content, source=path.name, today=today, municipality=args.kommun
                )
            except ImportFailed as exc:
                failures += 1
                say(f"{path}: {say_in(exc, 'sv')}", sys.stderr)
                continue
            document = reading.to_json()
            if args.start or args.end:
                period = document["period"]
                period["start"] = args.start.isoformat() if args.start else period["start"]
                period["end"] = args.end.isoformat() if args.end else period["end"]
            if args.json:
                say(json.dumps(document, ensure_ascii=False))
            elif args.dry_run or document.get("kind") != "follow_up":
                say(TerminalHTML.render(reading_summary(document, "sv"), colour=False))
            if args.dry_run:
                continue
            if db is None:
                db = Database(settings.database.url)
                await db.ping()
                if settings.database.auto_upgrade:
                    await migrate.upgrade(db)
            try:
                async with db.transaction() as session:
                    if document.get("kind") == "follow_up" and not args.json:
                        # Where each result goes, read in the same transaction that writes it.
                        plan = await plan_follow_up(session, document)
                        say(
                            TerminalHTML.render(
                                follow_up_preview(document, plan, "sv"), colour=False
                            )
                        )
                    outcome = await import_document(session, document, now=clock.now(), actor="cli")
            except ImportFailed as exc:
                failures += 1
                say(f"{path}: {say_in(exc, 'sv')}", sys.stderr)
                continue
            stream = sys.stderr if args.json else sys.stdout
            say(_outcome_line(path, outcome), stream)
            for note in outcome.notes:
                say(f"  {note}", stream)
    finally:
        if db is not None:
            await db.dispose()
    return 1 if failures else 0


def _read_page_file(path: Path) -> bytes:
    from bot.domain.pages import MAX_PAGE_BYTES
    from bot.services.importing import ImportFailed

    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise ImportFailed(
                "import.file_too_big",
                size=f"{size / 1_000_000:.1f}",
                limit=f"{MAX_PAGE_BYTES / 1_000_000:.0f}",
            )
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed("import.file_unreadable", reason=exc.strerror) from exc


def _outcome_line(path: Path, outcome: Any) -> str:
    if not outcome.changed:
        return f"{path}: redan inläst, inget ändrades."
    from bot.domain.words import count, join_words

    parts = []
    if outcome.pledges_created:
        parts.append(count(outcome.pledges_created, "löfte", "löften"))
    if outcome.results_attached:
        parts.append(f"{outcome.results_attached} resultat")
    if outcome.extra_activities:
        parts.append(count(outcome.extra_activities, "extra insats", "extra insatser"))
    return (
        f"{path}: importerad för {outcome.municipality} ({join_words(parts) or 'inga ändringar'})."
    )


async def _prepare_database(settings: Settings) -> None:
    """Check the database answers and its schema is current before the bot starts."""
    db = Database(settings.database.url)
    try:
        await db.ping()
        current = await migrate.current_revision(db)
        if current != migrate.head_revision():
            if not settings.database.auto_upgrade:
                raise CliError(
                    f"databasens schema är inte aktuellt ({current or 'tomt'}); "
                    "kör `loftesbot db upgrade` först"
                )
            await migrate.upgrade(db)
    finally:
        await db.dispose()


def _run(settings: Settings) -> int:
    from telegram import Update
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.app import build_application
    from bot.serve import ServeError
    from bot.services.core import Services

    token = settings.require_token()
    secrets = [token.get()]
    if settings.telegram.webhook.secret_token is not None:
        secrets.append(settings.telegram.webhook.secret_token.get())
    logs.configure(settings.bot.log_level, secrets=secrets, fmt=settings.bot.log_format)
    asyncio.run(_prepare_database(settings))
    services = Services(settings=settings, db=Database(settings.database.url))
    app = build_application(services)
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    try:
        _serve(app, settings, stop_signals, Update.ALL_TYPES)
    except InvalidToken as exc:
        raise CliError(
            "Telegram godtog inte token ([telegram] token eller LOFTESBOT_TOKEN)"
        ) from exc
    except NetworkError as exc:
        raise CliError(
            f"Bot API-servern {settings.telegram.api_root} går inte att nå: {logs.redact(str(exc))}"
        ) from exc
    except ServeError as exc:
        raise CliError(str(exc)) from exc
    except TelegramError as exc:
        raise CliError(f"Telegram svarade med ett fel: {logs.redact(str(exc))}") from exc
    return 0


def _serve(
    app: Any, settings: Settings, stop_signals: tuple[signal.Signals, ...], updates: list[str]
) -> None:
    """Long polling or the webhook (per settings), both through the durable inbox."""
    from bot import serve

    serve.serve(app, settings, allowed_updates=updates, stop_signals=stop_signals)


def _demo(settings: Settings, db_path: Path | None) -> int:
    from bot.console.chat import run_demo

    logs.configure("WARNING")
    interactive = sys.stdin.isatty()
    return asyncio.run(
        run_demo(settings, sys.stdin, sys.stdout, interactive=interactive, db_path=db_path)
    )


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
