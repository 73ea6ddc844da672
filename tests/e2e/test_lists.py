"""List (coverage) pledges: logged places meet the list whenever either side changes, and
an admin may give the list in several messages."""

from __future__ import annotations

import json
import re
from datetime import date

from sqlalchemy import select, update

from bot.console.transport import ApiCall
from bot.render import report as render_report
from bot.render.citizen import chart_rows
from bot.services.examples import load_examples
from bot.services.export import build_export
from bot.services.reports import build_report, read_period
from storage import catalogue, people
from storage.models import Activity, CoverageItem, Pledge, Role
from tests.conftest import ADMIN, CITIZEN, REPORTER, Harness, replies

TODAY = date(2026, 11, 21)
SCHOOLS = ["Södra skolan Sveg", "Funäsdalens skola", "Hede skola", "Ytterhogdals skola"]


async def _setup(h: Harness) -> int:
    """The example data, ADMIN as admin and REPORTER as reporter in Härjedalen; returns the
    id of the pledge "lag och rätt" (every class 8, a list of four schools)."""
    async with h.services.db.transaction() as session:
        await load_examples(session, today=TODAY, now=h.services.now())
        place = await catalogue.municipality_by_name(session, "Härjedalen")
        assert place is not None
        admin = await people.ensure_reporter(session, ADMIN.user_id, display_name="Alex")
        await people.grant(session, admin, place, Role.ADMIN)
        reporter = await people.ensure_reporter(session, REPORTER.user_id, display_name="Robin")
        await people.grant(session, reporter, place, Role.REPORTER)
        pledge_id = await session.scalar(
            select(Pledge.id).where(
                Pledge.municipality_id == place.id, Pledge.short_name == "lag och rätt"
            )
        )
    assert pledge_id is not None
    return pledge_id


def _buttons(calls: list[ApiCall]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}


async def _citizen_figure(h: Harness, pledge_id: int) -> str:
    [text] = replies(await h.send(CITIZEN, f"/start p_{pledge_id}"))
    found = re.search(r"(\d+) av (\d+) på listan besökta", text)
    assert found is not None, text
    return found.group(0)


async def _open_list(h: Harness) -> None:
    calls = await h.send(ADMIN, "/lista")
    await h.press(ADMIN, _buttons(calls)["lag och rätt (Härjedalen)"])


async def _activities(h: Harness) -> int:
    async with h.services.db.read() as session:
        return len((await session.scalars(select(Activity.id))).all())


async def test_the_example_data_counts_the_schools_named_in_its_activities(
    harness: Harness,
) -> None:
    pledge_id = await _setup(harness)
    # Södra skolan Sveg, Funäsdalens skola and Hede skola are named; Ytterhogdal is not.
    assert await _citizen_figure(harness, pledge_id) == "3 av 4 på listan besökta"


async def test_entries_logged_before_the_list_count_once_it_is_given_and_again_when_replaced(
    harness: Harness,
) -> None:
    pledge_id = await _setup(harness)
    # As before any list was given: no items, and no activity counts for one.
    async with harness.services.db.transaction() as session:
        await session.execute(update(Activity).values(coverage_item_id=None))
        for item in await session.scalars(select(CoverageItem)):
            await session.delete(item)
    calls = await harness.send(REPORTER, "lag och rätt åk 8 på Ytterhogdals skola i dag")
    assert "sparat" in replies(calls)[0].lower()
    calls = await harness.send(REPORTER, "lag och rätt åk 8 på Vemdalens skola i dag")
    assert "sparat" in replies(calls)[0].lower()

    await _open_list(harness)
    await harness.send(ADMIN, "\n".join(SCHOOLS))
    calls = await harness.send(ADMIN, "klar")
    assert await _citizen_figure(harness, pledge_id) == "4 av 4 på listan besökta"
    [text] = replies(calls)
    assert "har nu 4 poster" in text
    # The admin sees what counts for which item and which places matched none.
    assert "• Hede skola – 1 insats" in text
    assert "• Ytterhogdals skola – 1 insats" in text
    assert "inte finns på listan" in text and "• Vemdalens skola (1 insats)" in text
    # … and the figure everyone now sees.
    assert "Nu 4 av 4 på listan besökta (2026), målet nått i 1 av 1 år – <i>I fas</i>" in text

    # Replaced with other spellings: the same visits are found again.
    await _open_list(harness)
    calls = await harness.send(
        ADMIN, "Sveg skola\nFunäsdalen skola\nHede skola\nYtterhogdal\nVemdalens skola\nKlar"
    )
    [text] = replies(calls)
    assert "har nu 5 poster" in text
    assert "• Ytterhogdal – 1 insats (skrivet som Ytterhogdals skola)" in text
    assert "• Sveg skola – 1 insats (skrivet som Södra skolan Sveg)" in text
    assert "inte finns på listan" not in text
    assert await _citizen_figure(harness, pledge_id) == "5 av 5 på listan besökta"


