"""Drawing charts off the event loop: in a thread for one chart, in worker processes for many.

matplotlib holds the GIL while it draws, so threads give no parallelism: a quarter's turn
(every municipality's post due at once) would draw 290 charts on one core. `ChartPool` draws
them in up to `workers` processes (one per core), while the main process reads the next
municipality's figures and writes its texts.

The processes are started with "spawn", never a plain fork: the bot's process has threads and
an event loop that a forked child must not inherit.
They start at a batch (`threshold` posts or more) and stop when it is done (`release`); each
imports matplotlib once. A single chart (a citizen's question, one post by hand) and a small
batch keep the cheap path: a thread in this process, since starting the workers costs more
than drawing a few charts.

`close()` shuts the workers down and waits for them; the scheduler calls it when the
application stops (`bot.delivery.scheduler.uninstall`), and tests call it so no child
outlives them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import weakref
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.render.chart import ChartRow, render_chart

__all__ = ["BATCH_THRESHOLD", "ChartPool", "default_workers", "running_pools"]

log = logging.getLogger(__name__)

# A batch of at least this many posts draws its charts in the worker processes; a smaller one
# draws them in a thread. Starting the two workers costs about a second (each imports
# matplotlib), a chart about 0.1 s of this process's time: measured with one scheduler tick of
# N due posts on the benchmark dataset (a shared machine, load 2-4, so noisy), the pool
# started cold lost at 8 posts and below and first won at 16; it saves about 40 % at 290, a
# quarter's turn.
BATCH_THRESHOLD = 16


# Pools whose workers are running (for tests: none may be left when a test ends).
_RUNNING: weakref.WeakSet[ChartPool] = weakref.WeakSet()


def running_pools() -> list[ChartPool]:
    """The pools in this process whose worker processes are running."""
    return [pool for pool in _RUNNING if pool.started]


def default_workers() -> int:
    """One worker per core, at most two (the machine the bot runs on has two)."""
    return max(1, min(2, os.cpu_count() or 1))


def _context() -> multiprocessing.context.BaseContext:
    # "spawn": each worker a fresh interpreter, a direct child of this process that exits
    # with `close()`. ("forkserver" would start as fast here, since each worker imports
    # matplotlib itself, but leaves its server process running until this process ends.)
    return multiprocessing.get_context("spawn")


def _warm() -> int:
    """Run in a worker: import matplotlib and load the fonts (an empty chart), so the first
    real chart is quick."""
    render_chart("", "", [])
    return os.getpid()


class ChartPool:
    """Draws charts; `draw` in a thread, `draw(..., pooled=True)` in a worker process.

    `enabled=False` turns the processes off (every chart in a thread), for comparing the two
    and for processes that never draw many charts."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        enabled: bool = True,
        threshold: int = BATCH_THRESHOLD,
    ) -> None:
        self.workers = workers or default_workers()
        self.enabled = enabled and self.workers > 1
        self.threshold = threshold
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False
        # How many charts were drawn each way (for tests and the benchmark).
        self.pooled = 0
        self.threaded = 0

    @property
    def started(self) -> bool:
        return self._executor is not None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=_context())
            _RUNNING.add(self)
        return self._executor

    async def start(self) -> None:
        """Start the workers now (each imports matplotlib), before a batch needs them."""
        if not self.enabled or self._closed:
            return
        pool = self._pool()
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(pool, _warm) for _ in range(self.workers)))

    async def draw(
        self,
        title: str,
        subtitle: str,
        rows: Sequence[ChartRow],
        note: str = "",
        lang: str = "sv",
        *,
        pooled: bool = False,
    ) -> bytes:
        """The chart as PNG bytes. `pooled` asks for a worker process (when the pool is
        enabled and open); otherwise the chart is drawn in a thread of this process."""
        language = "en" if lang == "en" else "sv"
        call = functools.partial(
            render_chart, title, subtitle, list(rows), note=note, lang=language
        )
        if pooled and self.enabled and not self._closed:
            try:
                png = await asyncio.get_running_loop().run_in_executor(self._pool(), call)
            except BrokenProcessPool:
                # A worker died (killed, out of memory) or could not start: the charts are
                # drawn here from now on rather than the post failing.
                log.warning("the chart workers stopped; drawing in a thread", exc_info=True)
                self.enabled = False
                executor, self._executor = self._executor, None
                _RUNNING.discard(self)
                if executor is not None:
                    executor.shutdown(wait=False, cancel_futures=True)
            else:
                self.pooled += 1
                return png
        self.threaded += 1
        return await asyncio.to_thread(call)

    def worth_it(self, charts: int) -> bool:
        """Whether a batch of this many charts should be drawn in the workers."""
        return self.enabled and not self._closed and charts >= self.threshold

    async def release(self) -> None:
        """Stop the workers after a batch (they hold matplotlib's memory, and the next batch
        is a quarter away); the next batch starts them again."""
        executor, self._executor = self._executor, None
        _RUNNING.discard(self)
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)

    def close_blocking(self) -> None:
        """`close`, blocking (outside an event loop: a test's teardown, process exit)."""
        self._closed = True
        executor, self._executor = self._executor, None
        _RUNNING.discard(self)
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    async def close(self) -> None:
        """Stop the workers and wait for them to exit. Safe to call twice; later draws use a
        thread."""
        self._closed = True
        executor, self._executor = self._executor, None
        _RUNNING.discard(self)
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
