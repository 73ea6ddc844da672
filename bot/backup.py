"""`loftesbot db backup`: a consistent copy of the database while the bot keeps running.

SQLite: the online backup API copies the database page by page from one read transaction, so
the copy is the state of one moment even while the bot writes (in WAL mode readers and the
writer do not block each other; an open write transaction is simply not in the copy). The copy
is written to a temporary file next to the target (readable by its owner only), checked with
`PRAGMA integrity_check`, switched to an ordinary rollback journal so that it is one
self-contained file, and only then renamed into place.

PostgreSQL: nothing is copied here; `pg_dump` does this properly, so the command prints how to
call it (without the password) and how to restore.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL

from storage.db import normalise_url
from storage.limits import SQLITE_BUSY_TIMEOUT_MS

NAME_FORMAT = "loftesbot-backup-%Y%m%d-%H%M%S"


class BackupError(Exception):
    """A backup that could not be made; the message is one line for a person."""


@dataclass(frozen=True)
class Backup:
    source: Path
    target: Path
    size: int


def default_name(local_now: datetime, suffix: str = ".sqlite3") -> str:
    return local_now.strftime(NAME_FORMAT) + suffix


def backup_sqlite(url: URL, out: Path | None, local_now: datetime) -> Backup:
    """Copy the SQLite database at `url` to `out` (a file, or a folder for the default name)."""
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("databasen finns bara i minnet och kan inte säkerhetskopieras")
    source = Path(database).expanduser()
    if not source.is_file():
        raise BackupError(f"databasfilen {source} finns inte")
    target = out if out is not None and not out.is_dir() else None
    folder = target.parent if target is not None else out or Path()
    target = target or folder / default_name(local_now)
    if target.resolve() == source.resolve():
        raise BackupError("säkerhetskopian kan inte skrivas över databasen själv")
    try:
        handle, name = tempfile.mkstemp(prefix=".loftesbot-backup-", suffix=".part", dir=folder)
    except OSError as exc:
        raise BackupError(f"kan inte skriva i {folder}: {exc.strerror}") from None
    os.close(handle)
    partial = Path(name)
    try:
        _copy(source, partial)
        partial.replace(target)
    except sqlite3.Error as exc:
        raise BackupError(f"säkerhetskopieringen av {source} misslyckades: {exc}") from None
    except OSError as exc:
        raise BackupError(f"kan inte skriva {target}: {exc.strerror}") from None
    finally:
        for leftover in [
            partial,
            *(Path(f"{partial}{end}") for end in ("-journal", "-wal", "-shm")),
        ]:
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    return Backup(source, target, target.stat().st_size)


def _copy(source: Path, partial: Path) -> None:
    # Opened read-write (but only read): a read-only connection cannot use the WAL index.
    with (
        contextlib.closing(sqlite3.connect(source, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)) as src,
        contextlib.closing(sqlite3.connect(partial)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        problems = [row[0] for row in dst.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"kopian klarade inte kontrollen: {problems[0]}")


def postgres_advice(url: URL, local_now: datetime) -> list[str]:
    """How to back up and restore a PostgreSQL database with its own tools, password left out."""
    options = []
    if url.host:
        options.append(f"--host={url.host}")
    if url.port:
        options.append(f"--port={url.port}")
    if url.username:
        options.append(f"--username={url.username}")
    database = url.database or "loftesbot"
    dump = default_name(local_now, ".dump")

    def command(*words: str) -> str:
        return "  " + " ".join(shlex.quote(w) for w in words)

    lines = [
        "PostgreSQL säkerhetskopieras med pg_dump, inte av loftesbot. Det går bra medan boten kör:",
        command("pg_dump", "--format=custom", f"--file={dump}", *options, database),
        "Återställ i en ny, tom databas och peka sedan [database] url (eller "
        "LOFTESBOT_DATABASE_URL) på den:",
        command("createdb", *options, f"{database}_restored"),
        command("pg_restore", "--no-owner", f"--dbname={database}_restored", *options, dump),
    ]
    if url.password:
        lines.append(
            "Lösenordet visas inte här: lägg det i ~/.pgpass eller PGPASSWORD, "
            "inte på kommandoraden."
        )
    return lines


def run(url_text: str, out: Path | None, local_now: datetime) -> int:
    """The command: back up SQLite, advise on PostgreSQL. Prints what happened."""
    url = normalise_url(url_text)
    if url.get_backend_name() != "sqlite":
        print("\n".join(postgres_advice(url, local_now)))
        return 0
    made = backup_sqlite(url, out, local_now)
    print(
        f"Säkerhetskopia av {made.source} → {made.target} ({_size(made.size)}), "
        "kontrollerad: hel och läsbar."
    )
    return 0


def _size(size: int) -> str:
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} kB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")