async def test_a_corrected_place_moves_the_visit_to_the_item_it_names(harness: Harness) -> None:
    pledge_id = await _setup(harness)
    calls = await harness.send(REPORTER, "lag och rätt åk 8 på Ytterhogdals skola i dag")
    assert "Nu 4 av 4 på listan besökta" in replies(calls)[0]
    async with harness.services.db.read() as session:
        activity_id = await session.scalar(
            select(Activity.id).where(Activity.reporter_id.is_not(None))
        )
    assert activity_id is not None
    # The reporter meant another place: the list item follows the place.
    await harness.press(REPORTER, f"1|mp|{activity_id}")
    calls = await harness.send(REPORTER, "Vemdalens skola")
    assert "Nu 3 av 4 på listan besökta" in replies(calls)[0]
    assert await _citizen_figure(harness, pledge_id) == "3 av 4 på listan besökta"


async def test_a_list_sent_in_several_messages_is_collected_until_klar(harness: Harness) -> None:
    pledge_id = await _setup(harness)
    before = await _activities(harness)
    await _open_list(harness)
    first = await harness.send(ADMIN, "Sveg skola")
    second = await harness.send(ADMIN, "Hede skola\nFunäsdalens skola")
    # Nothing the admin sent was read as a report, and half a list is shown to no one:
    # the old list still counts until Klar.
    assert await _activities(harness) == before
    assert await _citizen_figure(harness, pledge_id) == "3 av 4 på listan besökta"
    [text] = replies(first)
    assert "Tillagt: Sveg skola." in text and "har 1 post hittills" in text
    assert "✅ Klar" in _buttons(first)
    assert "Tillagt: Hede skola och Funäsdalens skola." in replies(second)[0]
    calls = await harness.send(ADMIN, "- Ytterhogdals skola\nhede skola")
    [text] = replies(calls)
    assert "Tillagt: Ytterhogdals skola." in text and "Fanns redan med: hede skola." in text
    assert "har 4 poster hittills" in text
    calls = await harness.press(ADMIN, _buttons(calls)["✅ Klar"])
    [text] = replies(calls)
    assert "har nu 4 poster" in text
    assert "Borttagna från listan: Södra skolan Sveg" in text
    assert "• Sveg skola – 1 insats (skrivet som Södra skolan Sveg)" in text
    assert await _activities(harness) == before
    async with harness.services.db.read() as session:
        names = (
            await session.scalars(
                select(CoverageItem.name)
                .where(CoverageItem.pledge_id == pledge_id, CoverageItem.removed_at.is_(None))
                .order_by(CoverageItem.position)
            )
        ).all()
    assert names == ["Sveg skola", "Hede skola", "Funäsdalens skola", "Ytterhogdals skola"]
    # The dialogue is over: the next message is a report again.
    calls = await harness.send(ADMIN, "lag och rätt åk 8 på Hede skola i dag")
    assert "sparat" in replies(calls)[0].lower()
    assert await _activities(harness) == before + 1


