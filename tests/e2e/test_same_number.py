"""The same pledge and period give the same number in every view: the citizen's answer, the
single-pledge view, the channel report (Telegram HTML, posted by the scheduler), the chart's
rows, the report's HTML page and the export (JSON and CSV); for a count pledge, a weekly pledge
(judged over all its weeks) and a list pledge. Also the defects of short recurring windows and
of reports that mixed periods."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from telegram import Bot

from bot.app import OFFLINE_TOKEN
from bot.console.transport import ApiCall
from bot.delivery import scheduler as jobs
from bot.delivery.outbox import Pacer, ScaledTime
from bot.render import report as report_render
from bot.services import schedule as schedules
from bot.services.examples import load_examples
from bot.services.reports import build_report, read_period
from storage import catalogue, people
from storage.models import (
    Activity,
    ActivitySource,
    CoverageItem,
    Municipality,
    Pledge,
    Role,
)
from tests.conftest import ADMIN, CITIZEN, Harness, replies

EXAMPLES_DAY = date(2026, 11, 21)
LAST_DAY = date(2026, 12, 31)  # the last day of Q4 2026: what the Q4 post is as of
ASKED = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
Q4_DUE = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
BEFORE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CHANNELS = {"Haparanda": "@haparanda_loften", "Härjedalen": "@harjedalen_loften"}


def _text(calls: list[ApiCall]) -> str:
    return "\n".join(replies(calls))


def _buttons(calls: list[ApiCall]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}


async def _pledge(h: Harness, municipality: str, short_name: str) -> Pledge:
    async with h.services.db.read() as session:
        place = await catalogue.municipality_by_name(session, municipality)
        assert place is not None
        pledge = await session.scalar(
            select(Pledge).where(
                Pledge.municipality_id == place.id, Pledge.short_name == short_name
            )
        )
    assert pledge is not None
    return pledge


async def _log(
    h: Harness, pledge: Pledge | None, day: date, *, municipality_id: int | None = None, **kw: Any
) -> None:
    async with h.services.db.transaction() as session:
        session.add(
            Activity(
                municipality_id=pledge.municipality_id if pledge else municipality_id,
                pledge_id=pledge.id if pledge else None,
                occurred_on=day,
                count=kw.pop("count", 1),
                source=kw.pop("source", ActivitySource.TELEGRAM),
                created_at=h.services.now(),
                **kw,
            )
        )


async def _world(h: Harness) -> dict[str, Pledge]:
    """Example data, a channel for Haparanda and Härjedalen, and activities in December."""
    async with h.services.db.transaction() as session:
        await load_examples(session, today=EXAMPLES_DAY, now=h.services.now())
        for name, channel in CHANNELS.items():
            place = await session.scalar(select(Municipality).where(Municipality.name == name))
            assert place is not None
            place.channel = channel
    pledges = {
        "count": await _pledge(h, "Haparanda", "föräldraträffar"),  # at least 2 in the period
        "weekly": await _pledge(h, "Haparanda", "synlig polis"),  # at least 1 a week
        "list": await _pledge(h, "Härjedalen", "lag och rätt"),  # every åk 8 on the list
    }
    await _log(h, pledges["count"], date(2026, 12, 10))
    for day in (date(2026, 12, 2), date(2026, 12, 9), date(2026, 12, 29)):
        await _log(h, pledges["weekly"], day)
    async with h.services.db.read() as session:
        items = list(
            await session.scalars(
                select(CoverageItem)
                .where(CoverageItem.pledge_id == pledges["list"].id)
                .order_by(CoverageItem.position)
            )
        )
    # Visits that name their list item directly; two to the same school count once.
    for item, day in ((items[0], date(2026, 12, 3)), (items[0], date(2026, 12, 4))):
        await _log(h, pledges["list"], day, coverage_item_id=item.id, place=item.name)
    await _log(h, pledges["list"], date(2026, 12, 7), coverage_item_id=items[2].id)
    return pledges


# What each kind of pledge's figure looks like in the texts: a regex with one or two numbers.
FIGURES: dict[str, str] = {
    "count": r"(\d+) av minst 2 aktivitetstillfällen",
    "weekly": r"målet nått i (\d+) av (\d+) veckor",
    "list": r"(\d+) av (\d+) på listan besökta",
}


def _figure(kind: str, text: str, where: str) -> tuple[int, ...]:
    found = {tuple(int(n) for n in m.groups()) for m in re.finditer(FIGURES[kind], text)}
    assert len(found) == 1, f"{kind} in {where}: {found} in {text!r}"
    return found.pop()


def _line_with(text: str, name: str) -> str:
    lines = [x for x in text.split("\n") if f"<b>{name}</b>" in x]
    assert lines, (name, text)
    return lines[0]


async def test_one_figure_everywhere_for_count_weekly_and_list_pledges(harness: Harness) -> None:
    pledges = await _world(harness)
    await _grant_admin(harness)
    harness.clock.set(BEFORE)
    async with harness.services.db.transaction() as session:
        await schedules.ensure_schedules(session, harness.services.now())

    # On the last day of the quarter: the citizen's answer, the single-pledge view, the export.
    harness.clock.set(ASKED)
    answers = {
        name: _text(await harness.send(CITIZEN, f"hur går det i {name}?")) for name in CHANNELS
    }
    seen: dict[str, dict[str, tuple[int, ...]]] = {kind: {} for kind in pledges}
    municipality_of = {"count": "Haparanda", "weekly": "Haparanda", "list": "Härjedalen"}
    for kind, pledge in pledges.items():
        line = _line_with(answers[municipality_of[kind]], pledge.short_name)
        seen[kind]["citizen answer"] = _figure(kind, line, "citizen answer")
        view = _text(await harness.send(CITIZEN, f"/start p_{pledge.id}"))
        now_line = next(x for x in view.split("\n") if x.startswith("Nu: "))
        seen[kind]["pledge view"] = _figure(kind, now_line, "pledge view")

    exports = {fmt: await _export(harness, fmt) for fmt in ("JSON", "CSV")}
    for kind, pledge in pledges.items():
        for fmt, progress in ((fmt, exports[fmt][pledge.id]) for fmt in exports):
            seen[kind][f"export {fmt}"] = _export_figure(kind, progress)

    # The report, its chart and its HTML page as of the same day; then the channel post itself.
    async with harness.services.db.read() as session:
        reports = {
            name: await build_report(
                session,
                pledge_place.municipality_id,
                read_period("2026-Q4", LAST_DAY),
                LAST_DAY,
            )
            for name, pledge_place in (
                ("Haparanda", pledges["count"]),
                ("Härjedalen", pledges["list"]),
            )
        }
    harness.clock.set(Q4_DUE)
    bot = Bot(OFFLINE_TOKEN, request=harness.transport)
    scheduler = jobs.Scheduler(harness.services, bot, pacer=Pacer(time=ScaledTime(1000.0)))
    await bot.initialize()
    try:
        result = await scheduler.tick()
    finally:
        assert scheduler.leadership is not None
        await scheduler.leadership.release()
    assert [p.outcome for p in result.posts] == ["sent", "sent"]
    channel = {
        name: "\n".join(
            c.text or "" for c in harness.transport.calls if c.chat_id == chat and c.text
        )
        for name, chat in CHANNELS.items()
    }
    for kind, pledge in pledges.items():
        place = municipality_of[kind]
        report = reports[place]
        item = _line_with(channel[place], pledge.short_name)
        # The report's item runs to the next bullet.
        body = channel[place].split(item, 1)[1].split("\n•", 1)[0]
        seen[kind]["channel report"] = _figure(kind, item + body, "channel report")
        page = report_render.html_page(report)
        block = page.split(f"<strong>{pledge.short_name}</strong>", 1)[1].split("</li>", 1)[0]
        seen[kind]["HTML page"] = _figure(kind, block, "HTML page")
        rows = {row.label: row for row in report_render.chart(report)[3]}
        row = rows[pledge.short_name]
        seen[kind]["chart"] = (row.done,) if kind == "count" else (row.done, row.target or 0)

    # The list: the example data's own visits of 2026 name three of the four schools; the
    # visits above add nothing new to them, so three of four everywhere.
    expected = {"count": (2,), "weekly": (9, 79), "list": (3, 4)}
    for kind, views in seen.items():
        assert set(views.values()) == {expected[kind]}, (kind, views)


async def _grant_admin(h: Harness) -> None:
    async with h.services.db.transaction() as session:
        for name in CHANNELS:
            place = await catalogue.municipality_by_name(session, name)
            assert place is not None
            person = await people.ensure_reporter(session, ADMIN.user_id)
            await people.grant(session, person, place, Role.ADMIN)


async def _export(h: Harness, fmt: str) -> dict[int, dict[str, Any]]:
    """The public export through /export, as pledge id -> its progress."""
    calls = await h.send(ADMIN, "/export")
    calls = await h.press(ADMIN, _buttons(calls)["Alla mina kommuner"])
    calls = await h.press(ADMIN, _buttons(calls)[f"{fmt} · publikt"])
    [sent] = [c for c in calls if c.method == "sendDocument"]
    [content] = sent.uploads.values()
    if fmt == "JSON":
        document = json.loads(content.decode("utf-8"))
        return {p["id"]: p["progress"] for m in document["municipalities"] for p in m["pledges"]}
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    return {
        int(r["pledge_id"]): {
            k.removeprefix("progress_"): (int(v) if v.isdigit() else v)
            for k, v in r.items()
            if k.startswith("progress_")
        }
        for r in rows
        if r["record"] == "pledge"
    }


def _export_figure(kind: str, progress: dict[str, Any]) -> tuple[int, ...]:
    pick: dict[str, Callable[[dict[str, Any]], tuple[int, ...]]] = {
        "count": lambda p: (p["done"],),
        "weekly": lambda p: (p["windows_kept"], p["windows_judged"]),
        "list": lambda p: (p["covered"], p["list_items"]),
    }
    return pick[kind](progress)
