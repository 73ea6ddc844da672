"""One clock: wall-clock time comes from bot.clock.Clock only, in one shape."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOCK = ROOT / "bot" / "clock.py"
# The system's wall clock is read in bot/clock.py only.
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("_time", "time"),
}


NOT_YET: set[str] = set()  # modules still to convert (none)


def _sources() -> list[tuple[Path, ast.Module]]:
    paths = sorted((ROOT / "bot").rglob("*.py")) + sorted((ROOT / "bench").rglob("*.py"))
    return [(p, ast.parse(p.read_text(encoding="utf-8"), str(p))) for p in paths]


def test_the_wall_clock_is_read_in_bot_clock_only() -> None:
    found = []
    for path, tree in _sources():
        if path == CLOCK:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and (node.func.value.id, node.func.attr) in FORBIDDEN_CALLS
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], "ask a Clock (bot.clock) for the time"


def test_no_bare_callable_stands_for_the_clock() -> None:
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            annotation = getattr(node, "annotation", None) or getattr(node, "returns", None)
            if isinstance(node, ast.FunctionDef) and node.returns is not None:
                annotation = node.returns
            if annotation is None:
                continue
            text = ast.unparse(annotation).replace(" ", "")
            where = str(path.relative_to(ROOT))
            if where in NOT_YET:
                continue
            if "Callable[[],datetime]" in text or "Callable[[],date]" in text:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {text}")
    assert found == [], "pass a bot.clock.Clock, not a function returning the time"


def test_only_clocks_and_the_services_shorthand_define_now() -> None:
    owners = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name in ("now", "today"):
                        owners.append(f"{path.relative_to(ROOT)}:{node.name}.{item.name}")
            elif isinstance(node, ast.FunctionDef) and node.name.endswith("_now"):
                owners.append(f"{path.relative_to(ROOT)}:{node.name}")
    allowed = {
        "bot/clock.py:Clock.now",
        "bot/clock.py:SystemClock.now",
        "bot/clock.py:FrozenClock.now",
        "bot/services/core.py:Services.now",
        "bot/services/core.py:Services.today",
    }
    assert set(owners) <= allowed, sorted(set(owners) - allowed)


def test_the_services_shorthand_reads_its_clock() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.clock import FrozenClock
    from bot.config import Settings
    from bot.services.core import Services

    clock = FrozenClock(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    services = Services(settings=Settings(), db=None, clock=clock)  # type: ignore[arg-type]
    assert services.now() == clock.now()
    assert services.today().isoformat() == "2027-01-01"  # Stockholm is an hour ahead
    clock.advance(timedelta(hours=1))
    assert services.now() == clock.now()
