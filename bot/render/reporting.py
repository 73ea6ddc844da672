"""Texts and buttons for reporters: what was saved, what to pick, entries to fix, /logga.

Callback actions (all through `callbacks.encode`, at most 64 bytes):
  un|A        undo entry A (the "Ångra" button)       rs|A      restore entry A
  me|A        show entry A with its buttons            dl|A      delete entry A
  mc|A        count keyboard for A    sc|A|N  set count   cw|A   write the count
  md|A        date keyboard for A     sd|A|YYYYMMDD       dw|A   write the date
  mp|A        write a place for A     ci|A|I  set list item I
  dp|D|P      save draft D as pledge P
  dx|D|M      save draft D as an extra activity in municipality M
  dm|D|M      show municipality M's pledges for draft D
  lg|m|M  lg|f|F  lg|p|P          /logga: municipality, focus area, pledge
  lk|P|N|YYYYMMDD                 /logga card with count N and day
  lc|P|N|YYYYMMDD  ld|P|N|YYYYMMDD  count / date keyboards of the card
  ls|P|N|YYYYMMDD                 save the card       lx|P|N|YYYYMMDD   add a place, then save
  lq                              cancel /logga
  qm|D|M      draft D is for the reporter's own municipality M after all
  qn|D|N      draft D's count is N      qd|D|YYYYMMDD   draft D's day      qx|D   drop draft D
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.domain.dates import day_label
from bot.domain.pace import status_label
from bot.domain.words import count, unit_for
from bot.render.callbacks import encode
from bot.render.citizen import rounds_text
from bot.render.html import b, esc, i
from bot.render.keyboards import Button, Keyboard
from bot.render.messages import MESSAGES, pick, t
from bot.render.texts import Lang
from bot.services.progress import PledgeProgress
from bot.services.reporting import Card, Entry, GuidedChoice, Option, Outcome

Markup = Keyboard
MAX_OPTION_BUTTONS = 24


def day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_day_code(code: str) -> date | None:
    try:
        return date(int(code[:4]), int(code[4:6]), int(code[6:8])) if len(code) == 8 else None
    except ValueError:
        return None


def _button(text: str, action: str, *args: int | str) -> Button:
    return Button(text, callback_data=encode(action, *args))


def _rows(buttons: Sequence[Button], width: int) -> list[list[Button]]:
    return [list(buttons[n : n + width]) for n in range(0, len(buttons), width)]


# --- the entry itself ---------------------------------------------------------------------


def _what(entry: Entry, lang: Lang) -> str:
    if entry.pledge is None:
        return b(
            pick(lang, "Extra insats (utanför löftena)", "Extra activity (outside the pledges)")
        )
    return b(entry.pledge)


def entry_line(entry: Entry, today: date, lang: Lang) -> str:
    """One line: what, how many, when, where."""
    parts = [_what(entry, lang), f"{entry.count} st" if lang == "sv" else f"× {entry.count}"]
    parts.append(esc(day_label(entry.day, today, lang)))
    if entry.coverage_item:
        parts.append(esc(entry.coverage_item))
    elif entry.place:
        parts.append(esc(entry.place))
    if entry.has_photo:
        parts.append("📷")
    return " · ".join(parts)


def progress_line(progress: PledgeProgress, today: date, lang: Lang) -> str | None:
    window = progress.window
    if window is None:
        return None
    label = window.label(lang)
    status = status_label(progress.assessment.status, lang)
    coverage = progress.coverage
    if coverage is not None:
        if lang == "sv":
            text = f"Nu {coverage.covered} av {coverage.items} på listan besökta"
            if coverage.per_item > 1:
                text += f", {coverage.visits} av {count(coverage.visits_needed, 'besök', 'besök')}"
        else:
            text = f"Now {coverage.covered} of {coverage.items} on the list visited"
            if coverage.per_item > 1:
                text += f", {coverage.visits} of {count(coverage.visits_needed, 'visit', 'visits')}"
        rounds = rounds_text(progress.assessment, lang)
        text += f" ({esc(label)})" + (f", {rounds}" if rounds else "")
        return f"{text} – {i(status)}"
    if progress.target:
        times = (
            pick(lang, "gång", "time") if progress.target == 1 else pick(lang, "gånger", "times")
        )
        unit = esc(unit_for(progress.target, progress.unit) if progress.unit else times)
        least = pick(lang, "minst ", "at least ") if progress.at_least else ""
        word = pick(lang, "av", "of")
        now = pick(lang, "Nu", "Now")
        figures = f"{progress.done} {word} {least}{progress.target} {unit}"
        rounds = rounds_text(progress.assessment, lang)
        figures += f" ({esc(label)})" + (f", {rounds}" if rounds else "")
        return f"{now} {figures} – {i(status)}"
    return pick(
        lang,
        f"Totalt under {esc(label)}: {progress.done}",
        f"In total, {esc(label)}: {progress.done}",
    )


def saved(outcome: Outcome, today: date, lang: Lang) -> tuple[str, Markup]:
    entry = outcome.entry
    assert entry is not None
    head = (
        pick(lang, "✅ Sparat", "✅ Saved")
        if outcome.kind == "saved"
        else pick(lang, "✏️ Ändrat", "✏️ Changed")
    )
    lines = [f"{head}: {entry_line(entry, today, lang)}", esc(entry.municipality)]
    if entry.progress is not None:
        line = progress_line(entry.progress, today, lang)
        if line:
            lines.append(line)
    buttons = [
        [
            _button(pick(lang, "↩️ Ångra", "↩️ Undo"), "un", entry.id),
            _button(pick(lang, "Ändra", "Change"), "me", entry.id),
        ]
    ]
    if entry.list_items:
        lines.append(pick(lang, "Vilken på listan gällde det?", "Which one on the list was it?"))
        items = [_button(name[:40], "ci", entry.id, item) for item, name in entry.list_items[:12]]
        buttons = _rows(items, 2) + buttons
    return "\n".join(lines), Keyboard(buttons)


def entry_view(entry: Entry, today: date, lang: Lang) -> tuple[str, Markup]:
    lines = [entry_line(entry, today, lang), esc(entry.municipality)]
    if entry.deleted:
        lines.append(i(pick(lang, "Borttagen.", "Deleted.")))
        return "\n".join(lines), Keyboard(
            [[_button(pick(lang, "Ta tillbaka", "Restore"), "rs", entry.id)]]
        )
    buttons = [
        [
            _button(pick(lang, "Antal", "Count"), "mc", entry.id),
            _button(pick(lang, "Datum", "Date"), "md", entry.id),
            _button(pick(lang, "Plats", "Place"), "mp", entry.id),
        ],
        [_button(pick(lang, "🗑 Ta bort", "🗑 Delete"), "dl", entry.id)],
    ]
    return "\n".join(lines), Keyboard(buttons)


def deleted(entry: Entry, today: date, lang: Lang) -> tuple[str, Markup]:
    text = pick(lang, "🗑 Borttaget: ", "🗑 Deleted: ") + entry_line(entry, today, lang)
    return text, Keyboard([[_button(pick(lang, "Ta tillbaka", "Restore"), "rs", entry.id)]])


def gone(lang: Lang) -> str:
    return pick(
        lang,
        "Den posten är borttagen. Skicka ett nytt meddelande om du vill logga det igen.",
        "That entry was deleted. Send a new message to log it again.",
    )


def count_keyboard(
    action: str, *prefix: int | str, suffix: Sequence[int | str] = ()
) -> list[list[Button]]:
    numbers = [1, 2, 3, 4, 5, 6, 8, 10]
    return _rows([_button(str(n), action, *prefix, n, *suffix) for n in numbers], 4)


def date_choices(today: date, lang: Lang) -> list[tuple[date, str]]:
    days = [today - timedelta(days=n) for n in range(7)]
    return [
        (d, day_label(d, today, lang).split(" ")[0] if n > 2 else day_label(d, today, lang))
        for n, d in enumerate(days)
    ]


def count_picker(entry_id: int, lang: Lang) -> tuple[str, Markup]:
    rows = count_keyboard("sc", entry_id)
    rows.append(
        [_button(pick(lang, "Skriv ett annat antal", "Type another number"), "cw", entry_id)]
    )
    return pick(lang, "Hur många?", "How many?"), Keyboard(rows)


def date_picker(entry_id: int, today: date, lang: Lang) -> tuple[str, Markup]:
    buttons = [
        _button(label, "sd", entry_id, day_code(d)) for d, label in date_choices(today, lang)
    ]
    rows = _rows(buttons, 3)
    rows.append([_button(pick(lang, "Skriv ett datum", "Type a date"), "dw", entry_id)])
    return pick(lang, "Vilken dag?", "Which day?"), Keyboard(rows)


def ask_count(lang: Lang) -> str:
    return pick(lang, "Skriv antalet (1–999).", "Type the number (1–999).")


def ask_date(lang: Lang) -> str:
    return pick(
        lang,
        "Skriv dagen, till exempel ”i går”, ”i tisdags” eller ”12/3”.",
        "Type the day, for example ”i går”, ”i tisdags” or ”12/3”.",
    )


def ask_place(lang: Lang) -> str:
    return pick(
        lang,
        "Skriv platsen, till exempel ”Sveg skola” eller ”E45 vid Älvros”.",
        "Type the place, for example ”Sveg skola” or ”E45 vid Älvros”.",
    )


def recent(entries: Sequence[Entry], today: date, lang: Lang) -> tuple[str, Markup | None]:
    if not entries:
        return pick(
            lang,
            "Du har inga sparade poster än. Skriv vad du gjorde, eller använd /logga.",
            "You have no entries yet. Write what you did, or use /log.",
        ), None
    lines = [b(pick(lang, "Dina senaste poster", "Your latest entries"))]
    buttons = []
    for n, entry in enumerate(entries, start=1):
        lines.append(f"{n}. {entry_line(entry, today, lang)}")
        buttons.append(_button(str(n), "me", entry.id))
    lines.append(
        pick(
            lang,
            "Tryck på en siffra för att ändra eller ta bort.",
            "Tap a number to change or delete.",
        )
    )
    return "\n".join(lines), Keyboard(_rows(buttons, 4))


# --- when the reading is not sure ---------------------------------------------------------


def _read_summary(outcome: Outcome, today: date, lang: Lang) -> str:
    reading = outcome.reading
    if reading is None:
        return ""
    parts = []
    if reading.count_sure:
        parts.append(pick(lang, f"antal {reading.count}", f"count {reading.count}"))
    if reading.day is not None:
        parts.append(esc(day_label(reading.day, today, lang)))
    if reading.place:
        parts.append(esc(reading.place))
    return i(", ".join(parts)) if parts else ""


def _option_label(option: Option, several: bool) -> str:
    label = option.short_name
    if several:
        label = f"{label} ({option.municipality})"
    return label[:60]


def _joined(names: Sequence[str], lang: Lang) -> str:
    """ "A", "A och B", "A, B och C" (English: "and")."""
    names = [esc(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + pick(lang, " och ", " and ") + names[-1]


def _quoted(outcome: Outcome) -> str:
    reading = outcome.reading
    if reading is None or not reading.text.strip():
        return ""
    return "\n" + i("”" + esc(" ".join(reading.text.split())[:200]) + "”")


def _drop_button(draft: int, lang: Lang) -> Button:
    return _button(pick(lang, "Spara inte", "Do not save"), "qx", draft)


def _ask_municipality(outcome: Outcome, lang: Lang) -> tuple[str, Markup]:
    assert outcome.draft_id is not None
    own = [name for _, name in outcome.municipalities]
    others = _joined(outcome.others, lang) or pick(lang, "en annan kommun", "another municipality")
    text = pick(
        lang,
        f"Meddelandet nämner {others}, men du rapporterar för {_joined(own, lang)}. "
        "Jag sparar ingenting i en kommun du inte rapporterar för. Gällde det ändå "
        f"{_joined(own, lang)}?",
        f"The message names {others}, but you report for {_joined(own, lang)}. I save nothing "
        f"in a municipality you do not report for. Was it {_joined(own, lang)} after all?",
    )
    rows = [
        [_button(pick(lang, f"Ja, {name}", f"Yes, {name}")[:60], "qm", outcome.draft_id, mid)]
        for mid, name in outcome.municipalities
    ]
    rows.append([_drop_button(outcome.draft_id, lang)])
    return text + _quoted(outcome), Keyboard(rows)


def _ask_count(outcome: Outcome, lang: Lang) -> tuple[str, Markup]:
    assert outcome.draft_id is not None
    text = pick(
        lang,
        "Jag kunde inte läsa antalet säkert. Hur många gånger? Tryck eller skriv en siffra.",
        "I could not read the count for sure. How many times? Tap or type a number.",
    )
    rows = count_keyboard("qn", outcome.draft_id)
    rows.append([_drop_button(outcome.draft_id, lang)])
    return text + _quoted(outcome), Keyboard(rows)


def _ask_day(outcome: Outcome, today: date, lang: Lang) -> tuple[str, Markup]:
    assert outcome.draft_id is not None
    text = pick(
        lang,
        "Vilken dag gällde det? Tryck på dagen, eller skriv den (till exempel ”i tisdags” "
        "eller ”12/3”).",
        "Which day was it? Tap the day, or type it (for example ”yesterday” or ”12/3”).",
    )
    buttons = [
        _button(day_label(d, today, lang)[:40], "qd", outcome.draft_id, day_code(d))
        for d in outcome.day_options[:7]
    ]
    rows = _rows(buttons, 2)
    rows.append([_drop_button(outcome.draft_id, lang)])
    return text + _quoted(outcome), Keyboard(rows)


def dropped(lang: Lang) -> str:
    return pick(lang, "Okej, jag sparade ingenting.", "All right, nothing was saved.")


def choose(outcome: Outcome, today: date, lang: Lang) -> tuple[str, Markup]:
    """Buttons for a draft: the best readings, or all pledges, plus extra activity; or the
    draft's other question (its kommun, the count, the day)."""
    assert outcome.draft_id is not None
    if outcome.question == "municipality":
        return _ask_municipality(outcome, lang)
    if outcome.question == "count":
        return _ask_count(outcome, lang)
    if outcome.question == "day":
        return _ask_day(outcome, today, lang)
    draft = outcome.draft_id
    several = len({o.municipality for o in outcome.options}) > 1
    rows = _rows(
        [
            _button(_option_label(o, several), "dp", draft, o.pledge_id)
            for o in outcome.options[:MAX_OPTION_BUTTONS]
        ],
        1 if outcome.kind == "ask" else 2,
    )
    if outcome.kind == "ask":
        head = pick(
            lang,
            "Jag är inte säker på vilket löfte det gäller. Vilket av dessa?",
            "I am not sure which pledge this is. Which of these?",
        )
    else:
        head = pick(
            lang,
            "Jag hittade inget löfte som passar. Välj ett löfte eller spara som extra insats.",
            "I found no matching pledge. Pick one, or save it as an extra activity.",
        )
    extra = pick(lang, "Extra insats (utanför löftena)", "Extra activity (outside the pledges)")
    if len(outcome.municipalities) == 1:
        mid = outcome.municipalities[0][0]
        if outcome.kind == "ask":
            show_all = pick(lang, "Inget av dem – visa alla", "None of these – show all")
            rows.append([_button(show_all, "dm", draft, mid)])
        rows.append([_button(extra, "dx", draft, mid)])
    else:
        for mid, name in outcome.municipalities:
            pledges = pick(lang, f"Löftena i {name}", f"Pledges in {name}")
            extra_in = pick(lang, f"Extra insats i {name}", f"Extra in {name}")
            rows.append(
                [_button(pledges[:40], "dm", draft, mid), _button(extra_in[:40], "dx", draft, mid)]
            )
    summary = _read_summary(outcome, today, lang)
    text = head + (f"\n{summary}" if summary else "")
    return text, Keyboard(rows)


