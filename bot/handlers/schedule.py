"""/schema for admins: the posting schedule, approvals of drafts, and posts to settle.

Rights are looked up by numeric user id on every command and button press; a button's ids are
only a request.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.botapi import markup_of
from bot.context import BotContext, update_key
from bot.delivery import scheduler
from bot.handlers.common import (
    AlreadyHandled,
    Send,
    lang_of_update,
    reading,
    use_case,
)
from bot.render import callbacks, texts
from bot.render import report as report_render
from bot.render import schedule as render
from bot.render.admin import only_admins
from bot.render.messages import say
from bot.services import reporting
from bot.services import schedule as schedules
from bot.services.access import admin_places, require_admin
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.reports import ReportPeriod, previous_period
from storage.activities import claim_update

log = logging.getLogger(__name__)

PATTERN = rf"^{callbacks.VERSION}\|(?:sh|ap|pp)(?:\|.*)?$"


def _tick_soon(context: BotContext) -> None:
    """Run the scheduler shortly (a decision may have made a post due now)."""
    scheduler.tick_soon(context.application)


async def schedule_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    services = context.services
    async with reading(update, context) as session:
        places = await admin_places(session, user.id)
        if len(places) == 1:
            view = await schedules.view(session, user.id, places[0][0], services.now(), services.tz)
    if not places:
        await message.reply_text(only_admins(lang))
        return
    if len(places) == 1:
        text, markup = render.schedule_view(view, services.tz, lang)
    else:
        text, markup = render.pick_municipality(places, lang)
    await message.reply_text(text, reply_markup=markup_of(markup))


async def answer_in(
    session: AsyncSession,
    update: Update,
    context: BotContext,
    kind: str,
    payload: dict[str, object],
    text: str,
) -> Send:
    """A typed answer the bot asked for (the posting time, or a closing comment), in the
    transaction of the private-chat router that took the question: the answer is used up
    exactly when the change is made. Errors are left to the router (`answer_refused`), whose
    rollback keeps the question waiting."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    lang = lang_of_update(update)
    services = context.services
    if not await claim_update(session, update_key(update), update.update_id, services.now()):
        raise AlreadyHandled  # handled before: the router rolls back, the question stays
    if kind == "schedule_time":
        mid = int(str(payload["municipality_id"]))
        await require_admin(session, user.id, mid)
        await schedules.change(
            session,
            mid,
            now=services.now(),
            user_id=user.id,
            post_time=schedules.read_time(text),
        )
        view = await schedules.view(session, user.id, mid, services.now(), services.tz)
        reply, markup = render.schedule_view(view, services.tz, lang)

        async def send_view() -> None:
            await message.reply_text(reply, reply_markup=markup_of(markup))
            _reschedule(context)

        return send_view
    approval_id = int(str(payload["approval_id"]))
    name = await schedules.set_comment(session, user.id, approval_id, text, services.now())
    saved = render.comment_saved(name, lang)
    return lambda: message.reply_text(saved)


def answer_refused(update: Update, exc: Exception) -> Send | None:
    """What to say when `answer_in` refused the answer; None for errors not its own."""
    message = update.effective_message
    assert message is not None
    lang = lang_of_update(update)
    if isinstance(exc, (schedules.ScheduleError, Invalid)):
        text = say(exc, lang)
    elif isinstance(exc, (NotAllowed, NotFound)):
        text = only_admins(lang)
    else:
        return None
    return lambda: message.reply_text(text)


def _reschedule(context: BotContext) -> None:
    """Register the due-time jobs again after a change."""
    scheduler.reschedule(context.application)


