"""The offline demo chat: the same application, scripted through standard input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from bot.console.chat import TerminalHTML, run_demo

ROOT = Path(__file__).resolve().parents[1]


def test_scripted_demo_prints_a_swedish_welcome_and_help() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOFTESBOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        input="/start\n/hjalp\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Välkommen till Löftesboten" in result.stdout
    assert "Det här kan du göra" in result.stdout
    assert "Haparanda, Härjedalen, Härnösand och Åsele" in result.stdout
    assert "<b>" not in result.stdout


async def test_buttons_roles_and_language_can_be_switched(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/start",
            "#1",
            "#7",
            ":som rapportör",
            "/start",
            ":som admin",
            ":språk en",
            "/help",
            ":vem",
        ]
    )
    out = io.StringIO()
    code = await run_demo(
        Settings(),
        io.StringIO(script + "\n"),
        out,
        interactive=False,
        db_path=tmp_path / "demo.sqlite3",
    )
    text = out.getvalue()
    assert code == 0
    assert "[1] Visa hjälp" in text
    assert text.count("Det här kan du göra") == 1  # from pressing button 1
    assert "Det finns ingen sådan knapp" in text
    assert "Du är rapportör för Härjedalen." in text
    assert "You are an admin for Haparanda, Härjedalen, Härnösand and Åsele." in text
    assert "What you can do" in text
    assert "(Du är Alex, admin" in text


def test_terminal_rendering_of_telegram_html() -> None:
    html = '<b>Fet &amp; viktig</b> och <a href="https://t.me/x">länk</a> &lt;ok&gt;'
    assert TerminalHTML.render(html, colour=False) == "Fet & viktig och länk <https://t.me/x> <ok>"
    coloured = TerminalHTML.render("<b>a</b>", colour=True)
    assert coloured == "\033[1ma\033[0m"


async def _demo(tmp_path: Path, *lines: str) -> str:
    out = io.StringIO()
    code = await run_demo(
        Settings(),
        io.StringIO("\n".join(lines) + "\n"),
        out,
        interactive=False,
        db_path=tmp_path / "demo.sqlite3",
        charts=tmp_path / "diagram",
    )
    assert code == 0
    text = out.getvalue()
    assert "Traceback" not in text
    return text


async def _activities(tmp_path: Path) -> list[tuple[int, str | None]]:
    from sqlalchemy import select

    from storage.db import Database
    from storage.models import Activity

    db = Database(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    try:
        async with db.read() as session:
            rows = await session.execute(
                select(Activity.count, Activity.photo_file_id).where(Activity.source == "telegram")
            )
            return [(int(count), photo) for count, photo in rows]
    finally:
        await db.dispose()


async def test_the_demo_sends_a_photo_with_its_caption(tmp_path: Path) -> None:
    text = await _demo(tmp_path, ":som rapportör", ":foto 2 trafikkontroller i Sveg i dag")
    assert "Sparat: trafikkontroller · 2 st · i dag · Sveg · 📷" in text
    assert (2, "demo1") in await _activities(tmp_path)


async def test_the_demo_edits_an_earlier_message(tmp_path: Path) -> None:
    text = await _demo(
        tmp_path,
        ":som rapportör",
        "2 trafikkontroller i Sveg i dag",
        ":ändra 1 3 trafikkontroller i Sveg i dag",
        ":ändra 7 4 trafikkontroller",
    )
    assert "Meddelande 1 ändrat" in text
    assert "Ändrat: trafikkontroller · 3 st · i dag · Sveg" in text
    assert "Dina meddelanden: 1 «2 trafikkontroller i Sveg i dag»" in text
    assert [count for count, _ in await _activities(tmp_path)] == [3]


async def test_the_demo_shows_who_a_notice_goes_to(tmp_path: Path) -> None:
    text = await _demo(
        tmp_path, "/hurgardet Härjedalen", "/tyck Det är mörkt vid busstationen i Sveg"
    )
    _, _, answer = text.partition("Löftesboten → Alex, admin (kommunen, alla kommuner):")
    assert "Ny synpunkt (Härjedalen)" in answer.split("\n\n")[0]
    assert "Löftesboten:\n  Tack!" in answer  # the citizen's own answer, unlabelled


async def test_the_demo_saves_a_chart_it_receives(tmp_path: Path) -> None:
    (tmp_path / "diagram").mkdir()
    (tmp_path / "diagram" / "diagram-1.png").write_bytes(b"from an earlier demo")
    text = await _demo(tmp_path, "/hurgardet Härjedalen", "#5")
    saved = tmp_path / "diagram" / "diagram-2.png"
    assert f"[bild: sparad i {saved}]" in text
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (tmp_path / "diagram" / "diagram-1.png").read_bytes() == b"from an earlier demo"
