"""One measured figure, with its target when it has one, and its value relative to the run's
control (bench/control.py) when it is a time or a rate."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    passed: bool | None = None
    relative: float | None = None
    relative_unit: str = ""
