"""`loftesbot report`: files for the web page, and --publish exactly once."""

from __future__ import annotations

import argparse
import asyncio
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot import report_cli
from bot.cli import main
from bot.clock import FrozenClock
from bot.config import DatabaseSettings, Settings, TelegramSettings
from bot.config import Secret as ConfigSecret
from bot.console.transport import OfflineTransport
from bot.services.examples import load_examples
from storage import migrate
from storage.db import Database

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'report.sqlite3'}"

    async def prepare() -> None:
        db = Database(url)
        await migrate.upgrade(db)
        async with db.transaction() as session:
            await load_examples(session, today=date(2026, 11, 21), now=NOW)
        await db.dispose()

    asyncio.run(prepare())
    return url


def _settings(url: str) -> Settings:
    return Settings(
        telegram=TelegramSettings(token=ConfigSecret(TOKEN)),
        database=DatabaseSettings(url=url),
        channels={"Härjedalen": "@harjedalen_loften"},
    )


def _args(out: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    report_cli.add_parser(sub)
    return parser.parse_args(["report", "--kommun", "härjedalen", "--out", str(out), *extra])


def test_report_writes_markdown_html_and_the_chart(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ut"
    code = asyncio.run(
        report_cli.run(
            _settings(database), _args(out, "--period", "2026-Q3"), clock=FrozenClock(NOW)
        )
    )
    assert code == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["harjedalen-2026-Q3.html", "harjedalen-2026-Q3.md", "harjedalen-2026-Q3.png"]
    markdown = (out / "harjedalen-2026-Q3.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Hur går det med medborgarlöftena?")
    assert "kvartal 3 2026" in markdown
    page = (out / "harjedalen-2026-Q3.html").read_text(encoding="utf-8")
    assert "<h1>Hur går det med medborgarlöftena?</h1>" in page
    assert (out / "harjedalen-2026-Q3.png").read_bytes().startswith(b"\x89PNG")
    assert "Skrev" in capsys.readouterr().out


def test_the_default_period_is_the_quarter_just_ended(database: str, tmp_path: Path) -> None:
    asyncio.run(report_cli.run(_settings(database), _args(tmp_path), clock=FrozenClock(NOW)))
    assert (tmp_path / "harjedalen-2026-Q3.md").exists()


def test_publish_twice_sends_once(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    transport = OfflineTransport()
    args = _args(tmp_path, "--period", "2026-Q3", "--publish")
    first = asyncio.run(
        report_cli.run(_settings(database), args, request=transport, clock=FrozenClock(NOW))
    )
    sent = [c for c in transport.calls if c.chat_id == "@harjedalen_loften"]
    second = asyncio.run(
        report_cli.run(_settings(database), args, request=transport, clock=FrozenClock(NOW))
    )
    out = capsys.readouterr().out
    assert (first, second) == (0, 0)
    assert "Publicerad i @harjedalen_loften" in out
    # "(1 meddelande)", "(2 meddelanden)", "0 prenumeranter": the noun agrees with the number.
    published = re.search(r"\((\d+) (meddelanden?)\); (\d+) (prenumeranter?) får", out)
    assert published is not None, out
    for number, noun in (published.group(1, 2), published.group(3, 4)):
        assert noun.endswith(("n", "r")) == (number != "1"), published.group(0)
    assert "Redan publicerad" in out
    assert sent
    assert [c for c in transport.calls if c.chat_id == "@harjedalen_loften"] == sent


@pytest.mark.parametrize(
    ("period", "problem"),
    [("2099-Q1", "har inte börjat"), ("kvartal tre", "går inte att läsa")],
)
def test_bad_periods_are_one_readable_line(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    period: str,
    problem: str,
) -> None:
    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", database)
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--kommun", "Härjedalen", "--period", period, "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert problem in err
    assert "Traceback" not in err


def test_unknown_municipality(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", database)
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--kommun", "Narnia", "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "Narnia" in capsys.readouterr().err


def test_publish_against_an_unreachable_api_is_one_line(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{TOKEN}"\napi_base_url = "http://127.0.0.1:9"\n'
        f'[database]\nurl = "{database}"\n'
        '[channels]\n"Härjedalen" = "@harjedalen_loften"\n',
        encoding="utf-8",
    )
    argv = ["report", "--kommun", "härjedalen", "--period", "2026-Q3", "--publish"]
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--out", str(tmp_path / "ut"), "--config", str(config)])
    code = exited.value.code
    _, err = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Telegram" in err
