"""An in-process Bot API that enforces Telegram's flood limits, on a clock of our choosing.

`LimitedTransport` answers like `OfflineTransport`, but sendMessage, sendPhoto and
sendDocument are refused with HTTP 429 and a `retry_after` when they break a limit:

- more than `overall_per_second` (30) messages in any 1 s window;
- a second message to the same private chat (a positive id) within `private_interval` (1 s);
- more than `group_per_minute` (20) messages in 60 s into one group or channel (a negative id
  or "@username").

While a `retry_after` it handed out has not passed, every send gets 429 again. A refused call is
not recorded. `cut` breaks the connection for a chat's next sends, as `HTTPXRequest` reports it:
before the request left (no effect, `NetworkError` from `httpx.ConnectError`), or after Telegram
took it (recorded in `accepted`, then `NetworkError` from `httpx.RemoteProtocolError`).

Time comes from a `TimeSource`, so with `ScaledTime` a benchmark can send for
minutes of simulated time in seconds.
"""

from __future__ import annotations

import json
import math
from collections import deque
from dataclasses import dataclass, field

import httpx
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import NetworkError
from telegram.request import RequestData

from bot.console.transport import ApiCall, OfflineTransport
from bot.delivery.outbox import RealTime, TimeSource

LIMITED_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
GROUP_WINDOW = 60.0


@dataclass(frozen=True)
class TimedCall:
    """An accepted message call and the simulated time it was accepted at."""

    at: float
    call: ApiCall

    @property
    def chat_id(self) -> int | str | None:
        return _chat_key(self.call.chat_id)


@dataclass(frozen=True)
class Rejection:
    """A message call answered with an error: when, to which chat, the status and retry_after."""

    at: float
    chat_id: int | str | None
    status: int
    retry_after: int | None = None


@dataclass
class _Refusal:
    status: int
    description: str
    times: int | None  # None: every time


def _chat_key(chat_id: int | str | None) -> int | str | None:
    if isinstance(chat_id, str):
        text = chat_id.strip()
        return int(text) if text.lstrip("-").isdigit() else text.lower()
    return chat_id


