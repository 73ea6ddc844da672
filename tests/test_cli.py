"""The `loftesbot` command: readable errors with exit code 2, and `db upgrade`."""

from __future__ import annotations

import logging
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
    # `run` configures logging onto this test's captured stderr, which is closed afterwards:
    # give each test its own list of root handlers, put back when the test ends.
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))


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
    # "synonyms" is optional: the field's words for the pledge's activity, when known.
    assert set(first) - {"synonyms"} == {"text", "short_name", "responsible", "target", "results"}
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
    assert "2 resultat och 1 extra insats" in out
    assert "Hastighetskontroller → hastighetskontroller (säker matchning" in out
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


def _export_setup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Storberga's page and follow-up, plus an activity with a note and a place nobody marked
    public."""
    database = tmp_path / "bot.sqlite3"
    run(["import", str(PAGES / "storberga.txt"), str(PAGES / "storberga_uppfoljning.txt")], capsys)
    with closing(sqlite3.connect(database)) as conn:
        [(municipality_id,)] = conn.execute("SELECT id FROM municipalities").fetchall()
        conn.execute(
            "INSERT INTO activities (municipality_id, occurred_on, count, place, place_public,"
            " note, source, created_at) VALUES (?, '2026-03-02', 4, 'HEMLIGPLATS', 0,"
            " 'HEMLIGANTECKNING', 'telegram', '2026-03-02 09:00:00.000000')",
            (municipality_id,),
        )
        conn.commit()
    return database


def test_export_writes_a_named_file_in_the_current_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv

    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    _export_setup(tmp_path, capsys)
    code, out, _ = run(["export", "--format", "csv", "--kommun", "storberga"], capsys)
    assert code == 0
    [path] = tmp_path.glob("loftesboten-storberga-*.csv")
    assert path.name in out
    assert "Export av Storberga (intern, CSV): 4 löften, 2 aktiviteter och 2 resultattexter" in out
    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(content.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert [r["record"] for r in rows].count("pledge") == 4
    assert "HEMLIGANTECKNING" in content.decode("utf-8-sig")
    assert path.stat().st_mode & 0o077 == 0  # an internal file is readable by its owner only
    assert not list(tmp_path.glob(".loftesboten-*"))  # no half-written leftovers

    code, out, _ = run(["export", "--format", "csv", "--public", "--out", str(tmp_path)], capsys)
    assert code == 0
    [public] = tmp_path.glob("loftesboten-alla-kommuner-publik-*.csv")
    text = public.read_bytes().decode("utf-8-sig")
    assert "HEMLIGANTECKNING" not in text and "HEMLIGPLATS" not in text
    assert "note" not in text.splitlines()[0].split(";")


def test_export_json_to_stdout_and_to_a_given_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    _export_setup(tmp_path, capsys)
    code, out, err = run(["export", "--format", "json", "--public", "--out", "-"], capsys)
    assert code == 0
    document = json.loads(out)
    assert document["public"] is True
    [place] = document["municipalities"]
    assert place["name"] == "Storberga"
    assert len(place["pledges"]) == 4 and len(place["result_notes"]) == 2
    assert all(
        set(a) == {"date", "date_until", "pledge_id", "pledge", "count", "place", "coverage_item"}
        for a in place["activities"]
    )
    assert "HEMLIG" not in out
    assert "standard ut" in err  # the summary stays out of the data

    target = tmp_path / "ut" / "data.json"
    target.parent.mkdir()
    code, out, _ = run(["export", "--format", "json", "--out", str(target)], capsys)
    assert code == 0
    assert str(target) in out
    activities = json.loads(target.read_bytes())["municipalities"][0]["activities"]
    assert "HEMLIGANTECKNING" in [a["note"] for a in activities]


def test_export_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    _export_setup(tmp_path, capsys)
    code, out, err = run(["export", "--format", "csv", "--kommun", "Atlantis"], capsys)
    assert code == 2
    assert err.strip() == (
        "loftesbot: kommunen 'Atlantis' finns inte i databasen (finns: Storberga)"
    )
    assert out == ""
    missing = tmp_path / "saknas" / "fil.csv"
    code, _, err = run(["export", "--format", "csv", "--out", str(missing)], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "kan inte skriva" in err
    assert "Traceback" not in err
    assert not list(tmp_path.glob("loftesboten-*"))


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def test_db_backup_copies_a_live_wal_database_consistently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    path = tmp_path / "bot.sqlite3"
    url = f"sqlite:///{path}"
    run(["db", "upgrade", "--url", url], capsys)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "INSERT INTO municipalities (name, slug, created_at) VALUES ('Åsele', 'asele', '2026-01-01 00:00:00.000000')"
        )
        conn.execute(
            "INSERT INTO feedback (municipality_id, chat_id, text, created_at)"
            " VALUES (1, 42, 'Mer belysning vid skolan', '2026-02-01 00:00:00.000000')"
        )
        conn.commit()
    # The bot is running: another connection is in the middle of a write transaction.
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO municipalities (name, slug, created_at) VALUES ('Ofärdig', 'ofardig', '2026-01-01 00:00:00.000000')"
    )
    assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    code, out, err = run(["db", "backup", "--url", url, "--out", str(out_dir)], capsys)
    assert (code, err) == (0, "")
    [copy] = out_dir.glob("loftesbot-backup-*.sqlite3")
    assert re.fullmatch(r"loftesbot-backup-\d{8}-\d{6}\.sqlite3", copy.name)
    assert str(copy) in out and "kontrollerad" in out and "kB" in out
    assert list(out_dir.iterdir()) == [copy]  # no temporary files left behind
    assert copy.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    writer.execute("ROLLBACK")  # the writer was never blocked and carries on
    writer.close()

    with closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
        names = [r[0] for r in conn.execute("SELECT name FROM municipalities")]
    assert names == ["Åsele"]  # the uncommitted row is not in the copy
    source = _tables(path)
    assert source["feedback"] and _tables(copy) == source

    # Restoring is copying the file into place: the schema is current and the rows are there.
    restored = tmp_path / "restored.sqlite3"
    restored.write_bytes(copy.read_bytes())
    code, out, _ = run(["db", "current", "--url", f"sqlite:///{restored}"], capsys)
    assert code == 0 and "(aktuell)" in out
    assert _tables(restored) == source


def test_db_backup_names_its_file_in_the_current_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", f"sqlite:///{database}")
    run(["db", "upgrade"], capsys)
    code, out, _ = run(["db", "backup"], capsys)
    assert code == 0
    [copy] = tmp_path.glob("loftesbot-backup-*.sqlite3")
    assert copy.name in out
    target = tmp_path / "kopia.sqlite3"
    code, out, _ = run(["db", "backup", "--out", str(target)], capsys)
    assert code == 0 and str(target) in out
    assert _tables(target) == _tables(database)


def test_db_backup_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "finns-inte.sqlite3"
    code, out, err = run(["db", "backup", "--url", f"sqlite:///{missing}"], capsys)
    assert code == 2 and out == ""
    assert err.strip() == f"loftesbot: databasfilen {missing} finns inte"
    assert not missing.exists()
    not_a_database = tmp_path / "text.sqlite3"
    not_a_database.write_text("hej", encoding="utf-8")
    code, _, err = run(["db", "backup", "--url", f"sqlite:///{not_a_database}"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "misslyckades" in err and "Traceback" not in err
    assert not list(tmp_path.glob("loftesbot-backup-*")) and not list(tmp_path.glob(".loftesbot-*"))
    run(["db", "upgrade", "--url", f"sqlite:///{tmp_path / 'bot.sqlite3'}"], capsys)
    code, _, err = run(
        [
            "db",
            "backup",
            "--url",
            f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            "--out",
            str(tmp_path / "nej" / "x.sqlite3"),
        ],
        capsys,
    )
    assert code == 2 and "kan inte skriva i" in err


def test_db_backup_on_postgresql_gives_pg_dump_advice_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://loftesbot:Hemligt-L0senord@db.kommun.se:5433/loftesbot"
    code, out, err = run(["db", "backup", "--url", url], capsys)
    assert code == 0 and err == ""
    assert "pg_dump --format=custom --file=loftesbot-backup-" in out
    assert "--host=db.kommun.se --port=5433 --username=loftesbot loftesbot" in out
    assert "pg_restore" in out and "createdb" in out
    assert "Hemligt-L0senord" not in out
    assert ".pgpass" in out
    assert not list(Path().glob("loftesbot-backup-*"))  # nothing was done


def test_a_config_file_that_is_not_utf8_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(b'[bot]\ntimezone = "Europe/Stockholm \xff\xfe"\n')
    for argv in (["run"], ["db", "upgrade"], ["export", "--format", "csv"]):
        code, _, err = run([*argv, "--config", str(config)], capsys)
        assert code == 2, argv
        assert len(err.strip().splitlines()) == 1, err
        assert "UTF-8" in err and "Traceback" not in err


def test_invite_refuses_a_bot_name_telegram_has_no_link_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOFTESBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    run(["import", str(PAGES / "storberga.txt")], capsys)
    argv = ["invite", "--role", "reporter", "--kommun", "Storberga", "--bot", "t.me/x"]
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == "" and len(err.strip().splitlines()) == 1 and "--bot" in err
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as conn:
        assert conn.execute("SELECT count(*) FROM invites").fetchone() == (0,)
