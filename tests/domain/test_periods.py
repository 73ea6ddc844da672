import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.periods import (
    Per,
    Period,
    Window,
    parse_window,
    previous_quarter,
    window_containing,
    windows,
)

YEAR_2026 = Period(date(2026, 1, 1), date(2026, 12, 31))
OPEN_2026 = Period(date(2026, 1, 1), None)


def containing(per: Per, day: date, period: Period) -> Window:
    """window_containing for a case that must have a window."""
    window = window_containing(per, day, period)
    assert window is not None
    return window


# --- Per, Period, Window basics ---------------------------------------------------------------


def test_per_values_are_stable():
    assert {p.name: p.value for p in Per} == {
        "YEAR": "year",
        "HALF_YEAR": "half_year",
        "TERTIAL": "tertial",
        "QUARTER": "quarter",
        "TERM": "term",
        "MONTH": "month",
        "WEEK": "week",
        "PERIOD": "period",
    }
    assert Per("half_year") is Per.HALF_YEAR


def test_period_rejects_end_before_start():
    with pytest.raises(ValueError, match="before its start"):
        Period(date(2026, 5, 2), date(2026, 5, 1))


def test_period_of_one_day_is_valid():
    period = Period(date(2026, 5, 1), date(2026, 5, 1))
    assert period.contains(date(2026, 5, 1))
    assert not period.contains(date(2026, 5, 2))


@pytest.mark.parametrize(
    ("period", "day", "expected"),
    [
        (YEAR_2026, date(2025, 12, 31), False),
        (YEAR_2026, date(2026, 1, 1), True),
        (YEAR_2026, date(2026, 12, 31), True),
        (YEAR_2026, date(2027, 1, 1), False),
        (OPEN_2026, date(2025, 12, 31), False),
        (OPEN_2026, date(2026, 1, 1), True),
        (OPEN_2026, date(2099, 6, 1), True),
    ],
)
def test_period_contains(period, day, expected):
    assert period.contains(day) is expected


def test_period_is_open_ended():
    assert OPEN_2026.is_open_ended
    assert not YEAR_2026.is_open_ended


def test_window_rejects_end_before_start():
    with pytest.raises(ValueError, match="before its start"):
        Window(Per.MONTH, date(2026, 3, 31), date(2026, 3, 1))


def test_window_days_contains_started_closed():
    window = Window(Per.MONTH, date(2026, 2, 1), date(2026, 2, 28))
    assert window.days == 28
    assert not window.contains(date(2026, 1, 31))
    assert window.contains(date(2026, 2, 1))
    assert window.contains(date(2026, 2, 28))
    assert not window.contains(date(2026, 3, 1))
    assert not window.has_started(date(2026, 1, 31))
    assert window.has_started(date(2026, 2, 1))
    assert not window.is_closed(date(2026, 2, 28))
    assert window.is_closed(date(2026, 3, 1))


