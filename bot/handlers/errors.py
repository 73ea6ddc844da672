"""The one error handler: log the failure (without message bodies), apologise, tell admins."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.error import TelegramError

from bot.context import RETRYING, BotContext
from bot.render import texts
from bot.services import access

log = logging.getLogger(__name__)
ADMIN_NOTE_INTERVAL = timedelta(minutes=10)
_LAST_NOTE_KEY = "last_error_note_at"


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    kind = type(error).__name__ if error else "okänt"
    where = "ett schemalagt jobb"
    if isinstance(update, Update):
        where = f"uppdatering {update.update_id}"
    log.error("unhandled error in %s: %s", where, kind, exc_info=error)
    # "Try again" is right when our side failed and nothing was kept. When Telegram itself
    # failed (the reply could not be sent, or timed out after Telegram took it), the work may be
    # saved already: asking the person to send it again would store it twice. The inbox retries
    # such updates and the retry sends the recorded confirmation.
    telegram_failed = isinstance(error, TelegramError)
    if (
        isinstance(update, Update)
        and update.effective_chat is not None
        and not RETRYING.get()
        and not telegram_failed
    ):
        user = update.effective_user
        lang = texts.lang_of(user.language_code if user else None)
        try:
            await context.bot.send_message(update.effective_chat.id, texts.error_reply(lang))
        except TelegramError:
            log.warning("could not tell the user about the error")
    await _tell_admins(context, kind, where)


async def _tell_admins(context: BotContext, kind: str, where: str) -> None:
    services = context.services
    now = services.now()
    last = context.bot_data.get(_LAST_NOTE_KEY)
    if last is not None and now - last < ADMIN_NOTE_INTERVAL:
        return
    context.bot_data[_LAST_NOTE_KEY] = now
    try:
        async with services.db.read() as session:
            admins = await access.all_admins(session)
    except Exception:
        log.exception("could not read the admins to tell them about an error")
        return
    for admin in admins:
        try:
            await context.bot.send_message(admin, texts.error_note_for_admins(kind, where))
        except TelegramError:
            log.warning("could not notify an admin about an error")
