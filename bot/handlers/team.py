"""Admin journeys for people and lists: invites (/inbjudan, and redeeming one through /start),
the list of reporters (/rapportorer) with removal, and coverage lists (/lista)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.error import TelegramError

from bot import menus
from bot.botapi import markup_of
from bot.context import BotContext, update_key
from bot.handlers import common
from bot.handlers.common import (
    AlreadyHandled,
    Send,
    lang_of_update,
    nothing,
    reading,
    use_case,
    writing,
)
from bot.render import callbacks, texts
from bot.render import team as render
from bot.render.admin import only_admins
from bot.render.messages import say
from bot.render.reporting import cancelled
from bot.services import access, invites, lists, reporting
from bot.services.errors import Invalid, NotAllowed, NotFound, ServiceError
from storage import activities
from storage.models import Organisation, Role

ACTIONS = ("iv", "rm", "ry", "ri", "ll", "lf", "la")
PATTERN = rf"^{callbacks.VERSION}\|(?:{'|'.join(ACTIONS)})(?:\|.*)?$"
LIST_SUFFIXES = (".txt", ".csv", ".text")
ListWork = Callable[[AsyncSession], Awaitable[lists.ListStep | None]]
MAX_LIST_BYTES = 100_000


async def start(update: Update, context: BotContext) -> None:
    """/start, /start <invite code> from an invitation, /start p_<id> from a shared pledge."""
    args = context.args or []
    if args and invites.looks_like_invite(args[0]):
        await _redeem(update, context, args[0])
        return
    if args:
        from bot.handlers.citizen import deep_link

        if await deep_link(update, context, args[0]):
            return
    await common.start(update, context)


async def _redeem(update: Update, context: BotContext, code: str) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    services = context.services
    name = " ".join(x for x in (user.first_name, user.last_name) if x) or None
    async with writing(update, context) as session:
        result = await invites.redeem(
            session,
            user_id=user.id,
            code=code[:100],
            now=services.now(),
            display_name=name,
            language=user.language_code,
        )
        role = await menus.role_in(session, user.id) if result.refused is None else None
    if result.refused is not None or role is None:
        await message.reply_text(render.refused(result, lang))  # role is None only when refused
        return
    try:
        await message.reply_text(render.redeemed(result, lang))
    finally:
        # Committed: the menu of the new role (after the commit, never inside the transaction;
        # also when the reply failed).
        await menus.apply(context.bot, user.id, role)


def _only_admins(lang: texts.Lang) -> str:
    return only_admins(lang)


async def invite_command(update: Update, context: BotContext) -> None:
    """/inbjudan: choose municipality (when several) and role; the bot answers with a link."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    async with reading(update, context) as session:
        places = await access.admin_places(session, user.id)
    if not places:
        await message.reply_text(_only_admins(lang))
        return
    if len(places) == 1:
        text, markup = render.pick_role(places[0][0], places[0][1], lang)
    else:
        text, markup = render.pick_municipality(places, lang)
    await message.reply_text(text, reply_markup=markup_of(markup))


async def team_command(update: Update, context: BotContext) -> None:
    """/rapportorer: who may report where, open invitations, and buttons to remove."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    services = context.services
    async with reading(update, context) as session:
        teams = await invites.teams(session, user.id, services.now())
    text, markup = render.teams(teams, user.id, services.tz, lang)
    await message.reply_text(text, reply_markup=markup_of(markup))


async def list_command(update: Update, context: BotContext) -> None:
    """/lista: give the list (schools, homes, villages) a coverage pledge is counted against."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    services = context.services
    try:
        async with reading(update, context) as session:
            options = await reporting.admin_pledges(session, user.id, today=services.today())
    except NotAllowed:
        options = []
    text, markup = render.list_pledges(options, lang)
    await message.reply_text(text, reply_markup=markup_of(markup))


def _text_step(update: Update, context: BotContext) -> ListWork:
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    services = context.services
    return lambda session: lists.take_text(
        session,
        user.id,
        message.text or "",
        message_id=message.message_id,
        update_key=update_key(update),
        update_id=update.update_id,
        now=services.now(),
        today=services.today(),
    )


def _edit_step(update: Update, context: BotContext) -> ListWork:
    message, user = update.edited_message, update.effective_user
    assert message is not None
    assert user is not None
    services = context.services
    return lambda session: lists.take_edit(
        session,
        user.id,
        message.text or "",
        message_id=message.message_id,
        update_key=update_key(update),
        update_id=update.update_id,
        now=services.now(),
        today=services.today(),
    )


async def list_text(update: Update, context: BotContext) -> None:
    """A text message while a list is being collected: its lines join the list (never read as
    a report); a last line "klar" saves it."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    await _list_step(update, context, _text_step(update, context))


async def list_text_in(session: AsyncSession, update: Update, context: BotContext) -> Send:
    """`list_text` in the session of the private-chat router; a ServiceError is left to it
    (`list_refused`)."""
    send = await _list_work(session, update, _text_step(update, context))
    assert send is not None  # a text while a list is collected is always part of it
    return send


async def list_edit_in(session: AsyncSession, update: Update, context: BotContext) -> Send | None:
    """An edited message, in the update's session: when it gave lines to the list being
    collected, they are replaced. None when it is not one of the list's messages."""
    return await _list_work(session, update, _edit_step(update, context))


def list_refused(update: Update, exc: ServiceError) -> Send:
    message = update.effective_message
    assert message is not None
    lang = lang_of_update(update)
    text = render.list_problem(exc.key, lang) if isinstance(exc, Invalid) else only_admins(lang)
    return lambda: message.reply_text(text)