# --- window_containing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("per", "day", "start", "end"),
    [
        (Per.YEAR, date(2026, 7, 15), date(2026, 1, 1), date(2026, 12, 31)),
        (Per.HALF_YEAR, date(2026, 6, 30), date(2026, 1, 1), date(2026, 6, 30)),
        (Per.HALF_YEAR, date(2026, 7, 1), date(2026, 7, 1), date(2026, 12, 31)),
        (Per.TERTIAL, date(2026, 1, 1), date(2026, 1, 1), date(2026, 4, 30)),
        (Per.TERTIAL, date(2026, 4, 30), date(2026, 1, 1), date(2026, 4, 30)),
        (Per.TERTIAL, date(2026, 5, 1), date(2026, 5, 1), date(2026, 8, 31)),
        (Per.TERTIAL, date(2026, 12, 31), date(2026, 9, 1), date(2026, 12, 31)),
        (Per.QUARTER, date(2026, 2, 14), date(2026, 1, 1), date(2026, 3, 31)),
        (Per.QUARTER, date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
        (Per.QUARTER, date(2026, 9, 30), date(2026, 7, 1), date(2026, 9, 30)),
        (Per.QUARTER, date(2026, 10, 1), date(2026, 10, 1), date(2026, 12, 31)),
        (Per.TERM, date(2026, 1, 1), date(2026, 1, 1), date(2026, 6, 30)),
        (Per.TERM, date(2026, 6, 30), date(2026, 1, 1), date(2026, 6, 30)),
        (Per.TERM, date(2026, 8, 1), date(2026, 8, 1), date(2026, 12, 31)),
        (Per.TERM, date(2026, 12, 31), date(2026, 8, 1), date(2026, 12, 31)),
        (Per.MONTH, date(2026, 2, 10), date(2026, 2, 1), date(2026, 2, 28)),
        (Per.MONTH, date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
        # 2026-03-04 is a Wednesday
        (Per.WEEK, date(2026, 3, 4), date(2026, 3, 2), date(2026, 3, 8)),
        (Per.WEEK, date(2026, 3, 2), date(2026, 3, 2), date(2026, 3, 8)),
        (Per.WEEK, date(2026, 3, 8), date(2026, 3, 2), date(2026, 3, 8)),
        (Per.PERIOD, date(2026, 3, 8), date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_window_containing_calendar_windows(per, day, start, end):
    assert window_containing(per, day, YEAR_2026) == Window(per, start, end)


@pytest.mark.parametrize("day", [date(2026, 7, 1), date(2026, 7, 15), date(2026, 7, 31)])
def test_july_is_in_no_term(day):
    assert window_containing(Per.TERM, day, YEAR_2026) is None


@pytest.mark.parametrize("per", list(Per))
@pytest.mark.parametrize("day", [date(2025, 12, 31), date(2027, 1, 1)])
def test_day_outside_period_has_no_window(per, day):
    assert window_containing(per, day, YEAR_2026, open_end_horizon=date(2030, 1, 1)) is None


@pytest.mark.parametrize(
    ("per", "start", "end"),
    [
        (Per.YEAR, date(2026, 5, 15), date(2026, 12, 31)),
        (Per.HALF_YEAR, date(2026, 5, 15), date(2026, 6, 30)),
        (Per.TERTIAL, date(2026, 5, 15), date(2026, 8, 31)),
        (Per.QUARTER, date(2026, 5, 15), date(2026, 6, 30)),
        (Per.TERM, date(2026, 5, 15), date(2026, 6, 30)),
        (Per.MONTH, date(2026, 5, 15), date(2026, 5, 31)),
        # 2026-05-15 is a Friday; its week runs to Sunday 2026-05-17
        (Per.WEEK, date(2026, 5, 15), date(2026, 5, 17)),
        (Per.PERIOD, date(2026, 5, 15), date(2027, 3, 10)),
    ],
)
def test_first_window_is_clipped_to_period_start(per, start, end):
    period = Period(date(2026, 5, 15), date(2027, 3, 10))
    assert window_containing(per, date(2026, 5, 15), period) == Window(per, start, end)
    assert window_containing(per, end, period) == Window(per, start, end)


@pytest.mark.parametrize(
    ("per", "start", "end"),
    [
        (Per.YEAR, date(2027, 1, 1), date(2027, 3, 10)),
        (Per.QUARTER, date(2027, 1, 1), date(2027, 3, 10)),
        (Per.MONTH, date(2027, 3, 1), date(2027, 3, 10)),
        # 2027-03-10 is a Wednesday; its week starts Monday 2027-03-08
        (Per.WEEK, date(2027, 3, 8), date(2027, 3, 10)),
    ],
)
def test_last_window_is_clipped_to_period_end(per, start, end):
    period = Period(date(2026, 5, 15), date(2027, 3, 10))
    assert window_containing(per, date(2027, 3, 9), period) == Window(per, start, end)


def test_week_spanning_a_year_boundary_is_one_window():
    period = Period(date(2020, 1, 1), date(2021, 12, 31))
    expected = Window(Per.WEEK, date(2020, 12, 28), date(2021, 1, 3))
    assert window_containing(Per.WEEK, date(2020, 12, 28), period) == expected
    assert window_containing(Per.WEEK, date(2021, 1, 3), period) == expected
    assert expected.label() == "vecka 53 2020"


def test_week_spanning_a_year_boundary_is_clipped_only_by_the_period():
    period = Period(date(2021, 1, 1), None)  # a Friday in ISO week 53 of 2020
    window = containing(Per.WEEK, date(2021, 1, 2), period)
    assert window == Window(Per.WEEK, date(2021, 1, 1), date(2021, 1, 3))
    assert window.label() == "vecka 53 2020"
    assert window.label("en") == "week 53 2020"


@pytest.mark.parametrize(
    ("per", "start", "end"),
    [
        (Per.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        (Per.QUARTER, date(2024, 1, 1), date(2024, 3, 31)),
        (Per.YEAR, date(2024, 1, 1), date(2024, 12, 31)),
        (Per.WEEK, date(2024, 2, 26), date(2024, 3, 3)),
    ],
)
def test_leap_day_2024(per, start, end):
    period = Period(date(2024, 1, 1), None)
    window = window_containing(per, date(2024, 2, 29), period)
    assert window == Window(per, start, end)


def test_leap_year_day_counts():
    period = Period(date(2024, 1, 1), date(2028, 12, 31))
    assert containing(Per.YEAR, date(2024, 6, 1), period).days == 366
    assert containing(Per.YEAR, date(2026, 6, 1), period).days == 365
    assert containing(Per.YEAR, date(2028, 6, 1), period).days == 366
    assert containing(Per.MONTH, date(2028, 2, 29), period).days == 29
    assert containing(Per.MONTH, date(2026, 2, 1), period).days == 28
    assert containing(Per.HALF_YEAR, date(2028, 2, 29), period).days == 182
    assert containing(Per.TERTIAL, date(2028, 2, 29), period).days == 121


def test_period_starting_on_a_leap_day():
    period = Period(date(2028, 2, 29), date(2029, 2, 28))
    assert window_containing(Per.MONTH, date(2028, 2, 29), period) == Window(
        Per.MONTH, date(2028, 2, 29), date(2028, 2, 29)
    )
    assert containing(Per.PERIOD, date(2028, 2, 29), period).days == 366


class TestWholePeriodOfOpenEndedPeriod:
    def test_without_horizon_there_is_no_window(self):
        assert window_containing(Per.PERIOD, date(2026, 3, 1), OPEN_2026) is None

    def test_horizon_ends_the_window(self):
        window = window_containing(
            Per.PERIOD, date(2026, 3, 1), OPEN_2026, open_end_horizon=date(2026, 6, 30)
        )
        assert window == Window(Per.PERIOD, date(2026, 1, 1), date(2026, 6, 30))

    def test_horizon_on_the_day_itself(self):
        window = window_containing(
            Per.PERIOD, date(2026, 3, 1), OPEN_2026, open_end_horizon=date(2026, 3, 1)
        )
        assert window == Window(Per.PERIOD, date(2026, 1, 1), date(2026, 3, 1))

    def test_horizon_before_the_day_gives_no_window(self):
        window = window_containing(
            Per.PERIOD, date(2026, 3, 1), OPEN_2026, open_end_horizon=date(2026, 2, 28)
        )
        assert window is None

    def test_horizon_is_ignored_when_the_period_has_an_end(self):
        window = window_containing(
            Per.PERIOD, date(2026, 3, 1), YEAR_2026, open_end_horizon=date(2026, 6, 30)
        )
        assert window == Window(Per.PERIOD, date(2026, 1, 1), date(2026, 12, 31))

    def test_horizon_does_not_clip_calendar_windows(self):
        window = window_containing(
            Per.YEAR, date(2026, 3, 1), OPEN_2026, open_end_horizon=date(2026, 6, 30)
        )
        assert window == Window(Per.YEAR, date(2026, 1, 1), date(2026, 12, 31))


# --- windows ----------------------------------------------------------------------------------


def test_windows_quarters_of_a_clipped_period():
    period = Period(date(2026, 5, 15), date(2027, 3, 10))
    assert windows(Per.QUARTER, period, date(2030, 1, 1)) == [
        Window(Per.QUARTER, date(2026, 5, 15), date(2026, 6, 30)),
        Window(Per.QUARTER, date(2026, 7, 1), date(2026, 9, 30)),
        Window(Per.QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
        Window(Per.QUARTER, date(2027, 1, 1), date(2027, 3, 10)),
    ]


def test_windows_stop_at_the_one_containing_until():
    result = windows(Per.MONTH, OPEN_2026, date(2026, 3, 1))
    assert [w.start for w in result] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert result[-1].end == date(2026, 3, 31)


def test_windows_until_before_period_start_is_empty():
    assert windows(Per.MONTH, YEAR_2026, date(2025, 12, 31)) == []


def test_windows_until_on_period_start_gives_first_window():
    assert windows(Per.YEAR, YEAR_2026, date(2026, 1, 1)) == [
        Window(Per.YEAR, date(2026, 1, 1), date(2026, 12, 31))
    ]


def test_windows_terms_skip_july():
    period = Period(date(2026, 1, 1), date(2027, 12, 31))
    assert windows(Per.TERM, period, date(2027, 12, 31)) == [
        Window(Per.TERM, date(2026, 1, 1), date(2026, 6, 30)),
        Window(Per.TERM, date(2026, 8, 1), date(2026, 12, 31)),
        Window(Per.TERM, date(2027, 1, 1), date(2027, 6, 30)),
        Window(Per.TERM, date(2027, 8, 1), date(2027, 12, 31)),
    ]


def test_windows_terms_until_in_july_stop_at_spring_term():
    assert windows(Per.TERM, OPEN_2026, date(2026, 7, 20)) == [
        Window(Per.TERM, date(2026, 1, 1), date(2026, 6, 30))
    ]


def test_windows_terms_of_a_period_starting_in_july():
    period = Period(date(2026, 7, 10), date(2026, 12, 31))
    assert windows(Per.TERM, period, date(2026, 12, 31)) == [
        Window(Per.TERM, date(2026, 8, 1), date(2026, 12, 31))
    ]


def test_windows_of_a_period_entirely_in_july_have_no_term():
    period = Period(date(2026, 7, 1), date(2026, 7, 31))
    assert windows(Per.TERM, period, date(2026, 7, 31)) == []


def test_windows_whole_period():
    assert windows(Per.PERIOD, YEAR_2026, date(2026, 4, 1)) == [
        Window(Per.PERIOD, date(2026, 1, 1), date(2026, 12, 31))
    ]


def test_windows_whole_open_ended_period_ends_at_until():
    assert windows(Per.PERIOD, OPEN_2026, date(2026, 4, 1)) == [
        Window(Per.PERIOD, date(2026, 1, 1), date(2026, 4, 1))
    ]


def test_windows_weeks_across_a_year_boundary():
    period = Period(date(2020, 12, 20), date(2021, 1, 10))
    result = windows(Per.WEEK, period, date(2021, 1, 10))
    assert result == [
        Window(Per.WEEK, date(2020, 12, 20), date(2020, 12, 20)),
        Window(Per.WEEK, date(2020, 12, 21), date(2020, 12, 27)),
        Window(Per.WEEK, date(2020, 12, 28), date(2021, 1, 3)),
        Window(Per.WEEK, date(2021, 1, 4), date(2021, 1, 10)),
    ]
    assert [w.label() for w in result] == [
        "vecka 51 2020",
        "vecka 52 2020",
        "vecka 53 2020",
        "vecka 1 2021",
    ]


TILING_PERS = [p for p in Per if p is not Per.TERM]  # terms leave July out
CODED_PERS = [p for p in Per if p not in (Per.TERM, Per.PERIOD)]
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@st.composite
def periods(draw):
    start = draw(days)
    if draw(st.booleans()):
        return Period(start, None)
    return Period(start, start + timedelta(days=draw(st.integers(0, 1500))))


@given(per=st.sampled_from(TILING_PERS), period=periods(), span=st.integers(0, 1500))
def test_windows_tile_the_period_without_gaps_or_overlaps(per, period, span):
    until = period.start + timedelta(days=span)
    result = windows(per, period, until)
    assert result
    assert result[0].start == period.start
    for before, after in itertools.pairwise(result):
        assert after.start == before.end + timedelta(days=1)
    last = result[-1]
    if period.end is not None and until >= period.end:
        assert last.end == period.end
    else:
        assert last.contains(until)
    assert all(w.per is per for w in result)


@given(period=periods(), span=st.integers(0, 1500))
def test_term_windows_cover_every_day_but_july(period, span):
    until = period.start + timedelta(days=span)
    result = windows(Per.TERM, period, until)
    last = until if period.end is None else min(until, period.end)
    covered = {w.start + timedelta(days=i) for w in result for i in range(w.days)}
    day = period.start
    while day <= last:
        assert (day in covered) is (day.month != 7)
        day += timedelta(days=1)
    for before, after in itertools.pairwise(result):
        assert after.start > before.end


@given(per=st.sampled_from(list(Per)), period=periods(), offset=st.integers(0, 1500))
def test_window_containing_contains_the_day_and_lies_in_the_period(per, period, offset):
    day = period.start + timedelta(days=offset)
    window = window_containing(per, day, period, open_end_horizon=day + timedelta(days=30))
    if not period.contains(day) or (per is Per.TERM and day.month == 7):
        assert window is None
        return
    assert window is not None
    assert window.contains(day)
    assert period.contains(window.start)
    assert period.contains(window.end)
    if per is not Per.PERIOD:
        assert window.label() == containing(per, window.end, period).label()


# --- labels -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "sv", "en"),
    [
        (Window(Per.YEAR, date(2026, 1, 1), date(2026, 12, 31)), "2026", "2026"),
        (
            Window(Per.HALF_YEAR, date(2026, 1, 1), date(2026, 6, 30)),
            "första halvåret 2026",
            "first half of 2026",
        ),
        (
            Window(Per.HALF_YEAR, date(2026, 7, 1), date(2026, 12, 31)),
            "andra halvåret 2026",
            "second half of 2026",
        ),
        (
            Window(Per.TERTIAL, date(2026, 1, 1), date(2026, 4, 30)),
            "tertial 1 2026",
            "tertial 1 2026",
        ),
        (
            Window(Per.TERTIAL, date(2026, 5, 1), date(2026, 8, 31)),
            "tertial 2 2026",
            "tertial 2 2026",
        ),
        (
            Window(Per.TERTIAL, date(2026, 9, 1), date(2026, 12, 31)),
            "tertial 3 2026",
            "tertial 3 2026",
        ),
        (Window(Per.QUARTER, date(2026, 7, 1), date(2026, 9, 30)), "kvartal 3 2026", "Q3 2026"),
        (Window(Per.QUARTER, date(2026, 10, 1), date(2026, 12, 31)), "kvartal 4 2026", "Q4 2026"),
        (
            Window(Per.TERM, date(2026, 1, 1), date(2026, 6, 30)),
            "vårterminen 2026",
            "spring term 2026",
        ),
        (
            Window(Per.TERM, date(2026, 8, 1), date(2026, 12, 31)),
            "höstterminen 2026",
            "autumn term 2026",
        ),
        (Window(Per.MONTH, date(2026, 3, 1), date(2026, 3, 31)), "mars 2026", "March 2026"),
        (Window(Per.MONTH, date(2026, 5, 1), date(2026, 5, 31)), "maj 2026", "May 2026"),
        (
            Window(Per.MONTH, date(2026, 12, 1), date(2026, 12, 31)),
            "december 2026",
            "December 2026",
        ),
        (Window(Per.WEEK, date(2026, 1, 26), date(2026, 2, 1)), "vecka 5 2026", "week 5 2026"),
        (Window(Per.WEEK, date(2020, 12, 28), date(2021, 1, 3)), "vecka 53 2020", "week 53 2020"),
        # 2024-12-30 is Monday of ISO week 1 of 2025
        (Window(Per.WEEK, date(2024, 12, 30), date(2025, 1, 5)), "vecka 1 2025", "week 1 2025"),
        (
            Window(Per.PERIOD, date(2026, 1, 1), date(2027, 12, 31)),
            "hela perioden",
            "the whole period",
        ),
    ],
)
def test_labels(window, sv, en):
    assert window.label() == sv
    assert window.label("sv") == sv
    assert window.label("en") == en


def test_clipped_window_keeps_the_calendar_label():
    window = Window(Per.QUARTER, date(2026, 5, 15), date(2026, 6, 30))
    assert window.label() == "kvartal 2 2026"
    assert window.code() == "2026-Q2"


def test_label_rejects_unknown_language():
    with pytest.raises(ValueError, match="unsupported language"):
        Window(Per.YEAR, date(2026, 1, 1), date(2026, 12, 31)).label("de")


# --- parse_window -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "per", "start", "end"),
    [
        ("2026", Per.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-H1", Per.HALF_YEAR, date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-h2", Per.HALF_YEAR, date(2026, 7, 1), date(2026, 12, 31)),
        ("2026-T1", Per.TERTIAL, date(2026, 1, 1), date(2026, 4, 30)),
        ("2026-T2", Per.TERTIAL, date(2026, 5, 1), date(2026, 8, 31)),
        ("2026-t3", Per.TERTIAL, date(2026, 9, 1), date(2026, 12, 31)),
        ("2026-Q1", Per.QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q3", Per.QUARTER, date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-q4", Per.QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-03", Per.MONTH, date(2026, 3, 1), date(2026, 3, 31)),
        ("2026-3", Per.MONTH, date(2026, 3, 1), date(2026, 3, 31)),
        ("2024-02", Per.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-12", Per.MONTH, date(2026, 12, 1), date(2026, 12, 31)),
        ("2026-W05", Per.WEEK, date(2026, 1, 26), date(2026, 2, 1)),
        ("2026-w5", Per.WEEK, date(2026, 1, 26), date(2026, 2, 1)),
        ("2020-W53", Per.WEEK, date(2020, 12, 28), date(2021, 1, 3)),
        ("2026-W53", Per.WEEK, date(2026, 12, 28), date(2027, 1, 3)),
        ("2025-W01", Per.WEEK, date(2024, 12, 30), date(2025, 1, 5)),
        ("2026-VT", Per.TERM, date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-ht", Per.TERM, date(2026, 8, 1), date(2026, 12, 31)),
        ("  2026-Q2 \n", Per.QUARTER, date(2026, 4, 1), date(2026, 6, 30)),
    ],
)
def test_parse_window(text, per, start, end):
    assert parse_window(text) == Window(per, start, end)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a window code"),
        ("26", "not a window code"),
        ("2026-", "not a window code"),
        ("2026Q3", "not a window code"),
        ("2026-Q", "not a window code"),
        ("2026-X1", "not a window code"),
        ("2026-03-01", "not a window code"),
        ("2026-W123", "not a window code"),
        ("Q3 2026", "not a window code"),
        ("0000", "year out of range"),
        ("2026-H0", "half must be 1-2"),
        ("2026-H3", "half must be 1-2"),
        ("2026-T4", "tertial must be 1-3"),
        ("2026-Q0", "quarter must be 1-4"),
        ("2026-Q5", "quarter must be 1-4"),
        ("2026-00", "month must be 1-12"),
        ("2026-13", "month must be 1-12"),
        ("2026-W00", "has no week 0"),
        ("2025-W53", "has no week 53"),
        ("2026-W54", "has no week 54"),
    ],
)
def test_parse_window_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_window(text)


@given(per=st.sampled_from(CODED_PERS), day=days)
def test_code_round_trips_through_parse_window(per, day):
    window = containing(per, day, Period(date(1900, 1, 1), None))
    assert parse_window(window.code()) == window
    assert parse_window(window.code().lower()) == window


@given(day=days.filter(lambda d: d.month != 7))
def test_term_code_round_trips(day):
    window = containing(Per.TERM, day, Period(date(1900, 1, 1), None))
    assert parse_window(window.code()) == window


def test_whole_period_has_no_code():
    with pytest.raises(ValueError, match="no code"):
        Window(Per.PERIOD, date(2026, 1, 1), date(2026, 12, 31)).code()


# --- previous_quarter -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 10, 1), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 12, 31), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 7, 1), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 4, 15), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 1, 1), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 3, 31), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2024, 4, 1), date(2024, 1, 1), date(2024, 3, 31)),
        (date(2028, 5, 1), date(2028, 1, 1), date(2028, 3, 31)),
    ],
)
def test_previous_quarter(day, start, end):
    assert previous_quarter(day) == Window(Per.QUARTER, start, end)


@given(day=days)
def test_previous_quarter_ends_the_day_before_the_current_quarter(day):
    previous = previous_quarter(day)
    current = containing(Per.QUARTER, day, Period(date(1900, 1, 1), None))
    assert previous.end + timedelta(days=1) == current.start
    assert previous.per is Per.QUARTER
    assert previous.start.day == 1
