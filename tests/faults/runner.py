"""Run `loftesbot run` as a real process against the fake Bot API, and look into its database.

`BotProcess` writes a configuration file (token, `api_base_url` = the fake server, the SQLite
database, polling), starts `python -m bot run --config …` with the environment cleaned of
LOFTESBOT_* variables, waits until the fake sees it poll, and can kill it with SIGKILL (as a
crash would) or stop it with SIGTERM, and start it again. Teardown always kills it.

`Reports` builds the private messages of the example reporter (user 100 002, a police reporter
in Härjedalen) as Telegram delivers them; `SqliteProbe` reads the database with the standard
library while the bot runs (WAL: readers never wait for the bot's writer).

Every wait is bounded; everything stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.clock import SystemClock, local_today
from bot.services.examples import REPORTER, load_examples
from storage.db import Database
from storage.models import Reporter
from tests.faults.fakeapi import Call, FakeBotApi

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # matches bot.config.TOKEN_RE
ROOT = Path(__file__).resolve().parents[2]
STOCKHOLM = "Europe/Stockholm"


# The files the fault tests drive: the inbound wing (`loftesbot run`, the inbox) and the outbound
# wing (the outbox sender, the channel publisher, the scheduler and the send-error classifier).
NEEDED = (
    "bot/serve.py",
    "bot/inbox.py",
    "storage/inbox.py",
    "bot/cli.py",
    "bot/delivery/errors.py",
    "bot/delivery/outbox.py",
    "bot/delivery/publisher.py",
    "bot/delivery/scheduler.py",
    "storage/outbox.py",
)


def missing_parts(root: Path = ROOT) -> str | None:
    """What of the two wings the fault tests drive cannot be found, or None."""
    for part in NEEDED:
        if not (root / part).exists():
            return f"{part} is missing"
    cli = (root / "bot" / "cli.py").read_text(encoding="utf-8")
    if "bot.serve" not in cli and "from bot import serve" not in cli:
        return "bot/cli.py `_serve` does not use bot.serve"
    return None


def require_parts(root: Path = ROOT) -> None:
    """Fail (never skip) when the files the fault tests drive have moved: a refactor must move
    these tests with it, not turn them silently into skips."""
    missing = missing_parts(root)
    if missing is not None:
        raise AssertionError(f"the fault tests cannot run `loftesbot run`: {missing}")


class WaitTimeout(AssertionError):
    """A bounded wait ran out; the message says what was awaited and what was seen."""


def most_in_one_second(times: list[float]) -> int:
    """The most events (sends) in any one second, a sliding window over `times` (seconds)."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def wait_for(
    condition: Callable[[], bool],
    timeout: float,
    what: str,
    *,
    interval: float = 0.05,
    alive: Callable[[], None] | None = None,
    seen: Callable[[], object] | None = None,
) -> float:
    """Poll `condition` until true; return the seconds it took. `alive` may raise early (the
    bot died); `seen` describes the state for the failure message."""
    start = time.monotonic()
    deadline = start + timeout
    while True:
        if condition():
            return time.monotonic() - start
        if alive is not None:
            alive()
        if time.monotonic() >= deadline:
            state = f"; seen: {seen()}" if seen is not None else ""
            raise WaitTimeout(f"timed out after {timeout:.0f} s waiting for {what}{state}")
        time.sleep(interval)


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOFTESBOT_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def write_config(path: Path, api: FakeBotApi, database_url: str, **extra: str) -> Path:
    channels = "".join(f'"{name}" = "{chat}"\n' for name, chat in extra.items())
    path.write_text(
        "[telegram]\n"
        f'token = "{TOKEN}"\n'
        f'api_base_url = "{api.base_url}"\n'
        'mode = "polling"\n'
        "[database]\n"
        f'url = "{database_url}"\n'
        "auto_upgrade = false\n"
        "[bot]\n"
        f'timezone = "{STOCKHOLM}"\n'
        'log_level = "INFO"\n' + (f"[channels]\n{channels}" if channels else ""),
        encoding="utf-8",
    )
    return path


def loftesbot(*args: str, cwd: Path, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run a `loftesbot` command to completion (bounded); fail with its output if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"loftesbot {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def prepare_database(config: Path, database_url: str, workdir: Path) -> None:
    """`loftesbot db upgrade`, then the example data (the reporter 100 002 in Härjedalen).

    The example people's weekly reminders are paused ("tills vidare"): the schedule's first tick
    comes ten seconds after start-up, and its reminders would mix with the replies the tests
    count and take the faults meant for them.
    """
    loftesbot("db", "upgrade", "--config", str(config), cwd=workdir)

    async def examples() -> None:
        db = Database(database_url)
        clock = SystemClock()
        try:
            today = local_today(clock, ZoneInfo(STOCKHOLM))
            async with db.transaction() as session:
                await load_examples(session, today=today, now=clock.now())
                await session.execute(update(Reporter).values(paused_until=date(9999, 12, 31)))
        finally:
            await db.dispose()

    asyncio.run(examples())


@dataclass
class BotProcess:
    """`loftesbot run --config CONFIG` in a process of its own; start, kill, stop, restart."""

    config: Path
    api: FakeBotApi
    workdir: Path
    process: subprocess.Popen[str] | None = None
    starts: int = 0
    _log: IO[str] | None = None

    @property
    def log_path(self) -> Path:
        return self.workdir / "bot.log"

    def start(self, timeout: float = 30.0) -> float:
        """Start the bot and wait until it asks for updates; returns the seconds it took."""
        assert not self.alive, "already running"
        mark = self.api.count("getUpdates")
        self.starts += 1
        if self._log is None:
            self._log = self.log_path.open("a", encoding="utf-8")
        self._log.write(f"\n===== start {self.starts} =====\n")
        self._log.flush()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(self.config)],
            cwd=self.workdir,
            env=clean_env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        return wait_for(
            lambda: self.api.count("getUpdates") > mark,
            timeout,
            "the bot's first getUpdates",
            alive=self.check_alive,
        )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(
                f"the bot exited with {self.process.returncode}:\n{self.log_tail()}"
            )

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the machine loses power."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait for a clean exit; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the bot did not stop on SIGTERM:\n{self.log_tail()}") from None

    def close(self) -> None:
        if self.alive:
            self.kill()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