async def _list_step(update: Update, context: BotContext, work: ListWork) -> bool:
    """Run one step of the list dialogue in one transaction and answer it; False (nothing
    done) when the message was not part of the dialogue."""
    try:
        async with writing(update, context) as session:
            send = await _list_work(session, update, work)
    except ServiceError as exc:
        send = list_refused(update, exc)
    if send is None:
        return False
    await send()
    return True


async def _list_work(session: AsyncSession, update: Update, work: ListWork) -> Send | None:
    message = update.effective_message
    assert message is not None
    step = await work(session)
    if step is None:
        return None
    if step.kind == "duplicate":
        return nothing
    text, markup = render.list_step(step, lang_of_update(update))
    return lambda: message.reply_text(text, reply_markup=markup_of(markup))


async def list_awaited(session: AsyncSession, context: BotContext, user_id: int) -> bool:
    """Does the bot collect a list from this user (a file sent now is its list)?"""
    state = await activities.get_state(session, user_id, context.services.now())
    return state is not None and state.kind == lists.STATE


async def list_document(update: Update, context: BotContext) -> None:
    """A file sent while the bot collects a list (`list_awaited` said so, in the update's
    first transaction). The file is fetched from Telegram after it, and the list step has a
    transaction of its own: two for this update."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.document is None:
        return
    services = context.services
    lang = lang_of_update(update)
    document = message.document
    name = (document.file_name or "").lower()
    if not name.endswith(LIST_SUFFIXES) or (document.file_size or 0) > MAX_LIST_BYTES:
        await message.reply_text(render.list_problem("list.empty", lang))
        return
    try:
        file = await context.bot.get_file(document.file_id)
        content = bytes(await file.download_as_bytearray())
    except TelegramError:
        await message.reply_text(texts.error_reply(lang))
        return
    text = content.decode("utf-8", errors="replace")
    if name.endswith(".csv"):
        text = reporting.first_column(text)
    await _list_step(
        update,
        context,
        lambda session: lists.take_file(
            session, user.id, text, now=services.now(), today=services.today()
        ),
    )


async def button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = lang_of_update(update)
    request = callbacks.decode(query.data)
    if request is None:
        await query.answer(texts.stale_button(lang), show_alert=True)
        return
    services = context.services
    action, args = request.action, request.args
    first = request.int_arg(0)
    try:
        if action == "lf":
            try:
                async with writing(update, context) as session:
                    step = await lists.finish(
                        session, user.id, now=services.now(), today=services.today()
                    )
            except Invalid as exc:
                await query.answer(render.list_problem(exc.key, lang)[:190], show_alert=True)
                return
            if step.kind != "saved":
                await query.answer(render.list_closed(lang), show_alert=True)
                return
            await query.answer()
            text, markup = render.list_step(step, lang)
            await query.edit_message_text(text, reply_markup=markup_of(markup))
            return
        if action == "la":
            async with use_case(update, context) as session:
                await reporting.take_expected(session, user.id, now=services.now())
            await query.answer()
            await query.edit_message_text(cancelled(lang))
            return
        if first is None:
            raise NotFound("missing.button_id")
        if action == "iv" and len(args) == 1:
            async with reading(update, context) as session:
                places = dict(await access.admin_places(session, user.id))
            if first not in places:
                raise NotAllowed("access.not_admin")
            await query.answer()
            text, markup = render.pick_role(first, places[first], lang)
            await query.edit_message_text(text, reply_markup=markup_of(markup))
        elif action == "iv" and len(args) == 3:
            role = Role.ADMIN if args[1] == "a" else Role.REPORTER
            organisation = {"p": Organisation.POLICE, "k": Organisation.MUNICIPALITY}.get(args[2])
            async with use_case(update, context) as session:
                invite = await invites.create_invite_by_id(
                    session,
                    admin_user_id=user.id,
                    municipality_id=first,
                    role=role,
                    organisation=organisation,
                    now=services.now(),
                )
            await query.answer()
            await query.edit_message_text(
                render.invite_created(invite, context.bot.username, services.tz, lang),
                disable_web_page_preview=True,
            )
        elif action == "rm":
            async with reading(update, context) as session:
                if not await access.admin_places(session, user.id):
                    raise NotAllowed("access.not_admin")
            await query.answer()
            text, markup = render.confirm_remove(first, lang)
            await query.edit_message_text(text, reply_markup=markup_of(markup))
        elif action == "ry":
            async with use_case(update, context) as session:
                member = await invites.revoke_member(session, user.id, first, now=services.now())
                menu_role = await menus.role_in(session, member.user_id)
            try:
                await query.answer()
                await query.edit_message_text(render.removed(member, lang))
            finally:
                await menus.apply(context.bot, member.user_id, menu_role)
        elif action == "ri":
            async with use_case(update, context) as session:
                place = await invites.revoke_invite(session, user.id, first, now=services.now())
            await query.answer()
            await query.edit_message_text(render.invite_revoked(place, lang))
        elif action == "ll":
            async with use_case(update, context) as session:
                current = await lists.begin(session, user.id, first, now=services.now())
            await query.answer()
            text, markup = render.list_prompt(current, lang)
            await query.edit_message_text(text, reply_markup=markup_of(markup))
        else:
            await query.answer(texts.stale_button(lang), show_alert=True)
    except AlreadyHandled:
        await query.answer()  # handled before (a retry or a redelivery): done already
    except NotAllowed:
        await query.answer(_only_admins(lang), show_alert=True)
    except (NotFound, Invalid) as exc:
        text = texts.stale_button(lang)
        if isinstance(exc, Invalid):
            text = say(exc, lang)
        await query.answer(text[:190], show_alert=True)
