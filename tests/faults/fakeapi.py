"""A fake Telegram Bot API over HTTP on 127.0.0.1, with faults on demand.

It runs a tornado server on its own asyncio loop in a background thread, so a bot in another
process (`loftesbot run` with `api_base_url` pointing here) talks to it exactly as it would to
Telegram or to a self-hosted Bot API server: `POST /bot<token>/<method>`.

What it does, like Telegram:

* `getUpdates` serves the queued updates with `update_id >= offset` and forgets those below the
  offset (an update is *acknowledged* once a call asks for an offset beyond it). With nothing
  to serve it long-polls for the asked `timeout`, capped at `poll_cap` seconds so tests move on.
* `sendMessage`, `sendPhoto`, `sendDocument`, `editMessageText`… answer a Message with a fresh
  id; `getMe` answers the bot; the set-up methods and `answerCallbackQuery` answer `true`.

Faults, armed for the next N calls of a method: an HTTP error (500 by default), a delay (the
answer comes only after `seconds`, beyond the client's read timeout, but the call *did* take
effect, as with Telegram), a 429 with `retry_after`, a hang-up (the connection is closed
with no answer, before the call takes effect), or a drop (the call takes effect, then the
connection is closed with no answer: the client cannot tell it from a hang-up).

Every call is recorded under a lock with what happened to it; `calls()` returns a copy, so a
test thread can read while the server writes. Loopback only.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs

import tornado.httpserver
import tornado.iostream
import tornado.netutil
import tornado.web

BOT_ID = 123456789
BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Löftesboten",
    "username": "LoftesbotenBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
TRUE_METHODS = frozenset(
    {
        "answerCallbackQuery",
        "setMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
        "deleteWebhook",
        "setWebhook",
        "deleteMessage",
        "close",
        "logOut",
        "sendChatAction",
        "setMessageReaction",
    }
)

FaultKind = Literal["status", "delay", "retry_after", "hangup", "drop"]
# What became of a call: answered normally; answered late (it took effect, the client may have
# given up); refused with an HTTP status (no effect); the connection closed (no effect); or
# taken, and then the connection closed before the answer (it took effect).
Outcome = Literal["ok", "delayed", "error", "hangup", "dropped"]


@dataclass
class Fault:
    kind: FaultKind
    remaining: int
    status: int = 500
    seconds: float = 0.0
    retry_after: int = 1


@dataclass(frozen=True)
class Call:
    """One request the server saw."""

    method: str
    params: dict[str, Any]
    at: float  # time.monotonic() when it arrived
    outcome: Outcome
    status: int = 200
    result: Any = None

    @property
    def took_effect(self) -> bool:
        """Telegram did what was asked (even if the client never saw the answer)."""
        return self.outcome in ("ok", "delayed", "dropped")

    @property
    def chat_id(self) -> int | str | None:
        value = self.params.get("chat_id")
        if value is None:
            return None
        text = str(value)
        return int(text) if text.lstrip("-").isdigit() else text

    @property
    def text(self) -> str | None:
        value = self.params.get("text", self.params.get("caption"))
        return None if value is None else str(value)

    @property
    def reply_markup(self) -> dict[str, Any]:
        markup = self.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        return markup if isinstance(markup, dict) else {}

    @property
    def callback_data(self) -> list[str]:
        rows = self.reply_markup.get("inline_keyboard", [])
        return [str(b["callback_data"]) for row in rows for b in row if "callback_data" in b]


@dataclass
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)  # not yet confirmed, by id
    confirmed: int = 0  # every update_id below this was acknowledged (offset semantics)
    calls: list[Call] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)


class FakeBotApi:
    """Start with `start()` (or as a context manager) and stop with `stop()`."""

    def __init__(self, token: str, *, poll_cap: float = 0.5) -> None:
        self.token = token
        self.poll_cap = poll_cap
        self._lock = threading.Lock()
        self._state = _State()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(10_000)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self._arrived: asyncio.Event | None = None
        self._stopped: asyncio.Event | None = None
        self.port = 0

    # --- life cycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeBotApi:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 10.0) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._serve(ready))
            except BaseException as exc:  # reported to start() below
                failure.append(exc)
                ready.set()
            finally:
                with contextlib.suppress(Exception):
                    loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("the fake Bot API did not start")
        if failure:
            raise failure[0]

    async def _serve(self, ready: threading.Event) -> None:
        self._arrived = asyncio.Event()
        self._stopped = asyncio.Event()
        app = tornado.web.Application(
            [(r"/bot([^/]+)/(\w+)", _Handler, {"api": self})],
            log_function=lambda handler: None,  # the calls are recorded; 500s are on purpose
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        self._server = server
        ready.set()
        await self._stopped.wait()
        server.stop()
        # Long polls and delayed answers still sleeping: end them, then close the connections.
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.wait_for(server.close_all_connections(), timeout=5)

    def stop(self, timeout: float = 10.0) -> None:
        loop, stopped, thread = self._loop, self._stopped, self._thread
        if loop is None or stopped is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop already closed
            loop.call_soon_threadsafe(stopped.set)
        thread.join(timeout)
        self._thread = None

    # --- updates ------------------------------------------------------------------------------

    def push(self, *bodies: dict[str, Any]) -> list[int]:
        """Queue updates; each body is what goes beside `update_id` (e.g. {"message": {...}}).
        Telegram numbers them; the ids are returned."""
        ids = []
        with self._lock:
            for body in bodies:
                update_id = next(self._update_ids)
                self._state.updates.append({"update_id": update_id, **body})
                ids.append(update_id)
        self._notify()
        return ids

    def pending(self) -> int:
        """Updates queued and not yet acknowledged by the bot."""
        with self._lock:
            return len(self._state.updates)

    def acknowledged(self) -> int:
        """How many update ids have been acknowledged (ids below the highest offset asked)."""
        with self._lock:
            return max(0, self._state.confirmed - 1)

    def _notify(self) -> None:
        loop, arrived = self._loop, self._arrived
        if loop is not None and arrived is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(arrived.set)

    def _take_updates(self, offset: int, limit: int) -> list[dict[str, Any]]:
        with self._lock:
            state = self._state
            if offset < 0:  # the last -offset updates; the others are forgotten
                state.updates = state.updates[offset:]
                if state.updates:
                    state.confirmed = max(state.confirmed, state.updates[0]["update_id"])
            elif offset > 0:
                state.updates = [u for u in state.updates if u["update_id"] >= offset]
                state.confirmed = max(state.confirmed, offset)
            return [json.loads(json.dumps(u)) for u in state.updates[:limit]]

    # --- faults -------------------------------------------------------------------------------

    def fail(self, method: str, count: int = 1, *, status: int = 500) -> None:
        """The next `count` calls of `method` are refused with `status` and take no effect."""
        self._arm(method, Fault("status", count, status=status))

    def delay(self, method: str, count: int = 1, *, seconds: float) -> None:
        """The next `count` calls of `method` take effect but are answered after `seconds`."""
        self._arm(method, Fault("delay", count, seconds=seconds))

    def throttle(self, method: str, count: int = 1, *, retry_after: int = 1) -> None:
        """The next `count` calls of `method` get a 429 with `retry_after` (no effect)."""
        self._arm(method, Fault("retry_after", count, status=429, retry_after=retry_after))

    def hang_up(self, method: str, count: int = 1) -> None:
        """The next `count` calls of `method` see the connection closed, without an answer."""
        self._arm(method, Fault("hangup", count))

    def drop(self, method: str, count: int = 1) -> None:
        """The next `count` calls of `method` take effect, then lose their connection unanswered."""
        self._arm(method, Fault("drop", count))

    def clear_faults(self) -> None:
        """Disarm every fault still waiting for its calls."""
        with self._lock:
            self._state.faults.clear()

    def faults_left(self, method: str) -> int:
        with self._lock:
            return sum(f.remaining for f in self._state.faults.get(method, ()))

    def _arm(self, method: str, fault: Fault) -> None:
        with self._lock:
            self._state.faults.setdefault(method, deque()).append(fault)

    def _next_fault(self, method: str) -> Fault | None:
        with self._lock:
            queue = self._state.faults.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.popleft()
            return fault

    # --- recording ----------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._state.calls if method is None or c.method == method]

    def count(self, method: str) -> int:
        with self._lock:
            return sum(1 for c in self._state.calls if c.method == method)

    def delivered(self, method: str = "sendMessage") -> list[Call]:
        """Calls of `method` that took effect: what people would see."""
        return [c for c in self.calls(method) if c.took_effect]

    def _record(self, call: Call) -> None:
        with self._lock:
            self._state.calls.append(call)

    # --- answering ----------------------------------------------------------------------------

    def result_for(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return dict(BOT_USER)
        if method == "getMyCommands":
            return []
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method in TRUE_METHODS:
            return True
        if method in MESSAGE_METHODS:
            return self._message(params)
        if method == "getChat":
            return {"id": params.get("chat_id"), "type": "private"}
        return True

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = params.get("chat_id", 0)
        text = str(raw)
        chat_id: int | str = int(text) if text.lstrip("-").isdigit() else text
        given = params.get("message_id")
        message_id = int(str(given)) if given is not None else next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {
                "id": chat_id if isinstance(chat_id, int) else -100_999,
                "type": "private" if isinstance(chat_id, int) and chat_id > 0 else "channel",
            },
            "from": dict(BOT_USER),
        }
        for key in ("text", "caption"):
            if key in params:
                message[key] = str(params[key])
        return message

    async def long_poll(self, seconds: float) -> None:
        """Wait up to `seconds` (capped at `poll_cap`) for an update to arrive."""
        arrived = self._arrived
        assert arrived is not None
        arrived.clear()
        if self.pending():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrived.wait(), min(seconds, self.poll_cap))


class _Handler(tornado.web.RequestHandler):
    api: FakeBotApi

    def initialize(self, api: FakeBotApi) -> None:
        self.api = api
        self.gone = False

    def on_connection_close(self) -> None:
        self.gone = True

    def check_xsrf_cookie(self) -> None:
        return

    def _params(self) -> dict[str, Any]:
        content_type = self.request.headers.get("Content-Type", "")
        body = self.request.body or b""
        if content_type.startswith("application/json"):
            data = json.loads(body or b"{}")
            return dict(data) if isinstance(data, dict) else {}
        if content_type.startswith("multipart/form-data"):
            params: dict[str, Any] = {k: v[0].decode() for k, v in self.request.arguments.items()}
            for name, files in self.request.files.items():
                params.setdefault(name, f"<upload {len(files[0].body)} bytes>")
            return params
        return {k: v[0] for k, v in parse_qs(body.decode()).items()}

    async def post(self, token: str, method: str) -> None:
        api = self.api
        arrived = time.monotonic()
        if token != api.token:
            await self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        params = self._params()
        fault = api._next_fault(method)
        if fault is not None and fault.kind == "hangup":
            api._record(Call(method, params, arrived, "hangup", 0))
            stream = self.request.connection.stream  # type: ignore[union-attr]
            stream.close()
            return
        if fault is not None and fault.kind in ("status", "retry_after"):
            api._record(Call(method, params, arrived, "error", fault.status))
            body: dict[str, Any] = {
                "ok": False,
                "error_code": fault.status,
                "description": "Too Many Requests: retry later"
                if fault.status == 429
                else "Internal Server Error",
            }
            if fault.kind == "retry_after":
                body["parameters"] = {"retry_after": fault.retry_after}
            await self._answer(fault.status, body)
            return
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            limit = max(1, min(100, int(params.get("limit") or 100)))
            timeout = float(params.get("timeout") or 0)
            result = api._take_updates(offset, limit)
            if not result and timeout > 0:
                await api.long_poll(timeout)
                result = api._take_updates(offset, limit)
        else:
            result = api.result_for(method, params)
        if fault is not None and fault.kind == "drop":
            api._record(Call(method, params, arrived, "dropped", 0, result))
            self.request.connection.stream.close()  # type: ignore[union-attr]
            return
        outcome: Outcome = "delayed" if fault is not None else "ok"
        api._record(Call(method, params, arrived, outcome, 200, result))
        if fault is not None:
            await asyncio.sleep(fault.seconds)
        await self._answer(200, {"ok": True, "result": result})

    async def _answer(self, status: int, body: dict[str, Any]) -> None:
        if self.gone:
            return
        payload = json.dumps(body).encode()
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        with contextlib.suppress(tornado.iostream.StreamClosedError):
            await self.finish(payload)
