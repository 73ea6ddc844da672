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
