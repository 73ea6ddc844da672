"""Texts and buttons for citizens: the overview, a focus area, one pledge, what was promised,
the chart's rows and caption, subscriptions, synpunkter, /glom.

Public rules: counts and days only; a place only when an admin marked it public; never a
reporter's name or a note. Every name from storage or a user is escaped here.

Callback actions: co|M overview of M, ca|F focus area F, cp|P pledge P, cc|M chart of M,
cm|M choose M as the chat's municipality, cs|M subscribe to M, cf|M send the waiting synpunkt
to M.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.pace import Assessment, Status, status_label
from bot.domain.periods import MONTHS_EN, MONTHS_SV, Per, Window
from bot.domain.words import count, join_words, unit_for
from bot.render.callbacks import encode
from bot.render.chart import ChartRow
from bot.render.html import b, esc, i, join_names
from bot.render.keyboards import Button, Keyboard
from bot.render.links import pledge_link
from bot.render.messages import MESSAGES, pick, t
from bot.render.texts import Lang
from bot.services.answers import AreaBlock, Overview, PledgeDetail, PledgeLine
from bot.services.citizens import Place
from storage.models import Responsible

MESSAGE_LIMIT = 4000
CAPTION_LIMIT = 1024
Markup = Keyboard


def _button(text: str, action: str, *args: int | str) -> Button:
    return Button(text[:60], callback_data=encode(action, *args))


def short_day(day: date, today: date, lang: Lang) -> str:
    months = MONTHS_SV if lang == "sv" else MONTHS_EN
    text = f"{day.day} {months[day.month - 1][:3]}"
    return text if day.year == today.year else f"{text} {day.year}"


def long_day(day: date, lang: Lang) -> str:
    months = MONTHS_SV if lang == "sv" else MONTHS_EN
    return f"{day.day} {months[day.month - 1]} {day.year}"


def responsible(value: Responsible, lang: Lang, *, capital: bool = False) -> str:
    words = {
        Responsible.POLICE: pick(lang, "polisen", "the police"),
        Responsible.MUNICIPALITY: pick(lang, "kommunen", "the municipality"),
        Responsible.BOTH: pick(lang, "polisen och kommunen", "police and municipality"),
    }[value]
    return words[:1].upper() + words[1:] if capital else words


def window_phrase(window: Window | None, today: date, lang: Lang) -> str:
    """ "i år", "under andra halvåret 2026", "denna vecka", "under perioden" …"""
    if window is None:
        return ""
    if window.per is Per.YEAR and window.start.year == today.year:
        return pick(lang, "i år", "this year")
    if window.per is Per.WEEK and window.contains(today):
        return pick(lang, "denna vecka", "this week")
    if window.per is Per.MONTH and window.contains(today):
        return pick(lang, "denna månad", "this month")
    if window.per is Per.PERIOD:
        return pick(lang, "under perioden", "in the period")
    return pick(lang, f"under {window.label('sv')}", f"in {window.label('en')}")


def _status(line: PledgeLine, lang: Lang) -> str:
    return i(status_label(line.assessment.status, lang))


# Window kinds as counted words: (sv singular, sv plural, en singular, en plural).
_PER_WORDS: dict[Per, tuple[str, str, str, str]] = {
    Per.WEEK: ("vecka", "veckor", "week", "weeks"),
    Per.MONTH: ("månad", "månader", "month", "months"),
    Per.TERM: ("termin", "terminer", "term", "terms"),
    Per.QUARTER: ("kvartal", "kvartal", "quarter", "quarters"),
    Per.TERTIAL: ("tertial", "tertial", "tertial", "tertials"),
    Per.HALF_YEAR: ("halvår", "halvår", "half-year", "half-years"),
    Per.YEAR: ("år", "år", "year", "years"),
    Per.PERIOD: ("period", "perioder", "period", "periods"),
}


def per_word(per: Per, n: int, lang: Lang) -> str:
    """ "vecka" / "veckor", "week" / "weeks" …"""
    sv_one, sv_many, en_one, en_many = _PER_WORDS[per]
    if lang == "sv":
        return sv_one if n == 1 else sv_many
    return en_one if n == 1 else en_many


def rounds_text(assessment: Assessment, lang: Lang) -> str:
    """For a target that recurs ("minst 1 i veckan"): in how many of the windows so far it was
    reached ("målet nått i 5 av 7 veckor"); empty before any window has been judged."""
    rounds = assessment.rounds
    if rounds is None or rounds.judged == 0:
        return ""
    word = per_word(rounds.per, rounds.judged, lang)
    return pick(
        lang,
        f"målet nått i {rounds.kept} av {rounds.judged} {word}",
        f"target reached in {rounds.kept} of {rounds.judged} {word}",
    )


def progress_text(line: PledgeLine, today: date, lang: Lang, *, when: str | None = None) -> str:
    """What was done against the target in the current window, honestly, and for a recurring
    target in how many windows of the period so far it was reached. `when` replaces the window
    phrase ("i år")."""
    text = _window_progress(line, today, lang, when=when)
    rounds = rounds_text(line.assessment, lang)
    return f"{text}, {rounds}" if rounds else text


def _window_progress(line: PledgeLine, today: date, lang: Lang, *, when: str | None) -> str:
    if when is None:
        when = window_phrase(line.window, today, lang)
    coverage = line.coverage
    if coverage is not None:
        text = pick(
            lang,
            f"{coverage.covered} av {coverage.items} på listan besökta",
            f"{coverage.covered} of {coverage.items} on the list visited",
        )
        if coverage.per_item > 1:
            text += pick(
                lang,
                f", {coverage.visits} av {count(coverage.visits_needed, 'besök', 'besök')}",
                f", {coverage.visits} of {count(coverage.visits_needed, 'visit', 'visits')}",
            )
        if line.done > coverage.visits:
            text += pick(
                lang,
                f" ({count(line.done, 'insats', 'insatser')} totalt)",
                f" ({line.done} in total)",
            )
        return f"{text} {when}".strip()
    if line.target:
        times = pick(lang, "gång", "time") if line.target == 1 else pick(lang, "gånger", "times")
        unit = esc(unit_for(line.target, line.unit) if line.unit else times)
        least = pick(lang, "minst ", "at least ") if line.at_least else ""
        return f"{line.done} {pick(lang, 'av', 'of')} {least}{line.target} {unit} {when}".strip()
    if line.done == 0:
        return pick(lang, f"inget gjort {when}", f"nothing done {when}").strip()
    if line.unit:
        unit = esc(unit_for(line.done, line.unit))
    elif line.done == 1:
        unit = pick(lang, "gång", "time")
    else:
        unit = pick(lang, "gånger", "times")
    return f"{line.done} {unit} {when}".strip()


def pledge_line(line: PledgeLine, today: date, lang: Lang) -> str:
    parts = [
        f"• {b(line.short_name)} ({responsible(line.responsible, lang)})",
        progress_text(line, today, lang),
        _status(line, lang),
    ]
    if line.last_day is not None:
        parts.append(pick(lang, "senast ", "last ") + short_day(line.last_day, today, lang))
    return " · ".join(parts)


def _updated(view: Overview, tz: ZoneInfo, lang: Lang) -> str:
    if view.updated_at is None:
        return pick(lang, "Inga insatser är loggade än.", "No activities have been logged yet.")
    day = view.updated_at.astimezone(tz).date()
    return pick(
        lang,
        f"Uppgifterna uppdaterades senast {long_day(day, 'sv')}.",
        f"Last updated {long_day(day, 'en')}.",
    )


def _period(view: Overview, lang: Lang) -> str:
    if view.period_start is None:
        return ""
    start = str(view.period_start.year)
    if view.period_end is None:
        return pick(
            lang,
            f"Medborgarlöften från {start}, tills vidare",
            f"Pledges from {start}, until further notice",
        )
    end = str(view.period_end.year)
    years = start if start == end else f"{start}–{end}"
    return pick(lang, f"Medborgarlöften {years}", f"Citizen pledges {years}")


def _pack(header: str, blocks: Sequence[str], footer: str) -> list[str]:
    """Messages of at most MESSAGE_LIMIT characters, split between blocks or lines only."""
    pieces: list[str] = []
    for block in blocks:
        if len(block) <= MESSAGE_LIMIT - 200:
            pieces.append(block)
            continue
        for line in block.split("\n"):
            pieces.append(line[: MESSAGE_LIMIT - 200])
    messages: list[str] = []
    current = header
    for piece in [*pieces, footer]:
        candidate = f"{current}\n\n{piece}" if current else piece
        if len(candidate) > MESSAGE_LIMIT:
            messages.append(current)
            current = piece
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def overview(
    view: Overview,
    tz: ZoneInfo,
    lang: Lang,
    *,
    only: Sequence[int] = (),
) -> tuple[list[str], Markup | None]:
    """The answer to "hur går det i X": per focus area, one line per pledge."""
    title = b(
        pick(
            lang,
            f"Hur går det i {view.municipality}?",
            f"How is {view.municipality} doing?",
        )
    )
    period = _period(view, lang)
    header = f"{title}\n{esc(period)}" if period else title
    if not view.areas:
        text = pick(
            lang,
            f"Det finns inga medborgarlöften inlagda för {esc(view.municipality)} än.",
            f"No citizen pledges have been added for {esc(view.municipality)} yet.",
        )
        return [f"{header}\n\n{text}"], None
    blocks = []
    for area in view.areas:
        lines = [ln for ln in area.lines if not only or ln.pledge_id in only]
        if not lines:
            continue
        heading = b(area.name) if area.name else ""
        body = "\n".join(pledge_line(ln, view.today, lang) for ln in lines)
        blocks.append(f"{heading}\n{body}" if heading else body)
    messages = _pack(header, blocks, _updated(view, tz, lang))
    return messages, overview_buttons(view, lang, only=only)


def overview_buttons(view: Overview, lang: Lang, *, only: Sequence[int] = ()) -> Markup:
    rows: list[list[Button]] = []
    if only and len(only) <= 6:
        rows += [
            [_button(ln.short_name, "cp", ln.pledge_id)]
            for ln in view.lines
            if ln.pledge_id in only
        ]
    else:
        rows += [[_button(a.name or "…", "ca", a.id)] for a in view.areas]
    rows.append(
        [
            _button(pick(lang, "📊 Visa diagram", "📊 Show chart"), "cc", view.municipality_id),
            _button(pick(lang, "🔔 Prenumerera", "🔔 Subscribe"), "cs", view.municipality_id),
        ]
    )
    return Markup(rows)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def area_view(view: Overview, area: AreaBlock, lang: Lang) -> tuple[str, Markup | None]:
    lines = [b(f"{area.name or ''} · {view.municipality}".strip(" ·"))]
    for line in area.lines:
        lines.append("")
        lines.append(pledge_line(line, view.today, lang))
        lines.append(esc(_clip(line.text, 500)))
    text = "\n".join(lines)
    if len(text) > MESSAGE_LIMIT:
        text = text[: MESSAGE_LIMIT - 1].rsplit("\n", 1)[0]
    rows = [[_button(ln.short_name, "cp", ln.pledge_id)] for ln in area.lines]
    rows.append([_button(pick(lang, "⬅️ Alla löften", "⬅️ All pledges"), "co", view.municipality_id)])
    return text, Markup(rows)


def deep_link(username: str | None, pledge_id: int) -> str | None:
    return pledge_link(username, pledge_id)


def pledge_view(
    detail: PledgeDetail,
    today: date,
    username: str | None,
    lang: Lang,
    *,
    page_url: str | None = None,
) -> tuple[str, Markup | None]:
    """One pledge: its text, who, progress now, history by window, latest result, a link:
    the pledge's public web page when there is one (`page_url`), else the bot's deep link."""
    line = detail.line
    lines = [
        b(f"{line.short_name} · {detail.municipality}"),
        esc(_clip(line.text, 900)),
        "",
        pick(lang, "Ansvar: ", "Responsible: ") + responsible(line.responsible, lang),
        pick(lang, "Nu: ", "Now: ")
        + progress_text(line, today, lang)
        + " · "
        + _status(line, lang),
    ]
    if detail.history:
        history = ", ".join(f"{esc(w.window.label(lang))}: {w.done}" for w in detail.history)
        lines.append(pick(lang, "Gjort per period: ", "Done per period: ") + history)
    if detail.recent:
        recent = []
        for act in detail.recent:
            item = f"{short_day(act.day, today, lang)} ({act.count})"
            if act.place:
                item += f" {esc(act.place)}"
            recent.append(item)
        lines.append(
            pick(lang, "Senaste insatser: ", "Latest activities: ") + join_words(recent, lang)
        )
    elif line.last_day is None:
        lines.append(pick(lang, "Inga insatser loggade än.", "No activities logged yet."))
    if detail.result_note:
        period = ""
        if detail.result_note_period is not None:
            start, end = detail.result_note_period
            period = (
                f" ({start.year}" + (f"–{end.year}" if end and end.year != start.year else "") + ")"
            )
        lines += [
            "",
            b(pick(lang, "Senaste resultat", "Latest result") + period),
            esc(_clip(detail.result_note, 800)),
        ]
    link = page_url or deep_link(username, line.pledge_id)
    if link:
        lines += ["", pick(lang, "Dela: ", "Share: ") + esc(link)]
    rows = [
        [
            _button(
                line.focus_area or pick(lang, "Fokusområdet", "Focus area"),
                "ca",
                line.focus_area_id,
            ),
            _button(pick(lang, "⬅️ Alla löften", "⬅️ All pledges"), "co", detail.municipality_id),
        ]
    ]
    text = "\n".join(lines)
    if len(text) > MESSAGE_LIMIT:  # cut between lines, never inside a tag or an entity
        text = text[: MESSAGE_LIMIT + 1].rsplit("\n", 1)[0]
    return text, Markup(rows)


def promised(view: Overview, lang: Lang, who: str | None) -> list[str]:
    """What was promised ("vad har polisen lovat"): the pledges' texts per focus area."""
    title = pick(
        lang,
        f"Medborgarlöften i {view.municipality}",
        f"Citizen pledges in {view.municipality}",
    )
    if who == "polisen":
        title += pick(lang, " – det polisen har lovat", " – what the police promised")
    elif who == "kommunen":
        title += pick(lang, " – det kommunen har lovat", " – what the municipality promised")
    header = b(title)
    period = _period(view, lang)
    if period:
        header += f"\n{esc(period)}"
    wanted = {
        "polisen": (Responsible.POLICE, Responsible.BOTH),
        "kommunen": (Responsible.MUNICIPALITY, Responsible.BOTH),
    }.get(who or "", tuple(Responsible))
    blocks = []
    for area in view.areas:
        lines = [ln for ln in area.lines if ln.responsible in wanted]
        if not lines:
            continue
        body = "\n".join(
            f"• {b(ln.short_name)} ({responsible(ln.responsible, lang)}): "
            f"{esc(_clip(ln.text, 400))}"
            for ln in lines
        )
        blocks.append(f"{b(area.name)}\n{body}" if area.name else body)
    if not blocks:
        blocks.append(pick(lang, "Inga löften att visa.", "No pledges to show."))
    footer = pick(lang, "Fråga ”hur går det?” för läget.", "Ask ”hur går det?” for progress.")
    return _pack(header, blocks, footer)