@dataclass
class Reports:
    """Private messages of the example reporter, numbered as Telegram numbers them."""

    user_id: int = REPORTER.user_id
    first_name: str = REPORTER.first_name
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def message(self, text: str, message_id: int | None = None) -> dict[str, Any]:
        return {
            "message": {
                "message_id": message_id if message_id is not None else next(self.message_ids),
                "date": int(time.time()),
                "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name},
                "from": {
                    "id": self.user_id,
                    "is_bot": False,
                    "first_name": self.first_name,
                    "language_code": "sv",
                },
                "text": text,
            }
        }

    def batch(self, n: int) -> list[dict[str, Any]]:
        """`n` sure readings: "3 trafikkontroller igår" and the like (count 1–9)."""
        return [self.message(f"{i % 9 + 1} trafikkontroller igår") for i in range(n)]


@dataclass(frozen=True)
class StoredActivity:
    id: int
    chat_id: int | None
    message_id: int | None
    count: int
    occurred_on: date


class SqliteProbe:
    """Looks into the bot's SQLite database while it runs (and one write while it is down)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.path, timeout=5)
        try:
            return list(conn.execute(sql, args))
        finally:
            conn.close()

    def activities(self) -> list[StoredActivity]:
        rows = self._query(
            "SELECT id, source_chat_id, source_message_id, count, occurred_on FROM activities "
            "WHERE source = 'telegram' AND deleted_at IS NULL ORDER BY id"
        )
        return [
            StoredActivity(r[0], r[1], r[2], r[3], date.fromisoformat(str(r[4])[:10])) for r in rows
        ]

    def telegram_activity_count(self) -> int:
        return int(self._query("SELECT count(*) FROM activities WHERE source = 'telegram'")[0][0])

    def inbox_unfinished(self) -> int:
        return int(self._query("SELECT count(*) FROM inbox WHERE done_at IS NULL")[0][0])

    def inbox_update_ids(self) -> set[int]:
        return {int(r[0]) for r in self._query("SELECT update_id FROM inbox")}

    def inbox_rows(self) -> int:
        return int(self._query("SELECT count(*) FROM inbox")[0][0])

    def inbox_given_up(self) -> list[tuple[int, str]]:
        """Rows the bot gave up on: (update_id, error)."""
        rows = self._query(
            "SELECT update_id, error FROM inbox WHERE done_at IS NOT NULL AND error IS NOT NULL"
        )
        return [(int(r[0]), str(r[1])) for r in rows]

    def forget_done_marks(self, count: int) -> list[int]:
        """Make `count` handled rows look as a kill right after the handler's commit (and its
        reply) leaves them: no done mark, still claimed by the dead process, one attempt
        counted. Only while the bot is down. Returns their update_ids."""
        conn = sqlite3.connect(self.path, timeout=5)
        try:
            with conn:
                ids = [
                    int(r[0])
                    for r in conn.execute(
                        "SELECT update_id FROM inbox WHERE done_at IS NOT NULL AND error IS NULL "
                        "ORDER BY id DESC LIMIT ?",
                        (count,),
                    )
                ]
                conn.executemany(
                    "UPDATE inbox SET done_at = NULL, claimed_by = 'gone:1', "
                    "claimed_at = received_at, attempts = 1 WHERE update_id = ?",
                    [(i,) for i in ids],
                )
            return ids
        finally:
            conn.close()

    def processed_keys(self) -> list[str]:
        return [str(r[0]) for r in self._query("SELECT key FROM processed_updates")]


def confirmation_of(call: Call) -> int | None:
    """The activity a "✅ Sparat" reply confirms: its Ångra button carries the activity id."""
    for data in call.callback_data:
        parts = data.split("|")
        if len(parts) == 3 and parts[1] == "un" and parts[2].isdigit():
            return int(parts[2])
    return None


def confirmations(calls: list[Call], chat_id: int = REPORTER.user_id) -> dict[int, list[Call]]:
    """sendMessage calls to `chat_id` that confirm an activity, by activity id."""
    found: dict[int, list[Call]] = {}
    for call in calls:
        activity = confirmation_of(call) if call.chat_id == chat_id else None
        if call.method == "sendMessage" and activity is not None:
            found.setdefault(activity, []).append(call)
    return found


def now_utc() -> datetime:
    return SystemClock().now()
