"""How the bot talks to the Bot API: one set of `Defaults`, and the bots built with them.

Every text the bot sends is HTML (`bot.render` escapes what comes from people and storage), so
`parse_mode=HTML` is a default rather than an argument of each call; dates in and out of the API
are in the configured time zone (Europe/Stockholm unless `[bot] timezone` says otherwise).

Only a `telegram.ext.ExtBot` applies `Defaults`; a plain `telegram.Bot` ignores them. Every bot
the program builds is therefore made here, as an ExtBot.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot
from telegram.request import BaseRequest

from bot.config import Settings
from bot.render.keyboards import Keyboard


def defaults(settings: Settings) -> Defaults:
    return Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.bot.timezone)


def make_bot(
    settings: Settings,
    token: str,
    request: BaseRequest | None = None,
    *,
    bot_defaults: Defaults | None = None,
) -> ExtBot[None]:
    """A bot with the program's defaults and no rate limiter (its callers pace themselves:
    the outbox, the scheduler, `report --publish`)."""
    return ExtBot(
        token,
        base_url=settings.telegram.base_url,
        base_file_url=settings.telegram.base_file_url,
        request=request,
        defaults=bot_defaults or defaults(settings),
    )


def markup_of(keyboard: Keyboard | InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """Telegram's markup for a keyboard kept as data (`bot.render.keyboards`); one made by a
    wing as Telegram's already passes through."""
    if keyboard is None or isinstance(keyboard, InlineKeyboardMarkup):
        return keyboard
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.callback_data, url=b.url) for b in row]
            for row in keyboard.rows
        ]
    )
