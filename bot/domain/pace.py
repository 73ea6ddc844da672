"""Pace and status: how a pledge's target is going in one window.

``assess(target, achieved, window, today)`` applies these rules, first match wins:

1. No measurable target (``target`` is ``None`` or <= 0) or no window: ``NOT_MEASURABLE``
   ("Kan inte mätas"); show what was done instead.
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
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.periods import Window

__all__ = ["Assessment", "Status", "apply_override", "assess", "status_label"]

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
        Status.NOT_MEASURABLE: "Kan inte mätas",
    },
    "en": {
        Status.NOT_ASSESSED: "Not assessed yet",
        Status.ON_TRACK: "On track",
        Status.BEHIND: "Behind",
        Status.MET: "Met",
        Status.PARTLY_MET: "Partly met",
        Status.NOT_MET: "Not met",
        Status.NOT_MEASURABLE: "Cannot be measured",
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


def apply_override(a: Assessment, status: Status) -> Assessment:
    """An admin's override: the same figures with ``status`` in place of the computed one.

    The reason for the override is kept by the caller, not here.
    """
    return dataclasses.replace(a, status=status)
