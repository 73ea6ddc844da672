"""Reporter journeys: log from one message or a photo, pick among readings, /logga step by
step, fix entries (/angra, /mina and their buttons), and edits of the original message.

Each handler reads the update, calls one service in one short transaction, renders, replies.
Roles are checked inside the services, by numeric user id, on every message and press.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.error import BadRequest

from bot.botapi import markup_of
from bot.context import RETRYING, BotContext, update_key
from bot.handlers import citizen
from bot.handlers.common import (
    AlreadyHandled,
    Reply,
    Send,
    lang_of_update,
    not_understood,
    nothing,
    reply_data,
    send_reply,
    writing,
)
from bot.render import callbacks, texts
from bot.render import reporting as render
from bot.render.keyboards import Keyboard
from bot.render.texts import Lang
from bot.services import access, pending_import, reporting
from bot.services.citizens import FEEDBACK_STATES
from bot.services.errors import Invalid, NotAllowed, NotFound, ServiceError
from bot.services.reporting import Incoming, Outcome
from storage.activities import claim_update, get_state, pending_reply, record_reply

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
        return render.problem(exc.key, lang)
    return texts.error_reply(lang)


async def _run(
    update: Update, context: BotContext, work: Callable[[AsyncSession], Awaitable[T]]
) -> T | None:
    """Run one service call in the update's one transaction; a ServiceError becomes a polite
    answer and everything the call wrote is rolled back."""
    try:
        async with writing(update, context) as session:
            return await work(session)
    except ServiceError as exc:
        await _problem(update, exc)()
        return None


def _problem(update: Update, exc: ServiceError) -> Send:
    text = _problem_text(exc, lang_of_update(update))
    if update.callback_query is not None:
        query = update.callback_query
        return lambda: query.answer(text[:190], show_alert=True)
    message = update.effective_message
    if message is None:
        return nothing
    return lambda: message.reply_text(text)


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
) -> tuple[str, Keyboard | None] | None:
    """What to say about an outcome (nothing for a duplicate or a reroute)."""
    if outcome.kind in ("duplicate", "reroute"):
        return None
    markup: Keyboard | None = None
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
    reply after the commit (see `_recorded`)."""
    done = await _run(
        update,
        context,
        lambda s: _recorded(
            s,
            update,
            message,
            work,
            today=today,
            now=context.services.now(),
            photo=photo,
            **notes,
        ),
    )
    if done is None:
        return None
    outcome, send = done
    await send()
    return outcome


async def _recorded(
    session: AsyncSession,
    update: Update,
    message: Message,
    work: Callable[[AsyncSession], Awaitable[Outcome]],
    *,
    today: date,
    now: datetime,
    photo: bool = False,
    **notes: Any,
) -> tuple[Outcome, Send]:
    """In the update's transaction: run the use case and record its reply with it; the reply
    is sent after the commit. A retry of an update whose change was made (the process died
    before the reply went out, or Telegram refused it) finds the key taken and sends the
    recorded reply; a redelivery stays silent."""
    lang = lang_of_update(update)
    key = update_key(update)
    reply: Reply | None = None
    markup: Keyboard | None = None
    outcome = await work(session)
    if outcome.kind == "duplicate":
        if RETRYING.get():
            reply = await pending_reply(session, key)
    else:
        shown = _shown(outcome, today, lang, photo=photo)
        if shown is not None:
            reply, markup = reply_data(message.chat.id, *shown), shown[1]
        if outcome.unclaimed:
            # The use case left the key to be claimed here, with its reply: one row (SQLite,
            # whose write lock this transaction holds since it began, so the key read as free
            # is free). Found taken all the same: nothing of this is kept.
            payload = None if reply is None else {"reply": reply, **notes}
            if not await claim_update(session, key, update.update_id, now, payload=payload):
                raise AlreadyHandled
        elif reply is not None:
            await record_reply(session, key, reply, **notes)
    if reply is None:
        return outcome, nothing
    recorded = reply
    return outcome, lambda: send_reply(message.get_bot(), recorded, markup)


# --- messages -----------------------------------------------------------------------------


