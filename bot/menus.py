"""What a new user sees before and around the first message: the command menus per role and
the bot's description, set through the Bot API.

At start-up (`post_init`): the citizens' menu for everyone (`BotCommandScopeDefault` and
`BotCommandScopeAllPrivateChats`), the description and short description, Swedish by default
and English for English Telegram; then, in the background, a menu of their own for every
reporter and admin (`BotCommandScopeChat` with their private chat, whose id is their user id).

When a role changes (an invite redeemed, a reporter or admin removed) the person's menu is
refreshed after the change is committed, never inside the transaction: the role is read in
the change's own transaction (`role_in`) and set through the Bot API after it (`apply`). A
refresh that fails is logged and left to the next start-up's sync; it never undoes or repeats
the change. Someone left with no role gets the chat scope deleted, so Telegram falls back to
the citizens' menu.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    Bot,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError

from bot.render import commands, texts
from bot.render.commands import MENU_LANGUAGES, MenuRole
from bot.services.access import who_is
from storage.db import Database
from storage.models import Membership, Reporter, Role

log = logging.getLogger(__name__)


async def register_defaults(bot: Bot) -> None:
    """The citizens' menus and the bot's descriptions, in Swedish (default) and English."""
    for scope in (BotCommandScopeDefault(), BotCommandScopeAllPrivateChats()):
        for code, lang in MENU_LANGUAGES:
            await bot.set_my_commands(
                commands.menu("citizen", lang), scope=scope, language_code=code
            )
    for code, lang in MENU_LANGUAGES:
        await bot.set_my_description(texts.bot_description(lang), language_code=code)
        await bot.set_my_short_description(texts.bot_short_description(lang), language_code=code)


async def set_chat_menu(bot: Bot, user_id: int, role: MenuRole) -> None:
    """The menu of one person's private chat: their role's, or (a citizen) the default one."""
    scope = BotCommandScopeChat(user_id)
    for code, lang in MENU_LANGUAGES:
        if role == "citizen":
            await bot.delete_my_commands(scope=scope, language_code=code)
        else:
            await bot.set_my_commands(commands.menu(role, lang), scope=scope, language_code=code)


async def role_in(session: AsyncSession, user_id: int) -> MenuRole:
    """The menu someone's roles give, read in the session of the change (its own writes seen):
    the update stays one transaction, and the menu is set after it has committed."""
    return commands.role_of(await who_is(session, user_id))


async def apply(bot: Bot, user_id: int, role: MenuRole) -> MenuRole | None:
    """After a committed change of someone's roles: set their menu. Returns the role set, or
    None when Telegram refused (logged, not raised)."""
    try:
        await set_chat_menu(bot, user_id, role)
    except TelegramError as exc:
        log.warning("command menu for a changed role not set: %s", type(exc).__name__)
        return None
    return role


async def refresh(bot: Bot, db: Database, user_id: int) -> MenuRole | None:
    """Their menu as their roles are now, read in a short read of its own."""
    async with db.read() as session:
        role = await role_in(session, user_id)
    return await apply(bot, user_id, role)


async def role_holders(db: Database) -> dict[int, MenuRole]:
    """Everyone who has or had a role, and the menu their roles give now ("citizen" for those
    whose every role was taken away: their chat's own menu is to be deleted)."""
    async with db.read() as session:
        rows = await session.execute(
            select(Reporter.telegram_user_id, Membership.role, Membership.revoked_at).join(
                Membership, Membership.reporter_id == Reporter.id
            )
        )
        rank: dict[MenuRole, int] = {"citizen": 0, "reporter": 1, "admin": 2}
        holders: dict[int, MenuRole] = {}
        for user_id, role, revoked_at in rows:
            menu: MenuRole = "admin" if role is Role.ADMIN else "reporter"
            if revoked_at is not None:
                menu = "citizen"
            if rank[menu] >= rank[holders.get(user_id, "citizen")]:
                holders[user_id] = menu
    return holders


async def sync_role_menus(bot: Bot, db: Database) -> int:
    """At start-up: every reporter's and admin's own menu, and no menu of their own for those
    who lost every role (which repairs a refresh lost to a crash after its commit). Returns
    how many chats were set."""
    done = 0
    for user_id, role in sorted((await role_holders(db)).items()):
        try:
            await set_chat_menu(bot, user_id, role)
        except TelegramError as exc:
            log.warning("command menu of a (former) reporter not set: %s", type(exc).__name__)
            continue
        done += 1
    return done
