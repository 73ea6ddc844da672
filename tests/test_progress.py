"""Progress on standard error: a bar for longer work when standard error is a terminal,
nothing at all when it is not."""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import pytest

from bot import progress
from bot.cli import main


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        code = main(argv)
        raise SystemExit(code)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("LOFTESBOT_TOKEN", "LOFTESBOT_DATABASE_URL", "LOFTESBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))


@pytest.fixture
def demo_db(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/start\n"))
    code, _, err = run(["demo", "--db", "demo.sqlite3"], capsys)
    assert code == 0, err
    return "demo.sqlite3"


def test_export_shows_progress_on_a_terminal(
    demo_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)  # as if the work took long
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code, out, _ = run(["export", "--format", "json", "--db", demo_db], capsys)
    assert code == 0
    assert "Export av 4 kommuner" in out
    shown = terminal.getvalue()
    assert "Export" in shown
    assert "/4 [" in shown  # four municipalities
    assert "kommun/s" in shown


def test_export_is_silent_when_standard_error_is_not_a_terminal(
    demo_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    code, out, err = run(["export", "--format", "csv", "--db", demo_db, "--out", "-"], capsys)
    assert code == 0
    assert out.startswith("\ufeff") or out.startswith("kommun") or out  # the CSV itself
    # Only the one summary line; no bar, no carriage returns.
    assert err.count("\n") == 1
    assert "\r" not in err
    assert err.startswith("Export av 4 kommuner")


def test_no_bar_for_work_shorter_than_the_delay(
    demo_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "DELAY_SECONDS", 3600.0)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code, _, _ = run(["export", "--format", "json", "--db", demo_db], capsys)
    assert code == 0
    assert terminal.getvalue() == ""


def test_import_of_many_files_shows_progress_and_keeps_its_lines_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    paths = []
    for n in range(3):
        path = tmp_path / f"tom-{n}.txt"
        path.write_text("", encoding="utf-8")
        paths.append(str(path))
    code, _, _ = run(["import", *paths, "--dry-run"], capsys)
    assert code == 1  # empty files are refused, each with its own line
    shown = terminal.getvalue()
    assert "Import" in shown
    assert "/3 [" in shown
    for path in paths:
        assert f"{path}: " in shown
    # Each refusal is a whole line of its own, the bar cleared around it.
    lines = shown.split("\n")
    for path in paths:
        assert any(line.split("\r")[-1].startswith(f"{path}: ") for line in lines)


def test_steps_yield_every_item_silently_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(progress.steps(iter(range(5)), 5, "Test", "steg")) == [0, 1, 2, 3, 4]
    assert capsys.readouterr().err == ""
