"""The public pages: every file for the demo data, the same figures as the bot's services, escaping,
a kommun's own templates, English, the command, and live serving with caching headers."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.config import SiteSettings
from bot.delivery.publisher import render_post
from bot.http import Listener
from bot.render.citizen import progress_text
from bot.services.examples import load_examples
from bot.services.export import build_export
from bot.services.reports import build_report
from bot.site.generate import write_site
from bot.site.live import LiveSite, handlers
from bot.site.model import municipalities
from bot.site.render import Site
from bot.site.urls import pledge_slug, pledge_url
from storage import catalogue, people
from storage.db import Database
from storage.models import Municipality, Pledge, ResultNote, Role
from tests.conftest import CITIZEN, NOW, REPORTER, Harness, replies
from tests.site.helpers import files, read

TODAY = date(2026, 11, 21)
TZ_NAME = "Europe/Stockholm"
BASE = "https://loften.example.se"
KOMMUN_FILES = (
    "index.html",
    "data.json",
    "feed.atom",
    "widget.html",
    "fragment.html",
    "fragment.css",
    "chart.png",
)


def _tz() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(TZ_NAME)


async def _examples(db: Database) -> None:
    async with db.transaction() as session:
        await load_examples(session, today=TODAY, now=NOW)


async def _write(db: Database, out: Path, **site: Any) -> None:
    await write_site(db, out, Site(**site), now=NOW, tz=_tz())


async def test_the_site_has_every_file_for_the_demo_data(db: Database, tmp_path: Path) -> None:
    await _examples(db)
    await _write(db, tmp_path, base_url=BASE)
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "site.css").is_file()
    async with db.read() as session:
        places = await municipalities(session)
        pledges = list(await session.scalars(select(Pledge)))
    assert len(places) == 4
    index = (tmp_path / "index.html").read_text()
    for mid, name, slug in places:
        assert slug.isascii()
        assert f'href="{slug}/index.html"' in index
        assert name in index
        for file in KOMMUN_FILES:
            assert (tmp_path / slug / file).is_file(), (slug, file)
        assert (tmp_path / slug / "chart.png").read_bytes().startswith(b"\x89PNG")
        page = read(tmp_path / slug / "index.html")
        assert page.h1 == 1
        for pledge in (p for p in pledges if p.municipality_id == mid):
            if pledge.id in page.pledges:
                folder = tmp_path / slug / pledge_slug(pledge.id, pledge.short_name)
                assert folder.name.isascii()
                assert read(folder / "index.html").h1 == 1
    assert (tmp_path / "harjedalen" / "index.html").is_file()
    # No script anywhere; one language attribute; landmarks and the skip link.
    for html_file in files(tmp_path, "*.html"):
        text = html_file.read_text()
        assert "<script" not in text
        if html_file.name != "fragment.html":
            assert text.startswith('<!DOCTYPE html>\n<html lang="sv">')
        else:
            assert "<html" not in text
            assert "<head" not in text
    kommun = (tmp_path / "harjedalen" / "index.html").read_text()
    for landmark in ("<header", "<nav", '<main id="innehall"', "<footer", 'href="#innehall"'):
        assert landmark in kommun
    assert f'<meta property="og:image" content="{BASE}/harjedalen/chart.png">' in kommun
    assert f'<meta property="og:url" content="{BASE}/harjedalen/">' in kommun
    assert "Senast uppdaterad" in kommun
    assert "<time datetime=" in kommun
    # Counted words agree with their number.
    assert "</span> 1 löfte</li>" in kommun
    assert "</span> 10 löften</li>" in kommun
    # The fragment's classes and rules are all its own.
    fragment = read(tmp_path / "harjedalen" / "fragment.html")
    classes = [c for _, a in fragment.tags for c in (a.get("class") or "").split()]
    assert classes and all(c.startswith("lb-") for c in classes)
    css = re.sub(
        r"/\*.*?\*/", "", (tmp_path / "harjedalen" / "fragment.css").read_text(), flags=re.S
    )
    rules = [r.split("{")[0].strip() for r in css.split("}") if "{" in r]
    selectors = [x.strip() for r in rules if not r.startswith("@") for x in r.split(",")]
    assert selectors and all(x.startswith(".lb-widget") for x in selectors), selectors


async def test_every_figure_equals_the_report_the_export_the_chart_and_the_answer(
    harness: Harness, tmp_path: Path
) -> None:
    db = harness.services.db
    await _examples(db)
    await _write(db, tmp_path)
    async with db.read() as session:
        places = await municipalities(session)
    compared = 0
    for mid, name, slug in places:
        page = read(tmp_path / slug / "index.html")
        async with db.read() as session:
            report = await build_report(session, mid, None, TODAY)
            export = await build_export(
                session, municipality_ids=[mid], public=True, fmt="json", now=NOW, tz=_tz()
            )
        assert (tmp_path / slug / "data.json").read_bytes() == export.content
        exported = {p["id"]: p for p in json.loads(export.content)["municipalities"][0]["pledges"]}
        answer = "\n".join(replies(await harness.send(CITIZEN, f"hur går det i {name}?")))
        assert set(page.pledges) == {item.line.pledge_id for item in report.lines}
        for item in report.lines:
            line = item.line
            shown = page.pledges[line.pledge_id]
            progress = exported[line.pledge_id]["progress"]
            # A pledge counted over its whole period shows one figure for both.
            assert int(shown.get("window", shown["period"])) == line.done == progress["done"]
            assert int(shown["period"]) == item.in_period
            assert shown["status_key"] == line.assessment.status.value == progress["status"]
            # The bot's answer says the same words about the same figures.
            assert progress_text(line, TODAY, "sv") in answer, (name, line.short_name)
            compared += 1
        # The chart's table holds the chart's own rows.
        from bot.render import report as report_render

        rows = report_render.chart(report, "sv")[3]
        assert page.chart_done == [str(r.done) for r in rows]
    assert compared >= 20


async def test_hostile_names_and_texts_are_escaped(db: Database, tmp_path: Path) -> None:
    await _examples(db)
    hostile = "<script>alert(\"x\")</script> & 'Q'"
    async with db.transaction() as session:
        place = await session.scalar(select(Municipality).where(Municipality.name == "Åsele"))
        assert place is not None
        place.name = f"Åsele {hostile}"
        pledge = await session.scalar(select(Pledge).where(Pledge.municipality_id == place.id))
        assert pledge is not None
        pledge.short_name = f"p {hostile}"
        pledge.text = f"text {hostile}"
        session.add(
            ResultNote(
                pledge_id=pledge.id,
                window_start=date(2026, 1, 1),
                window_end=date(2026, 6, 30),
                text=f"note {hostile}",
                position=0,
                source="import",
            )
        )
        slug, pid = place.slug, pledge.id
    await _write(db, tmp_path, base_url=BASE)
    written = [*files(tmp_path / slug, "*.*"), tmp_path / "index.html"]
    seen = 0
    for path in written:
        if path.suffix not in (".html", ".atom"):
            continue
        text = path.read_text()
        assert "<script" not in text, path
        assert 'alert("x")' not in text, path
        seen += "&lt;script&gt;" in text
    assert seen >= 4
    pledge_page = (tmp_path / slug / pledge_slug(pid, f"p {hostile}") / "index.html").read_text()
    assert "note &lt;script&gt;" in pledge_page
    assert "&#39;Q&#39;" in pledge_page or "&#x27;Q&#x27;" in pledge_page
    # Attribute values too (the description and the share links).
    assert 'content="Polisens och kommunens medborgarlöften i Åsele &lt;script&gt;' in pledge_page


async def test_a_kommuns_template_folder_replaces_the_header(db: Database, tmp_path: Path) -> None:
    await _examples(db)
    own = tmp_path / "mall"
    own.mkdir()
    (own / "base.html").write_text(
        '{% extends "lb/base.html" %}\n'
        '{% block header %}<p class="kommunens-logga">Härjedalens kommun</p>{% endblock %}\n'
    )
    out = tmp_path / "web"
    await _write(db, out, templates=own)
    for path in (out / "index.html", out / "harjedalen" / "index.html"):
        text = path.read_text()
        assert '<p class="kommunens-logga">Härjedalens kommun</p>' in text
        assert '<p class="site-name">' not in text
        assert "<footer" in text  # the rest is ours


async def test_english_pages(db: Database, tmp_path: Path) -> None:
    await _examples(db)
    await _write(db, tmp_path, lang="en")
    text = (tmp_path / "harjedalen" / "index.html").read_text()
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    for words in (
        "How is Härjedalen doing?",
        "Skip to content",
        "Last updated",
        "Done in the period",
    ):
        assert words in text
    assert "Senast uppdaterad" not in text
    assert "1 pledge" in text or "pledges" in text


async def test_the_channel_post_and_the_dela_link_name_the_public_page(
    harness: Harness,
) -> None:
    db = harness.services.db
    await _examples(db)
    async with db.read() as session:
        place = await catalogue.municipality_by_name(session, "Härjedalen")
        assert place is not None
        report = await build_report(session, place.id, None, TODAY)
        pledge = await session.scalar(
            select(Pledge).where(Pledge.municipality_id == place.id).limit(1)
        )
        assert pledge is not None
    rendered = await render_post(report, link=f"{BASE}/harjedalen/")
    assert f"{BASE}/harjedalen/" in rendered.messages[-1]

    # Without a public address: the bot's own deep link.
    text = "\n".join(replies(await harness.send(CITIZEN, f"/start p_{pledge.id}")))
    assert f"?start=p_{pledge.id}" in text
    harness.services.settings = replace(
        harness.services.settings, site=SiteSettings(public_url=BASE)
    )
    text = "\n".join(replies(await harness.send(CITIZEN, f"/start p_{pledge.id}")))
    url = pledge_url(BASE, "harjedalen", pledge.id, pledge.short_name)
    assert url is not None
    assert f"Dela: {url}" in text
    assert "?start=" not in text


async def _get(client: httpx.AsyncClient, path: str, **headers: str) -> httpx.Response:
    return await client.get(path, headers=headers)


async def test_live_pages_answer_with_etags_and_follow_a_new_activity(
    harness: Harness,
) -> None:
    db = harness.services.db
    await _examples(db)
    async with db.transaction() as session:
        place = await catalogue.municipality_by_name(session, "Härjedalen")
        assert place is not None
        reporter = await people.ensure_reporter(session, REPORTER.user_id)
        await people.grant(session, reporter, place, Role.REPORTER)
    live = LiveSite(db, SiteSettings(serve=True), _tz(), harness.services.clock)
    server = Listener(handlers(live), "127.0.0.1", 0)
    port = await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            first = await _get(client, "/harjedalen/")
            assert first.status_code == 200
            assert first.headers["content-type"].startswith("text/html")
            assert first.headers["cache-control"] == "public, max-age=60"
            assert first.headers["last-modified"]
            etag = first.headers["etag"]
            assert etag.startswith('"')
            assert live.renders == 1

            head = await client.head("/harjedalen/")
            assert (head.status_code, head.headers["etag"], head.content) == (200, etag, b"")
            again = await _get(client, "/harjedalen/", **{"If-None-Match": etag})
            assert again.status_code == 304
            assert again.content == b""
            assert live.renders == 1  # from memory
            since = first.headers["last-modified"]
            assert (
                await _get(client, "/harjedalen/", **{"If-Modified-Since": since})
            ).status_code == 304

            for path, kind in (
                ("/", "text/html"),
                ("/site.css", "text/css"),
                ("/harjedalen/data.json", "application/json"),
                ("/harjedalen/feed.atom", "application/atom+xml"),
                ("/harjedalen/widget.html", "text/html"),
                ("/harjedalen/fragment.html", "text/html"),
                ("/harjedalen/chart.png", "image/png"),
            ):
                answer = await _get(client, path)
                assert answer.status_code == 200, path
                assert answer.headers["content-type"].startswith(kind), path
            assert "<main" in first.text
            async with db.read() as session:
                pledge = await session.scalar(
                    select(Pledge).where(
                        Pledge.municipality_id == place.id,
                        Pledge.short_name == "trafikkontroller",
                    )
                )
                assert pledge is not None
            pledge_path = f"/harjedalen/{pledge_slug(pledge.id, pledge.short_name)}/"
            assert (await _get(client, pledge_path)).status_code == 200
            assert (await _get(client, f"/harjedalen/{pledge.id}/")).status_code == 200
            assert (await _get(client, "/nowhere/")).status_code == 404
            assert (await _get(client, "/harjedalen/nothing.html")).status_code == 404
            renders = live.renders

            # A reporter logs three more; the very next request shows them.
            before = _window_figure(first.text, pledge.id)
            harness.clock.set(NOW + timedelta(seconds=5))
            await harness.send(REPORTER, "3 trafikkontroller E45 igår")
            after = await _get(client, "/harjedalen/", **{"If-None-Match": etag})
            assert after.status_code == 200
            assert after.headers["etag"] != etag
            assert _window_figure(after.text, pledge.id) == before + 3
            assert live.renders == renders + 1
    finally:
        await server.stop()


def _window_figure(text: str, pledge_id: int) -> int:
    from tests.site.helpers import Figures

    parser = Figures()
    parser.feed(text)
    return int(parser.pledges[pledge_id]["window"])


async def test_the_webhook_server_serves_the_pages_too(db: Database) -> None:
    from bot.serve import WebhookServer

    await _examples(db)
    live = LiveSite(db, SiteSettings(serve=True, public_url=BASE), _tz(), FrozenClock(NOW))
    server = WebhookServer(db, lambda: NOW, secret="s" * 32, port=0, routes=handlers(live))
    port = await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.get("/healthz")).status_code == 200
            page = await client.get("/harjedalen/")
            assert page.status_code == 200
            assert f'content="{BASE}/harjedalen/chart.png"' in page.text
            # A made-up Host header changes nothing: the address is the configured one.
            spoofed = await client.get("/harjedalen/", headers={"Host": "evil.example"})
            assert spoofed.text == page.text
            # The webhook itself is still the webhook's.
            assert (await client.post("/telegram", content=b"{}")).status_code == 403
    finally:
        await server.stop()


@pytest.fixture
def root_logging() -> Iterator[None]:
    """`loftesbot demo` sets up the root logger for the terminal; put it back afterwards, so
    that later tests' log lines do not land in their captured standard error."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("root_logging")