@dataclass
class LimitedTransport(OfflineTransport):
    """`OfflineTransport` with Telegram's limits; `accepted` holds the messages let through."""

    time: TimeSource = field(default_factory=RealTime)
    # Simulated seconds each message call takes. A call is judged the moment it arrives and the
    # answer comes back `latency` later, as if the request itself travelled instantly.
    latency: float = 0.0
    overall_per_second: int = 30
    private_interval: float = 1.0
    group_per_minute: int = 20
    accepted: list[TimedCall] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    too_many_requests: int = 0  # 429s handed out
    attempts: int = 0  # message calls that arrived, accepted or not
    _blocked_until: float = -math.inf
    _recent: deque[float] = field(default_factory=deque)
    _private_last: dict[int, float] = field(default_factory=dict)
    _groups: dict[int | str, deque[float]] = field(default_factory=dict)
    _injected: dict[int, int] = field(default_factory=dict)
    _refusals: dict[int | str, _Refusal] = field(default_factory=dict)
    _cuts: dict[int | str, list[bool]] = field(default_factory=dict)  # after sending?, per send

    def inject_retry_after(self, at_send: int, seconds: int) -> None:
        """Answer the `at_send`-th message call (1-based, counting refused ones) with a 429."""
        self._injected[at_send] = seconds

    def refuse(
        self,
        chat_id: int | str,
        status: int = 403,
        description: str = "Forbidden: bot was blocked by the user",
        *,
        times: int | None = None,
    ) -> None:
        """Refuse messages to `chat_id` (403 blocked, 400 chat not found, 500 …): every one, or
        the next `times`."""
        key = _chat_key(chat_id)
        if key is not None:
            self._refusals[key] = _Refusal(status, description, times)

    def cut(self, chat_id: int | str, *, after_sending: bool, times: int = 1) -> None:
        """The next `times` sends to `chat_id` lose their connection: before the request left,
        or after Telegram took the message (it arrives, the answer does not)."""
        key = _chat_key(chat_id)
        if key is not None:
            self._cuts.setdefault(key, []).extend([after_sending] * times)

    def allow(self, chat_id: int | str) -> None:
        key = _chat_key(chat_id)
        if key is not None:
            self._refusals.pop(key, None)

    def sends_to(self, chat_id: int | str) -> list[TimedCall]:
        key = _chat_key(chat_id)
        return [t for t in self.accepted if t.chat_id == key]

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
        api_method = url.rsplit("/", 1)[-1]
        if api_method not in LIMITED_METHODS or "/file/bot" in url:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        params = request_data.parameters if request_data is not None else {}
        raw = params.get("chat_id")
        chat = _chat_key(raw if isinstance(raw, (int, str)) else None)
        now = self.time.monotonic()
        self.attempts += 1
        cuts = self._cuts.get(chat) if chat is not None else None
        cut = cuts.pop(0) if cuts else None
        if cut is False:
            self.rejections.append(Rejection(now, chat, 0))  # status 0: no answer at all
            error = httpx.ConnectError("All connection attempts failed")
            raise NetworkError(f"httpx.ConnectError: {error}") from error
        answer = self._check(chat, now)
        if answer is None:
            answer = await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
            if answer[0] == 200:
                self._record(chat, now)
                if cut:
                    lost = httpx.RemoteProtocolError(
                        "Server disconnected without sending a response"
                    )
                    raise NetworkError(f"httpx.RemoteProtocolError: {lost}") from lost
        if self.latency > 0:
            await self.time.sleep(self.latency)
        return answer

    def _check(self, chat: int | str | None, now: float) -> tuple[int, bytes] | None:
        """The error answer for a send at `now`, or None when it may go through."""
        injected = self._injected.pop(self.attempts, None)
        if injected is not None:
            return self._too_many(chat, now, injected)
        if now < self._blocked_until:
            return self._too_many(chat, now, self._blocked_until - now)
        refusal = self._refusals.get(chat) if chat is not None else None
        if refusal is not None:
            if refusal.times is not None:
                refusal.times -= 1
                if refusal.times <= 0 and chat is not None:
                    del self._refusals[chat]
            self.rejections.append(Rejection(now, chat, refusal.status))
            body = {"ok": False, "error_code": refusal.status, "description": refusal.description}
            return refusal.status, json.dumps(body).encode()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.overall_per_second:
            return self._too_many(chat, now, self._recent[0] + 1.0 - now)
        if isinstance(chat, int) and chat > 0:
            last = self._private_last.get(chat)
            if last is not None and now - last < self.private_interval:
                return self._too_many(chat, now, last + self.private_interval - now)
        elif chat is not None:
            window = self._groups.get(chat)
            if window is not None:
                while window and window[0] <= now - GROUP_WINDOW:
                    window.popleft()
                if len(window) >= self.group_per_minute:
                    return self._too_many(chat, now, window[0] + GROUP_WINDOW - now)
        return None

    def _record(self, chat: int | str | None, now: float) -> None:
        self._recent.append(now)
        if isinstance(chat, int) and chat > 0:
            self._private_last[chat] = now
        elif chat is not None:
            self._groups.setdefault(chat, deque()).append(now)
        self.accepted.append(TimedCall(now, self.calls[-1]))

    def _too_many(self, chat: int | str | None, now: float, wait: float) -> tuple[int, bytes]:
        seconds = max(1, math.ceil(wait))
        self.too_many_requests += 1
        self.rejections.append(Rejection(now, chat, 429, seconds))
        self._blocked_until = max(self._blocked_until, now + seconds)
        body = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {seconds}",
            "parameters": {"retry_after": seconds},
        }
        return 429, json.dumps(body).encode()