# --- the chart --------------------------------------------------------------------------


def chart_rows(view: Overview, lang: Lang) -> list[ChartRow]:
    rows = []
    for line in view.lines:
        target: int | None = line.target
        done = line.done
        expected = line.assessment.expected_now
        unit: str | None = None
        rounds = line.assessment.rounds
        if line.coverage is not None:
            target, done = line.coverage.visits_needed, line.coverage.visits
        elif line.assessment.status is Status.NOT_MEASURABLE:
            target, expected = None, None
        if rounds is not None and rounds.judged:
            # A recurring target: the bar is the windows so far in which it was reached, as
            # in every other view ("5 av 7 veckor"); the pace says every one of them.
            done, target, expected = rounds.kept, rounds.judged, float(rounds.judged)
            unit = per_word(rounds.per, rounds.judged, lang)
        rows.append(
            ChartRow(
                label=line.short_name,
                responsible=responsible(line.responsible, lang, capital=True),
                done=done,
                target=target,
                expected_now=expected,
                status=status_label(line.assessment.status, lang),
                status_key=line.assessment.status.value,
                unit=unit,
            )
        )
    return rows


def chart_title(view: Overview, lang: Lang) -> tuple[str, str, str]:
    title = pick(lang, f"Hur går det i {view.municipality}?", f"How is {view.municipality} doing?")
    subtitle = (_period(view, lang) + " · " if _period(view, lang) else "") + pick(
        lang, f"läget {long_day(view.today, 'sv')}", f"as of {long_day(view.today, 'en')}"
    )
    note = pick(
        lang, "Löftesboten · antal och datum, inga namn", "Löftesboten · counts and dates, no names"
    )
    return title, subtitle, note


