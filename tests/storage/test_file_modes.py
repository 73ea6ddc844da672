"""The SQLite file holds people's messages: the bot creates it readable by the owner only."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from storage import migrate
from storage.db import Database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_database_and_its_folder_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    path = folder / "loftesbot.sqlite3"
    db = Database(f"sqlite:///{path}")
    try:
        await migrate.upgrade(db)
        async with db.transaction() as session:
            await session.execute(text("SELECT 1"))
        assert _mode(folder) == 0o700
        assert _mode(path) == 0o600
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if extra.exists():
                assert _mode(extra) & 0o077 == 0, extra
    finally:
        await db.dispose()


async def test_an_existing_file_keeps_the_mode_its_owner_gave_it(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    path.touch()
    path.chmod(0o640)
    db = Database(f"sqlite:///{path}")
    try:
        await db.ping()
    finally:
        await db.dispose()
    assert _mode(path) == 0o640