def municipality_pledges(
    draft_id: int, municipality_id: int, options: Sequence[Option], lang: Lang
) -> tuple[str, Markup]:
    rows = _rows(
        [
            _button(o.short_name[:60], "dp", draft_id, o.pledge_id)
            for o in options[:MAX_OPTION_BUTTONS]
        ],
        2,
    )
    rows.append(
        [
            _button(
                pick(
                    lang, "Extra insats (utanför löftena)", "Extra activity (outside the pledges)"
                ),
                "dx",
                draft_id,
                municipality_id,
            )
        ]
    )
    return pick(lang, "Välj löfte:", "Pick a pledge:"), Keyboard(rows)


def problem(code: str, lang: Lang) -> str:
    """Why nothing was saved: `code` is a message key ("report.future") or a reading's
    problem code ("future"); anything else is said as "could not be saved"."""
    key = code if "." in code else f"report.{code}"
    return t(key if key.startswith("report.") and key in MESSAGES else "report.unsaved", lang)


def not_a_reporter(lang: Lang) -> str:
    return pick(
        lang,
        "Det här är till för rapportörer. Har du fått en inbjudan, öppna länken i den. "
        "Vill du veta hur det går med löftena, skriv /hjalp.",
        "This is for reporters. If you have an invitation, open its link. Send /help to see "
        "what you can do.",
    )


