"""Journeys every user shares: /start, /hjalp, buttons from old messages, the fallbacks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot.context import BotContext, update_key
from bot.render import callbacks, texts
from bot.services import people
from storage.activities import claim_update

Reply = dict[str, Any]  # a reply kept as data: sendMessage's chat_id, text, parse_mode, buttons


def reply_data(chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> Reply:
    """A reply as data, to be recorded with the change it confirms and sent after the commit."""
    return {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": ParseMode.HTML.value,
        "buttons": _buttons(markup) if markup is not None else None,
    }


def _buttons(markup: InlineKeyboardMarkup) -> list[list[dict[str, str]]]:
    # Plain fields, cheaper than to_dict() on every logged message; callback and link buttons.
    return [
        [
            {"text": b.text, "callback_data": b.callback_data}
            if isinstance(b.callback_data, str)
            else {"text": b.text, "url": b.url or ""}
            for b in row
        ]
        for row in markup.inline_keyboard
    ]


async def send_reply(bot: Bot, reply: Reply, markup: InlineKeyboardMarkup | None = None) -> None:
    """Send a reply kept as data (`markup`: its keyboard as an object, when still at hand)."""
    if markup is None and reply.get("buttons"):
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(**button) for button in row] for row in reply["buttons"]]
        )
    await bot.send_message(
        reply["chat_id"], reply["text"], parse_mode=reply.get("parse_mode"), reply_markup=markup
    )


class AlreadyHandled(Exception):
    """The update's key was claimed before: its change is made, nothing is written again."""


@asynccontextmanager
async def use_case(update: Update, context: BotContext) -> AsyncIterator[AsyncSession]:
    """The one transaction of a writing use case, with the update's key claimed first
    (`storage.activities.claim_update`, as the services that take an update key do). A second
    run of the same update (a retry, a redelivery) raises AlreadyHandled before anything is
    written, so a button, a toggle or an invite never acts twice."""
    services = context.services
    async with services.db.transaction() as session:
        if not await claim_update(session, update_key(update), update.update_id, services.now()):
            raise AlreadyHandled
        yield session


def lang_of_update(update: Update) -> texts.Lang:
    user = update.effective_user
    return texts.lang_of(user.language_code if user else None)


async def who(context: BotContext, user_id: int) -> people.Who:
    """The user's roles, looked up by numeric id in a short read."""
    async with context.services.db.read() as session:
        return await people.who_is(session, user_id)


async def start(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    person = await who(context, user.id)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.help_button(lang), callback_data=callbacks.encode("help"))]]
    )
    await message.reply_text(
        texts.welcome(person, user.first_name, lang),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
    )


async def help_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    person = await who(context, user.id)
    await message.reply_text(texts.help_text(person, lang), parse_mode=ParseMode.HTML)


async def help_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = lang_of_update(update)
    person = await who(context, user.id)
    await query.answer()
    if query.message is not None:
        await context.bot.send_message(
            query.message.chat.id, texts.help_text(person, lang), parse_mode=ParseMode.HTML
        )


async def stale_button(update: Update, context: BotContext) -> None:
    """Any button no other handler claimed: from an older version, or malformed."""
    query = update.callback_query
    if query is not None:
        await query.answer(texts.stale_button(lang_of_update(update)), show_alert=True)


async def unknown_command(update: Update, context: BotContext) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.unknown_command(lang_of_update(update)))


async def not_understood(update: Update, context: BotContext) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.not_understood(lang_of_update(update)))
