"""An in-process Bot API on PTB's public `BaseRequest`.

It answers the methods the bot uses the way Telegram would (a sent message comes back as a
Message with a fresh id) and records every call, so the demo can print what the bot said and
tests can assert on it. Faults can be queued (a 429 with retry_after, a 500) to exercise retries.
No network is touched.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Löftesboten",
    "username": "LoftesbotenBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

_MESSAGE_METHODS = {
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
}
_TRUE_METHODS = {
    "answerCallbackQuery",
    "setMyCommands",
    "deleteMyCommands",
    "setMyDescription",
    "setMyShortDescription",
    "setChatMenuButton",
    "deleteWebhook",
    "setWebhook",
    "deleteMessage",
    "close",
    "logOut",
    "sendChatAction",
    "setMessageReaction",
}


# The tags Telegram's HTML parse mode knows (https://core.telegram.org/bots/api#html-style).
_TELEGRAM_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    ]
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?>")


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse `text` under parse_mode HTML (None: it would take it).

    A `<` must open or close a tag Telegram knows, and tags must nest; anything else ("<3",
    "a < b", an unknown tag, an unescaped name) is refused with "can't parse entities"."""
    open_tags: list[str] = []
    at = text.find("<")
    while at != -1:
        tag = _TAG.match(text, at)
        if tag is None:
            return f"Unsupported start tag at byte offset {len(text[:at].encode())}"
        closing, name = tag.group(1), tag.group(2).lower()
        if name not in _TELEGRAM_TAGS:
            return f'Unsupported start tag "{name}" at byte offset {len(text[:at].encode())}'
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            return f'Unmatched end tag "{name}" at byte offset {len(text[:at].encode())}'
        at = text.find("<", tag.end())
    if open_tags:
        return f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"'
    return None


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    uploads: dict[str, bytes] = field(default_factory=dict)  # files sent, by field name

    @property
    def text(self) -> str | None:
        value = self.params.get("text", self.params.get("caption"))
        return None if value is None else str(value)

    @property
    def chat_id(self) -> int | str | None:
        value = self.params.get("chat_id")
        return value if value is None or isinstance(value, (int, str)) else str(value)

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if isinstance(markup, dict):
            rows: list[list[dict[str, Any]]] = markup.get("inline_keyboard", [])
            return rows
        return []


@dataclass
class Fault:
    method: str
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class OfflineTransport(BaseRequest):
    """Answers Bot API calls in process; `calls` holds every call in order."""

    calls: list[ApiCall] = field(default_factory=list)
    bot_user: dict[str, Any] = field(default_factory=lambda: dict(BOT_USER))
    on_call: Callable[[ApiCall], None] | None = None
    # Files people "uploaded": file_id -> content, served by getFile and the file URL.
    files: dict[str, bytes] = field(default_factory=dict)
    # Calls answered 400 as Telegram would (HTML it cannot parse); not in `calls`.
    refused: list[ApiCall] = field(default_factory=list)
    _faults: deque[Fault] = field(default_factory=deque)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        super().__init__()

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def fail_next(self, method: str, status: int = 500, *, retry_after: int | None = None) -> None:
        """Make the next call of `method` fail (e.g. 429 with retry_after, or 500)."""
        description = "Too Many Requests" if status == 429 else "Internal Server Error"
        self._faults.append(Fault(method, status, description, retry_after))

    def sent(self, method: str | None = None) -> list[ApiCall]:
        """Calls that put something in front of a person (or only those of `method`)."""
        if method is not None:
            return [c for c in self.calls if c.method == method]
        return [c for c in self.calls if c.method in _MESSAGE_METHODS]

    def clear(self) -> None:
        self.calls.clear()
        self.refused.clear()

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
        if "/file/bot" in url:
            content = self.files.get(url.rsplit("/", 1)[-1])
            return (200, content) if content is not None else (404, b'{"ok": false}')
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        for fault in list(self._faults):
            if fault.method == api_method:
                self._faults.remove(fault)
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": fault.status,
                    "description": fault.description,
                }
                if fault.retry_after is not None:
                    body["parameters"] = {"retry_after": fault.retry_after}
                return fault.status, json.dumps(body).encode()
        refusal = self._refusal(api_method, params)
        if refusal is not None:
            self.refused.append(ApiCall(api_method, params))
            body = {"ok": False, "error_code": 400, "description": refusal}
            return 400, json.dumps(body).encode()
        uploads: dict[str, bytes] = {}
        if request_data is not None and request_data.multipart_data:
            for name, part in request_data.multipart_data.items():
                payload = part[1] if isinstance(part, tuple) else part
                if isinstance(payload, bytes):
                    uploads[name] = payload
        call = ApiCall(api_method, params, uploads)
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)
        return 200, json.dumps({"ok": True, "result": self._result(call)}).encode()

    @staticmethod
    def _refusal(method: str, params: dict[str, Any]) -> str | None:
        """What Telegram would answer 400 to: HTML it cannot parse."""
        if params.get("parse_mode") != "HTML":
            return None
        for name in ("text", "caption"):
            value = params.get(name)
            problem = html_problem(str(value)) if value is not None else None
            if problem is not None:
                return f"Bad Request: can't parse entities: {problem}"
        return None

    def _result(self, call: ApiCall) -> Any:
        if call.method == "getMe":
            return self.bot_user
        if call.method == "getUpdates":
            return []
        if call.method in _TRUE_METHODS:
            return True
        if call.method in _MESSAGE_METHODS:
            return self._message(call)
        if call.method == "getFile":
            file_id = str(call.params.get("file_id"))
            if file_id not in self.files:
                return None
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}",
            }
        if call.method == "getChat":
            return {"id": call.params.get("chat_id"), "type": "private"}
        # Anything else is answered as Telegram answers a method it does not know.
        return True

    def _message(self, call: ApiCall) -> dict[str, Any]:
        chat_id = call.params.get("chat_id", 0)
        message_id = call.params.get("message_id") or next(self._ids)
        chat_type = "private" if isinstance(chat_id, int) and chat_id > 0 else "channel"
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": 0,
            "chat": {"id": chat_id if isinstance(chat_id, int) else 0, "type": chat_type},
            "from": self.bot_user,
        }
        if "text" in call.params:
            message["text"] = call.params["text"]
        if "caption" in call.params:
            message["caption"] = call.params["caption"]
        markup = call.params.get("reply_markup")
        if markup is not None:
            message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
        return message