def nothing_to_undo(lang: Lang) -> str:
    return pick(lang, "Det finns inget att ångra.", "There is nothing to undo.")


def not_found(lang: Lang) -> str:
    return pick(
        lang,
        "Den posten finns inte längre, eller är inte din. Se /mina.",
        "That entry no longer exists, or is not yours. See /mine.",
    )


def photo_without_caption(lang: Lang) -> str:
    return pick(
        lang,
        "Tack för bilden! Vad gjorde du? Välj nedan – eller redigera bilden och skriv en bildtext.",
        "Thanks for the photo! What did you do? Pick below – or edit the photo and add a caption.",
    )


# --- /logga -------------------------------------------------------------------------------


def guided(choice: GuidedChoice, lang: Lang) -> tuple[str, Markup | None]:
    if not choice.items:
        return pick(
            lang,
            "Det finns inga löften att logga mot i din kommun än. Be en administratör läsa in dem.",
            "There are no pledges to log against in your municipality yet. "
            "Ask an admin to import them.",
        ), None
    if choice.step == "municipality":
        head = pick(lang, "Vilken kommun?", "Which municipality?")
        buttons = [_button(name[:60], "lg", "m", mid) for mid, name in choice.items]
        width = 2
    elif choice.step == "focus_area":
        head = pick(lang, "Vad gjorde du? Välj fokusområde:", "What did you do? Pick a focus area:")
        buttons = [_button(name[:60], "lg", "f", fid) for fid, name in choice.items]
        width = 1
    else:
        head = pick(lang, "Vilket löfte?", "Which pledge?")
        buttons = [_button(name[:60], "lg", "p", pid) for pid, name in choice.items]
        width = 2
    title = " · ".join(esc(x) for x in (choice.municipality, choice.focus_area) if x)
    rows = _rows(buttons, width)
    rows.append([_button(pick(lang, "Avbryt", "Cancel"), "lq")])
    return (f"{title}\n{head}" if title else head), Keyboard(rows)


