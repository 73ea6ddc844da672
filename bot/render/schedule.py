"""Texts and buttons for /schema: the posting schedule, approvals and posts to settle.

Callback actions: sh|M|v view, sh|M|e|<every> how often, sh|M|t time (typed next),
sh|M|a|1 approval on, sh|M|a|0 off, sh|M|u|p publish when unanswered, sh|M|u|h hold,
sh|M|h|H draft hours, sh|M|r reminders, sh|M|p preview (each button names the state it sets);
ap|A|p publish, ap|A|s skip, ap|A|c comment (typed next); pp|P|y came out, pp|P|n send again.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.domain.periods import parse_window
from bot.domain.words import count
from bot.render.callbacks import encode
from bot.render.citizen import long_day
from bot.render.html import b, esc
from bot.render.keyboards import Button, Keyboard
from bot.render.messages import pick
from bot.render.texts import Lang
from bot.services.schedule import ScheduleView

EVERY_CODES = {
    "q": "quarter",
    "t": "tertial",
    "h": "half_year",
    "y": "year",
    "m": "month",
    "o": "off",
}
UNANSWERED_CODES = {"p": "publish", "h": "hold"}
EVERY_WORDS = {
    "quarter": ("varje kvartal", "every quarter"),
    "tertial": ("varje tertial", "every four months"),
    "half_year": ("varje halvår", "every half-year"),
    "year": ("varje år", "every year"),
    "month": ("varje månad", "every month"),
    "off": ("aldrig (avstängt)", "never (off)"),
}
REMINDER_STEPS = (0, 2, 3, 4, 6)
APPROVAL_HOURS = (24, 48, 72, 120)
WEEKDAYS = (
    ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
)
STATUS_WORDS = {
    "sent": ("publicerad", "published"),
    "claimed": ("skickas", "being sent"),
    "ambiguous": ("⚠️ oklart om den kom ut", "⚠️ unclear whether it came out"),
    "skipped": ("hoppades över", "skipped"),
    "failed": ("⚠️ misslyckades", "⚠️ failed"),
}


def _period_label(key: str, lang: Lang) -> str:
    try:
        return parse_window(key).label(lang)
    except ValueError:
        return pick(lang, "hela löftesperioden", "the whole pledge period")


def pick_municipality(places: Sequence[tuple[int, str]], lang: Lang) -> tuple[str, Keyboard]:
    rows = [[Button(name[:60], callback_data=encode("sh", mid, "v"))] for mid, name in places]
    return pick(lang, "Vilken kommun?", "Which municipality?"), Keyboard(rows)


def schedule_view(v: ScheduleView, tz: ZoneInfo, lang: Lang) -> tuple[str, Keyboard]:
    plan = v.schedule
    sv = lang == "sv"
    lines = [
        b(pick(lang, f"Lägesrapporter – {v.municipality}", f"Progress posts – {v.municipality}"))
    ]
    if v.channel:
        lines.append(pick(lang, "Kanal: ", "Channel: ") + esc(v.channel))
    else:
        lines.append(
            pick(
                lang,
                "Ingen kanal ännu: lägg till den under [channels] i konfigurationen.",
                "No channel yet: add it under [channels] in the configuration.",
            )
        )
    every = EVERY_WORDS[plan.every][0 if sv else 1]
    lines.append(
        pick(lang, "Hur ofta: ", "How often: ")
        + every
        + (
            pick(
                lang,
                f", första vardagen efteråt kl. {plan.post_time:%H:%M}",
                f", the first weekday after, at {plan.post_time:%H:%M}",
            )
            if plan.active
            else ""
        )
    )
    if v.next_due is not None and v.next_window is not None:
        local = v.next_due.astimezone(tz)
        lines.append(
            pick(lang, "Nästa: ", "Next: ")
            + f"{WEEKDAYS[0 if sv else 1][local.weekday()]} {long_day(local.date(), lang)} "
            + pick(lang, f"kl. {local:%H:%M}", f"at {local:%H:%M}")
            + f" ({esc(v.next_window.label(lang))})"
        )
    if plan.approval:
        lines.append(
            pick(
                lang,
                f"Godkännande: på, utkastet kommer {count(plan.approval_hours, 'timme', 'timmar')} "
                "före; utan svar "
                + ("publiceras den ändå." if plan.unanswered == "publish" else "väntar den."),
                f"Approval: on, the draft comes {count(plan.approval_hours, 'hour', 'hours')} "
                "before; without an "
                + (
                    "answer it is published anyway."
                    if plan.unanswered == "publish"
                    else "answer it waits."
                ),
            )
        )
    else:
        lines.append(
            pick(
                lang, "Godkännande: av (publiceras direkt).", "Approval: off (published directly)."
            )
        )
    if plan.reminder_weeks:
        lines.append(
            pick(
                lang,
                f"Påminnelser till rapportörer: på måndagar, för löften som ligger efter eller "
                f"saknar aktivitet i {count(plan.reminder_weeks, 'vecka', 'veckor')}.",
                f"Reminders to reporters: on Mondays, for pledges behind pace or without "
                f"activity for {count(plan.reminder_weeks, 'week', 'weeks')}.",
            )
        )
    else:
        lines.append(
            pick(lang, "Påminnelser till rapportörer: av.", "Reminders to reporters: off.")
        )
    rows: list[list[Button]] = []
    if v.posts:
        lines.append("")
        lines.append(b(pick(lang, "Senaste rapporterna", "Latest posts")))
        for post in v.posts:
            word = STATUS_WORDS.get(post.status, (post.status, post.status))[0 if sv else 1]
            when = f" {long_day(post.sent_at.astimezone(tz).date(), lang)}" if post.sent_at else ""
            lines.append(f"• {esc(_period_label(post.period_key, lang))}: {word}{when}")
            if post.status == "ambiguous":
                label = _period_label(post.period_key, lang)
                rows.append(
                    [
                        Button(
                            pick(lang, f"{label}: den kom ut", f"{label}: it came out")[:60],
                            callback_data=encode("pp", post.id, "y"),
                        ),
                        Button(
                            pick(lang, "Skicka igen", "Send again"),
                            callback_data=encode("pp", post.id, "n"),
                        ),
                    ]
                )
    mid = v.municipality_id
    rows.append(
        [
            Button(
                ("• " if plan.every == every_value else "")
                + EVERY_WORDS[every_value][0 if sv else 1].split(" ")[-1][:14],
                callback_data=encode("sh", mid, "e", code),
            )
            for code, every_value in EVERY_CODES.items()
            if every_value != "off"
        ]
    )
    rows.append(
        [
            Button(
                pick(lang, f"Tid {plan.post_time:%H:%M}", f"Time {plan.post_time:%H:%M}"),
                callback_data=encode("sh", mid, "t"),
            ),
            Button(
                pick(lang, "Stäng av", "Turn off")
                if plan.active
                else pick(lang, "Slå på", "Turn on"),
                callback_data=encode("sh", mid, "e", "o" if plan.active else "q"),
            ),
        ]
    )
    approval_row = [
        Button(
            pick(
                lang,
                "Stäng av godkännande" if plan.approval else "Slå på godkännande",
                "Turn approval off" if plan.approval else "Turn approval on",
            ),
            callback_data=encode("sh", mid, "a", "0" if plan.approval else "1"),
        )
    ]
    if plan.approval:
        hours = APPROVAL_HOURS[
            (APPROVAL_HOURS.index(plan.approval_hours) + 1) % len(APPROVAL_HOURS)
            if plan.approval_hours in APPROVAL_HOURS
            else 1
        ]
        approval_row.append(
            Button(
                pick(lang, f"Utkast {hours} h före", f"Draft {hours} h before"),
                callback_data=encode("sh", mid, "h", hours),
            )
        )
        approval_row.append(
            Button(
                pick(lang, "Utan svar: vänta", "Unanswered: wait")
                if plan.unanswered == "publish"
                else pick(lang, "Utan svar: publicera", "Unanswered: publish"),
                callback_data=encode("sh", mid, "u", "h" if plan.unanswered == "publish" else "p"),
            )
        )
    rows.append(approval_row)
    following = (
        REMINDER_STEPS[(REMINDER_STEPS.index(plan.reminder_weeks) + 1) % len(REMINDER_STEPS)]
        if plan.reminder_weeks in REMINDER_STEPS
        else 3
    )
    rows.append(
        [
            Button(
                pick(lang, "Stäng av påminnelser", "Turn reminders off")
                if following == 0
                else pick(lang, f"Påminn efter {following} v", f"Remind after {following} wk"),
                callback_data=encode("sh", mid, "r", following),
            ),
            Button(pick(lang, "Förhandsvisa", "Preview"), callback_data=encode("sh", mid, "p")),
        ]
    )
    return "\n".join(lines), Keyboard(rows)


def ask_time(lang: Lang) -> str:
    return pick(
        lang,
        "Vilken tid ska rapporten publiceras? Skriv till exempel 09:00.",
        "At what time should the post go out? Write e.g. 09:00.",
    )


def ask_comment(lang: Lang) -> str:
    return pick(
        lang,
        "Skriv kommentaren som ska stå sist i rapporten (högst 1 500 tecken).",
        "Write the comment to put at the end of the report (at most 1,500 characters).",
    )


def comment_saved(municipality: str, lang: Lang) -> str:
    return pick(
        lang,
        f"Tack! Kommentaren läggs sist i rapporten för {esc(municipality)}.",
        f"Thanks! The comment goes at the end of the report for {esc(municipality)}.",
    )


def decided(decision: str, municipality: str, period_key: str, lang: Lang) -> str:
    label = esc(_period_label(period_key, lang))
    if decision == "publish":
        return pick(
            lang,
            f"Godkänd: rapporten för {esc(municipality)}, {label}, publiceras på utsatt tid "
            "(eller strax, om den tiden redan har passerat).",
            f"Approved: the report for {esc(municipality)}, {label}, goes out at its time "
            "(or shortly, if that time has passed).",
        )
    return pick(
        lang,
        f"Rapporten för {esc(municipality)}, {label}, publiceras inte.",
        f"The report for {esc(municipality)}, {label}, will not be published.",
    )


def settled(came_out: bool, municipality: str, period_key: str, lang: Lang) -> str:
    label = esc(_period_label(period_key, lang))
    if came_out:
        return pick(
            lang,
            f"Noterat: rapporten för {esc(municipality)}, {label}, är publicerad.",
            f"Noted: the report for {esc(municipality)}, {label}, is published.",
        )
    return pick(
        lang,
        f"Rapporten för {esc(municipality)}, {label}, skickas igen inom några minuter.",
        f"The report for {esc(municipality)}, {label}, will be sent again within minutes.",
    )
