"""The one factory: `build_application` is used by `loftesbot run`, the demo and the tests."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import AIORateLimiter, Application, ContextTypes
from telegram.request import BaseRequest

from bot import handlers, menus
from bot.botapi import defaults
from bot.context import SERVICES_KEY, BotApplication, BotContext
from bot.delivery import scheduler
from bot.delivery.budget import BUDGET_KEY, LocalBudget, SharedBudget, budget_for, budgeted
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
    budget: LocalBudget | SharedBudget | None = None,
) -> BotApplication:
    """Build the bot: handlers, error handler, services in `context.services`.

    `request` replaces the HTTP transport (the offline demo and the tests pass one); without it,
    the bot talks to Telegram, or to the self-hosted Bot API server in `api_base_url`.
    `budget` replaces the bot's send budget (with `rate_limit`); without it, the budget is kept
    in memory on SQLite and in the database on PostgreSQL.
    """
    settings = services.settings
    token = settings.telegram.token.get() if settings.telegram.token else OFFLINE_TOKEN
    builder: Any = (
        Application.builder()
        .token(token)
        .context_types(ContextTypes(context=BotContext))
        .defaults(defaults(settings))
        .base_url(settings.telegram.base_url)
        .base_file_url(settings.telegram.base_file_url)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.get_updates_request(request)
    if rate_limit:
        # Every message the process sends is booked in one budget for the bot
        # (bot.delivery.budget): in memory on SQLite (one process per file), in the database
        # on PostgreSQL, where several processes may share it.
        budget = budget or budget_for(services.db)
        request = budgeted(request, budget)
    if request is not None:
        builder = builder.request(request)
    if rate_limit:
        # Honours 429 retry_after and retries instead of dropping a message.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=5))
    app: BotApplication = builder.build()
    app.bot_data[SERVICES_KEY] = services
    if rate_limit:
        app.bot_data[BUDGET_KEY] = budget
    handlers.register(app)
    return app


async def _sync_menus_job(context: BotContext) -> None:
    services: Services = context.application.bot_data[SERVICES_KEY]
    done = await menus.sync_role_menus(context.bot, services.db)
    log.info("command menus set for %d reporters and admins", done)


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await menus.register_defaults(app.bot)
    services: Services = app.bot_data[SERVICES_KEY]
    async with services.db.transaction() as session:
        unknown = await sync_channels(session, services.settings.channels)
    for name in unknown:
        log.warning("[channels] names a municipality that is not in the database: %s", name)
    await scheduler.install(app)
    if app.job_queue is not None:
        # Each reporter's and admin's own menu, once the bot runs (two calls a person: not
        # something to keep the start waiting for).
        app.job_queue.run_once(_sync_menus_job, when=1, name="menus")
    log.info("bot @%s ready", app.bot.username)


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await scheduler.uninstall(app)
    services: Services = app.bot_data[SERVICES_KEY]
    await services.close()
