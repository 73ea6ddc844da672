"""What the inbound wing shares about the update in hand, below both the inbox and the handlers:

- the typed callback context (handlers reach the services as `context.services`);
- `update_key`, the content key of an update (the inbox's row key, the key a use case claims);
- `RETRYING`, the signal the inbox sets while it runs an update again.

Neither `bot.inbox` nor `bot.handlers` is imported here, so both can import this module."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.services.core import Services
from storage.activities import message_key

SERVICES_KEY = "services"
# True while an update that failed before is tried again (the inbox sets it): the user was
# told about the failure the first time and is not told again.
RETRYING: ContextVar[bool] = ContextVar("retrying", default=False)

BotApplication = Application[
    ExtBot[None], "BotContext", dict[Any, Any], dict[Any, Any], dict[str, Any], Any
]


@dataclass
class UpdateUnit:
    """One update's handling and the database: the chat whose "last seen" note waits to be
    written in the update's one session (`bot.handlers.common.reading`)."""

    seen_chat: int | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[str, Any]]):
    @property
    def services(self) -> Services:
        return cast(Services, self.application.bot_data[SERVICES_KEY])

    @property
    def unit(self) -> UpdateUnit:
        """This update's bookkeeping: PTB builds one context per update and hands it to every
        handler group, the "last seen" note first."""
        unit = self.__dict__.get("_unit")
        if unit is None:
            unit = self.__dict__["_unit"] = UpdateUnit()
        return cast(UpdateUnit, unit)


def update_key(update: Update) -> str:
    """What makes an update unique: chat and message id for a message; for an edit also its
    edit time and update_id (two edits may share a second, and a redelivered edit keeps its
    update_id); the query id for a button press.

    The inbox (`bot.inbox`) stores each incoming update once under this key, and handlers
    claim it with their writes (`storage.activities.claim_update`); both read it from here."""
    if update.callback_query is not None:
        return f"cb:{update.callback_query.id}"
    edited = update.edited_message or update.edited_channel_post or update.edited_business_message
    if edited is not None:
        stamp = int(edited.edit_date.timestamp()) if edited.edit_date else 0
        return f"ed:{edited.chat.id}:{edited.message_id}:{stamp}:{update.update_id}"
    message = update.effective_message
    if message is not None:
        return message_key(message.chat.id, message.message_id)
    return f"upd:{update.update_id}"
