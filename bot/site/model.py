"""What the public pages show, read through the same services as the bot.

Every figure comes from `bot.services.reports.build_report` for the whole pledge-set period (the
channel report's figures, and through `chart_rows` the chart's) and from the public export
(`bot.services.export.build_export`, public rules): the page never counts on its own, so the
page, the bot's answer, the channel report, the chart and `data.json` cannot disagree. The one
thing read here is what those services do not give per kommun in one go: the history of every
pledge per window (the same windows as the bot's pledge answer, `history_windows`) and the
kommun's published progress posts (the Atom feed).

Public rules apply (DESIGN.md): counts and days only, places only where public, no reporter
and no note; the report and the public export carry nothing else.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.pace import Status, status_label
from bot.domain.periods import Per, Window
from bot.domain.words import join_words
from bot.render import report as report_render
from bot.render.catalogue import target_text
from bot.render.chart import ChartRow
from bot.render.citizen import long_day, progress_text, responsible, window_phrase
from bot.services.answers import history_windows
from bot.services.export import build_export
from bot.services.posting import message_link
from bot.services.reports import BadPeriod, Report, ReportPeriod, build_report
from bot.site.texts import Lang, text
from bot.site.urls import pledge_slug
from storage.models import Activity, Municipality, PostStatus, ProgressPost, ResultNote

FEED_ENTRIES = 20


@dataclass(frozen=True)
class StatusCount:
    key: str  # pace.Status value (a CSS class, never the only sign: the word is written)
    word: str
    n: int


@dataclass(frozen=True)
class WindowRow:
    label: str
    start: date
    end: date
    done: int
    current: bool


@dataclass(frozen=True)
class NoteRow:
    label: str  # "2026", "2025–2026", or the two days
    text: str


@dataclass(frozen=True)
class PledgeView:
    id: int
    slug: str  # the pledge page's folder under the kommun's
    short_name: str
    text: str
    responsible: str
    focus_area: str | None
    target: str  # "minst 4 trafikinsatser per år", "" when nothing is measurable
    when: str  # "i år", "under perioden" …: the current window in words
    window_label: str | None
    whole_period: bool  # the pledge's window is its whole period: one "done" figure, not two
    done_window: int
    done_period: int
    progress: str  # "3 av minst 4 trafikinsatser i år" (the bot's own words)
    status_key: str
    status_word: str
    note: str | None  # the latest published result text of the same period
    last_day: date | None
    last_day_text: str | None
    history: tuple[WindowRow, ...]  # oldest first
    notes: tuple[NoteRow, ...]  # newest first


@dataclass(frozen=True)
class AreaView:
    name: str | None
    pledges: tuple[PledgeView, ...]


@dataclass(frozen=True)
class FeedEntry:
    id: int
    title: str
    text: str
    sent_at: datetime
    link: str | None


@dataclass(frozen=True)
class KommunPage:
    id: int
    name: str
    slug: str
    lang: Lang
    police_area: str | None
    period_text: str
    period_start: date
    period_end: date
    as_of: date
    as_of_text: str
    complete: bool
    areas: tuple[AreaView, ...]
    summary: tuple[StatusCount, ...]
    summary_text: str
    extras_total: int
    extras_entries: int
    extras: tuple[str, ...]
    updated_at: datetime | None  # local time; None: nothing logged yet
    updated_text: str | None
    chart_title: str
    chart_subtitle: str
    chart_note: str
    chart_rows: tuple[ChartRow, ...]
    chart_alt: str
    export: bytes  # data.json, the public export
    feed: tuple[FeedEntry, ...]
    generated_at: datetime

    @property
    def pledges(self) -> list[PledgeView]:
        return [p for area in self.areas for p in area.pledges]


async def municipalities(session: AsyncSession) -> list[tuple[int, str, str]]:
    """(id, name, slug) of every kommun, in Swedish order."""
    from storage.catalogue import swedish_sort_key

    rows = [
        (int(mid), name, slug)
        for mid, name, slug in await session.execute(
            select(Municipality.id, Municipality.name, Municipality.slug)
        )
    ]
    return sorted(rows, key=lambda row: swedish_sort_key(row[1]))


@dataclass(frozen=True)
class KommunSummary:
    """What the index shows of a kommun."""

    id: int
    name: str
    slug: str
    period_text: str
    summary: tuple[StatusCount, ...]
    summary_text: str
    updated_at: datetime | None


def summary_of(page: KommunPage) -> KommunSummary:
    return KommunSummary(
        page.id,
        page.name,
        page.slug,
        page.period_text,
        page.summary,
        page.summary_text,
        page.updated_at,
    )


async def build_summary(
    session: AsyncSession, municipality_id: int, *, now: datetime, tz: tzinfo, lang: Lang
) -> KommunSummary:
    """The index's line for a kommun: the same report as its page, without the rest."""
    today = now.astimezone(tz).date()
    municipality = await session.get(Municipality, municipality_id)
    assert municipality is not None
    report = await _report(session, municipality_id, today)
    summary = summary_counts(report, lang)
    return KommunSummary(
        municipality_id,
        municipality.name,
        municipality.slug,
        _period_of(report, lang),
        summary,
        summary_words(summary, lang),
        _local(report.view.updated_at, tz),
    )


