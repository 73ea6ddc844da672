"""/paus: mute the weekly reminders (on leave), show whether they are on, turn them on again.

Private chats, reporters and admins only; anyone else gets the polite "for reporters" answer.
Each change claims the update's key in the same transaction as the change and its audit entry,
so a redelivered update changes nothing twice and gets no second reply. Buttons carry only
what to do; who presses is taken from the update and the role is looked up again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.error import BadRequest

from bot.botapi import markup_of
from bot.context import BotContext, update_key
from bot.domain.pause import FOREVER, pause_end, read_pause
from bot.handlers.common import lang_of_update, writing
from bot.render import callbacks, texts
from bot.render import reminders as render
from bot.render.keyboards import Keyboard
from bot.render.reporting import not_a_reporter
from bot.services import reminders
from bot.services.errors import Invalid, NotAllowed, ServiceError

T = TypeVar("T")
PATTERN = callbacks.pattern(render.ACTION)


async def _run(
    update: Update, context: BotContext, work: Callable[[AsyncSession], Awaitable[T]]
) -> T | None:
    """One service call in one transaction; a ServiceError becomes a polite answer."""
    lang = lang_of_update(update)
    try:
        async with writing(update, context) as session:
            return await work(session)
    except ServiceError as exc:
        if isinstance(exc, NotAllowed):
            text = not_a_reporter(lang)
        elif isinstance(exc, Invalid):
            text = render.pause_problem(exc.key, lang)
        else:
            text = texts.error_reply(lang)
        if update.callback_query is not None:
            await update.callback_query.answer(text[:190], show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(text)
        return None


async def _set(
    update: Update, context: BotContext, until: date | None, today: date
) -> reminders.PauseOutcome | None:
    user = update.effective_user
    assert user is not None
    services = context.services
    key, update_id = update_key(update), update.update_id
    return await _run(
        update,
        context,
        lambda s: reminders.set_pause(
            s,
            user.id,
            until,
            update_key=key,
            update_id=update_id,
            now=services.now(),
            today=today,
        ),
    )


async def pause_command(update: Update, context: BotContext) -> None:
    """/paus, /paus 2 veckor, /paus till 24/12, /paus tills vidare, /paus av."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    today = context.services.today()
    request = read_pause(" ".join(context.args or []), today)
    if request.kind in ("show", "problem"):
        state = await _run(
            update, context, lambda s: reminders.pause_status(s, user.id, today=today)
        )
        if state is None:
            return
        if request.kind == "problem":
            await message.reply_text(render.pause_problem(request.problem or "unclear", lang))
            return
        text, markup = render.pause_status(state, today, lang)
        await message.reply_text(text, reply_markup=markup_of(markup))
        return
    until = request.until if request.kind == "until" else None
    outcome = await _set(update, context, until, today)
    if outcome is None or outcome.kind == "duplicate":
        return
    await message.reply_text(render.pause_changed(outcome, today, lang))


async def pause_button(update: Update, context: BotContext) -> None:
    """The buttons under /paus: pu|w|N, pu|tv, pu|av."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = lang_of_update(update)
    today = context.services.today()
    request = callbacks.decode(query.data)
    until: date | None
    if request is None:
        await query.answer(texts.stale_button(lang), show_alert=True)
        return
    weeks = request.int_arg(1)
    if request.args[:1] == ("w",) and weeks is not None and weeks in render.PAUSE_WEEKS:
        until = pause_end(today, weeks, "week")
    elif request.args == ("tv",):
        until = FOREVER
    elif request.args == ("av",):
        until = None
    else:
        await query.answer(texts.stale_button(lang), show_alert=True)
        return
    outcome = await _set(update, context, until, today)
    if outcome is None:
        return
    await query.answer()
    if outcome.kind == "duplicate" or outcome.state is None:
        return
    text = render.pause_changed(outcome, today, lang)
    markup: Keyboard = render.pause_keyboard(outcome.state, lang)
    try:
        await query.edit_message_text(text, reply_markup=markup_of(markup))
    except BadRequest as exc:  # "message is not modified": the same button pressed twice
        if "not modified" not in str(exc).lower():
            raise
