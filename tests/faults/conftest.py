"""Fixtures of the fault tests: the fake Bot API and the bot as a real process beside it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.fakeapi import FakeBotApi
from tests.faults.runner import (
    TOKEN,
    BotProcess,
    Reports,
    SqliteProbe,
    prepare_database,
    require_parts,
    write_config,
)


@pytest.fixture(autouse=True)
def _parts_in_place() -> None:
    """Every fault test fails, and none skips, when what it drives has moved."""
    require_parts()


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi(TOKEN)
    api.start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture(scope="session")
def example_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file made by `loftesbot db upgrade` and filled with the example data, once."""
    folder = tmp_path_factory.mktemp("faults-template")
    path = folder / "template.sqlite3"
    url = f"sqlite:///{path}"
    with FakeBotApi(TOKEN) as api:  # only for a valid api_base_url in the file
        config = write_config(folder / "config.toml", api, url)
    prepare_database(config, url, folder)
    return path


@dataclass
class Rig:
    """The fake Telegram, the bot process, its database and the reporter's messages."""

    api: FakeBotApi
    bot: BotProcess
    db: SqliteProbe
    reports: Reports
    database_url: str


@pytest.fixture
def rig(fake_api: FakeBotApi, example_database: Path, tmp_path: Path) -> Iterator[Rig]:
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(example_database, path)
    url = f"sqlite:///{path}"
    config = write_config(tmp_path / "config.toml", fake_api, url)
    process = BotProcess(config, fake_api, tmp_path)
    try:
        yield Rig(fake_api, process, SqliteProbe(path), Reports(), url)
    finally:
        process.close()
