"""Admin journeys: import a promise page from the chat, rename a pledge's short name.

An import is shown before anything is written; the document waits in the admin's dialogue
state (`bot.services.pending_import`, in the database) under a random token until "Importera"
or "Avbryt". The admin role is checked again on every press.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.botapi import markup_of
from bot.context import BotContext
from bot.domain.pages import MAX_PAGE_BYTES
from bot.handlers.common import AlreadyHandled, lang_of_update, reading, use_case, who
from bot.render import admin as render
from bot.render import callbacks, texts
from bot.render.catalogue import reading_summary
from bot.render.messages import say
from bot.render.texts import Lang
from bot.services import access, catalogue
from bot.services import pending_import as waiting_import
from bot.services.errors import ServiceError
from bot.services.importing import (
    NEW_PLEDGE,
    FollowUpPlan,
    ImportFailed,
    import_document,
    plan_follow_up,
    read_source_off_loop,
)

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".text")
PASTED_PAGE_MIN_CHARS = 400
MAX_CHANGE_BUTTONS = 12
MAX_CHOICES = 20


def looks_like_a_page(text: str) -> bool:
    """A pasted promise page: long, several lines, and it promises something."""
    lowered = text.lower()
    return (
        len(text) >= PASTED_PAGE_MIN_CHARS
        and text.count("\n") >= 3
        and ("lovar" in lowered or "medborgarlöfte" in lowered)
    )


async def document_received(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.document is None:
        return
    from bot.handlers.team import list_awaited, list_document

    async with reading(update, context) as session:
        listing = await list_awaited(session, context, user.id)
        person = await access.who_is(session, user.id)
    if listing:
        await list_document(update, context)
        return
    lang = lang_of_update(update)
    if not person.is_admin:
        await message.reply_text(render.only_admins_import(lang))
        return
    document = message.document
    name = document.file_name or "sida.txt"
    if not name.lower().endswith(PAGE_SUFFIXES):
        await message.reply_text(render.wrong_file_type(lang))
        return
    if document.file_size is not None and document.file_size > MAX_PAGE_BYTES:
        await message.reply_text(render.file_too_large(lang, MAX_PAGE_BYTES))
        return
    try:
        file = await context.bot.get_file(document.file_id)
        content = bytes(await file.download_as_bytearray())
    except TelegramError:
        await message.reply_text(render.download_failed(lang))
        return
    await _preview(update, context, content, name, person.admin_in)


async def pasted_page(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return
    person = await who(update, context, user.id)
    if not person.is_admin:
        # Not an admin: treat it as any other message.
        await message.reply_text(texts.not_understood(lang_of_update(update)))
        return
    await _preview(update, context, message.text, "inklistrad text", person.admin_in)


async def _preview(
    update: Update,
    context: BotContext,
    content: bytes | str,
    source: str,
    admin_in: tuple[str, ...],
) -> None:
    message = update.effective_message
    assert message is not None
    lang = lang_of_update(update)
    try:
        reading = await read_source_off_loop(content, source=source, today=context.services.today())
    except ImportFailed as exc:
        await message.reply_text(render.cannot_read(lang, say(exc, lang)))
        return
    document = reading.to_json()
    if document["municipality"] not in admin_in:
        await message.reply_text(render.not_admin_for(lang, document["municipality"]))
        return
    if not (document.get("period") or {}).get("start") and not (
        document.get("kind") == "follow_up" and document.get("reported_period")
    ):
        # Nothing can be imported without a period; say how to give one instead of guessing.
        await message.reply_text(
            render.preview_without_period(document, lang),
        )
        return
    plan: FollowUpPlan | None = None
    if document.get("kind") == "follow_up":
        try:
            async with context.services.db.read() as session:
                plan = await plan_follow_up(session, document)
        except ImportFailed as exc:
            await message.reply_text(render.cannot_read(lang, say(exc, lang)))
            return
    user = update.effective_user
    assert user is not None
    try:
        async with use_case(update, context) as session:
            pending = await waiting_import.keep(
                session, user.id, document, now=context.services.now()
            )
    except AlreadyHandled:
        return  # this message was previewed before; its preview is the one waiting
    token = pending.token
    if plan is not None:
        summary = render.follow_up_preview(document, plan, lang)
    else:
        summary = reading_summary(document, lang)
    await message.reply_text(summary, reply_markup=markup_of(_preview_keyboard(token, plan, lang)))


def _preview_keyboard(token: str, plan: FollowUpPlan | None, lang: Lang) -> InlineKeyboardMarkup:
    """Importera / Avbryt, and for a follow-up one "Ändra" per result whose place is unsure."""
    rows = [
        [
            InlineKeyboardButton(
                render.import_button(lang), callback_data=callbacks.encode("imp", "ok", token)
            ),
            InlineKeyboardButton(
                render.cancel_button(lang), callback_data=callbacks.encode("imp", "no", token)
            ),
        ]
    ]
    if plan is not None and plan.target is not None:
        changeable = [i for i, p in enumerate(plan.pledges) if not p.sure or p.chosen]
        for index in changeable[:MAX_CHANGE_BUTTONS]:
            rows.append(
                [
                    InlineKeyboardButton(
                        render.change_button(plan.pledges[index].name, lang),
                        callback_data=callbacks.encode("imp", "fix", token, index),
                    )
                ]
            )
    return InlineKeyboardMarkup(rows)


def _choice_keyboard(
    token: str, plan: FollowUpPlan, index: int, lang: Lang
) -> InlineKeyboardMarkup:
    """The pledges of the set to attach one restated pledge's results to (suggestions first),
    a new pledge, and back."""
    planned = plan.pledges[index]
    names = dict(plan.set_pledges)
    first = [i for i in (planned.pledge_id, *planned.others) if i is not None]
    order = list(dict.fromkeys([*first, *names]))
    rows = [
        [
            InlineKeyboardButton(
                render.pledge_button(names[pledge_id], pledge_id == planned.pledge_id),
                callback_data=callbacks.encode("imp", "set", token, index, pledge_id),
            )
        ]
        for pledge_id in order[:MAX_CHOICES]
        if pledge_id in names
    ]
    rows.append(
        [
            InlineKeyboardButton(
                render.new_pledge_button(lang),
                callback_data=callbacks.encode("imp", "set", token, index, NEW_PLEDGE),
            ),
            InlineKeyboardButton(
                render.back_button(lang), callback_data=callbacks.encode("imp", "back", token)
            ),
        ]
    )
    return InlineKeyboardMarkup(rows)


class _NothingWaits(Exception):
    """The press is for an import that no longer waits: nothing is written."""


async def import_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = lang_of_update(update)
    request = callbacks.decode(query.data)
    if request is None or not request.args:
        await query.answer(render.preview_expired(lang), show_alert=True)
        return
    action, token = request.args[0], (request.args[1] if len(request.args) > 1 else None)
    services = context.services
    shown: tuple[str, InlineKeyboardMarkup] | None = None
    try:
        async with use_case(update, context) as session:
            pending = await waiting_import.waiting(session, user.id, token, now=services.now())
            if pending is None:
                raise _NothingWaits
            if action == "no":
                await waiting_import.forget(session, user.id)
            elif action in ("fix", "set", "back"):
                shown = await _change_match(
                    session, user.id, request, pending, lang, now=services.now()
                )
            else:
                person = await access.who_is(session, user.id)
                document = pending.document
                if document["municipality"] not in person.admin_in:
                    raise ImportFailed(
                        "import.not_admin_for", municipality=document["municipality"]
                    )
                outcome = await import_document(
                    session,
                    document,
                    now=services.now(),
                    actor="admin",
                    actor_user_id=user.id,
                    choices=pending.choices,
                )
                await waiting_import.forget(session, user.id)
    except _NothingWaits:
        await query.answer(render.preview_expired(lang), show_alert=True)
        return
    except ImportFailed as exc:
        await query.answer()
        await query.edit_message_text(render.cannot_import(lang, say(exc, lang)))
        return
    except AlreadyHandled:
        await query.answer()  # done the first time this press was handled
        return
    if action == "no":
        await query.answer()
        await query.edit_message_text(render.import_cancelled(lang))
    elif action in ("fix", "set", "back"):
        if shown is None:
            await query.answer(render.not_admin_for_short(lang), show_alert=True)
            return
        await query.answer()
        text, markup = shown
        await query.edit_message_text(text, reply_markup=markup_of(markup))
    else:
        await query.answer()
        await query.edit_message_text(render.imported(lang, outcome))


async def _change_match(
    session: AsyncSession,
    user_id: int,
    request: callbacks.Callback,
    pending: waiting_import.PendingImport,
    lang: Lang,
    *,
    now: datetime,
) -> tuple[str, InlineKeyboardMarkup] | None:
    """An "Ändra" press shows the pledges to choose from; a choice is kept (in the waiting
    import, in this transaction) and the preview is shown again with it. None when the user
    is no admin of the page's municipality (any more)."""
    document = pending.document
    person = await access.who_is(session, user_id)
    if document["municipality"] not in person.admin_in:
        return None
    action, token = request.args[0], pending.token
    index = request.int_arg(2)
    if action == "set":
        pledge_id = request.int_arg(3)
        if index is not None and pledge_id is not None:
            pending = await waiting_import.choose(
                session, pending, user_id, index, pledge_id, now=now
            )
    plan = await plan_follow_up(session, document, pending.choices)
    if action == "fix" and index is not None and 0 <= index < len(plan.pledges):
        return (
            render.choose_pledge(plan.pledges[index], lang),
            _choice_keyboard(token, plan, index, lang),
        )
    return render.follow_up_preview(document, plan, lang), _preview_keyboard(token, plan, lang)


async def short_names(update: Update, context: BotContext) -> None:
    """/kortnamn lists pledges; /kortnamn ID nytt namn renames one."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    args = context.args or []
    services = context.services
    if not args:
        async with reading(update, context) as session:
            person = await access.who_is(session, user.id)
            rows = await catalogue.pledges_for_admin(session, user.id)
        if not person.is_admin:
            await message.reply_text(render.only_admins(lang))
            return
        for chunk in render.pledge_list(rows, lang):
            await message.reply_text(chunk)
        return
    if not (args[0].isascii() and args[0].isdigit() and len(args[0]) <= 9) or len(args) < 2:
        person = await who(update, context, user.id)
        usage = render.rename_usage(lang) if person.is_admin else render.only_admins(lang)
        await message.reply_text(usage)
        return
    try:
        async with use_case(update, context) as session:
            row = await catalogue.rename_pledge(
                session, user.id, int(args[0]), " ".join(args[1:]), now=services.now()
            )
    except AlreadyHandled:
        return
    except ServiceError as exc:
        await message.reply_text(render.rename_refused(lang, exc))
        return
    await message.reply_text(render.renamed(lang, row))