def _local(moment: datetime | None, tz: tzinfo) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite forgets the zone; stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


def _period_text(start: date, end: date | None, lang: Lang) -> str:
    if end is None:
        return text("period_open", lang, start=long_day(start, lang))
    return f"{long_day(start, lang)} – {long_day(end, lang)}"


def _note_label(start: date, end: date | None) -> str:
    if end is None or end.year == start.year:
        if end is None or (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            return str(start.year)
        return f"{start.isoformat()} – {end.isoformat()}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start.year}–{end.year}"
    return f"{start.isoformat()} – {end.isoformat()}"


def _plain(telegram_html: str) -> str:
    """A Telegram HTML message as plain text (for the feed; the template escapes it again)."""
    return html.unescape(re.sub(r"<[^>]+>", "", telegram_html))


def summary_counts(report: Report, lang: Lang) -> tuple[StatusCount, ...]:
    counts: dict[Status, int] = {}
    for item in report.lines:
        status = item.line.assessment.status
        counts[status] = counts.get(status, 0) + 1
    return tuple(StatusCount(s.value, status_label(s, lang), n) for s, n in counts.items())


def summary_words(summary: tuple[StatusCount, ...], lang: Lang) -> str:
    if not summary:
        return text("no_pledges", lang).rstrip(".")
    return join_words([f"{c.n} {c.word.lower()}" for c in summary], lang)


async def _histories(
    session: AsyncSession,
    municipality_id: int,
    pledges: dict[int, dict[str, Any]],
    today: date,
    lang: Lang,
) -> dict[int, tuple[WindowRow, ...]]:
    """Per pledge: what was done in each of its latest windows (as the bot's pledge answer
    counts them), read in one query for the whole kommun."""
    spans = {}
    for pid, row in pledges.items():
        target = row.get("target") or {}
        spans[pid] = history_windows(
            target.get("per"),
            date.fromisoformat(row["period_start"]),
            date.fromisoformat(row["period_end"]) if row["period_end"] else None,
            today,
        )
    firsts = [w[0].start for w in spans.values() if w]
    per_day: dict[int, list[tuple[date, int]]] = defaultdict(list)
    if firsts:
        rows = await session.execute(
            select(Activity.pledge_id, Activity.occurred_on, func.sum(Activity.count))
            .where(
                Activity.municipality_id == municipality_id,
                Activity.pledge_id.in_(list(spans)),
                Activity.deleted_at.is_(None),
                Activity.occurred_on >= min(firsts),
                Activity.occurred_on <= today,
            )
            .group_by(Activity.pledge_id, Activity.occurred_on)
        )
        for pledge_id, day, total in rows:
            per_day[int(pledge_id or 0)].append((day, int(total or 0)))
    result: dict[int, tuple[WindowRow, ...]] = {}
    for pid, windows in spans.items():
        days = per_day.get(pid, [])
        result[pid] = tuple(
            WindowRow(
                w.label(lang) if w.per is not Per.PERIOD else text("done_period", lang),
                w.start,
                w.end,
                sum(n for d, n in days if w.contains(d)),
                w.contains(today),
            )
            for w in windows
        )
    return result


def _notes(
    export_notes: list[dict[str, Any]], pledge: dict[str, Any], today: date
) -> tuple[NoteRow, ...]:
    """The pledge's published result texts about its own set's period, newest first (the
    report's rule: never an older period's text)."""
    start = date.fromisoformat(pledge["period_start"])
    end = date.fromisoformat(pledge["period_end"]) if pledge["period_end"] else None
    chosen = []
    for position, note in enumerate(export_notes):
        if note["pledge_id"] != pledge["id"] or not note.get("text"):
            continue
        first = date.fromisoformat(note["window_start"])
        last = date.fromisoformat(note["window_end"]) if note["window_end"] else None
        note_end = last or first
        if first < start or first > today or (end is not None and note_end > end):
            continue
        chosen.append((note_end, first, -position, NoteRow(_note_label(first, last), note["text"])))
    chosen.sort(key=lambda item: (item[0], item[1], item[2]), reverse=True)
    return tuple(item[3] for item in chosen)


async def _feed(
    session: AsyncSession, municipality_id: int, tz: tzinfo, lang: Lang
) -> tuple[FeedEntry, ...]:
    rows = await session.scalars(
        select(ProgressPost)
        .where(
            ProgressPost.municipality_id == municipality_id,
            ProgressPost.status == PostStatus.SENT,
            ProgressPost.sent_at.is_not(None),
        )
        .order_by(ProgressPost.sent_at.desc(), ProgressPost.id.desc())
        .limit(FEED_ENTRIES)
    )
    entries = []
    for post in rows:
        data = post.rendering or {}
        titles = data.get("titles") or [post.period_key, post.period_key]
        title = _plain(str(titles[1] if lang == "en" and len(titles) > 1 else titles[0]))
        body = "\n\n".join(_plain(str(m)) for m in data.get("messages") or [])
        sent = _local(post.sent_at, tz)
        assert sent is not None
        ids = post.message_ids or []
        link = message_link(post.channel, int(ids[0])) if ids else None
        entries.append(FeedEntry(post.id, title, body, sent, link))
    return tuple(entries)


async def _report(session: AsyncSession, municipality_id: int, today: date) -> Report:
    """The report for the whole pledge-set period in force; for a kommun whose pledges have not
    begun yet (or that has none), the current year's, which shows them with no figures."""
    try:
        return await build_report(session, municipality_id, None, today)
    except BadPeriod:
        year = Window(Per.YEAR, date(today.year, 1, 1), date(today.year, 12, 31))
        return await build_report(session, municipality_id, ReportPeriod(year.code(), year), today)


def _period_of(report: Report, lang: Lang) -> str:
    view = report.view
    if view.period_start is not None:
        return _period_text(view.period_start, view.period_end, lang)
    return text("no_period", lang)


async def build_kommun(
    session: AsyncSession, municipality_id: int, *, now: datetime, tz: tzinfo, lang: Lang
) -> KommunPage:
    """Everything one kommun's pages show, as of `now` (local day in `tz`)."""
    today = now.astimezone(tz).date()
    municipality = await session.get(Municipality, municipality_id)
    assert municipality is not None
    report = await _report(session, municipality_id, today)
    # While the period runs the report's overview is the export's (as of today, the day not
    # yet over): handed over, not read twice.
    same_day = report.as_of == today and not report.complete
    export = await build_export(
        session,
        municipality_ids=[municipality_id],
        public=True,
        fmt="json",
        now=now,
        tz=tz,
        views={municipality_id: report.view} if same_day else None,
    )
    document = json.loads(export.content)
    place = document["municipalities"][0] if document["municipalities"] else {}
    export_pledges = {p["id"]: p for p in place.get("pledges", [])}
    shown = {
        item.line.pledge_id: export_pledges[item.line.pledge_id]
        for item in report.lines
        if item.line.pledge_id in export_pledges
    }
    histories = await _histories(session, municipality_id, shown, today, lang)
    export_notes = place.get("result_notes", [])

    areas = []
    for area in report.areas:
        pledges = []
        for item in area.lines:
            line = item.line
            row = export_pledges.get(line.pledge_id, {})
            when = window_phrase(line.window, report.as_of, lang)
            pledges.append(
                PledgeView(
                    id=line.pledge_id,
                    slug=pledge_slug(line.pledge_id, line.short_name),
                    short_name=line.short_name,
                    text=line.text,
                    responsible=responsible(line.responsible, lang, capital=True),
                    focus_area=line.focus_area,
                    target=target_text(row.get("target"), lang),
                    when=when,
                    window_label=line.window.label(lang) if line.window else None,
                    whole_period=line.window is not None and line.window.per is Per.PERIOD,
                    done_window=line.done,
                    done_period=item.in_period,
                    progress=_plain(progress_text(line, report.as_of, lang)),
                    status_key=line.assessment.status.value,
                    status_word=status_label(line.assessment.status, lang),
                    note=item.note,
                    last_day=line.last_day,
                    last_day_text=long_day(line.last_day, lang) if line.last_day else None,
                    history=histories.get(line.pledge_id, ()),
                    notes=_notes(export_notes, row, today) if row else (),
                )
            )
        areas.append(AreaView(area.name, tuple(pledges)))

    summary = summary_counts(report, lang)
    words = summary_words(summary, lang)
    title, subtitle, note, rows = report_render.chart(report, lang)
    updated_local = _local(report.view.updated_at, tz)
    extras = tuple(
        report_render.extra_text(extra, report, lang)  # the channel report's own words
        for extra in report.extras
    )
    window = report.period.window
    return KommunPage(
        id=municipality_id,
        name=municipality.name,
        slug=municipality.slug,
        lang=lang,
        police_area=report.police_area,
        period_text=_period_of(report, lang),
        period_start=window.start,
        period_end=window.end,
        as_of=report.as_of,
        as_of_text=long_day(report.as_of, lang),
        complete=report.complete,
        areas=tuple(areas),
        summary=summary,
        summary_text=words,
        extras_total=report.extra_total,
        extras_entries=report.extra_entries,
        extras=extras,
        updated_at=updated_local,
        updated_text=(
            f"{long_day(updated_local.date(), lang)} {text('at', lang)} {updated_local:%H:%M}"
            if updated_local is not None
            else None
        ),
        chart_title=title,
        chart_subtitle=subtitle,
        chart_note=note,
        chart_rows=tuple(rows),
        chart_alt=text("chart_alt", lang, name=municipality.name, summary=words),
        export=export.content,
        feed=await _feed(session, municipality_id, tz, lang),
        generated_at=now.astimezone(tz),
    )


async def change_keys(
    session: AsyncSession, municipality_id: int | None = None
) -> dict[int, tuple[Any, ...]]:
    """Per kommun, what changes whenever its pages would: when an activity was last logged,
    changed or removed (`data_updated_at`, kept by the activity store), the newest result text
    and the newest published post. Three cheap queries; `municipality_id` narrows to one."""
    from storage.models import Pledge

    base = select(Municipality.id, Municipality.data_updated_at, Municipality.name)
    notes = (
        select(Pledge.municipality_id, func.max(ResultNote.id), func.count(ResultNote.id))
        .join(Pledge, Pledge.id == ResultNote.pledge_id)
        .group_by(Pledge.municipality_id)
    )
    posts = (
        select(ProgressPost.municipality_id, func.max(ProgressPost.sent_at), func.count())
        .where(ProgressPost.status == PostStatus.SENT)
        .group_by(ProgressPost.municipality_id)
    )
    if municipality_id is not None:
        base = base.where(Municipality.id == municipality_id)
        notes = notes.where(Pledge.municipality_id == municipality_id)
        posts = posts.where(ProgressPost.municipality_id == municipality_id)
    keys: dict[int, tuple[Any, ...]] = {
        int(mid): (updated, name) for mid, updated, name in await session.execute(base)
    }
    note_keys = {int(mid): (top, n) for mid, top, n in await session.execute(notes)}
    post_keys = {int(mid): (top, n) for mid, top, n in await session.execute(posts)}
    return {mid: (*key, note_keys.get(mid), post_keys.get(mid)) for mid, key in keys.items()}