def chart_caption(view: Overview, lang: Lang) -> str:
    counts: dict[Status, int] = {}
    for line in view.lines:
        counts[line.assessment.status] = counts.get(line.assessment.status, 0) + 1
    summary = join_words(
        [f"{n} {status_label(status, lang).lower()}" for status, n in counts.items()], lang
    )
    text = pick(
        lang,
        f"{b('Hur går det i ' + view.municipality + '?')}\n"
        f"Stapeln visar vad som gjorts mot målet under pågående period, strecket var takten "
        f"borde vara i dag. Löften utan mätbart mål visar bara vad som gjorts.\n{esc(summary)}",
        f"{b('How is ' + view.municipality + ' doing?')}\n"
        f"Each bar shows what was done against the target in the current period; the tick "
        f"shows where the pace should be today. Pledges without a measurable target show what "
        f"was done.\n{esc(summary)}",
    )
    return text[:CAPTION_LIMIT]


# --- choosing a municipality, subscriptions, feedback, /glom ---------------------------------

CHOICE_BUTTONS = 40


def choose_place(
    places: Sequence[Place], lang: Lang, *, unknown: str | None = None
) -> tuple[str, Markup | None]:
    names = join_words([esc(p.name) for p in places], lang)
    if len(places) > CHOICE_BUTTONS:
        names = ", ".join(esc(p.name) for p in places[:CHOICE_BUTTONS])
        names += pick(
            lang,
            f" och {len(places) - CHOICE_BUTTONS} till",
            f" and {len(places) - CHOICE_BUTTONS} more",
        )
    if not places:
        return pick(
            lang, "Inga kommuner är inlagda än.", "No municipalities have been added yet."
        ), None
    head = ""
    if unknown:
        head = pick(
            lang,
            f"Jag känner inte till någon kommun som heter ”{esc(unknown)}”. ",
            f"I don't know a municipality called ”{esc(unknown)}”. ",
        )
    text = head + pick(
        lang,
        f"Vilken kommun undrar du över? Jag känner till {names}. Skriv till exempel ”hur går "
        f"det i {esc(places[0].name)}?” eller /kommun och namnet.",
        f"Which municipality do you mean? I know {names}. Write e.g. ”how is it going in "
        f"{esc(places[0].name)}?” or /municipality and the name.",
    )
    if len(places) > CHOICE_BUTTONS:
        return text, None
    return text, _place_buttons(places, "cm")