async def private_text(update: Update, context: BotContext) -> None:
    """Any private text that is not a command: an answer the bot asked for, a report, or a
    question (from citizens, and from reporters when it reads as one).

    The private-chat router: the waiting question, the user's roles and the journey the text
    belongs to are read, and the journey's change made, in the update's one transaction; what
    to say is sent after it. A refusal rolls the whole transaction back (a question taken
    stays waiting)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    journey: list[str] = ["report"]
    try:
        async with writing(update, context) as session:
            send = await _route(session, update, context, message, journey)
    except Exception as exc:
        send = _refused(update, journey[0], exc)
    await send()


def _refused(update: Update, journey: str, exc: Exception) -> Send:
    """What to say when the journey a text took refused it (the transaction rolled back)."""
    from bot.handlers import schedule, team

    if isinstance(exc, AlreadyHandled):
        return nothing  # handled before (a retry, a redelivery): nothing taken, nothing said
    if journey == "list" and isinstance(exc, ServiceError):
        return team.list_refused(update, exc)
    if journey == "feedback" and isinstance(exc, Invalid):
        return citizen.feedback_refused(update, exc)
    if journey == "schedule" and (send := schedule.answer_refused(update, exc)) is not None:
        return send
    if journey in ("report", "card_place") and isinstance(exc, ServiceError):
        return _problem(update, exc)
    raise exc


async def _route(
    session: AsyncSession,
    update: Update,
    context: BotContext,
    message: Message,
    journey: list[str],
) -> Send:
    """Decide and do, in the router's session; `journey[0]` names the path taken."""
    services = context.services
    user = update.effective_user
    assert user is not None
    text = message.text or ""
    question = citizen.looks_like_a_question(text)
    # A reporter seen before: read the waiting question (if any) and log in one go; anything
    # unusual goes the long way below.
    if services.cache.peek(("scope", user.id)) is not None and not question:
        outcome, send = await _log_in(session, update, context, message, text, route=True)
        if outcome.kind != "reroute":
            return send
    state = await get_state(session, user.id, services.now())
    if state is not None and state.kind == pending_import.KIND:
        state = None  # a waiting import is answered by its buttons, never by a message
    if state is not None and state.kind == "list":
        from bot.handlers import team  # the admin journey collects lists

        journey[0] = "list"
        return await team.list_text_in(session, update, context)
    if state is not None and state.kind in FEEDBACK_STATES:
        journey[0] = "feedback"
        return await citizen.feedback_text_in(session, update, context)
    if state is not None:
        answered = await _answer_expected_in(session, update, context, message, journey)
        if answered is not None:
            return answered
        journey[0] = "report"  # nothing waits (any more): read the message afresh
    if question or not await access.is_reporter(session, user.id):
        journey[0] = "question"
        return await citizen.answering(session, update, context, text)
    _outcome, send = await _log_in(session, update, context, message, text)
    return send


