"""Texts for admins: importing pages and naming pledges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.words import count, join_words
from bot.render.catalogue import reading_summary
from bot.render.html import b, esc, i
from bot.render.texts import Lang
from bot.services.catalogue import PledgeRow
from bot.services.errors import Invalid, NotAllowed, NotFound, ServiceError
from bot.services.importing import FollowUpPlan, PlannedPledge, years_text

MESSAGE_LIMIT = 3800


def only_admins_import(lang: Lang) -> str:
    if lang == "sv":
        return (
            "Tack! Bara administratörer kan läsa in löftessidor. "
            "Vill du lämna en synpunkt till kommunen och polisen, skriv /hjalp."
        )
    return "Thank you! Only admins can import promise pages. Send /help to see what you can do."


def only_admins(lang: Lang) -> str:
    if lang == "sv":
        return "Det här kommandot är till för administratörer."
    return "This command is for admins."


def wrong_file_type(lang: Lang) -> str:
    if lang == "sv":
        return "Skicka sidan som en .txt- eller .html-fil, eller klistra in texten direkt."
    return "Send the page as a .txt or .html file, or paste the text."


def file_too_large(lang: Lang, limit: int) -> str:
    mb = limit // 1_000_000
    if lang == "sv":
        return f"Filen är för stor. En löftessida får vara högst {mb} MB."
    return f"The file is too large. A promise page may be at most {mb} MB."


def download_failed(lang: Lang) -> str:
    if lang == "sv":
        return "Jag kunde inte hämta filen från Telegram. Försök gärna igen."
    return "I could not fetch the file from Telegram. Please try again."


def cannot_read(lang: Lang, reason: str) -> str:
    head = "Jag kunde inte läsa sidan" if lang == "sv" else "I could not read the page"
    tail = "Inget har sparats." if lang == "sv" else "Nothing was saved."
    return f"{b(head)}\n{esc(reason)}\n{tail}"


def cannot_import(lang: Lang, reason: str) -> str:
    head = "Importen gick inte" if lang == "sv" else "The import failed"
    tail = "Inget har sparats." if lang == "sv" else "Nothing was saved."
    return f"{b(head)}\n{esc(reason)}\n{tail}"


def not_admin_for(lang: Lang, municipality: str) -> str:
    if lang == "sv":
        return f"Sidan gäller {b(municipality)}, men du är inte admin där. Inget har sparats."
    return f"The page is about {b(municipality)}, where you are not an admin. Nothing was saved."


def period_missing(lang: Lang) -> str:
    if lang == "sv":
        return (
            "Sidan säger inte vilken period löftena gäller, så jag kan inte importera den. "
            "Lägg till en rad som <i>Medborgarlöften 2026–2027</i> (eller <i>gäller tills "
            "vidare från 2026-03-01</i>) i texten och skicka den igen."
        )
    return (
        "The page does not say which period the pledges cover, so I cannot import it. "
        "Add a line such as <i>Medborgarlöften 2026–2027</i> to the text and send it again."
    )


def preview_without_period(document: Mapping[str, Any], lang: Lang) -> str:
    return f"{reading_summary(document, lang)}\n\n{period_missing(lang)}"


def _join(items: list[str], lang: Lang) -> str:
    word = " och " if lang == "sv" else " and "
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + word + items[-1]


def _sureness(score: int, sure: bool, lang: Lang) -> str:
    if lang == "sv":
        return f"{'säker' if sure else 'trolig'} matchning, {score} %"
    return f"{'sure' if sure else 'likely'} match, {score} %"


def follow_up_preview(
    document: Mapping[str, Any], plan: FollowUpPlan, lang: Lang, *, limit: int = 3800
) -> str:
    """A follow-up before import: which set it goes to, each result and the pledge it will be
    attached to (with how sure that is), the extras and their dates, what to check."""
    sv = lang == "sv"
    head = f"{plan.municipality} – {'uppföljning' if sv else 'follow-up report'}"
    lines = [b(head)]
    start, end = plan.period
    if plan.window is not None:
        covered = years_text(*plan.window, lang)
        whole = years_text(start, end, lang) if start else covered
        if whole != covered:
            lines.append(
                esc(f"Löftena {whole}, resultat för {covered}")
                if sv
                else esc(f"Pledges {whole}, results for {covered}")
            )
        else:
            lines.append(esc(covered))
    others = [years_text(o.start, o.end, lang) for o in plan.others]
    if plan.target is not None:
        target = years_text(plan.target.start, plan.target.end, lang)
        lines.append(
            esc(f"Resultaten kopplas till löftena {target}.")
            if sv
            else esc(f"The results go to the pledges of {target}.")
        )
    else:
        own = years_text(start, end, lang) if start else "?"
        n = sum(len(a.get("pledges") or []) for a in document.get("focus_areas") or [])
        lines.append(
            esc(
                f"Löftena för {own} finns inte i boten. Uppföljningen sparas som en egen period "
                f"{own} med sina {n} {'löfte' if n == 1 else 'löften'} och deras resultat."
            )
            if sv
            else esc(
                f"The pledges of {own} are not in the bot. The report is stored as a period of "
                f"its own, {own}, with its {n} {'pledge' if n == 1 else 'pledges'} and results."
            )
        )
    if others:
        lines.append(
            esc(f"Löftena för {_join(others, lang)} ändras inte.")
            if sv
            else esc(f"The pledges of {_join(others, lang)} are not changed.")
        )
    body: list[str] = []
    area_name: object = object()
    for planned in plan.pledges:
        if planned.area != area_name:
            area_name = planned.area
            body += ["", b(planned.area or ("Utan rubrik" if sv else "No heading"))]
        if plan.target is None:
            where = ""
        elif planned.chosen:
            chosen = "valt av dig" if sv else "your choice"
            target = (
                b(planned.pledge_name)
                if planned.pledge_name
                else esc("nytt löfte" if sv else "new pledge")
            )
            where = f" → {target} ({esc(chosen)})"
        elif planned.pledge_name is not None:
            where = (
                f" → {b(planned.pledge_name)} ({esc(_sureness(planned.score, planned.sure, lang))})"
            )
        else:
            where = " → " + esc(
                "nytt löfte (inget av löftena passar)" if sv else "new pledge (none fits)"
            )
        body.append(f"• {esc(planned.name)}{where}")
        for text, figure_count in zip(planned.results, planned.counts, strict=True):
            shown = text if len(text) <= 90 else text[:89] + "…"
            figure = f" [{figure_count}]" if figure_count is not None else ""
            body.append(f"   {i(shown)}{esc(figure)}")
    if plan.extras:
        when = years_text(*plan.window, lang) if plan.window else ""
        title = "Extra insatser utöver löftena" if sv else "Extra activities"
        if when:
            title += f" (under {when})" if sv else f" (in {when})"
        body += ["", b(title)]
        body += [f"• {esc(text[:80])}" for text in plan.extras]
    warnings = document.get("warnings") or []
    if warnings:
        body += ["", b("Att kontrollera" if sv else "Please check")]
        body += [f"⚠️ {i(w)}" for w in warnings]
    text = "\n".join(lines)
    for line in body:
        if len(text) + len(line) + 40 > limit:
            text += "\n…" + ("(förkortat)" if sv else "(shortened)")
            break
        text += "\n" + line
    return text


def change_button(name: str, lang: Lang) -> str:
    label = name if len(name) <= 40 else name[:39] + "…"
    return f"Ändra: {label}" if lang == "sv" else f"Change: {label}"


def pledge_button(name: str, current: bool) -> str:
    label = name if len(name) <= 50 else name[:49] + "…"
    return f"✓ {label}" if current else label


def new_pledge_button(lang: Lang) -> str:
    return "Nytt löfte" if lang == "sv" else "New pledge"


def back_button(lang: Lang) -> str:
    return "Tillbaka" if lang == "sv" else "Back"


def not_admin_for_short(lang: Lang) -> str:
    if lang == "sv":
        return "Du är inte längre admin för kommunen. Inget har sparats."
    return "You are no longer an admin for this municipality. Nothing was saved."


def choose_pledge(planned: PlannedPledge, lang: Lang) -> str:
    """Which pledge one restated pledge's results belong to: the result, then the choices."""
    sv = lang == "sv"
    lines = [b(planned.name)]
    lines += [i(t if len(t) <= 200 else t[:199] + "…") for t in planned.results]
    lines.append("")
    lines.append(
        esc("Vilket löfte gäller resultatet? Välj nedan, eller Nytt löfte.")
        if sv
        else esc("Which pledge is this result about? Choose below, or New pledge.")
    )
    return "\n".join(lines)


