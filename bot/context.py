"""The typed callback context: handlers reach the services as `context.services`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services.core import Services

SERVICES_KEY = "services"

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