async def button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = lang_of_update(update)
    request = callbacks.decode(query.data)
    first = request.int_arg(0) if request else None
    if request is None or first is None or len(request.args) < 2:
        await query.answer(texts.stale_button(lang), show_alert=True)
        return
    services = context.services
    now = services.now()
    action, step = request.action, request.args[1]
    try:
        if action == "sh":
            await _schedule_button(update, context, first, step, request.args[2:])
            return
        if action == "ap" and step == "c":
            async with use_case(update, context) as session:
                await schedules.approval_of(session, user.id, first)
                await reporting.expect(
                    session, user.id, "approval_comment", {"approval_id": first}, now=now
                )
            await query.answer()
            await context.bot.send_message(user.id, render.ask_comment(lang))
            return
        if action == "ap" and step in ("p", "s"):
            decision = "publish" if step == "p" else "skip"
            async with use_case(update, context) as session:
                name, key = await schedules.decide(session, user.id, first, decision, now)
            await query.answer()
            await query.edit_message_text(render.decided(decision, name, key, lang))
            _tick_soon(context)
            return
        if action == "pp" and step in ("y", "n"):
            async with use_case(update, context) as session:
                name, key = await schedules.settle_ambiguous(
                    session, user.id, first, step == "y", now
                )
            await query.answer()
            await query.edit_message_text(render.settled(step == "y", name, key, lang))
            if step == "n":
                _tick_soon(context)
            return
        await query.answer(texts.stale_button(lang), show_alert=True)
    except AlreadyHandled:
        await query.answer()  # handled before (a retry or a redelivery): done already
    except NotAllowed:
        await query.answer(only_admins(lang), show_alert=True)
    except (NotFound, Invalid, schedules.ScheduleError) as exc:
        text = texts.stale_button(lang)
        if isinstance(exc, (Invalid, schedules.ScheduleError)):
            text = say(exc, lang)
        await query.answer(text[:190], show_alert=True)


async def _schedule_button(
    update: Update, context: BotContext, mid: int, step: str, rest: tuple[str, ...]
) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    lang = lang_of_update(update)
    services = context.services
    now = services.now()
    if step == "t":
        async with use_case(update, context) as session:
            await require_admin(session, user.id, mid)
            await reporting.expect(
                session, user.id, "schedule_time", {"municipality_id": mid}, now=now
            )
        await query.answer()
        if query.message is not None:
            await context.bot.send_message(user.id, render.ask_time(lang))
        return
    if step == "p":
        async with reading(update, context) as session:
            await require_admin(session, user.id, mid)
            period: ReportPeriod = previous_period(services.today())
            from bot.services.reports import build_report

            draft = await build_report(session, mid, period, services.today())
        await query.answer()
        if query.message is not None:
            for part in report_render.telegram_messages(draft, lang):
                await context.bot.send_message(user.id, part)
        return
    async with use_case(update, context) as session:
        await require_admin(session, user.id, mid)
        changes: dict[str, tuple[object, object]] = {}
        # Every button says the state it sets ("approval on"), never "the other one": pressed
        # twice, or handled again, it sets the same.
        if step == "e" and rest and rest[0] in render.EVERY_CODES:
            _p, changes = await schedules.change(
                session, mid, now=now, user_id=user.id, every=render.EVERY_CODES[rest[0]]
            )
        elif step == "a" and rest and rest[0] in ("0", "1"):
            _p, changes = await schedules.change(
                session, mid, now=now, user_id=user.id, approval=rest[0] == "1"
            )
        elif step == "u" and rest and rest[0] in render.UNANSWERED_CODES:
            _p, changes = await schedules.change(
                session, mid, now=now, user_id=user.id, unanswered=render.UNANSWERED_CODES[rest[0]]
            )
        elif step == "h" and rest and rest[0].isdigit():
            _p, changes = await schedules.change(
                session, mid, now=now, user_id=user.id, approval_hours=int(rest[0])
            )
        elif step == "r" and rest and rest[0].isdigit():
            _p, changes = await schedules.change(
                session, mid, now=now, user_id=user.id, reminder_weeks=int(rest[0])
            )
        elif step != "v":
            raise NotFound("missing.choice")
        view = await schedules.view(session, user.id, mid, now, services.tz)
    await query.answer()
    text, markup = render.schedule_view(view, services.tz, lang)
    await query.edit_message_text(text, reply_markup=markup_of(markup))
    if changes:
        _reschedule(context)
