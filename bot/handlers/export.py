"""/export: an admin downloads the data of a municipality as a CSV or JSON file.

The buttons carry the municipality and the choice, never the identity: the service looks the
admin's rights up again, by numeric user id, on every press. The file is sent to the admin's own
private chat, and the download is written to the audit trail.
"""

from __future__ import annotations

from telegram import Update

from bot.botapi import markup_of
from bot.context import BotContext
from bot.handlers.common import lang_of_update, reading
from bot.render import callbacks, texts
from bot.render import export as render
from bot.services import access, export
from bot.services.errors import NotAllowed

PATTERN = callbacks.pattern(render.ACTION)
MAX_DOCUMENT_BYTES = 50_000_000  # what a bot may upload to Telegram


async def export_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = lang_of_update(update)
    async with reading(update, context) as session:
        places = await access.admin_places(session, user.id)
    if not places:
        await message.reply_text(render.only_admins(lang))
        return
    if len(places) == 1:
        text, markup = render.pick_kind(places[0][0], places[0][1], lang)
    else:
        text, markup = render.pick_municipality(places, lang)
    await message.reply_text(text, reply_markup=markup_of(markup))


async def button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = lang_of_update(update)
    request = callbacks.decode(query.data)
    args = request.args if request is not None else ()
    step = args[0] if args else ""
    target = args[1] if len(args) > 1 else ""
    municipality_id = request.int_arg(1) if request is not None else None
    if step not in ("m", "f") or (municipality_id is None and target != render.ALL):
        await query.answer(texts.stale_button(lang), show_alert=True)
        return
    services = context.services
    # The rights; a file is then made outside this rule (a long job): a read and a write.
    async with reading(update, context) as session:
        places = dict(await access.admin_places(session, user.id))
    if not places:
        await query.answer(render.only_admins(lang), show_alert=True)
        return
    if municipality_id is not None and municipality_id not in places:
        await query.answer(render.not_admin_there(lang), show_alert=True)
        return
    if step == "m":
        await query.answer()
        name = places[municipality_id] if municipality_id is not None else None
        text, markup = render.pick_kind(target, name, lang)
        await query.edit_message_text(text, reply_markup=markup_of(markup))
        return
    fmt = render.FORMAT_CODES.get(args[2]) if len(args) == 4 else None
    public = render.SCOPE_CODES.get(args[3]) if len(args) == 4 else None
    if fmt is None or public is None:
        await query.answer(texts.stale_button(lang), show_alert=True)
        return
    await query.answer(render.preparing(lang))
    try:
        async with services.db.read() as session:
            file = await export.admin_export(
                session,
                user_id=user.id,
                municipality_id=municipality_id,
                public=public,
                fmt=fmt,
                now=services.now(),
                tz=services.tz,
            )
    except NotAllowed:  # the rights changed between the two reads
        await context.bot.send_message(user.id, render.not_admin_there(lang))
        return
    if len(file.content) > MAX_DOCUMENT_BYTES:
        text = render.too_large(lang, MAX_DOCUMENT_BYTES // 1_000_000)
        await context.bot.send_message(user.id, text)
        return
    async with services.db.transaction() as session:
        export.record_export(session, user_id=user.id, info=file.info, now=services.now())
    # To the admin's own private chat, whose rights were just checked.
    await context.bot.send_document(
        user.id,
        file.content,
        filename=file.filename,
        caption=render.caption(file.info, lang),
    )
