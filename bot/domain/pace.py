"""Pace and status: how a pledge's target is going in one window.

``assess(target, achieved, window, today)`` applies these rules, first match wins:

1. No measurable target (``target`` is ``None`` or <= 0) or no window: ``NOT_MEASURABLE``
   ("Inget mätbart mål", never "kan inte mätas", which reads as "the work cannot be
   measured"); show what was done instead, with dates.
2. The window has not started (``today`` before its first day): ``NOT_ASSESSED``.
3. ``achieved >= target``: ``MET``, at any time, also before the window has closed.
4. The window has closed (``today`` after its last day): ``PARTLY_MET`` when something was
   achieved, ``NOT_MET`` when nothing was. Only these assessments are ``final``.
5. The window is open. ``elapsed`` is the fraction of the window's days gone, today included
   (day 1 of a 365-day year is 1/365, its last day 365/365); ``expected_now`` is
   ``target * elapsed``. The pace threshold is ``floor(expected_now + 1e-9)`` (the epsilon
   keeps float noise such as 0.9999999999 from lowering it):

   * nothing achieved and a threshold of 0: ``NOT_ASSESSED`` (too early to say);
   * ``achieved >= threshold``: ``ON_TRACK``;
   * otherwise ``BEHIND``.

Pace is measured over the window as clipped to the period: a period starting 1 July has a
184-day first year window, and a yearly target is expected in full by 31 December.

``elapsed`` is reported whenever there is a window (0.0 before it starts, 1.0 after it closes),
also for ``NOT_MEASURABLE``; ``expected_now`` is ``None`` without a measurable target.
An admin may override the status (``apply_override``); the figures stay as computed.
Nothing here reads the clock.

**Recurring windows.** A target that applies in each of several windows of the period ("minst
1 i veckan" over a two-year period; ``bot.domain.periods.is_recurring``) is judged over all the
windows so far by ``assess_rounds``, never by the current window alone:

* A window that has ended is *judged*: *kept* when its target was reached, else *missed*.
* The running window is judged only once its target is reached (then it is kept); it is never
  missed before it has ended.
* While the period runs: nothing judged yet: the running window's own status (it cannot be
  ``MET``, it would have been judged); a missed window: ``BEHIND`` (a missed week cannot be
  made up: the pledge stays "Efter plan" until the period ends); every judged window kept:
  ``ON_TRACK``, or ``BEHIND`` when the running window itself is behind pace. Never ``MET``:
  later windows can still be missed.
* When the period has ended (``final``): ``MET`` when every window was kept, ``PARTLY_MET``
  when something was done, ``NOT_MET`` when nothing was.

The assessment's figures (``achieved``, ``expected_now``, ``window``) are the running window's
(the last window's once the period has ended); ``rounds`` holds the count of windows.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.periods import Per, Window

__all__ = [
    "Assessment",
    "Rounds",
    "Status",
    "apply_override",
    "assess",
    "assess_rounds",
    "status_label",
]

_EPSILON = 1e-9


class Status(StrEnum):
    """Status of a pledge's target in one window. The values are stored; keep them."""

    NOT_ASSESSED = "not_assessed"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_MEASURABLE = "not_measurable"


_LABELS: dict[str, dict[Status, str]] = {
    "sv": {
        Status.NOT_ASSESSED: "Ej bedömt ännu",
        Status.ON_TRACK: "I fas",
        Status.BEHIND: "Efter plan",
        Status.MET: "Uppfyllt",
        Status.PARTLY_MET: "Delvis uppfyllt",
        Status.NOT_MET: "Ej uppfyllt",
        Status.NOT_MEASURABLE: "Inget mätbart mål",
    },
    "en": {
        Status.NOT_ASSESSED: "Not assessed yet",
        Status.ON_TRACK: "On track",
        Status.BEHIND: "Behind",
        Status.MET: "Met",
        Status.PARTLY_MET: "Partly met",
        Status.NOT_MET: "Not met",
        Status.NOT_MEASURABLE: "No measurable target",
    },
}


def status_label(status: Status, lang: str = "sv") -> str:
    """The status word shown to people. Raises ValueError for a language other than sv/en."""
    try:
        labels = _LABELS[lang]
    except KeyError:
        raise ValueError(f"unsupported language {lang!r}; expected 'sv' or 'en'") from None
    return labels[status]


