"""The typed callback context: handlers reach the services as `context.services`."""

from __future__ import annotations

from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services.core import Services

SERVICES_KEY = "services"

BotApplication = Application[
    ExtBot[None], "BotContext", dict[Any, Any], dict[Any, Any], dict[str, Any], Any
]


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[str, Any]]):
    @property
    def services(self) -> Services:
        return cast(Services, self.application.bot_data[SERVICES_KEY])
