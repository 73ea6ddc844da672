"""The control: a fixed piece of pure-Python work, timed in every run.

This machine's speed changes by up to 3x from hour to hour, so a figure alone says as much about
the hour as about the code. Every run times the same work at its start and at its end, and
every time figure is also given as a multiple of that time: 2.4 ms when the control took 0.6 s
is 0.004 x control, and stays about 0.004 x control in an hour when both take twice as long.
Throughputs (per real second) are given per control: 400 updates/s with a 0.6 s control is 240
updates per control.

The work (its size and its kind) must never change, or figures from before and after stop being
comparable; a different control needs a new name in `NAME`.
"""

from __future__ import annotations

import time

from bench.figures import Figure

NAME = "control v1 (2 000 000 rounds of dict, str and int work)"
ROUNDS = 2_000_000  # about 0.6 s in a normal hour here
_TIME_UNITS = {"ms": 0.001, "s": 1.0}
_RATE_UNITS = ("updates/s",)  # per real second; the broadcast's msg/s is on a simulated clock


def workload(rounds: int = ROUNDS) -> int:
    """Interpreter-bound work like a handler's own: string formatting, dict updates, integer
    arithmetic and a sort. Returns a checksum so that nothing can be skipped."""
    table: dict[str, int] = {}
    checksum = 0
    for i in range(rounds):
        key = f"k{i % 997}:{i % 13}"
        table[key] = table.get(key, 0) + i
        checksum = (checksum * 31 + len(key) + i) % 1_000_003
    ordered = sorted(table.items(), key=lambda item: (item[1] % 101, item[0]))
    return checksum + len(ordered) + ordered[0][1] % 7


def time_control() -> float:
    """Seconds the control work takes now (wall clock, as the benchmarks are timed)."""
    started = time.perf_counter()
    workload()
    return time.perf_counter() - started


def relate(figures: list[Figure], control: float) -> None:
    """Give each time figure as a multiple of the control, and each rate per control."""
    for figure in figures:
        if figure.unit in _TIME_UNITS:
            figure.relative = figure.value * _TIME_UNITS[figure.unit] / control
            figure.relative_unit = "× control"
        elif figure.unit in _RATE_UNITS:
            figure.relative = figure.value * control
            figure.relative_unit = "per control"


def control_figures(start: float, end: float) -> list[Figure]:
    """The control's own times: at the start, at the end, and the mean that the others use."""
    mean = (start + end) / 2
    return [
        Figure(f"{NAME}, start of run", start, "s"),
        Figure(f"{NAME}, end of run", end, "s"),
        Figure("control (mean), the unit of the last columns", mean, "s"),
    ]