@dataclass(frozen=True, slots=True)
class Rounds:
    """How a recurring target ("minst 1 i veckan") has gone over the windows of its period."""

    per: Per
    judged: int
    """Windows judged so far: the ended ones, and the running one once its target is reached."""
    kept: int
    """Judged windows whose target was reached."""
    missed: tuple[Window, ...]
    """Ended windows whose target was not reached, in order."""
    running: bool
    """A window is running (its figures are the assessment's ``achieved`` and ``window``)."""
    running_kept: bool = False
    """The running window's target is already reached: nothing is missing now."""


@dataclass(frozen=True, slots=True)
class Assessment:
    status: Status
    achieved: int
    target: int | None
    expected_now: float | None
    """``target * elapsed``; ``None`` when there is no measurable target or no window."""
    elapsed: float | None
    """Fraction 0..1 of the window's days gone, today included; ``None`` without a window."""
    window: Window | None
    final: bool
    """True only when the window has closed: the figures will not change by waiting."""
    rounds: Rounds | None = None
    """For a recurring target: the windows of the period so far (``assess_rounds``)."""


def _elapsed(window: Window, today: date) -> float:
    if not window.has_started(today):
        return 0.0
    if window.is_closed(today):
        return 1.0
    return ((today - window.start).days + 1) / window.days


def assess(target: int | None, achieved: int, window: Window | None, today: date) -> Assessment:
    """Assess ``achieved`` against ``target`` in ``window`` on ``today`` (rules: module doc).

    Raises ValueError when ``achieved`` is negative.
    """
    if achieved < 0:
        raise ValueError(f"achieved must not be negative, got {achieved}")
    if window is None:
        return Assessment(Status.NOT_MEASURABLE, achieved, target, None, None, None, False)

    elapsed = _elapsed(window, today)
    final = window.is_closed(today)
    if target is None or target <= 0:
        return Assessment(Status.NOT_MEASURABLE, achieved, target, None, elapsed, window, final)

    expected = target * elapsed

    def result(status: Status) -> Assessment:
        return Assessment(status, achieved, target, expected, elapsed, window, final)

    if not window.has_started(today):
        return result(Status.NOT_ASSESSED)
    if achieved >= target:
        return result(Status.MET)
    if final:
        return result(Status.PARTLY_MET if achieved > 0 else Status.NOT_MET)
    threshold = math.floor(expected + _EPSILON)
    if achieved == 0 and threshold == 0:
        return result(Status.NOT_ASSESSED)
    return result(Status.ON_TRACK if achieved >= threshold else Status.BEHIND)


def assess_rounds(
    target: int | None,
    rounds: Sequence[tuple[Window, int]],
    today: date,
    *,
    period_end: date | None,
) -> Assessment:
    """Assess a target that applies in each window of a period (rules: module doc).

    ``rounds`` are the period's windows from its start up to the one containing ``today`` (or
    the last one), in order, each with what was achieved in it; ``period_end`` is the period's
    last day (``None``: open-ended). Without a measurable target or without windows this is
    ``assess`` of the last window.
    """
    if not rounds:
        return assess(target, 0, None, today)
    last_window, last_done = rounds[-1]
    current = assess(target, last_done, last_window, today)
    if target is None or target <= 0:
        return current
    ended = [(w, n) for w, n in rounds if w.is_closed(today)]
    running = not last_window.is_closed(today) and last_window.has_started(today)
    running_kept = running and last_done >= target
    kept = sum(1 for _, n in ended if n >= target) + running_kept
    judged = len(ended) + running_kept
    missed = tuple(w for w, n in ended if n < target)
    over = period_end is not None and today > period_end
    if over:
        if judged and kept == judged:
            status = Status.MET
        elif any(n > 0 for _, n in rounds):
            status = Status.PARTLY_MET
        else:
            status = Status.NOT_MET
    elif missed:
        status = Status.BEHIND
    elif judged == 0:
        status = current.status if running else Status.NOT_ASSESSED
    elif running and not running_kept and current.status is Status.BEHIND:
        status = Status.BEHIND
    else:
        status = Status.ON_TRACK
    return dataclasses.replace(
        current,
        status=status,
        final=over,
        rounds=Rounds(last_window.per, judged, kept, missed, running, running_kept),
    )


def apply_override(a: Assessment, status: Status) -> Assessment:
    """An admin's override: the same figures with ``status`` in place of the computed one.

    The reason for the override is kept by the caller, not here.
    """
    return dataclasses.replace(a, status=status)
