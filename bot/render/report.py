"""The progress report in three forms: Telegram messages (HTML), Markdown and an HTML page.

The report is first laid out as blocks of styled runs, then written out by each renderer, so
the three forms say the same thing. Telegram messages hold at most 4,096 characters and are
split between blocks, or between the lines of a block, never inside a line or a tag.

Public rules: counts and days only, a place only where public, never a reporter or a note
(the report carries nothing else). Every imported or user-supplied string is escaped by the
renderer that writes it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.domain.pace import Status, status_label
from bot.domain.words import count, join_words, unit_for
from bot.render.chart import ChartRow
from bot.render.citizen import chart_rows, long_day, progress_text, responsible, short_day
from bot.render.messages import pick
from bot.render.texts import Lang
from bot.services.reports import ExtraActivity, Report, ReportLine

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
NOTE_LIMIT = 600  # a result note longer than this is cut at a word, with "…"

Style = Literal["", "b", "i"]
Run = tuple[Style, str]
Kind = Literal["title", "subtitle", "heading", "item", "para", "note"]


@dataclass(frozen=True)
class Block:
    kind: Kind
    lines: tuple[tuple[Run, ...], ...]  # first line, then continuation lines


@dataclass
class _Doc:
    blocks: list[Block] = field(default_factory=list)

    def add(self, kind: Kind, *lines: Sequence[Run]) -> None:
        self.blocks.append(Block(kind, tuple(tuple(line) for line in lines)))


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def _strip_tags(text: str) -> str:
    # Tags first, then entities: an escaped "&lt;x&gt;" written by someone is text, not a tag.
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _unit(line: ReportLine, n: int, lang: Lang) -> str:
    if line.line.unit:
        return unit_for(n, line.line.unit)
    return pick(lang, "gång" if n == 1 else "gånger", "time" if n == 1 else "times")


def _pledge_lines(report: Report, item: ReportLine, lang: Lang) -> list[list[Run]]:
    line = item.line
    period = report.period.window
    same_window = line.window is not None and (line.window.start, line.window.end) == (
        period.start,
        period.end,
    )
    status = status_label(line.assessment.status, lang)
    head: list[Run] = [
        ("b", line.short_name),
        ("", f" ({responsible(line.responsible, lang)})"),
    ]
    figures: list[Run] = []
    measurable = line.assessment.status is not Status.NOT_MEASURABLE
    if item.in_period == 0:
        figures.append(
            ("", pick(lang, "Inga aktiviteter under perioden", "No activities in the period"))
        )
    elif not same_window:
        last = short_day(item.last_in_period, report.as_of, lang) if item.last_in_period else ""
        figures.append(
            (
                "",
                pick(lang, "Under perioden: ", "In the period: ")
                + f"{item.in_period} {_unit(item, item.in_period, lang)}"
                + (pick(lang, f", senast {last}", f", last {last}") if last else ""),
            )
        )
    if line.window is not None and (
        (same_window and item.in_period > 0) or (not same_window and measurable)
    ):
        if same_window:
            when = pick(lang, "under perioden", "in the period")
        else:
            so_far = not line.window.is_closed(report.as_of)
            label = line.window.label(lang)
            when = (
                pick(lang, f"hittills under {label}", f"so far in {label}")
                if so_far
                else pick(lang, f"under {label}", f"in {label}")
            )
        against = _strip_tags(progress_text(line, report.as_of, lang, when=when))
        if figures:
            figures.append(("", " · "))
        figures.append(("", against[:1].upper() + against[1:]))
        if same_window and not measurable and item.last_in_period:
            # No measurable target: what was done, with its date.
            last = short_day(item.last_in_period, report.as_of, lang)
            figures.append(("", pick(lang, f", senast {last}", f", last {last}")))
    figures.append(("", " – "))
    figures.append(("i", status))
    lines: list[list[Run]] = [head, figures]
    if item.note:
        lines.append(
            [
                ("", pick(lang, "Senaste resultat: ", "Latest result: ")),
                ("", _clip(item.note, NOTE_LIMIT)),
            ]
        )
    return lines


def _insatser(n: int, lang: Lang) -> str:
    if lang == "sv":
        return f"{n} {'insats' if n == 1 else 'insatser'}"
    return f"{n} {'activity' if n == 1 else 'activities'}"


def extra_text(extra: ExtraActivity, report: Report, lang: Lang) -> str:
    """One extra activity in words: a published page's own text when it came from one, else
    how many, with the place where it is public ("16 aug: 1 insats · Sveg"). A reporter's note
    is never shown (the report does not even carry it)."""
    day = (
        _span(extra.day, extra.until, lang)
        if extra.until is not None
        else short_day(extra.day, report.as_of, lang)
    )
    if extra.text:
        text = f"{day}: {_clip(extra.text, NOTE_LIMIT)}"
        return text + (f" ({_insatser(extra.count, lang)})" if extra.count > 1 else "")
    text = f"{day}: {_insatser(extra.count, lang)}"
    return text + (f" · {extra.place}" if extra.place else "")


def layout(report: Report, lang: Lang = "sv", *, link: str | None = None) -> list[Block]:
    """The report as blocks; `link` (the kommun's public web page) is named at the end."""
    doc = _Doc()
    doc.add(
        "title",
        [
            (
                "b",
                pick(
                    lang, "Hur går det med medborgarlöftena?", "How are the citizen pledges going?"
                ),
            )
        ],
    )
    window = report.period.window
    span = f"{long_day(window.start, lang)} – {long_day(window.end, lang)}"
    doc.add(
        "subtitle",
        [("b", f"{report.municipality} · {report.period.label(lang)}")],
        [("", span)],
    )
    if report.police_area:
        doc.add(
            "para",
            [
                (
                    "",
                    pick(
                        lang,
                        f"Löften från {report.police_area} och kommunen.",
                        f"Pledges by {report.police_area} and the municipality.",
                    ),
                )
            ],
        )
    if report.complete:
        status_line = pick(
            lang,
            f"Läget när perioden slutade, {long_day(report.as_of, 'sv')}.",
            f"Where things stood when the period ended, {long_day(report.as_of, 'en')}.",
        )
    else:
        status_line = pick(
            lang,
            f"Perioden pågår; läget {long_day(report.as_of, 'sv')}.",
            f"The period is still running; as of {long_day(report.as_of, 'en')}.",
        )
    doc.add("para", [("", status_line)])

    if report.empty:
        doc.add(
            "para",
            [
                (
                    "",
                    pick(
                        lang,
                        "Kommunen har inga medborgarlöften för perioden.",
                        "The municipality has no pledges for the period.",
                    ),
                )
            ],
        )
    for area in report.areas:
        if area.name:
            doc.add("heading", [("b", area.name)])
        for item in area.lines:
            doc.add("item", *_pledge_lines(report, item, lang))

    doc.add(
        "heading",
        [("b", pick(lang, "Extra insatser utöver löftena", "Extra activities beyond the pledges"))],
    )
    if report.extra_entries == 0:
        doc.add(
            "para",
            [
                (
                    "",
                    pick(
                        lang,
                        "Inga extra insatser under perioden.",
                        "No extra activities in the period.",
                    ),
                )
            ],
        )
    else:
        doc.add(
            "para",
            [
                (
                    "",
                    pick(
                        lang,
                        f"{count(report.extra_total, 'insats', 'insatser')} utanför löftena "
                        "under perioden.",
                        f"{count(report.extra_total, 'activity', 'activities')} outside the "
                        "pledges in the period.",
                    ),
                )
            ],
        )
        for extra in report.extras:
            doc.add("item", [("", extra_text(extra, report, lang))])
    if report.comment:
        doc.add("heading", [("b", pick(lang, "Kommentar", "Comment"))])
        doc.add("para", [("", _clip(report.comment, 1500))])
    doc.add(
        "note",
        [
            (
                "i",
                pick(
                    lang,
                    "Siffrorna är antal och datum från polisens och kommunens egna noteringar; "
                    "inga namn redovisas. Status räknas mot målet i löftets egen period.",
                    "Figures are counts and dates from the police's and the municipality's own "
                    "records; no names are shown. Status is measured against the target in the "
                    "pledge's own period.",
                ),
            )
        ],
    )
    if link:
        label = pick(lang, "Hela sidan och dela: ", "The full page, to share: ")
        doc.add("para", [("", label + link)])
    return doc.blocks


# --- Telegram ----------------------------------------------------------------------------


def _tg_runs(runs: Sequence[Run]) -> str:
    out = []
    for style, text in runs:
        escaped = html.escape(text, quote=False)
        out.append(f"<{style}>{escaped}</{style}>" if style else escaped)
    return "".join(out)


def _tg_block(block: Block) -> list[str]:
    """A block's lines as Telegram HTML; each line is whole (tags closed on the line)."""
    lines = [_tg_runs(line) for line in block.lines]
    if block.kind == "item":
        return [f"• {lines[0]}", *(f"   {line}" for line in lines[1:])]
    return lines


def _fit(line: str) -> list[str]:
    """A line longer than a message (never produced by `layout`, but imported names can be
    long): split at spaces outside tags, closing nothing mid-tag."""
    if len(line) <= MESSAGE_LIMIT:
        return [line]
    plain = html.escape(_strip_tags(line), quote=False)
    pieces: list[str] = []
    while len(plain) > MESSAGE_LIMIT:
        cut = plain.rfind(" ", 0, MESSAGE_LIMIT)
        cut = cut if cut > 0 else MESSAGE_LIMIT
        # Never end inside an entity such as &amp;.
        amp = plain.rfind("&", 0, cut)
        if amp != -1 and ";" not in plain[amp:cut]:
            cut = amp
        pieces.append(plain[:cut])
        plain = plain[cut:].lstrip()
    return [*pieces, plain]


def telegram_messages(report: Report, lang: Lang = "sv", *, link: str | None = None) -> list[str]:
    """The report as Telegram HTML messages of at most 4,096 characters each."""
    messages: list[str] = []
    current = ""
    for block in layout(report, lang, link=link):
        lines = [piece for line in _tg_block(block) for piece in _fit(line)]
        text = "\n".join(lines)
        candidate = f"{current}\n\n{text}" if current else text
        if len(candidate) <= MESSAGE_LIMIT:
            current = candidate
            continue
        if current:
            messages.append(current)
            current = ""
        # The block alone may still be too long: fill line by line.
        for line in lines:
            candidate = f"{current}\n{line}" if current else line
            if len(candidate) <= MESSAGE_LIMIT:
                current = candidate
            else:
                messages.append(current)
                current = line
    if current:
        messages.append(current)
    return messages


def chart(report: Report, lang: Lang = "sv") -> tuple[str, str, str, list[ChartRow]]:
    """Title, subtitle, note and rows for `bot.render.chart.render_chart`."""
    title = pick(
        lang, f"Hur går det i {report.municipality}?", f"How is {report.municipality} doing?"
    )
    subtitle = pick(
        lang,
        f"{report.period.label('sv')} · läget {long_day(report.as_of, 'sv')}",
        f"{report.period.label('en')} · as of {long_day(report.as_of, 'en')}",
    )
    note = pick(
        lang, "Löftesboten · antal och datum, inga namn", "Löftesboten · counts and dates, no names"
    )
    return title, subtitle, note, chart_rows(report.view, lang)


def chart_caption(report: Report, lang: Lang = "sv") -> str:
    counts: dict[Status, int] = {}
    for item in report.lines:
        status = item.line.assessment.status
        counts[status] = counts.get(status, 0) + 1
    summary = join_words([f"{n} {status_label(s, lang).lower()}" for s, n in counts.items()], lang)
    heading = html.escape(f"{report.municipality} · {report.period.label(lang)}", quote=False)
    text = pick(
        lang,
        f"<b>{heading}</b>\n"
        "Stapeln visar vad som gjorts mot målet i löftets egen period, strecket var takten "
        f"borde vara. {html.escape(summary, quote=False)}",
        f"<b>{heading}</b>\n"
        "Each bar shows what was done against the target in the pledge's own period; the tick "
        f"shows where the pace should be. {html.escape(summary, quote=False)}",
    )
    return text[:CAPTION_LIMIT] if len(text) <= CAPTION_LIMIT else pick(lang, "Diagram", "Chart")


# --- Markdown ----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|<>])")


def _md_text(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_runs(runs: Sequence[Run]) -> str:
    out = []
    for style, text in runs:
        escaped = _md_text(text)
        out.append(
            {"b": f"**{escaped}**", "i": f"*{escaped}*", "": escaped}[style]
            if text.strip()
            else escaped
        )
    return "".join(out)


def markdown(report: Report, lang: Lang = "sv") -> str:
    out: list[str] = []
    previous: Kind | None = None
    for block in layout(report, lang):
        lines = [_md_runs(line) for line in block.lines]
        if block.kind == "title":
            out.append(f"# {_md_text(''.join(t for _, t in block.lines[0]))}")
        elif block.kind == "heading":
            out.append(f"\n## {_md_text(''.join(t for _, t in block.lines[0]))}")
        elif block.kind == "subtitle":
            out.append("\n" + "  \n".join(lines))
        elif block.kind == "item":
            if previous != "item":
                out.append("")
            out.append("- " + "  \n  ".join(lines))
        else:
            out.append("\n" + "  \n".join(lines))
        previous = block.kind
    return "\n".join(out).strip() + "\n"


# --- HTML page ---------------------------------------------------------------------------


def _html_runs(runs: Sequence[Run]) -> str:
    tags = {"b": "strong", "i": "em"}
    out = []
    for style, text in runs:
        escaped = html.escape(text)
        out.append(f"<{tags[style]}>{escaped}</{tags[style]}>" if style else escaped)
    return "".join(out)


def html_page(report: Report, lang: Lang = "sv") -> str:
    """A self-contained HTML page for the municipality's web site."""
    body: list[str] = []
    in_list = False
    for block in layout(report, lang):
        if block.kind != "item" and in_list:
            body.append("</ul>")
            in_list = False
        plain = "".join(t for _, t in block.lines[0])
        lines = [_html_runs(line) for line in block.lines]
        if block.kind == "title":
            body.append(f"<h1>{html.escape(plain)}</h1>")
        elif block.kind == "heading":
            body.append(f"<h2>{html.escape(plain)}</h2>")
        elif block.kind == "item":
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{'<br>'.join(lines)}</li>")
        elif block.kind == "note":
            body.append(f'<p class="note">{"<br>".join(lines)}</p>')
        else:
            body.append(f"<p>{'<br>'.join(lines)}</p>")
    if in_list:
        body.append("</ul>")
    title = html.escape(f"{report.municipality} – {report.period.label(lang)}")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}li{margin-bottom:.6rem}.note{color:#555}</style>\n"
        "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _span(first: date, last: date, lang: Lang) -> str:
    """A day known only as a span: "under 2019", "2019–2020", else the two days."""
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        years = str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
        return f"under {years}" if lang == "sv" else f"in {years}"
    return f"{first.isoformat()} – {last.isoformat()}"
