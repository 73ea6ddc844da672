"""The `loftesbot` command: readable errors with exit code 2, and `db upgrade`."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.cli import main


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


def test_run_without_token_is_one_readable_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["run"], capsys)
    assert code == 2
    assert err.startswith("loftesbot: fel i konfigurationen: [telegram] token")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('[telegram]\nmode = "carrier-pigeon"\n', encoding="utf-8")
    code, _, err = run(["run", "--config", str(config)], capsys)
    assert code == 2
    assert "[telegram] mode" in err
    assert "carrier-pigeon" in err


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["run", "--config", str(tmp_path / "missing.toml")], capsys)
    assert code == 2
    assert "finns inte" in err


def test_unreachable_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOFTESBOT_TOKEN", "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    code, _, err = run(["run"], capsys)
    assert code == 2
    assert "går inte att nå" in err
    assert "Traceback" not in err
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in err


def test_db_upgrade_builds_the_schema_on_an_empty_sqlite_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    code, out, _ = run(["db", "upgrade", "--url", f"sqlite:///{path}"], capsys)
    assert code == 0
    assert "uppdaterad" in out
    with closing(sqlite3.connect(path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"pledges", "activities", "processed_updates", "audit_log", "alembic_version"} <= tables
    code, out, _ = run(["db", "upgrade", "--url", f"sqlite:///{path}"], capsys)
    assert code == 0
    assert "redan aktuell" in out
    code, out, _ = run(["db", "current", "--url", f"sqlite:///{path}"], capsys)
    assert "aktuell" in out


def test_db_upgrade_with_a_bad_url(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["db", "upgrade", "--url", "oracle://x"], capsys)
    assert code == 2
    assert "stöds inte" in err


def test_unreachable_bot_api_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    monkeypatch.setenv("LOFTESBOT_TOKEN", token)
    config = tmp_path / "bot.toml"
    config.write_text(
        '[telegram]\napi_base_url = "http://127.0.0.1:9"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "bot.sqlite3"}"\n',
        encoding="utf-8",
    )
    code, _, err = run(["run", "--config", str(config)], capsys)
    assert code == 2
    assert "http://127.0.0.1:9 går inte att nå" in err
    assert token not in err


PAGES = Path(__file__).resolve().parent / "e2e" / "pages"


def test_import_dry_run_json_prints_one_document_per_file_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    database = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", f"sqlite:///{database}")
    files = [str(PAGES / "storberga.txt"), str(PAGES / "storberga_uppfoljning.txt")]
    code, out, _ = run(["import", "--dry-run", "--json", *files], capsys)
    assert code == 0
    documents = [json.loads(line) for line in out.strip().splitlines()]
    assert [d["kind"] for d in documents] == ["pledges", "follow_up"]
    assert documents[0]["municipality"] == "Storberga"
    assert documents[0]["period"] == {"start": "2026-01-01", "end": "2027-12-31"}
    first = documents[0]["focus_areas"][0]["pledges"][0]
    assert set(first) == {"text", "short_name", "responsible", "target", "results"}
    assert set(first["target"]) == {"count", "at_least", "per", "unit", "coverage"}
    assert not database.exists()


def test_import_writes_once_and_then_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    page = str(PAGES / "storberga.txt")
    code, out, _ = run(["import", page], capsys)
    assert code == 0
    assert "importerad för Storberga (4 löften)" in out
    code, out, _ = run(["import", page, str(PAGES / "storberga_uppfoljning.txt")], capsys)
    assert code == 0
    assert "redan inläst" in out
    assert "2 resultat, 1 extra insatser" in out
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as conn:
        assert conn.execute("SELECT count(*) FROM pledges").fetchone()[0] == 4
        assert conn.execute("SELECT count(*) FROM result_notes").fetchone()[0] == 2


def test_import_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "bild.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 100)
    huge = tmp_path / "stor.txt"
    huge.write_bytes(b"Polisen lovar att ... " * 250_000)
    missing = tmp_path / "finns-inte.txt"
    code, out, err = run(["import", str(empty), str(binary), str(huge), str(missing)], capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(f"{empty}: ")
    assert "MB" in lines[2]
    assert "kan inte läsas" in lines[3]
    assert "Traceback" not in err
    assert out == ""
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as conn:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE name='pledges'").fetchall()
    assert tables == []


def test_import_with_a_period_given_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    page = str(PAGES / "storberga_uppfoljning.txt")
    code, out, _ = run(
        ["import", "--dry-run", "--json", "--start", "2026-01-01", "--end", "2026-12-31", page],
        capsys,
    )
    assert code == 0
    assert json.loads(out)["period"] == {"start": "2026-01-01", "end": "2026-12-31"}


def test_invite_prints_a_link_and_stores_only_the_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import re

    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    code, out, err = run(["invite", "--role", "reporter", "--kommun", "Storberga"], capsys)
    assert code == 2
    assert "Storberga" in err and "finns inte" in err
    run(["import", str(PAGES / "storberga.txt")], capsys)
    argv = ["invite", "--role", "reporter", "--kommun", "Storberga", "--organisation", "polisen"]
    code, out, _ = run([*argv, "--bot", "@LoftesbotenBot"], capsys)
    assert code == 0
    assert "rapportör i Storberga" in out
    link = re.search(r"https://t\.me/LoftesbotenBot\?start=(in_[A-Za-z0-9_-]{32})\n", out)
    assert link is not None
    assert f"/start {link.group(1)}" in out
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as conn:
        [(stored, role)] = conn.execute("SELECT code_hash, role FROM invites").fetchall()
    assert stored == hashlib.sha256(link.group(1).encode()).hexdigest()
    assert role == "reporter"
