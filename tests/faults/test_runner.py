"""The fault tests fail, never skip, when the files they drive have moved."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.faults.runner import NEEDED, ROOT, require_parts


def test_the_parts_are_in_place() -> None:
    require_parts()


@pytest.mark.parametrize("part", NEEDED)
def test_a_moved_part_fails_the_fault_tests(tmp_path: Path, part: str) -> None:
    for needed in NEEDED:
        (tmp_path / needed).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / needed, tmp_path / needed)
    require_parts(tmp_path)
    (tmp_path / part).unlink()
    with pytest.raises(AssertionError, match=re.escape(part)):
        require_parts(tmp_path)


def test_an_inbox_not_wired_in_fails_the_fault_tests(tmp_path: Path) -> None:
    for needed in NEEDED:
        (tmp_path / needed).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / needed).write_text("", encoding="utf-8")
    with pytest.raises(AssertionError, match=re.escape("bot.serve")):
        require_parts(tmp_path)