def _place_buttons(places: Sequence[Place], action: str) -> Markup | None:
    if not places or len(places) > CHOICE_BUTTONS:
        return None
    buttons = [_button(p.name, action, p.id) for p in places]
    return Markup([buttons[n : n + 2] for n in range(0, len(buttons), 2)])


def _genitive(name: str) -> str:
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


def town_note(town: str, municipality: str, lang: Lang) -> str:
    """ "Sveg ligger i Härjedalens kommun." """
    return pick(
        lang,
        f"{esc(town)} ligger i {esc(_genitive(municipality))} kommun.",
        f"{esc(town)} is in {esc(municipality)} municipality.",
    )


def no_pledges_in(
    municipality: str, town: str | None, others: Sequence[Place], lang: Lang
) -> tuple[str, Markup | None]:
    """A municipality of Sweden the bot holds no promises for: said so, and where it has some."""
    text = (town_note(town, municipality, lang) + " ") if town else ""
    text += pick(
        lang,
        f"{b(municipality)} har inga medborgarlöften här i boten än.",
        f"{b(municipality)} has no citizen pledges in this bot yet.",
    )
    if others:
        names = join_names([p.name for p in others], lang)
        text += pick(
            lang,
            f" Boten följer medborgarlöftena i {names}. Välj en kommun nedan eller fråga till "
            f"exempel ”hur går det i {esc(others[0].name)}?”.",
            f" The bot follows the pledges of {names}. Pick one below or ask e.g. ”how is it "
            f"going in {esc(others[0].name)}?”.",
        )
    return text, _place_buttons(others, "cm")


