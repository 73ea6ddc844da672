"""The benchmarks' control: fixed work, and every time figure given relative to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import __main__ as bench_main
from bench import control
from bench.figures import Figure


def test_the_control_work_is_fixed() -> None:
    # Changing the work makes old and new figures incomparable: it needs a new NAME.
    assert control.NAME.startswith("control v1 ")
    assert control.ROUNDS == 2_000_000
    assert control.workload(10_000) == 857361


def test_times_are_multiples_of_the_control_and_rates_per_control() -> None:
    figures = [
        Figure("latency", 3.0, "ms"),
        Figure("total", 1.5, "s"),
        Figure("throughput", 400.0, "updates/s"),
        Figure("simulated", 24.0, "msg/s"),
        Figure("memory", 90.0, "MB"),
        Figure("ratio", 0.3, "ratio"),
    ]
    control.relate(figures, 0.5)
    latency, total, throughput, simulated, memory, ratio = figures
    assert (latency.relative, latency.relative_unit) == (pytest.approx(0.006), "× control")
    assert (total.relative, total.relative_unit) == (pytest.approx(3.0), "× control")
    assert (throughput.relative, throughput.relative_unit) == (pytest.approx(200.0), "per control")
    assert simulated.relative is memory.relative is ratio.relative is None


def test_a_run_prints_and_saves_the_control_beside_every_time_figure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    async def some_figures(*_args: object, **_kwargs: object) -> list[Figure]:
        return [Figure("handler latency p50", 2.0, "ms"), Figure("rate", 500.0, "updates/s")]

    times = iter([0.4, 0.6])
    monkeypatch.setattr(bench_main, "time_control", lambda: next(times))
    monkeypatch.setattr(bench_main, "_bench", some_figures)
    monkeypatch.setattr(bench_main, "broadcast_figures", some_figures)
    monkeypatch.setattr(bench_main, "seed_figures", some_figures)
    path = tmp_path / "bench.json"
    assert bench_main.main(["--quick", "--no-dataset", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "control 0.500 s (start 0.400 s, end 0.600 s)" in out
    assert "0.004  × control" in out
    assert "250  per control" in out
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["run"]["control"]["seconds"] == pytest.approx(0.5)
    assert saved["run"]["control"]["workload"] == control.NAME
    latency = next(f for f in saved["figures"] if f["name"] == "handler latency p50")
    assert latency["relative"] == pytest.approx(0.004)
    assert latency["relative_unit"] == "× control"
