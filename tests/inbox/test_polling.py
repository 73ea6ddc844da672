"""Long polling through the inbox, against an in-process getUpdates: the offset moves only after
the batch is stored, errors back off, a second poller stops us; and the whole `serve.run` life
cycle in polling mode. No network, seconds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import RequestData

import storage.inbox
from bot.app import build_application
from bot.clock import FrozenClock
from bot.config import DatabaseSettings, Settings
from bot.console.transport import OfflineTransport
from bot.console.updates import Person
from bot.serve import Backoff, Poller, PollingConflict, Serving, run
from bot.services.core import Services
from storage.db import Database
from storage.models import InboxUpdate
from tests.conftest import CITIZEN, CITIZEN_EN, REPORTER

FAST = Backoff(initial=0.05, maximum=0.2)


@dataclass
class PollingTransport(OfflineTransport):
    """OfflineTransport whose getUpdates serves `pending` the way Telegram does: updates from
    `offset` on; asking with an offset confirms (drops) everything below it."""

    pending: list[dict[str, Any]] = field(default_factory=list)
    offsets: list[int | None] = field(default_factory=list)
    polled_at: list[float] = field(default_factory=list)
    conflict: bool = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if url.endswith("/getUpdates"):
            params = dict(request_data.parameters) if request_data is not None else {}
            offset = params.get("offset")
            assert offset is None or isinstance(offset, int)
            self.offsets.append(offset)
            self.polled_at.append(time.monotonic())
            if self.conflict:
                return 409, (
                    b'{"ok": false, "error_code": 409, "description": "Conflict: terminated by '
                    b'other getUpdates request"}'
                )
            if offset is not None:
                self.pending = [u for u in self.pending if u["update_id"] >= offset]
            if not self._faults and not self.pending:
                await asyncio.sleep(0.01)  # a long poll with nothing to say, shortened
        return await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )

    def _result(self, call: Any) -> Any:
        if call.method == "getUpdates":
            limit = int(call.params.get("limit") or 100)
            return self.pending[:limit]
        return super()._result(call)


def message(update_id: int, person: Person, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": person.user_id, "type": "private", "first_name": person.first_name},
            "from": person.as_user(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]
            if text.startswith("/")
            else [],
        },
    }


@dataclass
class Polling:
    app: Any
    services: Services
    clock: FrozenClock


@pytest.fixture
async def polling(
    db: Database, clock: FrozenClock
) -> AsyncIterator[tuple[Polling, PollingTransport]]:
    services = Services(settings=Settings(database=DatabaseSettings(url=db.display_url)), db=db)
    services.clock = clock
    transport = PollingTransport()
    app = build_application(services, request=transport)
    await app.initialize()
    yield Polling(app, services, clock), transport
    await app.shutdown()


async def stored(db: Database) -> list[InboxUpdate]:
    async with db.read() as session:
        return list(await session.scalars(select(InboxUpdate).order_by(InboxUpdate.id)))


async def poll_until(poller: Poller, done: Any, seconds: float = 5.0) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop))
    try:
        for _ in range(int(seconds / 0.01)):
            if done() or task.done():
                break
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    assert done()


async def test_the_offset_moves_only_after_the_batch_is_stored(
    polling: tuple[Polling, PollingTransport], monkeypatch: pytest.MonkeyPatch
) -> None:
    h, transport = polling
    transport.pending = [message(41, CITIZEN, "/hjalp"), message(42, CITIZEN_EN, "/hjalp")]
    real_store = storage.inbox.store
    failures = [RuntimeError("the database is down")]

    async def store_once_failing(session: Any, items: Any, now: datetime) -> int:
        if failures:
            raise failures.pop()
        return await real_store(session, items, now)

    monkeypatch.setattr(storage.inbox, "store", store_once_failing)
    woken: list[int] = []
    poller = Poller(
        h.app.bot, h.services.db, h.clock, on_stored=lambda: woken.append(1), backoff=FAST
    )
    await poll_until(poller, lambda: len(transport.offsets) >= 3)
    # First batch: not stored, so the same offset is asked for again; then it moves past it.
    assert transport.offsets[:3] == [None, None, 43]
    assert poller.offset == 43
    assert [r.update_id for r in await stored(h.services.db)] == [41, 42]
    assert poller.stored == 2
    assert woken == [1]
    assert transport.polled_at[1] - transport.polled_at[0] >= FAST.initial * 0.9


async def test_a_redelivered_batch_is_stored_once(
    polling: tuple[Polling, PollingTransport],
) -> None:
    h, transport = polling
    transport.pending = [message(7, CITIZEN, "/hjalp")]
    poller = Poller(h.app.bot, h.services.db, h.clock, backoff=FAST)
    await poll_until(poller, lambda: poller.offset == 8)
    # The bot restarted before acknowledging: Telegram hands the same update over again.
    transport.pending = [message(7, CITIZEN, "/hjalp"), message(8, REPORTER, "/hjalp")]
    again = Poller(h.app.bot, h.services.db, h.clock, backoff=FAST)
    await poll_until(again, lambda: again.offset == 9)
    assert [r.update_id for r in await stored(h.services.db)] == [7, 8]
    assert again.stored == 1


async def test_telegram_errors_back_off_and_nothing_is_lost(
    polling: tuple[Polling, PollingTransport],
) -> None:
    h, transport = polling
    transport.pending = [message(5, CITIZEN, "/hjalp")]
    for _ in range(3):
        transport.fail_next("getUpdates", 502)
    poller = Poller(h.app.bot, h.services.db, h.clock, backoff=FAST)
    await poll_until(poller, lambda: poller.offset == 6)
    gaps = [b - a for a, b in zip(transport.polled_at, transport.polled_at[1:], strict=False)]
    # Three failures: pauses of 0.05, 0.1 and 0.2 s before the call that succeeds.
    assert gaps[0] >= 0.045 and gaps[1] >= 0.09 and gaps[2] >= 0.18
    assert transport.offsets[:4] == [None, None, None, None]
    assert [r.update_id for r in await stored(h.services.db)] == [5]


async def test_another_poller_stops_us_with_a_readable_error(
    polling: tuple[Polling, PollingTransport],
) -> None:
    h, transport = polling
    transport.conflict = True
    poller = Poller(h.app.bot, h.services.db, h.clock, backoff=FAST)
    with pytest.raises(PollingConflict, match="samma token"):
        await asyncio.wait_for(poller.run(asyncio.Event()), 5)


async def test_run_in_polling_mode(db: Database) -> None:
    """The whole life cycle: the webhook deleted (keeping pending updates), updates stored and
    processed, the offset acknowledged when stopping."""
    settings = Settings(database=DatabaseSettings(url=db.display_url))
    services = Services(settings=settings, db=db)
    transport = PollingTransport()
    transport.pending = [message(100, CITIZEN, "/start"), message(101, CITIZEN_EN, "/start")]
    app = build_application(services, request=transport)
    stop = asyncio.Event()
    ready: asyncio.Future[Serving] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run(app, settings, stop=stop, on_ready=ready.set_result))
    serving = await asyncio.wait_for(ready, 10)
    try:
        assert serving.poller is not None and serving.webhook is None
        [delete] = transport.sent("deleteWebhook")
        assert not delete.params.get("drop_pending_updates")
        for _ in range(250):
            if len(transport.sent("sendMessage")) >= 2:
                break
            await asyncio.sleep(0.02)
        assert [c.chat_id for c in transport.sent("sendMessage")] == [
            CITIZEN.user_id,
            CITIZEN_EN.user_id,
        ]
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert not app.running
    assert transport.offsets[-1] == 102  # everything stored was acknowledged
    assert all(r.done_at is not None for r in await stored(db))


async def test_run_stops_cleanly_on_a_conflict(db: Database) -> None:
    settings = Settings(database=DatabaseSettings(url=db.display_url))
    transport = PollingTransport(conflict=True)
    app = build_application(Services(settings=settings, db=db), request=transport)
    with pytest.raises(PollingConflict):
        await asyncio.wait_for(run(app, settings), 20)
    assert not app.running
