"""Reporter journeys: log from one message or a photo, pick among readings, /logga step by
step, fix entries (/angra, /mina and their buttons), and edits of the original message.

Each handler reads the update, calls one service in one short transaction, renders, replies.
Roles are checked inside the services, by numeric user id, on every message and press.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, Literal, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.context import RETRYING, BotContext, update_key
from bot.handlers import citizen
from bot.handlers.common import (
    Reply,
    lang_of_update,
    not_understood,
    reply_data,
    send_reply,
)
from bot.render import callbacks, texts
from bot.render import reporting as render
from bot.render.texts import Lang
from bot.services import people, reporting
from bot.services.citizens import FEEDBACK_STATES
from bot.services.errors import Invalid, NotAllowed, NotFound, ServiceError
from bot.services.reporting import Incoming, Outcome
from storage.activities import get_state, pending_reply, record_reply
from storage.people import active_memberships

T = TypeVar("T")
ACTIONS = (
    "un", "rs", "me", "dl", "mc", "sc", "cw", "md", "sd", "dw", "mp", "ci",
    "dp", "dx", "dm", "lg", "lk", "lc", "ld", "ls", "lx", "lq", "qm", "qn", "qd", "qx",
)  # fmt: skip
PATTERN = rf"^{callbacks.VERSION}\|(?:{'|'.join(ACTIONS)})(?:\|.*)?$"


def _problem_text(exc: ServiceError, lang: Lang) -> str:
    if isinstance(exc, NotAllowed):
        return render.not_a_reporter(lang)
    if isinstance(exc, NotFound):
        return render.not_found(lang)
    if isinstance(exc, Invalid):
        return render.problem(exc.detail, lang)
    return texts.error_reply(lang)


async def _run(
    update: Update, context: BotContext, work: Callable[[AsyncSession], Awaitable[T]]
) -> T | None:
    """Run one service call in one transaction; a ServiceError becomes a polite answer and
    everything the call wrote is rolled back."""
    lang = lang_of_update(update)
    try:
        async with context.services.db.transaction() as session:
            return await work(session)
    except ServiceError as exc:
        text = _problem_text(exc, lang)
        if update.callback_query is not None:
            await update.callback_query.answer(text[:190], show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(text)
        return None


def _hour(context: BotContext, message: Message) -> int:
    return message.date.astimezone(context.services.tz).hour


def _incoming(update: Update, context: BotContext, message: Message, text: str) -> Incoming:
    assert update.effective_user is not None
    photo = message.photo[-1].file_id if message.photo else None
    return Incoming(
        user_id=update.effective_user.id,
        chat_id=message.chat.id,
        message_id=message.message_id,
        text=text,
        update_key=update_key(update),
        update_id=update.update_id,
        photo_file_id=photo,
        hour=_hour(context, message),
    )


def _shown(
    outcome: Outcome, today: date, lang: Lang, *, photo: bool = False
) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """What to say about an outcome (nothing for a duplicate or a reroute)."""
    if outcome.kind in ("duplicate", "reroute"):
        return None
    markup: InlineKeyboardMarkup | None = None
    if outcome.kind in ("saved", "updated"):
        text, markup = render.saved(outcome, today, lang)
    elif outcome.kind in ("ask", "offer"):
        text, markup = render.choose(outcome, today, lang)
        if photo and (outcome.reading is None or not outcome.reading.text.strip()):
            text = render.photo_without_caption(lang) + "\n" + text
    elif outcome.kind == "gone":
        text = render.gone(lang)
    elif outcome.kind == "dropped":
        text = render.dropped(lang)
    else:
        text = render.problem(outcome.problem or "", lang)
    return text, markup


async def _use_case(
    update: Update,
    context: BotContext,
    message: Message,
    work: Callable[[AsyncSession], Awaitable[Outcome]],
    *,
    today: date,
    photo: bool = False,
    **notes: Any,
) -> Outcome | None:
    """Run a use case in one transaction and record its reply in that transaction; send the
    reply after the commit. A retry of an update whose change was made (the process died before
    the reply went out, or Telegram refused it) finds the key taken and sends the recorded
    reply; a redelivery stays silent."""
    lang = lang_of_update(update)
    key = update_key(update)
    reply: Reply | None = None
    markup: InlineKeyboardMarkup | None = None

    async def run(session: AsyncSession) -> Outcome:
        nonlocal reply, markup
        outcome = await work(session)
        if outcome.kind == "duplicate":
            if RETRYING.get():
                reply = await pending_reply(session, key)
            return outcome
        shown = _shown(outcome, today, lang, photo=photo)
        if shown is not None:
            reply, markup = reply_data(message.chat.id, *shown), shown[1]
            await record_reply(session, key, reply, **notes)
        return outcome

    outcome = await _run(update, context, run)
    if outcome is not None and reply is not None:
        await send_reply(context.bot, reply, markup)
    return outcome


# --- messages -----------------------------------------------------------------------------


async def private_text(update: Update, context: BotContext) -> None:
    """Any private text that is not a command: an answer the bot asked for, a report, or a
    question (from citizens, and from reporters when it reads as one)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = context.services
    text = message.text or ""
    # A reporter seen before: read the waiting question (if any) and log in one transaction;
    # anything unusual goes the long way below.
    known = services.cache.peek(("scope", user.id)) is not None
    if (
        known
        and not citizen.looks_like_a_question(text)
        and await _log(update, context, message, text, route=True)
    ):
        return
    async with services.db.read() as session:
        state = await get_state(session, user.id, services.now())
        is_reporter = bool(await active_memberships(session, user.id))
    if state is not None and state.kind == "list":
        from bot.handlers import team  # the admin journey collects lists

        await team.list_text(update, context)
        return
    if state is not None and state.kind in FEEDBACK_STATES:
        await citizen.feedback_text(update, context)
        return
    if state is not None:
        await _answer_expected(update, context, message)
        return
    if not is_reporter or citizen.looks_like_a_question(text):
        await citizen.answer(update, context, text)
        return
    await _log(update, context, message, text)