def test_the_command_writes_the_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOFTESBOT_CONFIG", raising=False)
    monkeypatch.delenv("LOFTESBOT_DATABASE_URL", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO("/start\n"))
    assert main(["demo", "--db", "var/demo.sqlite3"]) == 0
    capsys.readouterr()
    code = main(
        [
            "site",
            "--out",
            "web",
            "--db",
            "var/demo.sqlite3",
            "--kommun",
            "Härjedalen",
            "--lang",
            "en",
            "--base-url",
            BASE,
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Skrev" in out and "1 kommun " in out
    text = (tmp_path / "web" / "harjedalen" / "index.html").read_text()
    assert '<html lang="en">' in text
    assert not (tmp_path / "web" / "asele").exists()
    # The index still names every kommun in the bot.
    index = (tmp_path / "web" / "index.html").read_text()
    assert "Åsele" in index and "Härjedalen" in index
    with pytest.raises(SystemExit) as exit_info:
        main(["site", "--out", "web", "--db", "var/demo.sqlite3", "--kommun", "Atlantis"])
    assert exit_info.value.code == 2
    assert "Atlantis" in capsys.readouterr().err


def test_site_settings_are_read_and_checked(tmp_path: Path) -> None:
    from bot.config import ConfigError, load_settings

    (tmp_path / "mall").mkdir()
    config = tmp_path / "config.toml"
    config.write_text(
        '[site]\nserve = true\nlisten = "0.0.0.0:8081"\npublic_url = "https://x.se/"\n'
        'templates = "mall"\nlang = "en"\n'
    )
    site = load_settings(config, env={}).site
    assert site.serve is True
    assert site.host_port == ("0.0.0.0", 8081)
    assert site.public_url == "https://x.se"
    assert site.templates == tmp_path / "mall"
    assert site.lang == "en"
    assert load_settings(None, env={}).site == SiteSettings()
    for bad, key in (
        ('[site]\nlisten = "8080"\n', "[site] listen"),
        ('[site]\npublic_url = "loften.se"\n', "[site] public_url"),
        ('[site]\ntemplates = "saknas"\n', "[site] templates"),
        ('[site]\nlang = "de"\n', "[site] lang"),
        ("[site]\nserv = true\n", "[site] serv"),
    ):
        config.write_text(bad)
        with pytest.raises(ConfigError) as error:
            load_settings(config, env={})
        assert error.value.key == key


async def test_a_published_post_names_the_page_and_is_in_the_feed(
    harness: Harness, tmp_path: Path
) -> None:
    import xml.etree.ElementTree as ET

    from telegram import Bot

    from bot.app import OFFLINE_TOKEN
    from bot.delivery.outbox import Pacer, ScaledTime
    from bot.delivery.publisher import Publisher
    from bot.services.reports import read_period

    db = harness.services.db
    await _examples(db)
    async with db.transaction() as session:
        place = await catalogue.municipality_by_name(session, "Härjedalen")
        assert place is not None
        place.channel = "@harjedalen_loften"
        mid = place.id
    bot = Bot(OFFLINE_TOKEN, request=harness.transport)
    publisher = Publisher(db, bot, Pacer(time=ScaledTime(1000.0)), public_url=BASE)
    outcome = await publisher.publish(
        mid, read_period("2026-Q3", TODAY), today=TODAY, now=harness.clock.now()
    )
    assert outcome.outcome == "sent"
    posted = "\n".join(c.text or "" for c in harness.transport.calls if c.text)
    assert f"{BASE}/harjedalen/" in posted

    await _write(db, tmp_path, base_url=BASE)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(tmp_path / "harjedalen" / "feed.atom").getroot()
    assert feed.tag == f"{atom}feed"
    assert feed.findtext(f"{atom}id") == f"{BASE}/harjedalen/"
    [entry] = feed.findall(f"{atom}entry")
    assert "Lägesrapporten för Härjedalen" in (entry.findtext(f"{atom}title") or "")
    assert entry.findtext(f"{atom}updated")
    content = entry.find(f"{atom}content")
    assert content is not None and content.get("type") == "text"
    assert "<b>" not in (content.text or "")
    link = entry.find(f"{atom}link")
    assert link is not None and link.get("href", "").startswith("https://t.me/harjedalen_loften/")


async def test_many_kommuner_draw_their_charts_in_other_processes(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.site import generate

    await _examples(db)
    monkeypatch.setattr(generate, "POOL_FROM", 2)
    await _write(db, tmp_path)
    serial = tmp_path / "serial"
    monkeypatch.setattr(generate, "POOL_FROM", 100)
    await _write(db, serial)
    for slug in ("harjedalen", "asele", "haparanda", "harnosand"):
        drawn = (tmp_path / slug / "chart.png").read_bytes()
        assert drawn.startswith(b"\x89PNG")
        assert drawn == (serial / slug / "chart.png").read_bytes()
        assert (tmp_path / slug / "index.html").read_text() == (
            serial / slug / "index.html"
        ).read_text()


async def test_run_serves_the_pages_on_their_own_listener_in_polling_mode(db: Database) -> None:
    from bot.app import build_application
    from bot.config import DatabaseSettings, Settings
    from bot.serve import Serving, run
    from bot.services.core import Services
    from tests.inbox.test_polling import PollingTransport

    await _examples(db)
    settings = Settings(
        database=DatabaseSettings(url=db.display_url),
        site=SiteSettings(serve=True, listen="127.0.0.1:0"),
    )
    app = build_application(Services(settings=settings, db=db), request=PollingTransport())
    stop = asyncio.Event()
    ready: asyncio.Future[Serving] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run(app, settings, stop=stop, on_ready=ready.set_result))
    serving = await asyncio.wait_for(ready, 10)
    try:
        assert serving.site_listener is not None and serving.webhook is None
        assert serving.site is not None
        port = serving.site_listener.port
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            index = await client.get("/")
            assert index.status_code == 200
            assert 'href="harjedalen/index.html"' in index.text
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert not serving.site_listener.running


async def test_a_kommun_whose_pledges_have_not_begun_and_an_empty_database(
    db: Database, tmp_path: Path
) -> None:
    from storage.models import PledgeSet

    await _write(db, tmp_path / "empty")
    assert "Inga kommuner ännu." in (tmp_path / "empty" / "index.html").read_text()

    await _examples(db)
    async with db.transaction() as session:
        place = await catalogue.municipality_by_name(session, "Åsele")
        assert place is not None
        for pledge_set in await session.scalars(
            select(PledgeSet).where(PledgeSet.municipality_id == place.id)
        ):
            pledge_set.period_start = date(2027, 1, 1)
            pledge_set.period_end = date(2028, 12, 31)
    await _write(db, tmp_path / "web")
    text = (tmp_path / "web" / "asele" / "index.html").read_text()
    assert "1 januari 2027 – 31 december 2028" in text
    assert "Ej bedömt ännu" in text


@pytest.mark.usefixtures("root_logging")
def test_a_broken_template_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOFTESBOT_CONFIG", raising=False)
    monkeypatch.delenv("LOFTESBOT_DATABASE_URL", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["demo", "--db", "demo.sqlite3"]) == 0
    (tmp_path / "mall").mkdir()
    (tmp_path / "mall" / "base.html").write_text(
        '{% extends "lb/base.html" %}\n{% block header %}\n'
    )
    (tmp_path / "config.toml").write_text('[site]\ntemplates = "mall"\n')
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["site", "--out", "web", "--db", "demo.sqlite3", "--config", "config.toml"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("loftesbot: fel i mallen mall/base.html, rad 2: ")
    assert "Traceback" not in err


async def test_live_memory_keeps_the_kommuner_asked_for_last(db: Database) -> None:
    await _examples(db)
    live = LiveSite(db, SiteSettings(serve=True), _tz(), FrozenClock(NOW), max_bundles=2)
    for slug in ("harjedalen", "asele", "harjedalen", "haparanda"):
        assert await live.lookup(f"{slug}/", "") is not None
    assert live.renders == 3  # Härjedalen the second time from memory
    assert await live.lookup("asele/data.json", "") is not None  # pushed out: rendered again
    assert live.renders == 4
    assert await live.lookup("haparanda/", "") is not None
    assert live.renders == 4
