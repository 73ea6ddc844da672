"""The public pages in a real browser: axe-core finds no serious or critical WCAG 2.1 AA problem
in any kind of page (Swedish and English), the pages work without JavaScript, fit a 360 px phone,
show where the keyboard is, print without navigation, and every file passes the Nu HTML checker.
Screenshots at 360 px and 1280 px are written to var/screenshots/ (the README's
docs/site-phone.png is a copy of kommun-360-top.png)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import http.server
import json
import subprocess
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services.examples import load_examples
from bot.site.generate import write_site
from bot.site.render import Site
from storage import migrate
from storage.db import Database
from tests.conftest import NOW
from tests.web.conftest import SHOTS, axe_violations

TODAY = date(2026, 11, 21)
# A kommun of the example data with pledges of every kind (counted, yes/no, lists).
KOMMUN = "harjedalen"


def _build(root: Path) -> None:
    async def build() -> None:
        db = Database(f"sqlite:///{root / 'site.sqlite3'}")
        try:
            await migrate.upgrade(db)
            async with db.transaction() as session:
                await load_examples(session, today=TODAY, now=NOW)
            tz = ZoneInfo("Europe/Stockholm")
            await write_site(db, root / "sv", Site(base_url="http://loften.test"), now=NOW, tz=tz)
            await write_site(db, root / "en", Site(lang="en"), now=NOW, tz=tz)
        finally:
            await db.dispose()

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, build()).result()


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    _build(root)
    # The fragment is meant for a host page: served inside a minimal one, as a CMS would.
    for lang in ("sv", "en"):
        fragment = (root / lang / KOMMUN / "fragment.html").read_text(encoding="utf-8")
        (root / lang / KOMMUN / "host.html").write_text(
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            "<title>Kommunens webbplats</title></head><body><main>"
            f"{fragment}</main></body></html>",
            encoding="utf-8",
        )
    return root


@pytest.fixture(scope="module")
def base_url(site_root: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _pledge_page(site_root: Path, lang: str) -> str:
    folders = sorted(p.parent for p in (site_root / lang / KOMMUN).glob("*/index.html"))
    assert folders, "no pledge pages"
    return f"{lang}/{KOMMUN}/{folders[0].name}/index.html"


KINDS = {
    "index": "{lang}/index.html",
    "kommun": "{lang}/" + KOMMUN + "/index.html",
    "pledge": None,  # the first pledge's page
    "widget": "{lang}/" + KOMMUN + "/widget.html",
    "fragment": "{lang}/" + KOMMUN + "/host.html",
}


def _path(site_root: Path, kind: str, lang: str) -> str:
    pattern = KINDS[kind]
    return _pledge_page(site_root, lang) if pattern is None else pattern.format(lang=lang)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_no_serious_accessibility_problem(
    page_at: Any, axe_source: str, site_root: Path, base_url: str, kind: str, lang: str
) -> None:
    for width in (360, 1280):
        page = page_at(width)
        page.goto(f"{base_url}/{_path(site_root, kind, lang)}")
        violations = axe_violations(page, axe_source)
        assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("kind", ["index", "kommun", "pledge", "widget"])
def test_fits_a_phone_and_a_desktop(
    page_at: Any, site_root: Path, base_url: str, kind: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        page = page_at(width, 800)
        page.goto(f"{base_url}/{_path(site_root, kind, 'sv')}")
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{kind} is {overflow} px wide on a {width} px screen"
        page.screenshot(path=str(SHOTS / f"{kind}-{width}.png"), full_page=True)
        if kind == "kommun" and width == 360:
            # The top of a kommun's page on a phone: the README's docs/site-phone.png is a copy.
            page.screenshot(path=str(SHOTS / "kommun-360-top.png"))


def test_works_without_javascript(browser: Any, site_root: Path, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{base_url}/sv/{KOMMUN}/index.html")
        assert page.locator("h1").count() == 1
        assert page.locator("main table").count() >= 1  # the chart's figures as a table
        chart = page.locator("main img").first
        assert (chart.get_attribute("alt") or "").strip()
        assert page.evaluate("document.scripts.length") == 0
    finally:
        context.close()


def test_the_keyboard_starts_at_the_skip_link_and_shows_where_it_is(
    page_at: Any, base_url: str
) -> None:
    page = page_at(1280)
    page.goto(f"{base_url}/sv/{KOMMUN}/index.html")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {href: el.getAttribute('href'), outline: style.outlineStyle,
                    width: box.width, height: box.height, top: box.top};
        }"""
    )
    assert focused["href"] and focused["href"].startswith("#"), focused
    assert focused["outline"] != "none", focused
    assert focused["width"] > 0 and focused["height"] > 0 and focused["top"] >= 0, focused
    page.keyboard.press("Enter")
    target = focused["href"][1:]
    assert page.evaluate(f"document.getElementById({json.dumps(target)}) !== null")


def test_print_leaves_out_the_navigation(page_at: Any, base_url: str) -> None:
    page = page_at(1280)
    page.goto(f"{base_url}/sv/{KOMMUN}/index.html")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('nav, .skip-link, a.skip')]
            .every(el => getComputedStyle(el).display === 'none')"""
    )
    assert hidden
    assert page.locator("h1").is_visible()


def test_the_figures_a_reader_sees_are_the_exports(
    page_at: Any, site_root: Path, base_url: str
) -> None:
    """What the browser shows for each pledge (the rendered text, not the markup) against the
    public export published beside the page: done in the current window, and the status."""
    page = page_at(1280)
    page.goto(f"{base_url}/sv/{KOMMUN}/index.html")
    shown = page.evaluate(
        """() => [...document.querySelectorAll('article[id^="lofte-"]')].map(a => ({
            id: Number(a.id.slice(6)),
            window: a.querySelector('[data-figure="window"]')?.innerText.trim(),
            status: a.querySelector('[data-figure="status"]')?.dataset.status,
        }))"""
    )
    export = json.loads((site_root / "sv" / KOMMUN / "data.json").read_text(encoding="utf-8"))
    progress = {p["id"]: p["progress"] for p in export["municipalities"][0]["pledges"]}
    assert len(shown) >= 5, shown
    for pledge in shown:
        expected = progress[pledge["id"]]
        assert (pledge["window"], pledge["status"]) == (str(expected["done"]), expected["status"])


def test_every_page_is_valid_html(html_checker: str, site_root: Path) -> None:
    pages = sorted(str(p) for p in site_root.rglob("*.html") if p.name != "fragment.html")
    assert len(pages) > 10
    done = subprocess.run(
        [html_checker, "--files", *pages, "--log", "WARNING"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
