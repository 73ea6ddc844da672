"""Shared fixtures: real databases (SQLite always, PostgreSQL when it answers) and a bot harness.

Database tests run once per backend. Choose with LOFTESBOT_TEST_DB=sqlite|postgresql|all
(default all). PostgreSQL is taken from LOFTESBOT_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test); each test run creates its own scratch database there
and drops it at the end. When PostgreSQL does not answer, its runs are skipped with the reason (under CI they fail).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import build_application
from bot.clock import FrozenClock
from bot.config import DatabaseSettings, Settings
from bot.console.transport import ApiCall, OfflineTransport
from bot.console.updates import Person, UpdateFactory
from bot.context import BotApplication
from bot.delivery.budget import LocalBudget
from bot.delivery.charts import running_pools
from bot.services.core import Services
from storage import migrate
from storage.db import Database
from storage.models import Base

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
POSTGRES_URL = os.environ.get(
    "LOFTESBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = {
    "all": ["sqlite", "postgresql"],
    "sqlite": ["sqlite"],
    "postgresql": ["postgresql"],
}[os.environ.get("LOFTESBOT_TEST_DB", "all")]

# LOFTESBOT_TEST_SQLITE_DRIVER=aiosqlite: the SQLite databases use SQLAlchemy's own aiosqlite
# dialect instead of storage/sqlite_driver.py.
SQLITE = (
    "sqlite+aiosqlite"
    if os.environ.get("LOFTESBOT_TEST_SQLITE_DRIVER") == "aiosqlite"
    else "sqlite"
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # a Saturday, 13:00 in Stockholm


def postgres_unavailable(exc: BaseException) -> NoReturn:
    """PostgreSQL does not answer: skip with the reason, except in CI (CI set), where the
    PostgreSQL runs must not turn silently into skips."""
    message = f"PostgreSQL at {POSTGRES_URL} does not answer ({type(exc).__name__}: {exc})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, scope="session")


async def _postgres_scratch(action: str, name: str) -> None:
    admin = Database(POSTGRES_URL)
    try:
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            if action == "create":
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await db.ping()
        await migrate.upgrade(db)
    finally:
        await db.dispose()


@pytest.fixture(autouse=True)
def _no_chart_workers_left() -> Iterator[None]:
    """No test leaves chart worker processes running (`ChartPool.close`, which the
    scheduler's `close` and the application's shutdown call)."""
    yield
    left = running_pools()
    for pool in left:
        pool.close_blocking()
    assert not left, "chart worker processes were left running"


@pytest.fixture(scope="session")
def database_template(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database per backend: a template file for SQLite, a scratch db for PostgreSQL."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        asyncio.run(_migrate(f"{SQLITE}:///{path}"))
        yield str(path)
        return
    name = f"loftesbot_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_postgres_scratch("create", name))
    except Exception as exc:
        postgres_unavailable(exc)
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_migrate(url))
    yield url
    asyncio.run(_postgres_scratch("drop", name))


@pytest.fixture
def database_url(backend: str, database_template: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(database_template, path)
        return f"{SQLITE}:///{path}"
    return database_template


@pytest.fixture
async def db(backend: str, database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    if backend == "postgresql":
        # The catalogue version stays (its row is the migration's, and emptying the catalogue
        # bumps it): a cache from an earlier test can never match.
        tables = ", ".join(
            f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "catalogue_version"
        )
        async with database.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


CITIZEN = Person(200_001, "Kim", "sv")
CITIZEN_EN = Person(200_002, "Sam", "en")
REPORTER = Person(200_003, "Robin", "sv")
ADMIN = Person(200_004, "Alex", "sv")


@dataclass
class Harness:
    """The real application behind an in-process Bot API; feeds updates through process_update."""

    app: BotApplication
    transport: OfflineTransport
    factory: UpdateFactory
    services: Services
    clock: FrozenClock
    errors: list[BaseException] = field(default_factory=list)

    async def feed(self, data: dict[str, Any]) -> list[ApiCall]:
        before = len(self.transport.calls)
        await self.app.process_update(self.factory.to_update(data))
        return self.transport.calls[before:]

    async def send(self, person: Person, text: str | None, **kwargs: Any) -> list[ApiCall]:
        return await self.feed(self.factory.message(person, text, **kwargs))

    async def press(self, person: Person, data: str, **kwargs: Any) -> list[ApiCall]:
        return await self.feed(self.factory.callback(person, data, **kwargs))


def replies(calls: list[ApiCall]) -> list[str]:
    """The texts the bot put in front of people, in order."""
    return [c.text or "" for c in calls if c.method in ("sendMessage", "editMessageText")]


@pytest.fixture
async def harness(db: Database, clock: FrozenClock) -> AsyncIterator[Harness]:
    settings = Settings(database=DatabaseSettings(url=db.display_url))
    services = Services(settings=settings, db=db, clock=clock)
    transport = OfflineTransport()
    # The bot's send budget paces every message at 25 a second after a burst of 4; the tests of
    # the budget are tests/delivery/test_budget.py and the two-instance trial in
    # tests/faults/test_matrix.py. Here it is wide, so that a test's messages are not held up.
    budget = LocalBudget(rate=100_000, burst=100_000)
    app = build_application(services, request=transport, budget=budget)
    harness = Harness(app, transport, UpdateFactory(app.bot, now=clock.now()), services, clock)

    async def collect(update: object, context: Any) -> None:
        harness.errors.append(context.error)

    app.add_error_handler(collect)
    await app.initialize()
    transport.clear()
    yield harness
    await app.shutdown()
    assert not harness.errors, f"a handler raised: {harness.errors!r}"