def no_pledge_about(topic: str, municipality: str, lang: Lang) -> str:
    """A question about a topic none of the municipality's pledges is about."""
    return pick(
        lang,
        f"{esc(municipality)} har inget medborgarlöfte om ”{esc(topic)}”. Det här har "
        f"{esc(municipality)} lovat:",
        f"{esc(municipality)} has no pledge about ”{esc(topic)}”. This is what "
        f"{esc(municipality)} has promised:",
    )


def feedback_which_place(
    places: Sequence[Place],
    lang: Lang,
    *,
    unknown: str | None = None,
    outside: str | None = None,
    added: bool = False,
) -> tuple[str, Markup | None]:
    """/tyck without a known municipality: the synpunkt waits while the citizen picks one."""
    head = ""
    if added:
        head = pick(
            lang,
            "Jag lade till det i din synpunkt. ",
            "I added that to your view. ",
        )
    elif outside:
        head = pick(
            lang,
            f"{b(outside)} finns inte med i boten än, så synpunkten kan inte skickas dit. ",
            f"{b(outside)} is not in the bot yet, so the view cannot be sent there. ",
        )
    elif unknown:
        head = pick(
            lang,
            f"Jag hittar ingen kommun som heter ”{esc(unknown)}”. ",
            f"I can't find a municipality called ”{esc(unknown)}”. ",
        )
    names = join_names([p.name for p in places[:CHOICE_BUTTONS]], lang)
    text = head + pick(
        lang,
        f"Vilken kommun gäller din synpunkt? Tryck på en knapp eller skriv namnet ({names}). "
        "Jag sparar texten så länge.",
        f"Which municipality is your view about? Press a button or type the name ({names}). "
        "I keep your text meanwhile.",
    )
    return text, _place_buttons(places, "cf")


