"""/ord: the words the bot learnt from reporters, each with a button to remove it.

Callback actions: wr|P|I  remove the I-th synonym of pledge P (a learnt one).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.admin import only_admins as admin_only
from bot.render.callbacks import encode
from bot.render.html import b, esc
from bot.render.keyboards import Button, Keyboard
from bot.render.messages import t
from bot.render.texts import Lang
from bot.services.words import LearntWord


def learnt(words: Sequence[LearntWord], lang: Lang) -> tuple[str, Keyboard | None]:
    if not words:
        return t("words.none", lang), None
    lines = [b(t("words.title", lang))]
    rows: list[list[Button]] = []
    for n, word in enumerate(words[:40], start=1):
        lines.append(f"{n}. ”{esc(word.word)}” → {esc(word.pledge)} ({esc(word.municipality)})")
        label = f"🗑 {n}. {word.word}"[:60]
        rows.append([Button(label, callback_data=encode("wr", word.pledge_id, word.index))])
    lines.append(t("words.tap_to_remove", lang))
    return "\n".join(lines), Keyboard(rows)


def forgotten(word: LearntWord, lang: Lang) -> str:
    return t("words.removed", lang, word=esc(word.word), pledge=esc(word.pledge))


def only_admins(lang: Lang) -> str:
    return admin_only(lang)


def gone(lang: Lang) -> str:
    return t("words.gone", lang)