def import_button(lang: Lang) -> str:
    return "Importera" if lang == "sv" else "Import"


def cancel_button(lang: Lang) -> str:
    return "Avbryt" if lang == "sv" else "Cancel"


def preview_expired(lang: Lang) -> str:
    if lang == "sv":
        return "Den här förhandsvisningen gäller inte längre. Skicka sidan igen."
    return "This preview is no longer valid. Send the page again."


def import_cancelled(lang: Lang) -> str:
    return "Avbrutet – inget importerades." if lang == "sv" else "Cancelled – nothing was imported."


def imported(lang: Lang, outcome: Any) -> str:
    name = b(outcome.municipality)
    if not outcome.changed:
        if lang == "sv":
            return f"Sidan för {name} var redan inläst. Inget ändrades."
        return f"The page for {name} was already imported. Nothing changed."
    sv = lang == "sv"
    parts = []
    if outcome.pledges_created:
        n = outcome.pledges_created
        parts.append(count(n, "löfte", "löften") if sv else count(n, "pledge", "pledges"))
    if outcome.results_attached:
        n = outcome.results_attached
        parts.append(count(n, "resultat", "resultat") if sv else count(n, "result", "results"))
    if outcome.extra_activities:
        n = outcome.extra_activities
        parts.append(
            count(n, "extra insats", "extra insatser")
            if sv
            else count(n, "extra activity", "extra activities")
        )
    head = f"Importerat för {name}" if lang == "sv" else f"Imported for {name}"
    lines = [f"✅ {head}: {esc(join_words(parts, lang))}."]
    lines += [i(note) for note in outcome.notes]
    return "\n".join(lines)


