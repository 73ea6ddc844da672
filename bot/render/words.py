"""/ord: the words the bot learnt from reporters, each with a button to remove it.

Callback actions: wr|P|I  remove the I-th synonym of pledge P (a learnt one).
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render.admin import only_admins as admin_only
from bot.render.callbacks import encode
from bot.render.html import b, esc
from bot.render.messages import pick
from bot.render.texts import Lang
from bot.services.words import LearntWord


def learnt(words: Sequence[LearntWord], lang: Lang) -> tuple[str, InlineKeyboardMarkup | None]:
    if not words:
        return pick(
            lang,
            "Boten har inte lärt sig några ord än. När en rapportör väljer löfte för ett "
            "meddelande som boten inte förstod, blir orden ett synonym för löftet – de visas här.",
            "The bot has not learnt any words yet. When a reporter picks a pledge for a message "
            "the bot did not understand, its words become a synonym of the pledge – shown here.",
        ), None
    lines = [b(pick(lang, "Ord som boten har lärt sig", "Words the bot has learnt"))]
    rows: list[list[InlineKeyboardButton]] = []
    for n, word in enumerate(words[:40], start=1):
        lines.append(f"{n}. ”{esc(word.word)}” → {esc(word.pledge)} ({esc(word.municipality)})")
        label = pick(lang, f"🗑 {n}. {word.word}", f"🗑 {n}. {word.word}")[:60]
        rows.append(
            [InlineKeyboardButton(label, callback_data=encode("wr", word.pledge_id, word.index))]
        )
    lines.append(
        pick(
            lang,
            "Tryck på ett ord för att ta bort det: då läses sådana meddelanden inte längre som "
            "det löftet.",
            "Tap a word to remove it: such messages are then no longer read as that pledge.",
        )
    )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def forgotten(word: LearntWord, lang: Lang) -> str:
    return pick(
        lang,
        f"Borttaget: ”{esc(word.word)}” för {esc(word.pledge)}.",
        f"Removed: ”{esc(word.word)}” for {esc(word.pledge)}.",
    )


def only_admins(lang: Lang) -> str:
    return admin_only(lang)


def gone(lang: Lang) -> str:
    return pick(lang, "Det ordet finns inte längre.", "That word is no longer there.")