def feedback_ask_text(place: Place | None, lang: Lang) -> str:
    """/tyck alone: the next message is the synpunkt."""
    if place is None:
        return pick(
            lang,
            "Skriv din synpunkt i nästa meddelande, så frågar jag sedan vilken kommun den gäller.",
            "Write your view in your next message; then I will ask which municipality it is about.",
        )
    return pick(
        lang,
        f"Skriv din synpunkt till polisen och kommunen i {esc(place.name)} i nästa meddelande. "
        "Den sparas till nästa medborgardialog.",
        f"Write your view to the police and municipality of {esc(place.name)} in your next "
        "message. It is kept for the next dialogue.",
    )


def feedback_gone(lang: Lang) -> str:
    return pick(
        lang,
        "Jag väntar inte på någon synpunkt längre. Skriv /tyck och din synpunkt igen.",
        "I am no longer waiting for a view. Send /feedback and your view again.",
    )


def place_set(place: Place, lang: Lang) -> str:
    return pick(
        lang,
        f"Nu gäller dina frågor {b(place.name)}. Byt med /kommun.",
        f"Your questions are now about {b(place.name)}. Change with /municipality.",
    )


def subscribed(place: Place, new: bool, lang: Lang) -> str:
    if not new:
        return pick(
            lang,
            f"Du prenumererar redan på {b(place.name)}. Sluta med /avsluta.",
            f"You already follow {b(place.name)}. Stop with /unsubscribe.",
        )
    return pick(
        lang,
        f"Klart! Du får ett kort meddelande när {b(place.name)} lägger ut en ny "
        f"lägesrapport. Sluta med /avsluta.",
        f"Done! You will get a short message when {b(place.name)} posts a new progress "
        f"report. Stop with /unsubscribe.",
    )


