"""Alembic environment.

Used two ways: by `loftesbot db upgrade` (storage.migrate), which hands over an open connection
in `config.attributes["connection"]`, and by the plain `alembic` command for developers, which
reads the URL from LOFTESBOT_DATABASE_URL (default: the embedded SQLite file).
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.models import Base

target_metadata = Base.metadata


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations(url: str) -> None:
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await db.dispose()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
        return
    url = os.environ.get("LOFTESBOT_DATABASE_URL", "sqlite:///var/loftesbot.sqlite3")
    asyncio.run(run_async_migrations(url))


if context.is_offline_mode():
    raise SystemExit(
        "offline (SQL script) migrations are not supported; use `loftesbot db upgrade`"
    )
run_migrations_online()
