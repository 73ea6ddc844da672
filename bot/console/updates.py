"""Build incoming updates as Telegram sends them (Bot API JSON), for the demo and the tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram import Bot, Update


@dataclass(frozen=True)
class Person:
    user_id: int
    first_name: str = "Test"
    language_code: str | None = "sv"
    username: str | None = None

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        if self.username:
            user["username"] = self.username
        return user


@dataclass
class UpdateFactory:
    """Makes updates with increasing ids; `now` stamps message dates."""

    bot: Bot
    next_update_id: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    next_message_id: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 21, 12, tzinfo=UTC))

    def _chat(self, person: Person, chat_id: int | None, chat_type: str) -> dict[str, Any]:
        if chat_type == "private":
            return {"id": person.user_id, "type": "private", "first_name": person.first_name}
        return {
            "id": chat_id if chat_id is not None else -1001,
            "type": chat_type,
            "title": "Grupp",
        }

    def message(
        self,
        person: Person,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self.next_message_id),
            "date": int(self.now.timestamp()),
            "chat": self._chat(person, chat_id, chat_type),
            "from": person.as_user(),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if extra:
            message.update(extra)
        return {"update_id": next(self.next_update_id), "message": message}

    def edited(self, original: dict[str, Any], new_text: str) -> dict[str, Any]:
        message = dict(original["message"])
        message["text"] = new_text
        message["edit_date"] = int(self.now.timestamp()) + 60
        return {"update_id": next(self.next_update_id), "edited_message": message}

    def callback(
        self,
        person: Person,
        data: str,
        *,
        message_id: int = 1,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        chat = chat_id if chat_id is not None else person.user_id
        return {
            "update_id": next(self.next_update_id),
            "callback_query": {
                "id": f"cb{next(self.next_update_id)}",
                "from": person.as_user(),
                "chat_instance": str(chat),
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(self.now.timestamp()),
                    "chat": {"id": chat, "type": "private" if chat > 0 else "group"},
                    "from": {"id": 123456789, "is_bot": True, "first_name": "Löftesboten"},
                    "text": "…",
                },
            },
        }

    def to_update(self, data: dict[str, Any]) -> Update:
        update = Update.de_json(data, self.bot)
        assert update is not None
        return update
