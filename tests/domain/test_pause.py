"""Reading /paus arguments and days ahead ("till 24/12")."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.dates import parse_coming_day
from bot.domain.pause import FOREVER, PauseRequest, add_months, read_pause

TODAY = date(2026, 11, 21)  # a Saturday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24/12", date(2026, 12, 24)),
        ("24.12.", date(2026, 12, 24)),
        ("24 december", date(2026, 12, 24)),
        ("6 jan 2027", date(2027, 1, 6)),
        ("2027-01-06", date(2027, 1, 6)),
        ("20270106", date(2027, 1, 6)),
        ("24/12-26", date(2026, 12, 24)),
        ("21/11", TODAY),  # today is the next occurrence
        ("1/11", date(2027, 11, 1)),  # passed this year: next year's
        ("29/2", date(2028, 2, 29)),
        ("31/2", "invalid"),
        ("2026-13-01", "invalid"),
        ("2025-01-01", "past"),
        ("igår", None),
        ("nästa vecka", None),
        ("24/12 kanske", None),
    ],
)
def test_parse_coming_day(text: str, expected: object) -> None:
    assert parse_coming_day(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", PauseRequest("show")),
        ("  ", PauseRequest("show")),
        ("av", PauseRequest("resume")),
        ("Av.", PauseRequest("resume")),
        ("tills vidare", PauseRequest("until", FOREVER)),
        ("Tillsvidare", PauseRequest("until", FOREVER)),
        ("1 vecka", PauseRequest("until", date(2026, 11, 27))),  # through next Friday
        ("en vecka", PauseRequest("until", date(2026, 11, 27))),
        ("2 veckor", PauseRequest("until", date(2026, 12, 4))),
        ("två veckor", PauseRequest("until", date(2026, 12, 4))),
        ("i 3 veckor", PauseRequest("until", date(2026, 12, 11))),
        ("3v", PauseRequest("until", date(2026, 12, 11))),
        ("10 dagar", PauseRequest("until", date(2026, 11, 30))),
        ("1 dag", PauseRequest("until", TODAY)),
        ("1 månad", PauseRequest("until", date(2026, 12, 20))),
        ("1 år", PauseRequest("until", date(2027, 11, 20))),
        ("2 weeks", PauseRequest("until", date(2026, 12, 4))),
        ("till 24/12", PauseRequest("until", date(2026, 12, 24))),
        ("t.o.m. 6/1", PauseRequest("until", date(2027, 1, 6))),
        ("till och med 24 december", PauseRequest("until", date(2026, 12, 24))),
        ("till 2027-01-06", PauseRequest("until", date(2027, 1, 6))),
        ("till tills vidare", PauseRequest("until", FOREVER)),
        ("till 31/2", PauseRequest("problem", problem="invalid")),
        ("till 2025-01-01", PauseRequest("problem", problem="past")),
        ("2 år", PauseRequest("problem", problem="too_far")),
        ("100 veckor", PauseRequest("problem", problem="too_far")),
        ("till 2028-01-01", PauseRequest("problem", problem="too_far")),
        ("0 veckor", PauseRequest("problem", problem="unclear")),
        ("vecka", PauseRequest("problem", problem="unclear")),
        ("3", PauseRequest("problem", problem="unclear")),
        ("imorgon kanske", PauseRequest("problem", problem="unclear")),
        ("3 äpplen", PauseRequest("problem", problem="unclear")),
    ],
)
def test_read_pause(text: str, expected: PauseRequest) -> None:
    assert read_pause(text, TODAY) == expected


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
