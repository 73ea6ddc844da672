"""Progress on standard error for the command line's longer work (export, import of many
files, building the benchmark dataset).

A bar appears only when standard error is a terminal and the work has taken more than a
second (tqdm's ``delay``); otherwise nothing is written, so pipes, logs and tests stay clean.
Lines printed while a bar is shown go through ``say`` so that the bar does not cut into them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Never, TypeAlias, TypeVar

from tqdm import tqdm

__all__ = ["DELAY_SECONDS", "Bar", "bar", "say", "steps"]

T = TypeVar("T")
if TYPE_CHECKING:  # tqdm is generic in its stubs only
    Bar: TypeAlias = tqdm[Never]
else:
    Bar = tqdm
DELAY_SECONDS = 1.0


def _shown(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream: no bar
        return False


def bar(total: int | None, what: str, unit: str) -> Bar:
    """A progress bar on standard error for `total` steps (None: unknown), or a silent one."""
    return tqdm(
        total=total,
        desc=what,
        unit=unit,
        file=sys.stderr,
        disable=not _shown(sys.stderr),
        delay=DELAY_SECONDS,
        leave=False,
        dynamic_ncols=True,
    )


def steps(items: Iterable[T], total: int | None, what: str, unit: str) -> Iterator[T]:
    """The items, one step of a progress bar each (see ``bar``)."""
    with bar(total, what, unit) as progress:
        for item in items:
            yield item
            progress.update(1)


def say(text: str, stream: IO[str] | None = None) -> None:
    """Print a line without tearing a progress bar that may be on the screen."""
    tqdm.write(text, file=stream or sys.stdout)
