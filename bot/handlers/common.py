"""Journeys every user shares: /start, /hjalp, buttons from old messages, the fallbacks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, Update

from bot.botapi import markup_of
from bot.context import BotContext, update_key
from bot.render import callbacks, texts
from bot.render.keyboards import Button, Keyboard
from bot.services import access
from storage.activities import claim_update

# A reply kept as data: sendMessage's chat_id, text and buttons. Its text is HTML, sent with the
# bot's default parse mode; replies recorded by earlier versions also carry "parse_mode": "HTML".
Reply = dict[str, Any]
# What to say once the update's transaction has ended: decided inside it, sent after it.
Send = Callable[[], Awaitable[object]]


async def nothing() -> None:
    """Send nothing (a redelivery, a duplicate)."""


def reply_data(chat_id: int, text: str, markup: Keyboard | None = None) -> Reply:
    """A reply as data, to be recorded with the change it confirms and sent after the commit."""
    return {
        "chat_id": chat_id,
        "text": text,
        "buttons": markup.as_dicts() if markup is not None else None,
    }


async def send_reply(bot: Bot, reply: Reply, markup: Keyboard | None = None) -> None:
    """Send a reply kept as data (`markup`: its keyboard, when still at hand)."""
    if markup is None and reply.get("buttons"):
        markup = Keyboard([[Button(**button) for button in row] for row in reply["buttons"]])
    # A stored parse mode (older rows) is honoured; without one the bot's Defaults apply (HTML).
    # Never pass None: that would turn the default off and send the tags as text.
    options: dict[str, Any] = {"parse_mode": reply["parse_mode"]} if reply.get("parse_mode") else {}
    await bot.send_message(
        reply["chat_id"], reply["text"], reply_markup=markup_of(markup), **options
    )


class AlreadyHandled(Exception):
    """The update's key was claimed before: its change is made, nothing is written again."""


# --- the update's one session ----------------------------------------------------------------
#
# Each update is handled in one database session: it reads, decides and writes there, and the
# handler speaks to Telegram only after the block has ended (committed, or for a read closed).
# Three ways in, by what the use case does:
#   reading(update, context)   reads only;
#   writing(update, context)   writes what is safe to write twice, or claims the update's key
#                              itself (the services given `update_key`);
#   use_case(update, context)  writes, with the update's key claimed first by this mechanism.
# The chat's "last seen" note (`bot.handlers.citizen.note_seen`) is written in the same session;
# an update whose handler needs no session gets it written by a handler after the others.
# tests/e2e/test_one_transaction.py counts the transactions of every kind of update.


async def _note_seen(session: AsyncSession, context: BotContext) -> None:
    unit = context.unit
    if unit.seen_chat is None:
        return
    from bot.services.citizens import mark_seen, seen_long_ago

    now = context.services.now()
    if await seen_long_ago(session, unit.seen_chat, now):
        await mark_seen(session, unit.seen_chat, now)


@asynccontextmanager
async def reading(update: Update, context: BotContext) -> AsyncIterator[AsyncSession]:
    """The update's one session for a use case that only reads (no write lock on SQLite, unless
    the chat's "last seen" note is due: then a short write transaction)."""
    if context.unit.seen_chat is None:
        async with context.services.db.read() as session:
            await _note_seen(session, context)
            yield session
        return
    async with writing(update, context) as session:
        yield session


@asynccontextmanager
async def writing(update: Update, context: BotContext) -> AsyncIterator[AsyncSession]:
    """The update's one transaction for a use case that writes: commits when the block ends,
    rolls back on any exception (and the "last seen" note is then left to the late handler)."""
    async with context.services.db.transaction() as session:
        await _note_seen(session, context)
        yield session
    context.unit.seen_chat = None


@asynccontextmanager
async def use_case(update: Update, context: BotContext) -> AsyncIterator[AsyncSession]:
    """The one transaction of a writing use case, with the update's key claimed first
    (`storage.activities.claim_update`, as the services that take an update key do). A second
    run of the same update (a retry, a redelivery) raises AlreadyHandled before anything is
    written, so a button, a toggle or an invite never acts twice."""
    services = context.services
    async with writing(update, context) as session:
        if not await claim_update(session, update_key(update), update.update_id, services.now()):
            raise AlreadyHandled
        yield session


def lang_of_update(update: Update) -> texts.Lang:
    user = update.effective_user
    return texts.lang_of(user.language_code if user else None)


async def who(update: Update, context: BotContext, user_id: int) -> access.Who:
    """The user's roles, read in the update's one session (for handlers that need nothing
    else from the database)."""
    async with reading(update, context) as session:
        return await access.who_is(session, user_id)


async def start(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    person = await who(update, context, user.id)
    keyboard = Keyboard([[Button(texts.help_button(lang), callback_data=callbacks.encode("help"))]])
    await message.reply_text(
        texts.welcome(person, user.first_name, lang),
        reply_markup=markup_of(keyboard),
    )


async def help_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    person = await who(update, context, user.id)
    await message.reply_text(texts.help_text(person, lang))


async def help_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = lang_of_update(update)
    person = await who(update, context, user.id)
    await query.answer()
    if query.message is not None:
        await context.bot.send_message(query.message.chat.id, texts.help_text(person, lang))


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
