"""Texts and buttons for /export.

Callback data: ``ex|m|M`` (municipality M chosen; ``a`` = all the admin's municipalities) and
``ex|f|M|F|S`` (make the file: format ``c``sv or ``j``son, scope ``i``nternal or ``p``ublic).
M is only a wish: the handler's service checks the admin's rights for it on every press.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.words import join_words
from bot.render.callbacks import encode
from bot.render.html import b, join_names
from bot.render.messages import n, pick
from bot.render.texts import Lang
from bot.services.export import ExportInfo, Format

ACTION = "ex"
ALL = "a"
FORMAT_CODES: dict[str, Format] = {"c": "csv", "j": "json"}
SCOPE_CODES: dict[str, bool] = {"i": False, "p": True}  # code -> public


def _button(text: str, *args: int | str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text[:60], callback_data=encode(ACTION, *args))


def only_admins(lang: Lang) -> str:
    return pick(
        lang,
        "Tack för att du frågar! Exporten av data är till för administratörer. "
        "Vill du se hur det går med löftena, skriv /hurgardet.",
        "Thanks for asking! Exporting data is for admins. "
        "To see how the pledges are going, send /progress.",
    )


def not_admin_there(lang: Lang) -> str:
    """Short enough for a button's alert (at most 200 characters)."""
    return pick(
        lang,
        "Du är inte administratör för den kommunen, så du kan inte hämta dess data.",
        "You are not an admin for that municipality, so you cannot download its data.",
    )


def pick_municipality(
    places: Sequence[tuple[int, str]], lang: Lang
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[_button(name, "m", mid)] for mid, name in places]
    rows.append([_button(pick(lang, "Alla mina kommuner", "All my municipalities"), "m", ALL)])
    return pick(
        lang, "Export – vilken kommun gäller det?", "Export – which municipality?"
    ), InlineKeyboardMarkup(rows)


def pick_kind(target: int | str, name: str | None, lang: Lang) -> tuple[str, InlineKeyboardMarkup]:
    """Format and scope in one step: four buttons. `name` None means all the admin's places."""
    which = b(name) if name else pick(lang, "alla dina kommuner", "all your municipalities")
    text = pick(
        lang,
        f"{b('Export')} av {which}\n\n"
        f"{b('Internt')}: allt som sparats – platser, anteckningar, organisation och borttagna "
        "poster. Bara för er själva.\n"
        f"{b('Publikt')}: antal och datum, platser bara där de markerats som offentliga. Inga "
        "namn och inga anteckningar. Går att dela.\n\n"
        "CSV öppnas direkt i Excel; JSON passar för andra program.",
        f"{b('Export')} of {which}\n\n"
        f"{b('Internal')}: everything stored – places, notes, organisation and deleted "
        "entries. For your team only.\n"
        f"{b('Public')}: counts and dates, places only where marked public. No names and no "
        "notes. Fine to share.\n\n"
        "CSV opens directly in Excel; JSON suits other programs.",
    )
    internal, public = pick(lang, "internt", "internal"), pick(lang, "publikt", "public")
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
    return text, InlineKeyboardMarkup(rows)


def preparing(lang: Lang) -> str:
    return pick(lang, "Filen skapas …", "Making the file …")


def too_large(lang: Lang, megabytes: int) -> str:
    return pick(
        lang,
        f"Filen blev större än {megabytes} MB, och så stora filer kan jag inte skicka här. "
        "Välj en kommun i taget, eller använd kommandot <code>loftesbot export</code> på servern.",
        f"The file is larger than {megabytes} MB, which I cannot send here. Choose one "
        "municipality at a time, or use <code>loftesbot export</code> on the server.",
    )


def caption(info: ExportInfo, lang: Lang) -> str:
    names = info.municipalities
    which = (
        join_names(list(names), lang)
        if len(names) <= 3
        else pick(lang, f"{len(names)} kommuner", f"{len(names)} municipalities")
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