async def test_a_redelivered_list_message_adds_nothing_twice(harness: Harness) -> None:
    await _setup(harness)
    await _open_list(harness)
    data = harness.factory.message(ADMIN, "Sveg skola\nHede skola")
    await harness.feed(data)
    assert replies(await harness.feed(data)) == []
    calls = await harness.send(ADMIN, "Färdig!")
    assert "har nu 2 poster" in replies(calls)[0]


async def test_klar_without_names_asks_for_them_and_keeps_the_list_open(
    harness: Harness,
) -> None:
    await _setup(harness)
    await _open_list(harness)
    calls = await harness.send(ADMIN, "klar")
    assert "Jag hittade inga namn" in replies(calls)[0]
    calls = await harness.send(ADMIN, "Hede skola")
    assert "Tillagt: Hede skola." in replies(calls)[0]
    calls = await harness.press(ADMIN, _buttons(calls)["✅ Klar"])
    assert "har nu 1 post:" in replies(calls)[0]
    # A second press finds the list closed and says so.
    calls = await harness.press(ADMIN, "1|lf")
    assert not replies(calls)
    assert [c.text for c in calls] == ["Ingen lista är öppen just nu. Börja med /lista."]


async def test_answer_report_chart_and_export_show_the_same_list_figure(
    harness: Harness,
) -> None:
    pledge_id = await _setup(harness)
    assert await _citizen_figure(harness, pledge_id) == "3 av 4 på listan besökta"
    async with harness.services.db.read() as session:
        pledge = await session.get(Pledge, pledge_id)
        assert pledge is not None
        mid = pledge.municipality_id
        report = await build_report(session, mid, read_period("2026", TODAY), TODAY)
        exported = await build_export(
            session,
            municipality_ids=[mid],
            public=True,
            fmt="json",
            now=harness.services.now(),
            tz=harness.services.tz,
        )
    text = "\n".join(render_report.telegram_messages(report))
    line = next(p for p in text.split("\n\n") if "<b>lag och rätt</b>" in p)
    assert "3 av 4 på listan besökta" in line
    assert "3 av 4 på listan besökta" in render_report.html_page(report)
    [row] = [r for r in chart_rows(report.view, "sv") if r.label == "lag och rätt"]
    assert (row.done, row.target) == (3, 4)
    [place] = json.loads(exported.content)["municipalities"]
    visited = {
        a["coverage_item"]
        for a in place["activities"]
        if a["pledge_id"] == pledge_id and a["date"].startswith("2026") and a["coverage_item"]
    }
    listed = next(p for p in place["pledges"] if p["id"] == pledge_id)
    assert listed["target"]["coverage"] == "alla årskurs 8"
    assert visited == {"Södra skolan Sveg", "Funäsdalens skola", "Hede skola"}


async def test_editing_a_list_message_replaces_its_lines_and_logs_nothing(
    harness: Harness,
) -> None:
    pledge_id = await _setup(harness)
    before = await _activities(harness)
    await _open_list(harness)
    original = harness.factory.message(ADMIN, "Sveg skola\nHedde skola")
    await harness.feed(original)
    await harness.send(ADMIN, "Funäsdalens skola")
    calls = await harness.feed(harness.factory.edited(original, "Sveg skola\nHede skola"))
    [text] = replies(calls)
    assert text.startswith("Rättat.") and "har 3 poster hittills" in text
    assert await _activities(harness) == before
    calls = await harness.send(ADMIN, "klar")
    assert "har nu 3 poster" in replies(calls)[0]
    async with harness.services.db.read() as session:
        names = (
            await session.scalars(
                select(CoverageItem.name)
                .where(CoverageItem.pledge_id == pledge_id, CoverageItem.removed_at.is_(None))
                .order_by(CoverageItem.position)
            )
        ).all()
    assert names == ["Sveg skola", "Hede skola", "Funäsdalens skola"]
