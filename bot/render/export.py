"""Texts and buttons for /export.

Callback data: ``ex|m|M`` (municipality M chosen; ``a`` = all the admin's municipalities) and
``ex|f|M|F|S`` (make the file: format ``c``sv or ``j``son, scope ``i``nternal or ``p``ublic).
M is only a wish: the handler's service checks the admin's rights for it on every press.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.words import join_words
from bot.render.callbacks import encode
from bot.render.html import b, join_names
from bot.render.keyboards import Button, Keyboard
from bot.render.messages import n, t
from bot.render.texts import Lang
from bot.services.export import ExportInfo, Format

ACTION = "ex"
ALL = "a"
FORMAT_CODES: dict[str, Format] = {"c": "csv", "j": "json"}
SCOPE_CODES: dict[str, bool] = {"i": False, "p": True}  # code -> public


def _button(text: str, *args: int | str) -> Button:
    return Button(text[:60], callback_data=encode(ACTION, *args))


def only_admins(lang: Lang) -> str:
    return t("export.only_admins", lang)


def not_admin_there(lang: Lang) -> str:
    """Short enough for a button's alert (at most 200 characters)."""
    return t("export.not_admin_there", lang)


def pick_municipality(places: Sequence[tuple[int, str]], lang: Lang) -> tuple[str, Keyboard]:
    rows = [[_button(name, "m", mid)] for mid, name in places]
    rows.append([_button(t("export.all_mine", lang), "m", ALL)])
    return t("export.which_municipality", lang), Keyboard(rows)


def pick_kind(target: int | str, name: str | None, lang: Lang) -> tuple[str, Keyboard]:
    """Format and scope in one step: four buttons. `name` None means all the admin's places."""
    which = b(name) if name else t("export.all_yours", lang)
    text = t("export.choose_kind", lang, which=which)
    internal, public = t("export.internal", lang), t("export.public", lang)
    rows = [
        [
            _button(f"CSV · {internal}", "f", target, "c", "i"),
            _button(f"CSV · {public}", "f", target, "c", "p"),
        ],
        [
            _button(f"JSON · {internal}", "f", target, "j", "i"),
            _button(f"JSON · {public}", "f", target, "j", "p"),
        ],
    ]
    return text, Keyboard(rows)


def preparing(lang: Lang) -> str:
    return t("export.preparing", lang)


def too_large(lang: Lang, megabytes: int) -> str:
    return t("export.too_large", lang, megabytes=megabytes)


def caption(info: ExportInfo, lang: Lang) -> str:
    names = info.municipalities
    which = (
        join_names(list(names), lang)
        if len(names) <= 3
        else t("export.municipalities", lang, count=len(names))
    )
    counts = info.counts
    fmt = info.fmt.upper()
    if lang == "sv":
        kind = "publik" if info.public else "intern"
        lines = [
            f"{b('Export')} av {which} ({kind}, {fmt})",
            join_words(
                [
                    n("count.pledge", counts.pledges, lang),
                    n("count.activity", counts.activities, lang),
                    n("count.result_text", counts.result_notes, lang),
                ],
                lang,
            )
            + ".",
            "Får delas: den följer reglerna för det som visas för allmänheten."
            if info.public
            else "Innehåller interna uppgifter – dela inte filen utanför er grupp.",
        ]
    else:
        kind = "public" if info.public else "internal"
        lines = [
            f"{b('Export')} of {which} ({kind}, {fmt})",
            join_words(
                [
                    n("count.pledge", counts.pledges, lang),
                    n("count.activity", counts.activities, lang),
                    n("count.result_text", counts.result_notes, lang),
                ],
                lang,
            )
            + ".",
            "Fine to share: it follows the rules for what the public sees."
            if info.public
            else "Holds internal details – do not share the file outside your team.",
        ]
    return "\n".join(lines)