async def photo(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    async with context.services.db.read() as session:
        person = await people.who_is(session, user.id)
    if not person.is_reporter:
        await not_understood(update, context)
        return
    await _log(update, context, message, message.caption or "", photo=True)


async def _log(
    update: Update,
    context: BotContext,
    message: Message,
    text: str,
    *,
    photo: bool = False,
    route: bool = False,
) -> bool:
    """Log the message; False (nothing done) when `route` finds it is not a plain report."""
    services = context.services
    today = services.today()
    incoming = _incoming(update, context, message, text)
    outcome = await _use_case(
        update,
        context,
        message,
        lambda s: reporting.log_message(
            s, incoming, now=services.now(), today=today, cache=services.cache, route=route
        ),
        today=today,
        photo=photo,
    )
    return outcome is None or outcome.kind != "reroute"


async def edited(update: Update, context: BotContext) -> None:
    """An edited message: change the activity it created (never a second one)."""
    message, user = update.edited_message, update.effective_user
    if message is None or user is None:
        return
    async with context.services.db.read() as session:
        person = await people.who_is(session, user.id)
    if not person.is_reporter:
        return  # citizens' edits need no answer
    from bot.handlers import team  # an edit of a message that gave lines to a list

    if await team.list_edit(update, context):
        return
    services = context.services
    today = services.today()
    incoming = _incoming(update, context, message, message.text or message.caption or "")
    await _use_case(
        update,
        context,
        message,
        lambda s: reporting.log_message(
            s, incoming, now=services.now(), today=today, edited=True, cache=services.cache
        ),
        today=today,
    )


async def _answer_expected(update: Update, context: BotContext, message: Message) -> None:
    """The message answers the bot's question: a count, a day, a place, or a list."""
    user = update.effective_user
    assert user is not None
    services = context.services
    lang = lang_of_update(update)
    text = (message.text or "").strip()
    today = services.today()
    # A count, a day or a place: read and applied in one transaction with the question.
    outcome = await _use_case(
        update,
        context,
        message,
        lambda s: reporting.answer_expected(
            s,
            user.id,
            text,
            hour=_hour(context, message),
            update_key=update_key(update),
            update_id=update.update_id,
            now=services.now(),
            today=today,
        ),
        today=today,
        answer=True,  # an edit of this message is no new report
    )
    if outcome is None or outcome.kind != "reroute":
        return
    async with services.db.transaction() as session:
        expected = await reporting.take_expected(session, user.id, now=services.now())
    if expected is None:  # nothing waits (any more): a report, or a soft question dropped
        await private_text(update, context)
        return
    kind, payload = expected

    if kind in ("schedule_time", "approval_comment"):
        from bot.handlers import schedule  # the admins' schedule journey

        await schedule.answer(update, context, kind, payload, text)
        return
    if kind == "card_place":
        pledge_id = int(str(payload["pledge_id"]))
        count = int(str(payload["count"]))
        day = render.parse_day_code(str(payload["day"])) or today
        card_chat, card_id = int(str(payload["chat_id"])), int(str(payload["message_id"]))
        outcome = await _guided_save(
            update, context, pledge_id, count, day, text, card_chat, card_id
        )
        shown = None if outcome is None else _shown(outcome, today, lang)
        if shown is not None:
            await send_reply(context.bot, reply_data(message.chat.id, *shown))
        return

    # an unknown kind from a newer version: forgotten; read the message afresh
    await private_text(update, context)


async def _guided_save(
    update: Update,
    context: BotContext,
    pledge_id: int,
    count: int,
    day: date,
    place: str | None,
    chat_id: int,
    card_id: int,
) -> Outcome | None:
    user = update.effective_user
    assert user is not None
    services = context.services
    return await _run(
        update,
        context,
        lambda s: reporting.guided_save(
            s,
            user.id,
            pledge_id=pledge_id,
            count=count,
            day=day,
            place=place,
            chat_id=chat_id,
            card_message_id=card_id,
            update_key=update_key(update),
            update_id=update.update_id,
            now=services.now(),
            today=services.today(),
        ),
    )


# --- commands -----------------------------------------------------------------------------


async def undo_command(update: Update, context: BotContext) -> None:
    """/angra: undo the reporter's latest entry."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = context.services
    today = services.today()
    lang = lang_of_update(update)
    try:
        async with services.db.transaction() as session:
            outcome = await reporting.change(
                session,
                user.id,
                None,
                "delete",
                update_key=update_key(update),
                update_id=update.update_id,
                now=services.now(),
                today=today,
            )
    except NotFound:
        await message.reply_text(render.nothing_to_undo(lang))
        return
    except ServiceError as exc:
        await message.reply_text(_problem_text(exc, lang))
        return
    if outcome.kind == "duplicate" or outcome.entry is None:
        return
    text, markup = render.deleted(outcome.entry, today, lang)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def mine_command(update: Update, context: BotContext) -> None:
    """/mina: the reporter's latest entries, each with a button to change or delete it."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = context.services
    today = services.today()
    entries = await _run(update, context, lambda s: reporting.recent(s, user.id, today=today))
    if entries is None:
        return
    text, markup = render.recent(entries, today, lang_of_update(update))
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def log_command(update: Update, context: BotContext) -> None:
    """/logga: municipality → focus area → pledge → (count, day, place) → save."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    today = context.services.today()
    step = await _run(update, context, lambda s: reporting.guided_step(s, user.id, today=today))
    if step is None:
        return
    text, markup = render.guided(step, lang_of_update(update))
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


# --- buttons ------------------------------------------------------------------------------


async def _edit(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:  # "message is not modified": the same button pressed twice
        if "not modified" not in str(exc).lower():
            raise


async def _show(update: Update, outcome: Outcome, today: date, lang: Lang) -> None:
    """Show what a press on a draft's button led to, in place of the question."""
    if outcome.kind == "duplicate":
        return
    if outcome.kind in ("saved", "updated") and outcome.entry is not None:
        await _edit(update, *render.saved(outcome, today, lang))
    elif outcome.kind in ("ask", "offer"):
        await _edit(update, *render.choose(outcome, today, lang))
    elif outcome.kind == "dropped":
        await _edit(update, render.dropped(lang), None)
    elif outcome.kind == "problem":
        await _edit(update, render.problem(outcome.problem or "", lang), None)


async def button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    request = callbacks.decode(query.data)
    lang = lang_of_update(update)
    if request is None:
        await query.answer(texts.stale_button(lang), show_alert=True)
        return
    action, args = request.action, request.args
    nums = [request.int_arg(n) for n in range(len(args))]
    services = context.services
    today = services.today()
    key, update_id = update_key(update), update.update_id
    chat_id = query.message.chat.id if query.message is not None else user.id

    async def change(activity_id: int, what: reporting.Change, value: object = None) -> None:
        outcome = await _run(
            update,
            context,
            lambda s: reporting.change(
                s,
                user.id,
                activity_id,
                what,
                value=value,  # type: ignore[arg-type]
                update_key=key,
                update_id=update_id,
                now=services.now(),
                today=today,
            ),
        )
        if outcome is None:
            return
        await query.answer()
        if outcome.kind == "duplicate" or outcome.entry is None:
            return
        if outcome.kind == "gone":
            await _edit(update, render.gone(lang), None)
        elif what == "delete":
            await _edit(update, *render.deleted(outcome.entry, today, lang))
        else:
            await _edit(update, *render.saved(outcome, today, lang))

    async def expect(kind: str, payload: dict[str, object], prompt: str) -> None:
        done = await _run(
            update,
            context,
            lambda s: reporting.expect(s, user.id, kind, payload, now=services.now()),
        )
        if done:
            await query.answer()
            await context.bot.send_message(chat_id, prompt)

    first = nums[0] if nums else None
    if action in ("un", "dl", "rs", "me", "mc", "md", "mp", "cw", "dw", "sc", "sd", "ci"):
        if first is None:
            await query.answer(texts.stale_button(lang), show_alert=True)
            return
        if action in ("un", "dl"):
            await change(first, "delete")
        elif action == "rs":
            await change(first, "restore")
        elif action == "sc" and len(nums) > 1 and nums[1] is not None:
            await change(first, "count", nums[1])
        elif action == "sd" and len(args) > 1 and render.parse_day_code(args[1]):
            await change(first, "day", render.parse_day_code(args[1]))
        elif action == "ci" and len(nums) > 1 and nums[1] is not None:
            await change(first, "item", nums[1])
        elif action == "me":
            entry = await _run(
                update, context, lambda s: reporting.entry(s, user.id, first, today=today)
            )
            if entry is not None:
                await query.answer()
                await _edit(update, *render.entry_view(entry, today, lang))
        elif action in ("mc", "md"):
            keyboard: Literal["count", "day"] = "count" if action == "mc" else "day"
            entry = await _run(
                update,
                context,
                lambda s: reporting.entry_keyboard(
                    s, user.id, first, keyboard, now=services.now(), today=today
                ),
            )
            if entry is not None:
                await query.answer()
                picker = (
                    render.count_picker(first, lang)
                    if action == "mc"
                    else render.date_picker(first, today, lang)
                )
                await _edit(update, *picker)
        elif action in ("cw", "dw", "mp"):
            kind = {"cw": "count", "dw": "day", "mp": "place"}[action]
            prompt = {
                "count": render.ask_count,
                "day": render.ask_date,
                "place": render.ask_place,
            }[kind](lang)
            await expect(kind, {"activity_id": first}, prompt)
        else:
            await query.answer(texts.stale_button(lang), show_alert=True)
        return

    if action in ("dp", "dx"):
        target = nums[1] if len(nums) > 1 else None
        if first is None or target is None:
            await query.answer(texts.stale_button(lang), show_alert=True)
            return
        draft_id: int = first
        outcome = await _run(
            update,
            context,
            lambda s: reporting.pick(
                s,
                user.id,
                draft_id,
                pledge_id=target if action == "dp" else None,
                municipality_id=target if action == "dx" else None,
                update_key=key,
                update_id=update_id,
                now=services.now(),
                today=today,
            ),
        )
        if outcome is None:
            return
        await query.answer()
        await _show(update, outcome, today, lang)
        return

    if action in ("qm", "qn", "qd", "qx"):
        value: int | date | None = nums[1] if len(nums) > 1 else None
        if action == "qd":
            value = render.parse_day_code(args[1]) if len(args) > 1 else None
        if first is None or (action != "qx" and value is None):
            await query.answer(texts.stale_button(lang), show_alert=True)
            return
        answers: dict[str, reporting.Answer] = {
            "qm": "municipality", "qn": "count", "qd": "day", "qx": "drop"
        }  # fmt: skip
        what = answers[action]
        draft = first
        outcome = await _run(
            update,
            context,
            lambda s: reporting.answer_draft(
                s,
                user.id,
                draft,
                what,
                value=value,
                update_key=key,
                update_id=update_id,
                now=services.now(),
                today=today,
            ),
        )
        if outcome is None:
            return
        await query.answer()
        await _show(update, outcome, today, lang)
        return

    if action == "dm":
        municipality_id = nums[1] if len(nums) > 1 else None
        if first is None or municipality_id is None:
            await query.answer(texts.stale_button(lang), show_alert=True)
            return
        draft_id = first
        options = await _run(
            update,
            context,
            lambda s: reporting.offer_municipality(
                s, user.id, draft_id, municipality_id, today=today
            ),
        )
        if options is not None:
            await query.answer()
            await _edit(
                update, *render.municipality_pledges(draft_id, municipality_id, options, lang)
            )
        return

    await _guided_button(update, context, action, args, nums)


async def _guided_button(
    update: Update,
    context: BotContext,
    action: str,
    args: tuple[str, ...],
    nums: list[int | None],
) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    lang = lang_of_update(update)
    services = context.services
    today = services.today()

    if action == "lq":
        await query.answer()
        await _edit(update, render.cancelled(lang), None)
        return
    if action == "lg":
        step_kind = args[0] if args else ""
        target = nums[1] if len(nums) > 1 else None
        if target is None or step_kind not in ("m", "f", "p"):
            await query.answer(texts.stale_button(lang), show_alert=True)
            return
        if step_kind == "p":
            card = await _run(
                update,
                context,
                lambda s: reporting.guided_card(s, user.id, target, 1, today, today=today),
            )
            if card is not None:
                await query.answer()
                await _edit(update, *render.card(card, today, lang))
            return
        step = await _run(
            update,
            context,
            lambda s: reporting.guided_step(
                s,
                user.id,
                today=today,
                municipality_id=target if step_kind == "m" else None,
                focus_area_id=target if step_kind == "f" else None,
            ),
        )
        if step is not None:
            await query.answer()
            await _edit(update, *render.guided(step, lang))
        return

    # The card: lk (show), lc (count keyboard), ld (day keyboard), ls (save), lx (place, save)
    pledge_id = nums[0] if nums else None
    count = nums[1] if len(nums) > 1 else None
    day = render.parse_day_code(args[2]) if len(args) > 2 else None
    if pledge_id is None or count is None or day is None:
        await query.answer(texts.stale_button(lang), show_alert=True)
        return
    card = await _run(
        update,
        context,
        lambda s: reporting.guided_card(s, user.id, pledge_id, count, day, today=today),
    )
    if card is None:
        return
    if action == "lk":
        await query.answer()
        await _edit(update, *render.card(card, today, lang))
    elif action == "lc":
        await query.answer()
        await _edit(update, *render.card_count(card, lang))
    elif action == "ld":
        await query.answer()
        await _edit(update, *render.card_date(card, today, lang))
    elif action == "lx" and query.message is not None:
        payload: dict[str, object] = {
            "pledge_id": pledge_id,
            "count": count,
            "day": render.day_code(day),
            "chat_id": query.message.chat.id,
            "message_id": query.message.message_id,
        }
        done = await _run(
            update,
            context,
            lambda s: reporting.expect(s, user.id, "card_place", payload, now=services.now()),
        )
        if done:
            await query.answer()
            await context.bot.send_message(query.message.chat.id, render.ask_place(lang))
    elif action == "ls" and query.message is not None:
        chat_id, card_id = query.message.chat.id, query.message.message_id
        outcome = await _guided_save(update, context, pledge_id, count, day, None, chat_id, card_id)
        if outcome is None:
            return
        await query.answer()
        if outcome.kind == "saved":
            await _edit(update, *render.saved(outcome, today, lang))
    else:
        await query.answer(texts.stale_button(lang), show_alert=True)
