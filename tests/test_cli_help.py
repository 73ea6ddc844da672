"""The command line in Swedish: --version, help with examples, argparse's own texts
translated, and the README's path from the demo's data to `report` and `export`."""

from __future__ import annotations

import argparse
import io
import logging
import sys
from pathlib import Path

import pytest

from bot.cli import main

COMMANDS = ("run", "demo", "import", "invite", "report", "export", "db")
ENGLISH = (
    "usage:",
    "options:",
    "show this help",
    "positional arguments",
    "error:",
    "version number",
    "required",
    "invalid choice",
)


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


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0
    assert out.startswith("loftesbot ")
    assert out.split()[1][0].isdigit()


@pytest.mark.parametrize("argv", [[], *([c] for c in COMMANDS), ["db", "backup"]])
def test_help_is_swedish_with_examples(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*argv, "--help"], capsys)
    assert code == 0
    assert out.startswith("användning: loftesbot")
    assert "flaggor:" in out
    assert "visa den här hjälpen och avsluta" in out
    assert "exempel:\n  loftesbot " in out
    for english in ENGLISH:
        assert english not in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["report"], "loftesbot report: fel: de här argumenten behövs: --kommun"),
        (["exprot"], "loftesbot: fel: argumentet KOMMANDO: ogiltigt val: 'exprot'"),
        (["export", "--format", "xml"], "ogiltigt val: 'xml' (välj bland 'csv', 'json')"),
        (["run", "--nope"], "loftesbot: fel: okända argument: --nope"),
        (["import", "a.txt", "--start", "i går"], "ogiltigt värde"),
    ],
)
def test_usage_errors_are_swedish(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("användning: loftesbot")
    assert expected in err
    for english in ENGLISH:
        assert english not in err


def test_argparse_speaks_english_again_outside_the_command_line() -> None:
    parser = argparse.ArgumentParser(prog="other")
    assert parser.format_help().startswith("usage: other")


def test_report_and_export_on_the_demos_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Exactly the README's path on a fresh machine: nothing configured, nothing imported.
    monkeypatch.setattr(sys, "stdin", io.StringIO("/start\n"))
    code, _, err = run(["demo", "--db", "var/demo.sqlite3"], capsys)
    assert code == 0, err
    assert (tmp_path / "var" / "demo.sqlite3").is_file()

    code, out, err = run(["report", "--kommun", "Härjedalen", "--db", "var/demo.sqlite3"], capsys)
    assert code == 0, err
    written = sorted(p.name for p in tmp_path.glob("harjedalen-*"))
    assert [Path(n).suffix for n in written] == [".html", ".md", ".png"]
    assert "Skrev harjedalen-" in out

    code, out, err = run(["export", "--format", "csv", "--db", "var/demo.sqlite3"], capsys)
    assert code == 0, err
    assert "Export av 4 kommuner" in out
    assert list(tmp_path.glob("loftesboten-alla-kommuner-*.csv"))
    # The configured database was never touched.
    assert not (tmp_path / "var" / "loftesbot.sqlite3").exists()


def test_a_missing_demo_database_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["report", "--kommun", "Härjedalen", "--db", "var/demo.sqlite3"], capsys)
    assert code == 2
    assert err.strip() == (
        "loftesbot: databasfilen var/demo.sqlite3 finns inte; "
        "skapa den med `loftesbot demo --db var/demo.sqlite3`"
    )


def _readme_demo_commands() -> list[str]:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    _, _, rest = readme.partition("**The demo's data on the command line.**")
    block = rest.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_the_readmes_demo_commands_work_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    commands = _readme_demo_commands()
    assert commands[0].startswith("make demo")
    assert len(commands) >= 5
    for line in commands[1:]:
        words = shlex.split(line, comments=True)
        if words[0] == "printf":
            pipe = words.index("|")
            stdin = words[1].encode().decode("unicode_escape")
            words = words[pipe + 1 :]
        else:
            stdin = ""
        assert words[0] == ".venv/bin/loftesbot", line
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code, out, err = run(words[1:], capsys)
        assert code == 0, (line, err)
        assert "Traceback" not in out + err
    assert list(tmp_path.glob("harjedalen-*.html"))
    assert list(tmp_path.glob("loftesboten-alla-kommuner-*.csv"))