def card(c: Card, today: date, lang: Lang) -> tuple[str, Markup]:
    args = (c.pledge_id, c.count, day_code(c.day))
    lines = [
        f"{b(c.pledge)} · {esc(c.municipality)}",
        pick(lang, f"Antal: {c.count} · Dag: ", f"Count: {c.count} · Day: ")
        + esc(day_label(c.day, today, lang)),
    ]
    rows = [
        [_button(pick(lang, "✅ Spara", "✅ Save"), "ls", *args)],
        [
            _button(pick(lang, "Antal", "Count"), "lc", *args),
            _button(pick(lang, "Dag", "Day"), "ld", *args),
            _button(pick(lang, "Plats …", "Place …"), "lx", *args),
        ],
        [_button(pick(lang, "Avbryt", "Cancel"), "lq")],
    ]
    return "\n".join(lines), Keyboard(rows)


def card_count(c: Card, lang: Lang) -> tuple[str, Markup]:
    rows = count_keyboard("lk", c.pledge_id, suffix=(day_code(c.day),))
    return f"{b(c.pledge)}\n" + pick(lang, "Hur många?", "How many?"), Keyboard(rows)


def card_date(c: Card, today: date, lang: Lang) -> tuple[str, Markup]:
    buttons = [
        _button(label, "lk", c.pledge_id, c.count, day_code(d))
        for d, label in date_choices(today, lang)
    ]
    return f"{b(c.pledge)}\n" + pick(lang, "Vilken dag?", "Which day?"), Keyboard(_rows(buttons, 3))


def cancelled(lang: Lang) -> str:
    return pick(lang, "Avbrutet – inget sparades.", "Cancelled – nothing was saved.")