def unsubscribed(names: Sequence[str], lang: Lang) -> str:
    if not names:
        return pick(lang, "Du prenumererar inte på något.", "You are not subscribed to anything.")
    joined = join_words([esc(n) for n in names], lang)
    return pick(
        lang,
        f"Klart, inga fler meddelanden om {joined}.",
        f"Done, no more messages about {joined}.",
    )


def feedback_prompt(place: Place, lang: Lang) -> str:
    return pick(
        lang,
        f"Skriv din synpunkt till polisen och kommunen i {esc(place.name)} efter /tyck, till "
        f"exempel "
        "”/tyck Det körs för fort på Storgatan på kvällarna.” Den sparas till nästa "
        "medborgardialog.",
        f"Write your view to the police and municipality of {esc(place.name)} after "
        "/feedback, e.g. ”/feedback People drive too fast on the main street at night.” It is "
        "kept for the next dialogue.",
    )


def feedback_saved(municipality: str, lang: Lang) -> str:
    return pick(
        lang,
        f"Tack! Din synpunkt är skickad till {b(municipality)} och sparas till nästa "
        f"medborgardialog. "
        "Vill du att vi glömmer den och allt annat om den här chatten, skriv /glom.",
        f"Thank you! Your view was sent to {b(municipality)} and is kept for the next "
        f"dialogue. "
        "To make us forget it and everything else about this chat, send /forget.",
    )


def feedback_for_admins(municipality: str, text: str, lang: Lang = "sv") -> str:
    return f"💬 {b(pick(lang, 'Ny synpunkt', 'New view'))} ({esc(municipality)}):\n{esc(text)}"


def feedback_problem(key: str, lang: Lang) -> str:
    return t(key if key.startswith("feedback.") and key in MESSAGES else "feedback.empty", lang)


def forgotten(lang: Lang, *, reporter: bool) -> str:
    text = pick(
        lang,
        "Klart. Jag har glömt allt jag sparat om den här chatten: kommun, prenumerationer och "
        "synpunkter.",
        "Done. I have forgotten everything kept about this chat: municipality, subscriptions "
        "and views.",
    )
    if reporter:
        text += pick(
            lang,
            " Insatser du loggat som rapportör ligger kvar – de hör till kommunens uppföljning.",
            " Activities you logged as a reporter stay – they belong to the municipality's "
            "follow-up.",
        )
    return text


def no_question(lang: Lang) -> str:
    return pick(
        lang,
        "Jag förstod inte riktigt. Fråga till exempel ”hur går det?”, ”hur går det med trafiken?” "
        "eller ”vad har polisen lovat?”. Skriv /hjalp för allt jag kan.",
        "I did not quite understand. Ask e.g. ”how is it going?” or ”what did the police "
        "promise?”. "
        "Send /help for everything I can do.",
    )


def chart_failed(lang: Lang) -> str:
    return pick(
        lang,
        "Diagrammet gick inte att rita just nu. Försök igen om en stund.",
        "The chart could not be drawn right now. Try again later.",
    )


def no_such_pledge(lang: Lang) -> str:
    return pick(
        lang,
        "Det löftet finns inte längre. Fråga ”hur går det?” för kommunens löften som gäller nu.",
        "That pledge no longer exists. Ask ”how is it going?” for the current pledges.",
    )
