"""Telegram glue, one module per journey. `register` wires them into an application."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import BotApplication
from bot.handlers import (
    admin,
    citizen,
    common,
    errors,
    export,
    reminders,
    reporter,
    schedule,
    team,
    words,
)
from bot.render import callbacks, texts

# Before every other handler: note when a chat was last seen (retention), in a group of its own
# so that it never shadows a handler and a failure never stops the update.
SEEN_GROUP = -10
SEEN_LEFT_GROUP = 10  # after every handler: the note when no handler wrote it


class PastedPage(filters.MessageFilter):
    """A long pasted text that reads like a promise page."""

    def filter(self, message: Message) -> bool:
        return bool(message.text) and admin.looks_like_a_page(message.text or "")


def _names(command: str) -> list[str]:
    info = next(c for c in texts.COMMANDS if c.name == command)
    return list(info.names)


def register(app: BotApplication) -> None:
    """All handlers live in one group, so the first that matches wins; fallbacks come last."""
    app.add_handler(TypeHandler(Update, citizen.note_seen), group=SEEN_GROUP)
    app.add_handler(CommandHandler(_names("start"), team.start))
    app.add_handler(CommandHandler(_names("hjalp"), common.help_command))
    app.add_handler(CallbackQueryHandler(common.help_button, pattern=callbacks.pattern("help")))

    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler(_names("kortnamn"), admin.short_names, filters=private))
    app.add_handler(MessageHandler(private & filters.Document.ALL, admin.document_received))
    app.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND & PastedPage(), admin.pasted_page)
    )
    app.add_handler(CallbackQueryHandler(admin.import_button, pattern=callbacks.pattern("imp")))

    # Citizens: in private chats and in groups (where the bot sees commands and mentions).
    for command, callback in (
        ("hurgardet", citizen.how_command),
        ("loften", citizen.pledges_command),
        ("kommun", citizen.place_command),
        ("prenumerera", citizen.subscribe_command),
        ("avsluta", citizen.unsubscribe_command),
        ("tyck", citizen.feedback_command),
        ("glom", citizen.forget_command),
    ):
        app.add_handler(CommandHandler(_names(command), callback))
    app.add_handler(CallbackQueryHandler(citizen.button, pattern=citizen.PATTERN))
    groups = filters.ChatType.GROUPS
    app.add_handler(
        MessageHandler(
            groups & filters.TEXT & ~filters.COMMAND & citizen.MentionsBot(), citizen.group_mention
        )
    )

    # Reporters and the admins' team and list journeys.
    for command, callback in (
        ("logga", reporter.log_command),
        ("mina", reporter.mine_command),
        ("angra", reporter.undo_command),
        ("paus", reminders.pause_command),
        ("inbjudan", team.invite_command),
        ("rapportorer", team.team_command),
        ("lista", team.list_command),
        ("ord", words.words_command),
    ):
        app.add_handler(CommandHandler(_names(command), callback, filters=private))
    app.add_handler(CallbackQueryHandler(reporter.button, pattern=reporter.PATTERN))
    app.add_handler(CallbackQueryHandler(reminders.pause_button, pattern=reminders.PATTERN))
    app.add_handler(CallbackQueryHandler(team.button, pattern=team.PATTERN))
    app.add_handler(CallbackQueryHandler(words.button, pattern=words.PATTERN))
    app.add_handler(CommandHandler(_names("schema"), schedule.schedule_command, filters=private))
    app.add_handler(CallbackQueryHandler(schedule.button, pattern=schedule.PATTERN))
    app.add_handler(CommandHandler(_names("export"), export.export_command, filters=private))
    app.add_handler(CallbackQueryHandler(export.button, pattern=export.PATTERN))
    edited = filters.UpdateType.EDITED_MESSAGE & private & (filters.TEXT | filters.CAPTION)
    app.add_handler(MessageHandler(edited & ~filters.COMMAND, reporter.edited))
    app.add_handler(MessageHandler(private & filters.PHOTO, reporter.photo))
    app.add_handler(
        MessageHandler(
            private & filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED,
            reporter.private_text,
        )
    )

    # Fallbacks: keep these last.
    app.add_handler(CallbackQueryHandler(common.stale_button))
    app.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, common.unknown_command)
    )
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            common.not_understood,
        )
    )
    app.add_handler(TypeHandler(Update, citizen.note_seen_left), group=SEEN_LEFT_GROUP)
    app.add_error_handler(errors.on_error)
