"""Texts for the weekly reminder to reporters and for /paus.

A reminder is a private message to staff, so it may name pledges and figures freely, but it
never names other reporters (it has no names of people at all). Every pledge and municipality
name is escaped here.

Callback actions (through `callbacks.encode`): pu|w|N pause N weeks, pu|tv pause until further
notice, pu|av reminders on again. The user is always taken from the update, never the button.
"""

from __future__ import annotations

from datetime import date

from bot.domain.dates import day_label
from bot.domain.pace import status_label
from bot.domain.pause import FOREVER
from bot.domain.words import count
from bot.render.callbacks import encode
from bot.render.citizen import progress_text
from bot.render.html import b, esc, join_names
from bot.render.keyboards import Button, Keyboard
from bot.render.messages import MESSAGES, pick, t
from bot.render.messages import n as plural
from bot.render.texts import Lang, lang_of
from bot.services.reminders import PauseOutcome, PauseState, Reminder, ReminderItem

ACTION = "pu"
PAUSE_WEEKS = (1, 2, 4)
MESSAGE_LIMIT = 4000  # Telegram allows 4096; leave room


# --- the weekly reminder ------------------------------------------------------------------


def _weeks(n: int, lang: Lang) -> str:
    return plural("count.week", n, lang)


def _idle(item: ReminderItem, today: date, lang: Lang) -> str:
    last = item.line.last_day
    if last is None:
        return pick(lang, "inget loggat ännu", "nothing logged yet")
    weeks = _weeks(max(1, (today - last).days // 7), lang)
    return pick(lang, f"inget loggat på {weeks}", f"nothing logged for {weeks}")


def item_line(item: ReminderItem, today: date, lang: Lang) -> str:
    """ "• trafikinsatser: 1 av minst 4 trafikinsatser i år – efter plan" """
    parts = []
    if item.behind:
        label = status_label(item.line.assessment.status, lang).lower()
        parts.append(f"{progress_text(item.line, today, lang)} – {label}")
    if item.idle:
        parts.append(_idle(item, today, lang))
    return f"• {b(item.line.short_name)}: {', '.join(parts)}"


def _footer(reminder: Reminder, lang: Lang) -> list[str]:
    example = esc(reminder.blocks[0].items[0].line.short_name)
    return [
        pick(
            lang,
            f"Skriv vad du gjort, t.ex. ”{example} i går”, eller använd /logga.",
            f"Write what you did, e.g. ”{example} i går”, or use /log.",
        ),
        pick(
            lang,
            "Ledig? /paus stänger av påminnelserna.",
            "On leave? /pause turns the reminders off.",
        ),
    ]


def reminder_text(reminder: Reminder) -> str:
    """The whole message: a heading per municipality, one line per pledge, how to log."""
    lang = lang_of(reminder.language)
    word = pick(lang, "Påminnelse", "Reminder")
    several = len(reminder.blocks) > 1
    sections: list[list[str]] = []
    for block in reminder.blocks:
        heading = b(block.municipality) if several else b(f"{word} – {block.municipality}")
        lines = [item_line(item, reminder.today, lang) for item in block.items]
        sections.append([heading, *lines])
    head = [b(pick(lang, "Veckans påminnelse", "This week's reminder")), ""] if several else []
    footer = ["", *_footer(reminder, lang)]

    def text(omitted: int) -> str:
        body = "\n\n".join("\n".join(section) for section in sections if len(section) > 1)
        more = (
            [
                pick(
                    lang,
                    f"… och {count(omitted, 'löfte', 'löften')} till.",
                    f"… and {omitted} more {'pledge' if omitted == 1 else 'pledges'}.",
                )
            ]
            if omitted
            else []
        )
        return "\n".join([*head, body, *more, *footer])

    omitted = 0
    while len(text(omitted)) > MESSAGE_LIMIT and any(len(s) > 1 for s in sections):
        last = max(i for i, s in enumerate(sections) if len(s) > 1)
        sections[last].pop()
        omitted += 1
    return text(omitted)


# --- /paus --------------------------------------------------------------------------------


def _until(day: date, today: date, lang: Lang) -> str:
    if day == FOREVER:
        return pick(lang, "tills vidare", "until further notice")
    return pick(lang, "till och med ", "through ") + day_label(day, today, lang)


def pause_keyboard(state: PauseState, lang: Lang) -> Keyboard:
    weeks = [Button(_weeks(n, lang), callback_data=encode(ACTION, "w", n)) for n in PAUSE_WEEKS]
    forever = Button(
        pick(lang, "Tills vidare", "Until further notice"), callback_data=encode(ACTION, "tv")
    )
    rows = [weeks, [forever]]
    if state.paused_until is not None:
        rows.append(
            [Button(pick(lang, "Slå på igen", "Turn back on"), callback_data=encode(ACTION, "av"))]
        )
    return Keyboard(rows)


def _off_note(state: PauseState, lang: Lang) -> list[str]:
    if not state.off_in:
        return []
    names = join_names(list(state.off_in), lang)
    return [
        "",
        pick(
            lang,
            f"I {names} har en administratör stängt av påminnelserna.",
            f"In {names} an admin has turned the reminders off.",
        ),
    ]


def pause_status(state: PauseState, today: date, lang: Lang) -> tuple[str, Keyboard]:
    """/paus alone: whether reminders are on, with buttons to pause or turn them on again."""
    if state.paused_until is None:
        places = join_names(list(state.municipalities), lang)
        lines = [
            pick(lang, "Påminnelserna är på.", "Reminders are on."),
            pick(
                lang,
                "En gång i veckan får du en kort påminnelse om löften i "
                f"{places} som ligger efter plan eller där inget har loggats på ett tag.",
                f"Once a week you get a short reminder of pledges in {places} that are behind "
                "or where nothing has been logged for a while.",
            ),
            "",
            pick(
                lang,
                "Ledig? Välj hur länge du vill pausa, eller skriv t.ex. /paus till 24/12.",
                "On leave? Choose how long to pause, or write e.g. /pause until 24/12.",
            ),
        ]
    else:
        until = _until(state.paused_until, today, lang)
        lines = [
            pick(lang, f"Påminnelserna är pausade {until}.", f"Reminders are paused {until}."),
            pick(
                lang,
                "Du kan slå på dem igen, eller ändra pausen.",
                "You can turn them back on, or change the pause.",
            ),
        ]
    return "\n".join([*lines, *_off_note(state, lang)]), pause_keyboard(state, lang)


def pause_changed(outcome: PauseOutcome, today: date, lang: Lang) -> str:
    """What a pause, or turning reminders on again, did (or that it was so already)."""
    state = outcome.state
    assert state is not None
    changed = outcome.kind == "changed"
    if state.paused_until is None:
        if changed:
            return pick(
                lang,
                "Klart! Påminnelserna är på igen.",
                "Done! Reminders are on again.",
            )
        return pick(lang, "Påminnelserna är redan på.", "Reminders are already on.")
    until = _until(state.paused_until, today, lang)
    if changed:
        return pick(
            lang,
            f"Klart! Påminnelserna är pausade {until}. Skriv /paus av när du vill ha dem igen.",
            f"Done! Reminders are paused {until}. Send /pause off to turn them back on.",
        )
    return pick(
        lang,
        f"Påminnelserna är redan pausade {until}.",
        f"Reminders are already paused {until}.",
    )


def pause_problem(code: str, lang: Lang) -> str:
    """Why a pause was refused: a message key ("pause.past") or a reading's code ("past")."""
    key = code if "." in code else f"pause.{code}"
    return t(key if key.startswith("pause.") and key in MESSAGES else "pause.unclear", lang)
