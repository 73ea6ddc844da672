"""A page that would cost far more to read than a real one is refused politely, and reading
happens off the event loop so that everyone else still gets answers meanwhile."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.services import importing
from storage.models import Pledge, Role
from tests.conftest import ADMIN, Harness, replies
from tests.e2e.test_admin_import import PAGE, _grant, _send_file


def _nested_tables(depth: int) -> bytes:
    head = (
        "<html><head><title>Medborgarlöften i Storberga</title></head><body>"
        "<h1>Medborgarlöften i Storberga 2026–2027</h1>"
    )
    cell = "<table><tr><td>Polisen lovar att genomföra minst sex hastighetskontroller per halvår. "
    return (head + cell * depth + "</td></tr></table>" * depth + "</body></html>").encode()


async def _pledges(harness: Harness) -> int:
    async with harness.services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Pledge)) or 0)


async def test_deeply_nested_tables_are_refused_politely(harness: Harness) -> None:
    await _grant(harness, ADMIN.user_id, "Storberga", Role.ADMIN)
    started = time.process_time()
    [reply] = replies(await _send_file(harness, ADMIN, _nested_tables(200), "sida.html"))
    assert time.process_time() - started < 5
    assert "för krånglig att läsa" in reply
    assert await _pledges(harness) == 0


async def test_a_page_too_slow_to_read_is_refused_and_read_off_the_loop(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _grant(harness, ADMIN.user_id, "Storberga", Role.ADMIN)
    threads: list[threading.Thread] = []
    real = importing.read_page

    def slow(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "read_page", slow)
    monkeypatch.setattr(importing, "READ_TIME_LIMIT_S", 0.05)
    [reply] = replies(await _send_file(harness, ADMIN, PAGE))
    assert "tog för lång tid att läsa" in reply
    assert threads and threads[0] is not threading.main_thread()
    assert await _pledges(harness) == 0


def test_the_cli_refuses_a_too_complex_page_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "sida.html"
    page.write_bytes(_nested_tables(200))
    code = main(["import", "--dry-run", str(page)])
    _, err = capsys.readouterr()
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert "för krånglig att läsa" in err