async def photo(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = context.services
    today = services.today()
    incoming = _incoming(update, context, message, message.caption or "")

    async def work(session: AsyncSession) -> Outcome:
        if not await access.is_reporter(session, incoming.user_id):
            return Outcome("reroute")  # not a reporter: no report, and not understood
        return await reporting.log_message(
            session, incoming, now=services.now(), today=today, cache=services.cache
        )

    outcome = await _use_case(update, context, message, work, today=today, photo=True)
    if outcome is not None and outcome.kind == "reroute":
        await not_understood(update, context)


async def _log_in(
    session: AsyncSession,
    update: Update,
    context: BotContext,
    message: Message,
    text: str,
    *,
    route: bool = False,
) -> tuple[Outcome, Send]:
    """Log the message in the router's session; "reroute" (nothing done) when `route` finds
    it is not a plain report."""
    services = context.services
    today = services.today()
    incoming = _incoming(update, context, message, text)
    return await _recorded(
        session,
        update,
        message,
        lambda s: reporting.log_message(
            s, incoming, now=services.now(), today=today, cache=services.cache, route=route
        ),
        today=today,
        now=services.now(),
    )


async def edited(update: Update, context: BotContext) -> None:
    """An edited message: change the activity it created (never a second one)."""
    message, user = update.edited_message, update.effective_user
    if message is None or user is None:
        return
    from bot.handlers import team  # an edit of a message that gave lines to a list

    services = context.services
    today = services.today()
    incoming = _incoming(update, context, message, message.text or message.caption or "")
    journey = "list"
    try:
        async with writing(update, context) as session:
            if not await access.is_reporter(session, user.id):
                return  # citizens' edits need no answer
            send = await team.list_edit_in(session, update, context)
            if send is None:
                journey = "report"
                _outcome, send = await _recorded(
                    session,
                    update,
                    message,
                    lambda s: reporting.log_message(
                        s,
                        incoming,
                        now=services.now(),
                        today=today,
                        edited=True,
                        cache=services.cache,
                    ),
                    today=today,
                    now=services.now(),
                )
    except ServiceError as exc:
        send = team.list_refused(update, exc) if journey == "list" else _problem(update, exc)
    await send()


async def _answer_expected_in(
    session: AsyncSession,
    update: Update,
    context: BotContext,
    message: Message,
    journey: list[str],
) -> Send | None:
    """The message answers the bot's question: a count, a day, a place, or a time or comment
    for /schema; read and applied in the router's transaction, with the question. None when
    nothing waits any more (the message is then read afresh)."""
    user = update.effective_user
    assert user is not None
    services = context.services
    lang = lang_of_update(update)
    text = (message.text or "").strip()
    today = services.today()
    outcome, send = await _recorded(
        session,
        update,
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
        now=services.now(),
        answer=True,  # an edit of this message is no new report
    )
    if outcome.kind != "reroute":
        return send
    expected = await reporting.take_expected(session, user.id, now=services.now())
    if expected is None:  # nothing waits (any more): a report, or a soft question dropped
        return None
    kind, payload = expected
    if kind in ("schedule_time", "approval_comment"):
        from bot.handlers import schedule  # the admins' schedule journey

        journey[0] = "schedule"
        return await schedule.answer_in(session, update, context, kind, payload, text)
    if kind == "card_place":
        journey[0] = "card_place"
        pledge_id = int(str(payload["pledge_id"]))
        count = int(str(payload["count"]))
        day = render.parse_day_code(str(payload["day"])) or today
        card_chat, card_id = int(str(payload["chat_id"])), int(str(payload["message_id"]))
        saved = await reporting.guided_save(
            session,
            user.id,
            pledge_id=pledge_id,
            count=count,
            day=day,
            place=text,
            chat_id=card_chat,
            card_message_id=card_id,
            update_key=update_key(update),
            update_id=update.update_id,
            now=services.now(),
            today=services.today(),
        )
        shown = _shown(saved, today, lang)
        if shown is None:
            return nothing
        reply = reply_data(message.chat.id, *shown)
        return lambda: send_reply(message.get_bot(), reply)
    return None  # an unknown kind from a newer version: forgotten; read the message afresh


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
        async with writing(update, context) as session:
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
    await message.reply_text(text, reply_markup=markup_of(markup))


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
    await message.reply_text(text, reply_markup=markup_of(markup))


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
    await message.reply_text(text, reply_markup=markup_of(markup))


# --- buttons ------------------------------------------------------------------------------


async def _edit(update: Update, text: str, markup: Keyboard | None) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(text, reply_markup=markup_of(markup))
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
    card_message = query.message
    payload: dict[str, object] = {}
    if card_message is not None:
        payload = {
            "pledge_id": pledge_id,
            "count": count,
            "day": render.day_code(day),
            "chat_id": card_message.chat.id,
            "message_id": card_message.message_id,
        }

    async def work(s: AsyncSession) -> tuple[reporting.Card, Outcome | None]:
        """The card, and for "lx" and "ls" their change, in the press's one transaction."""
        card = await reporting.guided_card(s, user.id, pledge_id, count, day, today=today)
        if card_message is None:
            return card, None
        if action == "lx":
            await reporting.expect(s, user.id, "card_place", payload, now=services.now())
        elif action == "ls":
            saved = await reporting.guided_save(
                s,
                user.id,
                pledge_id=pledge_id,
                count=count,
                day=day,
                place=None,
                chat_id=card_message.chat.id,
                card_message_id=card_message.message_id,
                update_key=update_key(update),
                update_id=update.update_id,
                now=services.now(),
                today=services.today(),
            )
            return card, saved
        return card, None

    done = await _run(update, context, work)
    if done is None:
        return
    card, outcome = done
    if action == "lk":
        await query.answer()
        await _edit(update, *render.card(card, today, lang))
    elif action == "lc":
        await query.answer()
        await _edit(update, *render.card_count(card, lang))
    elif action == "ld":
        await query.answer()
        await _edit(update, *render.card_date(card, today, lang))
    elif action == "lx" and card_message is not None:
        await query.answer()
        await context.bot.send_message(card_message.chat.id, render.ask_place(lang))
    elif action == "ls" and card_message is not None:
        assert outcome is not None
        await query.answer()
        if outcome.kind == "saved":
            await _edit(update, *render.saved(outcome, today, lang))
    else:
        await query.answer(texts.stale_button(lang), show_alert=True)
