"""The webhook server on a loopback port: the secret header, storing before answering 200, the
health check; and the whole `serve.run` life cycle in webhook mode. Loopback only, seconds."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.app import build_application
from bot.config import DatabaseSettings, Secret, Settings, TelegramSettings, WebhookSettings
from bot.console.transport import OfflineTransport
from bot.inbox import InboxProcessor
from bot.serve import SECRET_HEADER, Serving, WebhookServer, run
from bot.services.core import Services
from storage.db import Database
from storage.models import InboxUpdate
from tests.conftest import CITIZEN, Harness, replies

SECRET = "k3Jx9_wQz-5mN2pL8vR4tY7uH1aS6dF0gZc"  # 35 characters
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/none"


@pytest.fixture
async def server(harness: Harness) -> AsyncIterator[tuple[WebhookServer, InboxProcessor]]:
    worker = InboxProcessor(harness.app, now=harness.clock.now, worker="hook")
    hook = WebhookServer(
        harness.services.db,
        harness.clock.now,
        secret=SECRET,
        path="telegram",
        port=0,
        on_stored=worker.wake,
    )
    await hook.start()
    yield hook, worker
    await hook.stop()


async def stored(db: Database) -> list[InboxUpdate]:
    async with db.read() as session:
        return list(await session.scalars(select(InboxUpdate)))


async def post(
    port: int, body: Any, secret: str | bytes | None = SECRET, path: str = "telegram"
) -> int:
    headers = [(b"Content-Type", b"application/json")]
    if secret is not None:
        headers.append(
            (SECRET_HEADER.encode(), secret if isinstance(secret, bytes) else secret.encode())
        )
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        response = await client.post(f"/{path}", content=content, headers=headers)
    return response.status_code


async def test_a_missing_or_wrong_secret_is_refused_and_nothing_is_stored(
    harness: Harness, server: tuple[WebhookServer, InboxProcessor]
) -> None:
    hook, _ = server
    assert hook.port
    update = harness.factory.message(CITIZEN, "/hjalp")
    assert await post(hook.port, update, secret=None) == 403
    assert await post(hook.port, update, secret="") == 403
    assert await post(hook.port, update, secret=SECRET[:-1]) == 403
    assert await post(hook.port, update, secret=SECRET + "x") == 403
    assert await post(hook.port, update, secret=("å" * 35).encode()) == 403
    assert await stored(harness.services.db) == []
    assert harness.transport.sent() == []


async def test_the_right_secret_stores_then_answers_and_the_update_is_processed(
    harness: Harness, server: tuple[WebhookServer, InboxProcessor]
) -> None:
    hook, worker = server
    assert hook.port
    update = harness.factory.message(CITIZEN, "/hjalp")
    assert await post(hook.port, update) == 200
    [row] = await stored(harness.services.db)
    assert (row.update_id, row.payload, row.done_at) == (update["update_id"], update, None)
    assert await post(hook.port, update) == 200  # Telegram delivering it again: stored once
    assert len(await stored(harness.services.db)) == 1
    assert hook.received == 1
    assert await worker.drain() == 1
    [answer] = harness.transport.sent()
    assert answer.chat_id == CITIZEN.user_id
    assert replies([answer])


async def test_what_is_not_an_update_is_a_bad_request(
    harness: Harness, server: tuple[WebhookServer, InboxProcessor]
) -> None:
    hook, _ = server
    assert hook.port
    assert await post(hook.port, b"{not json") == 400
    assert await post(hook.port, b"\xff\xfe") == 400
    assert await post(hook.port, [1, 2]) == 400
    assert await post(hook.port, b"[" * 100_000) == 400  # nested too deep for the parser
    assert await post(hook.port, {"update_id": "7"}) == 400
    assert await post(hook.port, {"update_id": 7, "message": "text"}) == 400
    assert await stored(harness.services.db) == []
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hook.port}") as client:
        assert (await client.get("/telegram")).status_code == 405
        assert (await client.post("/other", content=b"{}")).status_code == 404
        # Above 1 MiB tornado drops the connection without reading the body.
        too_big = b'{"update_id": 1, "x": "' + b"a" * (2 << 20) + b'"}'
        with pytest.raises(httpx.TransportError):
            await client.post("/telegram", content=too_big, headers={SECRET_HEADER: SECRET})
    assert await stored(harness.services.db) == []


async def test_health_reports_the_database_and_the_pending_count(
    harness: Harness, server: tuple[WebhookServer, InboxProcessor]
) -> None:
    hook, _ = server
    assert await post(hook.port or 0, harness.factory.message(CITIZEN, "/hjalp")) == 200
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hook.port}") as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "ok", "database": "ok", "inbox_pending": 1}


async def test_without_a_database_health_is_503_and_updates_get_500(harness: Harness) -> None:
    broken = Database(UNREACHABLE)
    hook = WebhookServer(broken, harness.clock.now, secret=SECRET, port=0)
    port = await hook.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            response = await client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["database"] == "unavailable"
        # Not stored, so not acknowledged: Telegram delivers it again later.
        assert await post(port, harness.factory.message(CITIZEN, "/hjalp")) == 500
    finally:
        await hook.stop()
        await broken.dispose()


def test_a_short_secret_is_refused(harness: Harness) -> None:
    with pytest.raises(ValueError):
        WebhookServer(harness.services.db, harness.clock.now, secret="short", port=0)


async def test_run_in_webhook_mode(db: Database) -> None:
    """The whole life cycle: post_init, the webhook registered, an update processed, the
    health check, and a clean stop."""
    settings = Settings(
        telegram=TelegramSettings(
            mode="webhook",
            webhook=WebhookSettings(
                listen="127.0.0.1",
                port=0,
                path="hook",
                public_url="https://bot.example.org/",
                secret_token=Secret(SECRET),
            ),
        ),
        database=DatabaseSettings(url=db.display_url),
    )
    services = Services(settings=settings, db=db)
    transport = OfflineTransport()
    app = build_application(services, request=transport)
    stop = asyncio.Event()
    ready: asyncio.Future[Serving] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        run(app, settings, allowed_updates=["message"], stop=stop, on_ready=ready.set_result)
    )
    serving = await asyncio.wait_for(ready, 10)
    try:
        assert serving.webhook is not None and serving.webhook.port
        port = serving.webhook.port
        assert app.running
        [hook] = transport.sent("setWebhook")
        assert hook.params["url"] == "https://bot.example.org/hook"
        assert hook.params["secret_token"] == SECRET
        assert hook.params["allowed_updates"] == ["message"]
        assert transport.sent("setMyCommands")  # post_init ran
        assert transport.sent("deleteWebhook") == []
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": CITIZEN.user_id, "type": "private", "first_name": "Kim"},
                "from": CITIZEN.as_user(),
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        assert await post(port, update, path="hook") == 200
        for _ in range(250):
            if transport.sent("sendMessage"):
                break
            await asyncio.sleep(0.02)
        [welcome] = transport.sent("sendMessage")
        assert "Välkommen" in (welcome.text or "")
        for _ in range(250):  # the done mark comes right after the reply
            if serving.processor.totals.done:
                break
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            health = (await client.get("/healthz")).json()
        leader = health.pop("leader")
        tick_age = health.pop("last_tick_age_seconds")
        assert health == {"status": "ok", "database": "ok", "inbox_pending": 0, "serving": True}
        assert 0 <= tick_age < 30
        # One process on SQLite: it leads, and says since when.
        assert leader["leader"] is True
        assert leader["instance"] and leader["instance"] in leader["leading_instance"]
        assert leader["since"] and leader["since"] in leader["leading_instance"]
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert not app.running
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await client.get("/healthz")
