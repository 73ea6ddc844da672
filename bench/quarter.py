"""Before and after in one run: the scheduled quarterly run (290 kommuner due at once) with
the charts drawn in a thread of the bot's process ("thread", as before the chart pool) and in
the chart worker processes ("pool"), alternating, each on a fresh copy of the same dataset.

    python -m bench.quarter --source PATH [--rounds 2]

PATH is a SQLite file holding the all-of-Sweden dataset (`python -m bench.dataset`); it is
only read (copied for every run). The machine's load average is printed with each run: the
figures only compare within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
from pathlib import Path

from bench.reports import scheduled_figures


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quarter")
    parser.add_argument("--source", type=Path, required=True, help="the dataset (SQLite file)")
    parser.add_argument("--rounds", type=int, default=2, help="thread/pool pairs (default 2)")
    args = parser.parse_args(argv)
    totals: dict[str, list[float]] = {"thread": [], "pool": []}
    print(f"cores {os.cpu_count()}, {_load()}")
    for round_ in range(args.rounds):
        # Alternate which goes first, so a change of load does not favour one.
        order = ("thread", "pool") if round_ % 2 == 0 else ("pool", "thread")
        for mode in order:
            with tempfile.TemporaryDirectory() as tmp:
                copy = Path(tmp) / "quarter.sqlite3"
                shutil.copyfile(args.source, copy)
                before = _load()
                figures = asyncio.run(
                    scheduled_figures(f"sqlite:///{copy}", pool=mode == "pool", label=mode)
                )
                total = figures[0].value
                totals[mode].append(total)
                rest = ", ".join(f"{f.name.split(': ')[-1]} {f.value:g}" for f in figures[1:])
                print(
                    f"round {round_ + 1} {mode:<6} {total:6.1f} s  ({rest}; "
                    f"{before} before, {_load()} after)",
                    flush=True,
                )
    for mode, values in totals.items():
        print(f"{mode:<6} median {statistics.median(values):6.1f} s  runs {values}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
