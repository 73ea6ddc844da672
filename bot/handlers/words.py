"""/ord: admins see the words the bot learnt from reporters' picks, and remove wrong ones."""

from __future__ import annotations

from telegram import Update

from bot.botapi import markup_of
from bot.context import BotContext
from bot.handlers.common import AlreadyHandled, lang_of_update, reading, use_case
from bot.render import callbacks, texts
from bot.render import words as render
from bot.services import words
from bot.services.errors import NotAllowed, NotFound

PATTERN = callbacks.pattern("wr")


async def words_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    try:
        async with reading(update, context) as session:
            found = await words.learnt_words(session, user.id)
    except NotAllowed:
        await message.reply_text(render.only_admins(lang))
        return
    text, markup = render.learnt(found, lang)
    await message.reply_text(text, reply_markup=markup_of(markup))


async def button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = lang_of_update(update)
    request = callbacks.decode(query.data)
    pledge_id = request.int_arg(0) if request is not None else None
    index = request.int_arg(1) if request is not None else None
    if pledge_id is None or index is None:
        await query.answer(texts.stale_button(lang), show_alert=True)
        return
    services = context.services
    try:
        async with use_case(update, context) as session:
            word = await words.forget_word(session, user.id, pledge_id, index, now=services.now())
            remaining = await words.learnt_words(session, user.id)
    except AlreadyHandled:
        await query.answer()  # forgotten the first time this press was handled
        return
    except NotAllowed:
        await query.answer(render.only_admins(lang), show_alert=True)
        return
    except NotFound:
        await query.answer(render.gone(lang), show_alert=True)
        return
    await query.answer(render.forgotten(word, lang)[:190])
    text, markup = render.learnt(remaining, lang)
    await query.edit_message_text(
        render.forgotten(word, lang) + "\n\n" + text, reply_markup=markup_of(markup)
    )
