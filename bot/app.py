"""The one factory: `build_application` is used by `loftesbot run`, the demo and the tests."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeDefault
from telegram.ext import AIORateLimiter, Application, ContextTypes, ExtBot
from telegram.request import BaseRequest

from bot import handlers
from bot.context import SERVICES_KEY, BotApplication, BotContext
from bot.delivery import scheduler
from bot.render import texts
from bot.services.core import Services
from bot.services.posting import sync_channels

log = logging.getLogger(__name__)

# A syntactically valid token for offline use (demo, tests): the offline transport never checks it.
OFFLINE_TOKEN = "123456789:offline-token-not-used-for-anything"  # noqa: S105


def build_application(
    services: Services,
    request: BaseRequest | None = None,
    *,
    rate_limit: bool = True,
) -> BotApplication:
    """Build the bot: handlers, error handler, services in `context.services`.

    `request` replaces the HTTP transport (the offline demo and the tests pass one); without it,
    the bot talks to Telegram, or to the self-hosted Bot API server in `api_base_url`.
    """
    settings = services.settings
    token = settings.telegram.token.get() if settings.telegram.token else OFFLINE_TOKEN
    builder: Any = (
        Application.builder()
        .token(token)
        .context_types(ContextTypes(context=BotContext))
        .base_url(settings.telegram.base_url)
        .base_file_url(settings.telegram.base_file_url)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limit:
        # Honours 429 retry_after and retries instead of dropping a message.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=5))
    app: BotApplication = builder.build()
    app.bot_data[SERVICES_KEY] = services
    handlers.register(app)
    return app


def menu_commands(lang: texts.Lang) -> list[BotCommand]:
    return [
        BotCommand(c.name, c.sv if lang == "sv" else c.en)
        for c in texts.COMMANDS
        if c.in_menu and c.audience == "all"
    ]


async def register_command_menus(bot: ExtBot[None]) -> None:
    """Command menus in Swedish (the default) and English (users whose Telegram is English)."""
    for scope in (BotCommandScopeDefault(), BotCommandScopeAllPrivateChats()):
        await bot.set_my_commands(menu_commands("sv"), scope=scope)
        await bot.set_my_commands(menu_commands("en"), scope=scope, language_code="en")


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await register_command_menus(app.bot)
    services: Services = app.bot_data[SERVICES_KEY]
    async with services.db.transaction() as session:
        unknown = await sync_channels(session, services.settings.channels)
    for name in unknown:
        log.warning("[channels] names a municipality that is not in the database: %s", name)
    await scheduler.install(app)
    log.info("bot @%s ready", app.bot.username)


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await scheduler.uninstall(app)
    services: Services = app.bot_data[SERVICES_KEY]
    await services.close()
