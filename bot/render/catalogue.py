"""What the page reader found, shown to an admin before anything is imported."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.words import join_words
from bot.render.html import b, esc, i
from bot.render.messages import n
from bot.render.texts import Lang

PER_SV = {
    "year": "per år",
    "half_year": "per halvår",
    "tertial": "per tertial",
    "quarter": "per kvartal",
    "term": "per termin",
    "month": "per månad",
    "week": "per vecka",
    "period": "under perioden",
}
PER_EN = {
    "year": "a year",
    "half_year": "every six months",
    "tertial": "a tertial",
    "quarter": "a quarter",
    "term": "a school term",
    "month": "a month",
    "week": "a week",
    "period": "in the period",
}
RESPONSIBLE_EN = {"polisen": "police", "kommunen": "municipality", "båda": "both"}


def target_text(target: Mapping[str, Any] | None, lang: Lang) -> str:
    """'minst 4 trafikinsatser per år', 'alla årskurs 8', or '' when nothing is measurable."""
    if not target:
        return ""
    parts: list[str] = []
    if target.get("count") is not None:
        least = ("minst " if lang == "sv" else "at least ") if target.get("at_least") else ""
        parts.append(f"{least}{target['count']}")
        if target.get("unit"):
            parts.append(str(target["unit"]))
        if target.get("per"):
            parts.append((PER_SV if lang == "sv" else PER_EN)[str(target["per"])])
    if target.get("coverage"):
        parts.append(("– " if parts else "") + str(target["coverage"]))
    return " ".join(parts)


def _period(doc: Mapping[str, Any], lang: Lang) -> str:
    period = doc.get("period") or {}
    start, end = period.get("start"), period.get("end")
    if not start:
        return "okänd period" if lang == "sv" else "unknown period"
    if not end:
        return (
            f"från {start}, tills vidare" if lang == "sv" else f"from {start}, until further notice"
        )
    return f"{start} – {end}"


def reading_summary(doc: Mapping[str, Any], lang: Lang, *, limit: int = 3500) -> str:
    """An HTML summary of an import document; user and page text escaped; about `limit` chars."""
    sv = lang == "sv"
    kind = doc.get("kind")
    kind_text = (
        ("uppföljning" if kind == "follow_up" else "löftessida")
        if sv
        else ("follow-up report" if kind == "follow_up" else "promise page")
    )
    areas = doc.get("focus_areas") or []
    pledges = [p for a in areas for p in a.get("pledges") or []]
    lines = [
        b(f"{doc.get('municipality')} – {kind_text}"),
        esc(_period(doc, lang)),
    ]
    if doc.get("police_area"):
        lines.append(esc(f"{'Lokalpolisområde' if sv else 'Police area'}: {doc['police_area']}"))
    lines.append(
        esc(
            join_words(
                [n("count.focus_area", len(areas), lang), n("count.pledge", len(pledges), lang)],
                lang,
            )
        )
    )
    body: list[str] = []
    for area in areas:
        body.append("")
        body.append(b(area.get("name") or ("Utan rubrik" if sv else "No heading")))
        for pledge in area.get("pledges") or []:
            who = pledge.get("responsible", "båda")
            who_text = who if sv else RESPONSIBLE_EN.get(who, who)
            target = target_text(pledge.get("target"), lang)
            line = f"• {b(pledge.get('short_name') or '')} ({esc(who_text)})"
            if target:
                line += f" – {esc(target)}"
            results = pledge.get("results") or []
            if results:
                counts = [r.get("count") for r in results if r.get("count") is not None]
                done = f", {'resultat' if sv else 'result'}: {counts[0]}" if counts else ""
                notes = n("count.result_note", len(results), lang)
                line += esc(f" [{notes}{done}]")
            body.append(line)
            synonyms = [str(w) for w in pledge.get("synonyms") or []]
            if synonyms:
                label = "Fler ord för löftet" if sv else "More words for the pledge"
                body.append(f"  {i(f'{label}: {join_words(synonyms, lang)}')}")
    extras = doc.get("extra_activities") or []
    if extras:
        body += ["", b("Extra insatser utöver löftena" if sv else "Extra activities"), ""]
        body += [f"• {esc(e.get('text', '')[:80])}" for e in extras]
    warnings = doc.get("warnings") or []
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