def pledge_list(rows: list[PledgeRow], lang: Lang) -> list[str]:
    """Numbered pledges with their short names, split to fit Telegram's message limit."""
    if not rows:
        return ["Inga löften finns ännu." if lang == "sv" else "There are no pledges yet."]
    head = (
        "Löftenas kortnamn. Byt med /kortnamn NUMMER nytt namn"
        if lang == "sv"
        else "Short names of the pledges. Change one with /shortnames NUMBER new name"
    )
    chunks: list[str] = []
    current = b(head)
    municipality = None
    for row in rows:
        lines = []
        if row.municipality != municipality:
            municipality = row.municipality
            lines.append(f"\n{b(municipality)}")
        summary = row.text if len(row.text) <= 70 else row.text[:69] + "…"
        lines.append(f"{row.id} · {b(row.short_name)} – {esc(summary)}")
        block = "\n".join(lines)
        if len(current) + len(block) + 1 > MESSAGE_LIMIT:
            chunks.append(current)
            current = block.lstrip("\n")
        else:
            current += "\n" + block
    chunks.append(current)
    return chunks


def rename_usage(lang: Lang) -> str:
    if lang == "sv":
        return "Skriv till exempel <code>/kortnamn 12 skolbesök</code>. /kortnamn visar numren."
    return (
        "Write for example <code>/shortnames 12 school visits</code>. "
        "/shortnames lists the numbers."
    )


def rename_refused(lang: Lang, error: ServiceError) -> str:
    if isinstance(error, NotFound):
        return (
            "Det finns inget löfte med det numret."
            if lang == "sv"
            else "No pledge has that number."
        )
    if isinstance(error, NotAllowed):
        if lang == "sv":
            return "Du kan bara byta namn på löften i kommuner där du är admin."
        return "You can only rename pledges in municipalities where you are an admin."
    if isinstance(error, Invalid):
        return (
            f"Det gick inte: {esc(error.detail)}."
            if lang == "sv"
            else f"Not possible: {esc(error.detail)}."
        )
    return "Det gick inte." if lang == "sv" else "Not possible."


def renamed(lang: Lang, row: PledgeRow) -> str:
    if lang == "sv":
        return f"Klart. Löfte {row.id} i {esc(row.municipality)} heter nu {b(row.short_name)}."
    return f"Done. Pledge {row.id} in {esc(row.municipality)} is now called {b(row.short_name)}."
