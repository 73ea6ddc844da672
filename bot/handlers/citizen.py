"""Citizen journeys: "hur går det?" in words or with /hurgardet and /loften, a focus area or a
pledge in detail, the chart, deep links, /kommun, /prenumerera, /avsluta, /tyck and /glom.

Works in private chats and, with privacy mode on, in groups: there the bot only sees commands
and messages that mention it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, MessageEntity, Update
from telegram.error import TelegramError
from telegram.ext import filters

from bot.botapi import markup_of
from bot.context import BotContext, update_key
from bot.domain.questions import Question, Topic
from bot.handlers.common import Send, lang_of_update, nothing, reading, writing
from bot.render import callbacks, texts
from bot.render import citizen as render
from bot.render.chart import render_chart
from bot.render.keyboards import Keyboard
from bot.render.texts import Lang
from bot.services import access, answers, citizens
from bot.services.answers import Overview
from bot.services.citizens import Place
from bot.services.errors import Invalid, NotFound
from bot.site.urls import pledge_url

log = logging.getLogger(__name__)
ACTIONS = ("co", "ca", "cp", "cc", "cm", "cs", "cf")
PATTERN = rf"^{callbacks.VERSION}\|(?:{'|'.join(ACTIONS)})(?:\|.*)?$"
PHOTO_MAX_ROWS = 25
FeedbackWork = Callable[[AsyncSession], Awaitable[citizens.FeedbackStep]]
DEEP_LINK = re.compile(r"^p_([0-9]{1,9})$")  # an id PostgreSQL's INTEGER can hold
QUESTION_CUES = re.compile(
    r"^\s*(?:hur|vad|vilka|vilken|vilket|när|har ni|har polisen|har kommunen|läget|status|"
    r"how|what|which|when|has|have|is|are)\b|hur går|lovat|löften|läget|\?\s*$",
    re.IGNORECASE,
)


def looks_like_a_question(text: str) -> bool:
    """For reporters: a message that asks something rather than reports something."""
    return bool(QUESTION_CUES.search(text))


class MentionsBot(filters.MessageFilter):
    """A group message that mentions this bot by @username."""

    def filter(self, message: Message) -> bool:
        username = message.get_bot().username
        if not username or not message.text:
            return False
        wanted = f"@{username}".lower()
        return any(
            message.parse_entity(e).lower() == wanted
            for e in message.entities
            if e.type == MessageEntity.MENTION
        )


async def _send(message: Message, pieces: list[str], markup: Keyboard | None) -> None:
    """Send one or more messages; buttons go under the last."""
    for n, piece in enumerate(pieces):
        last = n == len(pieces) - 1
        await message.reply_text(
            piece,
            reply_markup=markup_of(markup) if last else None,
            disable_web_page_preview=True,
        )


def _topics(view: Overview) -> list[Topic]:
    return [
        Topic(
            pledge_id=line.pledge_id,
            short_name=line.short_name,
            synonyms=line.synonyms,
            focus_area=line.focus_area,
            responsible=line.responsible.value,
            text=line.text,
        )
        for line in view.lines
    ]


async def answer(
    update: Update,
    context: BotContext,
    text: str,
    *,
    force: str | None = None,
    named: str = "",
) -> None:
    """Answer a question in words; `force` ("progress" or "pledges") and `named` (the
    command's argument, which must name a municipality) for the commands."""
    if update.effective_message is None:
        return
    # A write transaction: the municipality a question names is remembered for the chat.
    async with writing(update, context) as session:
        send = await answering(session, update, context, text, force=force, named=named)
    await send()


async def answering(
    session: AsyncSession,
    update: Update,
    context: BotContext,
    text: str,
    *,
    force: str | None = None,
    named: str = "",
) -> Send:
    """`answer` in the update's session: reads (and remembers the place named), and returns
    what to send once the session has ended."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    lang = lang_of_update(update)
    services = context.services
    today = services.today()
    asked = await citizens.ask(
        session,
        message.chat.id,
        user.id if user else None,
        text,
        named=named,
        cache=services.cache,
        update_key=update_key(update),
    )
    if asked.handled:
        return nothing  # a redelivery of a message that answered the bot: handled already
    place = asked.place
    view = await answers.overview(session, place.id, today) if place else None
    question = asked.question
    kind = force or question.kind
    if kind == "none" and force is None:
        return lambda: message.reply_text(render.no_question(lang))
    if asked.found.outside is not None:
        others = await citizens.places_with_pledges(session)
        reply, markup = render.no_pledges_in(asked.found.outside, asked.found.town, others, lang)
        return lambda: message.reply_text(reply, reply_markup=markup_of(markup))
    if place is None or view is None:
        places = await citizens.places(session, services.cache)
        choose, buttons = render.choose_place(places, lang, unknown=asked.found.unknown)
        return lambda: message.reply_text(choose, reply_markup=markup_of(buttons))
    if question.municipality and (asked.remembered is None or asked.remembered.id != place.id):
        await citizens.remember_place(session, message.chat.id, place.id, services.now())
    detailed = citizens.read_topics(text, asked, _topics(view))
    note = render.town_note(asked.found.town, place.name, lang) if asked.found.town else ""
    return await _view_reply(session, message, context, view, detailed, kind, lang, note=note)


def _with_note(note: str, pieces: list[str]) -> list[str]:
    if not note or not pieces:
        return pieces
    return [f"{note}\n\n{pieces[0]}", *pieces[1:]]


async def _view_reply(
    session: AsyncSession,
    message: Message,
    context: BotContext,
    view: Overview,
    question: Question,
    kind: str,
    lang: Lang,
    *,
    note: str = "",
) -> Send:
    services = context.services
    if question.missing_topic is not None:
        # No pledge is about what was asked: say so, and show what there is, never a card
        # found only through a word of some pledge's text.
        about = render.no_pledge_about(question.missing_topic, view.municipality, lang)
        note = f"{note} {about}".strip()
        question = dataclasses.replace(question, focus_area=None, pledge_ids=())
    if kind == "pledges":
        pieces = render.promised(view, lang, question.responsible)
        return lambda: _send(message, _with_note(note, pieces), None)
    if question.focus_area is not None:
        area = next((a for a in view.areas if a.name == question.focus_area), None)
        if area is not None:
            text, markup = render.area_view(view, area, lang)
            return lambda: _send(message, _with_note(note, [text]), markup)
    if len(question.pledge_ids) == 1:
        return await _pledge_reply(session, message, context, question.pledge_ids[0], lang, note)
    pieces, markup = render.overview(view, services.tz, lang, only=question.pledge_ids)
    return lambda: _send(message, _with_note(note, pieces), markup)


async def _pledge_reply(
    session: AsyncSession,
    message: Message,
    context: BotContext,
    pledge_id: int,
    lang: Lang,
    note: str = "",
) -> Send:
    today = context.services.today()
    try:
        detail = await answers.pledge_detail(session, pledge_id, today)
    except NotFound:
        return lambda: message.reply_text(render.no_such_pledge(lang))
    page = pledge_url(
        context.services.settings.site.public_url,
        detail.municipality_slug,
        detail.line.pledge_id,
        detail.line.short_name,
    )
    text, markup = render.pledge_view(detail, today, context.bot.username, lang, page_url=page)
    return lambda: _send(message, _with_note(note, [text]), markup)


async def _send_pledge(
    update: Update, context: BotContext, message: Message, pledge_id: int, lang: Lang
) -> None:
    async with reading(update, context) as session:
        send = await _pledge_reply(session, message, context, pledge_id, lang)
    await send()


# --- messages and commands ------------------------------------------------------------------


async def group_mention(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    username = context.bot.username or ""
    text = re.sub(rf"@{re.escape(username)}\b", " ", message.text, flags=re.IGNORECASE)
    await answer(update, context, text)


async def deep_link(update: Update, context: BotContext, payload: str) -> bool:
    """/start p_<id> from a shared link: the pledge's detail. False when not such a link."""
    match = DEEP_LINK.match(payload)
    message = update.effective_message
    if match is None or message is None:
        return False
    await _send_pledge(update, context, message, int(match.group(1)), lang_of_update(update))
    return True


def _args(context: BotContext) -> str:
    return " ".join(context.args or []).strip()


async def how_command(update: Update, context: BotContext) -> None:
    """/hurgardet [kommun]"""
    named = _args(context)
    await answer(update, context, named or "hur går det", force="progress", named=named)


async def pledges_command(update: Update, context: BotContext) -> None:
    """/loften [kommun]"""
    named = _args(context)
    await answer(update, context, named or "vilka löften", force="pledges", named=named)


async def _place_from_args(
    session: AsyncSession, update: Update, context: BotContext, *, fallback_to_chat: bool = True
) -> tuple[Place | None, Send]:
    """The municipality named in the command, else the chat's; when neither is known, None
    and the question which one to send."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    lang = lang_of_update(update)
    wanted = _args(context)
    places = await citizens.places(session, context.services.cache)
    if wanted:
        found = await citizens.find_place(session, wanted, context.services.cache)
        if found.place is not None:
            return found.place, nothing
        if found.outside is not None:
            others = await citizens.places_with_pledges(session)
            text, markup = render.no_pledges_in(found.outside, found.town, others, lang)
        else:
            text, markup = render.choose_place(places, lang, unknown=found.unknown)
        return None, lambda: message.reply_text(text, reply_markup=markup_of(markup))
    if fallback_to_chat:
        place = await citizens.chat_place(session, message.chat.id, user.id if user else None)
        if place is not None:
            return place, nothing
    text, markup = render.choose_place(places, lang)
    return None, lambda: message.reply_text(text, reply_markup=markup_of(markup))


async def place_command(update: Update, context: BotContext) -> None:
    """/kommun [namn]: remember the chat's municipality."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    async with writing(update, context) as session:
        place, send = await _place_from_args(session, update, context, fallback_to_chat=False)
        if place is not None:
            await citizens.remember_place(session, message.chat.id, place.id, services.now())
    if place is None:
        await send()
        return
    await message.reply_text(render.place_set(place, lang_of_update(update)))


async def subscribe_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    language = user.language_code if user else None
    async with writing(update, context) as session:
        place, send = await _place_from_args(session, update, context)
        if place is not None:
            send = await _subscribe(
                session, message, context, place, lang_of_update(update), language
            )
    await send()


async def _subscribe(
    session: AsyncSession,
    message: Message,
    context: BotContext,
    place: Place,
    lang: Lang,
    language: str | None,
) -> Send:
    now = context.services.now()
    new = await citizens.subscribe(session, message.chat.id, place.id, language, now)
    await citizens.remember_place(session, message.chat.id, place.id, now)
    text = render.subscribed(place, new, lang)
    return lambda: message.reply_text(text)


async def unsubscribe_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    lang = lang_of_update(update)
    wanted = _args(context)
    async with writing(update, context) as session:
        municipality_id = None
        if wanted:
            found = await citizens.find_place(session, wanted, context.services.cache)
            if found.place is not None:
                municipality_id = found.place.id
        names = await citizens.unsubscribe(session, message.chat.id, municipality_id)
    await message.reply_text(render.unsubscribed(names, lang))


async def feedback_command(update: Update, context: BotContext) -> None:
    """/tyck [text]: a synpunkt for the municipality's admins and the next medborgardialog.
    Without a text the next message is the synpunkt; without a municipality the text waits
    while the bot asks which one."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = context.services
    text = (message.text or "").partition(" ")[2]
    await _feedback_step(
        update,
        context,
        lambda session: citizens.start_feedback(
            session,
            chat_id=message.chat.id,
            user_id=user.id,
            text=text,
            update_key=update_key(update),
            update_id=update.update_id,
            now=services.now(),
        ),
    )


def _with_text(update: Update, context: BotContext) -> FeedbackWork:
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    services = context.services
    return lambda session: citizens.continue_feedback(
        session,
        chat_id=message.chat.id,
        user_id=user.id,
        text=message.text or "",
        update_key=update_key(update),
        update_id=update.update_id,
        now=services.now(),
        cache=services.cache,
    )


async def feedback_text(update: Update, context: BotContext) -> None:
    """A private message while a synpunkt waits: its text, or the name of its municipality."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    await _feedback_step(update, context, _with_text(update, context))


async def feedback_text_in(session: AsyncSession, update: Update, context: BotContext) -> Send:
    """`feedback_text` in the session of the private-chat router; Invalid is left to it
    (`feedback_refused`)."""
    return await _feedback_work(session, update, context, _with_text(update, context))


def feedback_refused(update: Update, exc: Invalid) -> Send:
    message = update.effective_message
    assert message is not None
    text = render.feedback_problem(exc.key, lang_of_update(update))
    return lambda: message.reply_text(text)


async def _feedback_step(update: Update, context: BotContext, work: FeedbackWork) -> None:
    """Run one step of a synpunkt in one transaction, then reply."""
    try:
        async with writing(update, context) as session:
            send = await _feedback_work(session, update, context, work)
    except Invalid as exc:
        send = feedback_refused(update, exc)
    await send()


async def _feedback_work(
    session: AsyncSession, update: Update, context: BotContext, work: FeedbackWork
) -> Send:
    step = await work(session)
    places = (
        await citizens.places(session, context.services.cache) if step.kind == "ask_place" else []
    )

    async def send() -> None:
        await _feedback_reply(update, context, step, places)

    return send


async def _feedback_reply(
    update: Update, context: BotContext, step: citizens.FeedbackStep, places: list[Place]
) -> None:
    message = update.effective_message
    assert message is not None
    lang = lang_of_update(update)
    if step.kind == "duplicate":
        return
    if step.kind == "gone":
        await message.reply_text(render.feedback_gone(lang))
        return
    if step.kind == "ask_text":
        await message.reply_text(render.feedback_ask_text(step.place, lang))
        return
    if step.kind == "ask_place":
        found = step.found
        text, markup = render.feedback_which_place(
            places,
            lang,
            unknown=found.unknown if found else None,
            outside=found.outside if found else None,
            added=step.added,
        )
        await message.reply_text(text, reply_markup=markup_of(markup))
        return
    saved = step.saved
    assert saved is not None
    for admin in saved.admins:
        try:
            await context.bot.send_message(
                admin,
                render.feedback_for_admins(
                    saved.municipality, saved.text, "en" if admin in saved.english_admins else "sv"
                ),
            )
        except TelegramError:
            log.warning("could not pass a synpunkt on to an admin")
    await message.reply_text(render.feedback_saved(saved.municipality, lang))


async def forget_command(update: Update, context: BotContext) -> None:
    """/glom: forget everything about this chat, at once."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    async with writing(update, context) as session:
        await citizens.forget_chat(session, message.chat.id)
        reporter = await access.is_reporter(session, user.id) if user else False
    await message.reply_text(render.forgotten(lang_of_update(update), reporter=reporter))


# --- last seen ------------------------------------------------------------------------------

SEEN_KEY = "citizens_seen"


async def note_seen(update: Update, context: BotContext) -> None:
    """Every message, edit and button press: keep `chat_settings.last_seen_at` fresh, so that
    retention counts a year of silence from the chat's last word. Checked once per chat and day
    in each process (remembered in `bot_data`), in the update's own session
    (`bot.handlers.common.reading`), and written only when the stored value is a day old."""
    chat = update.effective_chat
    if chat is None or (
        update.message is None and update.edited_message is None and update.callback_query is None
    ):
        return
    today = context.services.today()
    seen: tuple[date, set[int]] | None = context.bot_data.get(SEEN_KEY)
    day, chats = seen if seen is not None else (None, set[int]())
    if day != today:
        chats = set()
        context.bot_data[SEEN_KEY] = (today, chats)
    if chat.id in chats:
        return
    chats.add(chat.id)
    context.unit.seen_chat = chat.id


async def note_seen_left(update: Update, context: BotContext) -> None:
    """After the handlers: the "last seen" note when no handler opened a session for the
    update (or its transaction was rolled back); never stops the update from being handled."""
    chat_id = context.unit.seen_chat
    if chat_id is None:
        return
    try:
        async with writing(update, context):
            pass
    except Exception as exc:
        seen = context.bot_data.get(SEEN_KEY)
        if seen is not None:
            seen[1].discard(chat_id)
        log.warning("could not note when a chat was last seen: %s", type(exc).__name__)


# --- buttons ----------------------------------------------------------------------------------


async def button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = lang_of_update(update)
    request = callbacks.decode(query.data)
    target = request.int_arg(0) if request else None
    message = query.message if isinstance(query.message, Message) else None
    if request is None or target is None or message is None:
        await query.answer(texts.stale_button(lang), show_alert=True)
        return
    services = context.services
    today = services.today()
    if request.action == "cf":
        await query.answer()
        await _feedback_step(
            update,
            context,
            lambda session: citizens.continue_feedback(
                session,
                chat_id=message.chat.id,
                user_id=user.id,
                text="",
                update_key=update_key(update),
                update_id=update.update_id,
                now=services.now(),
                place_id=target,
            ),
        )
        return
    try:
        if request.action == "cp":
            await query.answer()
            await _send_pledge(update, context, message, target, lang)
            return
        if request.action == "ca":
            async with reading(update, context) as session:
                municipality_id = await answers.focus_area_municipality(session, target)
                if municipality_id is None:
                    raise NotFound("missing.focus_area", focus_area=target)
                view = await answers.overview(session, municipality_id, today)
            area = next((a for a in view.areas if a.id == target), None)
            if area is None:
                raise NotFound("missing.focus_area", focus_area=target)
            await query.answer()
            text, markup = render.area_view(view, area, lang)
            await _send(message, [text], markup)
            return
        one_session = writing if request.action in ("cs", "cm") else reading
        async with one_session(update, context) as session:
            place = await citizens.place_by_id(session, target)
            view = await answers.overview(session, target, today)
            send: Send = nothing
            if request.action == "cs":
                send = await _subscribe(session, message, context, place, lang, user.language_code)
            elif request.action == "cm":
                await citizens.remember_place(session, message.chat.id, place.id, services.now())
        if request.action == "cs":
            await query.answer()
            await send()
        elif request.action in ("cm", "co"):
            await query.answer()
            pieces, markup = render.overview(view, services.tz, lang)
            await _send(message, pieces, markup)
        elif request.action == "cc":
            await query.answer()
            await _send_chart(message, context, view, lang)
    except NotFound:
        await query.answer(texts.stale_button(lang), show_alert=True)


async def _send_chart(message: Message, context: BotContext, view: Overview, lang: Lang) -> None:
    rows = render.chart_rows(view, lang)
    if not rows:
        await message.reply_text(render.overview(view, context.services.tz, lang)[0][0])
        return
    title, subtitle, note = render.chart_title(view, lang)
    try:
        png = await asyncio.to_thread(render_chart, title, subtitle, rows, note=note, lang=lang)
    except Exception:
        log.exception("drawing a chart failed")
        await message.reply_text(render.chart_failed(lang))
        return
    caption = render.chart_caption(view, lang)
    if len(rows) > PHOTO_MAX_ROWS:
        # Telegram scales photos down to ~2560 px: a tall chart goes as a file to stay sharp.
        name = f"hur-gar-det-{view.municipality_id}.png"
        await message.reply_document(png, filename=name, caption=caption)
        return
    await message.reply_photo(png, caption=caption)
