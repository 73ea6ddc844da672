"""The command menus, per role and language: the one place that says which commands a person
sees in Telegram's menu (the "/" button). Made from `texts.COMMANDS`, so a menu names a command
exactly when the bot answers to it.

* citizens (everyone): the commands for all, in Telegram's default scope;
* reporters: their own commands first (/logga, /mina, /angra, /paus), then the citizens';
* admins: the reporters' commands (an admin may log where they administer), their own, then
  the citizens'.

Swedish is the default menu (no language code); people whose Telegram is in English get the
English names (a command's first alias, as in /hjalp's text) and English descriptions.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from bot.render import texts
from bot.render.texts import Audience, CommandInfo, Lang
from bot.services.access import Who

MenuRole = Literal["citizen", "reporter", "admin"]


class MenuEntry(NamedTuple):
    """One line of a menu: the command (without the slash) and what it does. A pair, as the
    Bot API's setMyCommands takes it (python-telegram-bot accepts pairs for BotCommand)."""

    command: str
    description: str


# What each role sees, in the order shown: their own work first.
AUDIENCES: dict[MenuRole, tuple[Audience, ...]] = {
    "citizen": ("all",),
    "reporter": ("reporter", "all"),
    "admin": ("reporter", "admin", "all"),
}
# The languages a menu is set for: None is Telegram's default (everyone not named), Swedish.
MENU_LANGUAGES: tuple[tuple[str | None, Lang], ...] = ((None, "sv"), ("en", "en"))


def role_of(who: Who) -> MenuRole:
    if who.is_admin:
        return "admin"
    return "reporter" if who.is_reporter else "citizen"


def command_name(command: CommandInfo, lang: Lang) -> str:
    """The name a person of this language types (without the slash)."""
    return command.called(lang)


def menu(role: MenuRole, lang: Lang) -> list[MenuEntry]:
    """The menu of one role in one language."""
    return [
        MenuEntry(command_name(c, lang), c.sv if lang == "sv" else c.en)
        for audience in AUDIENCES[role]
        for c in texts.COMMANDS
        if c.in_menu and c.audience == audience
    ]
