from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.pace import (
    Assessment,
    Status,
    apply_override,
    assess,
    assess_rounds,
    status_label,
)
from bot.domain.periods import Per, Period, Window, is_recurring, window_containing, windows

YEAR_2026 = Window(Per.YEAR, date(2026, 1, 1), date(2026, 12, 31))
YEAR_2024 = Window(Per.YEAR, date(2024, 1, 1), date(2024, 12, 31))
# Monday 2026-03-02 .. Sunday 2026-03-08
WEEK_10_2026 = Window(Per.WEEK, date(2026, 3, 2), date(2026, 3, 8))


def test_status_values_are_stable():
    assert {s.name: s.value for s in Status} == {
        "NOT_ASSESSED": "not_assessed",
        "ON_TRACK": "on_track",
        "BEHIND": "behind",
        "MET": "met",
        "PARTLY_MET": "partly_met",
        "NOT_MET": "not_met",
        "NOT_MEASURABLE": "not_measurable",
    }


@pytest.mark.parametrize(
    ("status", "sv", "en"),
    [
        (Status.NOT_ASSESSED, "Ej bedömt ännu", "Not assessed yet"),
        (Status.ON_TRACK, "I fas", "On track"),
        (Status.BEHIND, "Efter plan", "Behind"),
        (Status.MET, "Uppfyllt", "Met"),
        (Status.PARTLY_MET, "Delvis uppfyllt", "Partly met"),
        (Status.NOT_MET, "Ej uppfyllt", "Not met"),
        (Status.NOT_MEASURABLE, "Inget mätbart mål", "No measurable target"),
    ],
)
def test_status_labels(status, sv, en):
    assert status_label(status) == sv
    assert status_label(status, "sv") == sv
    assert status_label(status, "en") == en


def test_status_label_rejects_unknown_language():
    with pytest.raises(ValueError, match="unsupported language"):
        status_label(Status.MET, "fi")


# --- target 4 per year ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "achieved", "status"),
    [
        (date(2026, 1, 1), 0, Status.NOT_ASSESSED),  # day 1: too early to say
        (date(2026, 1, 1), 1, Status.ON_TRACK),
        (date(2026, 4, 1), 0, Status.NOT_ASSESSED),  # day 91: expected 0.997
        (date(2026, 4, 2), 0, Status.BEHIND),  # day 92: expected 1.008
        (date(2026, 4, 2), 1, Status.ON_TRACK),
        (date(2026, 7, 2), 2, Status.ON_TRACK),  # mid-year, day 183: expected 2.005
        (date(2026, 7, 2), 1, Status.BEHIND),
        (date(2026, 7, 2), 3, Status.ON_TRACK),  # ahead of pace is still "I fas"
        (date(2026, 3, 15), 4, Status.MET),  # met early
        (date(2026, 3, 15), 7, Status.MET),
        (date(2026, 12, 31), 3, Status.BEHIND),  # last day: still open, expected 4
        (date(2026, 12, 31), 4, Status.MET),
        (date(2027, 1, 1), 3, Status.PARTLY_MET),
        (date(2027, 1, 1), 1, Status.PARTLY_MET),
        (date(2027, 1, 1), 0, Status.NOT_MET),
        (date(2027, 1, 1), 4, Status.MET),
        (date(2030, 6, 1), 0, Status.NOT_MET),
        (date(2025, 12, 31), 0, Status.NOT_ASSESSED),  # window not started
    ],
)
def test_four_per_year(today, achieved, status):
    assert assess(4, achieved, YEAR_2026, today).status is status


def test_mid_year_figures():
    a = assess(4, 2, YEAR_2026, date(2026, 7, 2))
    assert a.status is Status.ON_TRACK
    assert (a.achieved, a.target, a.window, a.final) == (2, 4, YEAR_2026, False)
    assert a.expected_now == pytest.approx(4 * 183 / 365)
    assert a.elapsed == pytest.approx(183 / 365)


def test_day_one_figures():
    a = assess(4, 0, YEAR_2026, date(2026, 1, 1))
    assert a.elapsed == pytest.approx(1 / 365)
    assert a.expected_now == pytest.approx(4 / 365)
    assert a.final is False


@pytest.mark.parametrize(("achieved", "status"), [(3, Status.PARTLY_MET), (0, Status.NOT_MET)])
def test_closed_year_is_final(achieved, status):
    a = assess(4, achieved, YEAR_2026, date(2027, 1, 1))
    assert a.status is status
    assert a.final is True
    assert a.elapsed == 1.0
    assert a.expected_now == 4.0


def test_last_day_is_not_final():
    a = assess(4, 3, YEAR_2026, date(2026, 12, 31))
    assert a.final is False
    assert a.elapsed == 1.0
    assert a.expected_now == pytest.approx(4.0)


def test_met_before_close_is_not_final():
    a = assess(4, 4, YEAR_2026, date(2026, 3, 15))
    assert a.status is Status.MET
    assert a.final is False


def test_met_after_close_is_final():
    a = assess(4, 5, YEAR_2026, date(2027, 2, 1))
    assert a.status is Status.MET
    assert a.final is True


def test_not_started_figures():
    a = assess(4, 0, YEAR_2026, date(2025, 12, 31))
    assert a.status is Status.NOT_ASSESSED
    assert a.elapsed == 0.0
    assert a.expected_now == 0.0
    assert a.final is False


def test_not_started_wins_over_met():
    # counts for a window that has not begun cannot be real; rule 2 comes before rule 3
    assert assess(4, 4, YEAR_2026, date(2025, 12, 31)).status is Status.NOT_ASSESSED


# --- not measurable ---------------------------------------------------------------------------


@pytest.mark.parametrize("target", [None, 0, -3])
def test_no_target_is_not_measurable(target):
    a = assess(target, 5, YEAR_2026, date(2026, 7, 2))
    assert a.status is Status.NOT_MEASURABLE
    assert a.expected_now is None
    assert a.elapsed == pytest.approx(183 / 365)
    assert a.achieved == 5
    assert a.target == target
    assert a.window == YEAR_2026


def test_no_target_after_close_is_final():
    a = assess(None, 2, YEAR_2026, date(2027, 1, 1))
    assert a.status is Status.NOT_MEASURABLE
    assert a.final is True


def test_no_window_is_not_measurable():
    a = assess(4, 1, None, date(2026, 7, 2))
    assert a == Assessment(Status.NOT_MEASURABLE, 1, 4, None, None, None, False)


def test_negative_achieved_is_rejected():
    with pytest.raises(ValueError, match="negative"):
        assess(4, -1, YEAR_2026, date(2026, 7, 2))


# --- clipped windows, weeks, leap years -------------------------------------------------------


def test_pace_of_a_period_starting_mid_year_uses_the_clipped_window():
    period = Period(date(2026, 7, 1), date(2027, 6, 30))
    window = window_containing(Per.YEAR, date(2026, 8, 15), period)
    assert window is not None
    assert window == Window(Per.YEAR, date(2026, 7, 1), date(2026, 12, 31))
    assert window.days == 184
    # 2026-08-15 is day 46 of 184: a quarter gone, one of four expected
    clipped = assess(4, 1, window, date(2026, 8, 15))
    assert clipped.elapsed == pytest.approx(0.25)
    assert clipped.expected_now == pytest.approx(1.0)
    assert clipped.status is Status.ON_TRACK
    assert assess(4, 0, window, date(2026, 8, 15)).status is Status.BEHIND
    # measured over the whole calendar year the same count would be behind
    assert assess(4, 1, YEAR_2026, date(2026, 8, 15)).status is Status.BEHIND
    assert assess(4, 3, window, date(2027, 1, 1)).status is Status.PARTLY_MET


@pytest.mark.parametrize(
    ("today", "achieved", "status"),
    [
        (date(2026, 3, 1), 0, Status.NOT_ASSESSED),  # Sunday before
        (date(2026, 3, 2), 0, Status.NOT_ASSESSED),  # Monday: expected 2/7
        (date(2026, 3, 2), 1, Status.ON_TRACK),
        (date(2026, 3, 4), 0, Status.NOT_ASSESSED),  # Wednesday: expected 6/7
        (date(2026, 3, 5), 0, Status.BEHIND),  # Thursday: expected 8/7
        (date(2026, 3, 5), 1, Status.ON_TRACK),
        (date(2026, 3, 8), 1, Status.BEHIND),  # Sunday: expected 2
        (date(2026, 3, 8), 2, Status.MET),
        (date(2026, 3, 9), 1, Status.PARTLY_MET),
        (date(2026, 3, 9), 0, Status.NOT_MET),
    ],
)
def test_two_per_week(today, achieved, status):
    assert assess(2, achieved, WEEK_10_2026, today).status is status


def test_week_elapsed_counts_today():
    assert assess(2, 0, WEEK_10_2026, date(2026, 3, 5)).elapsed == pytest.approx(4 / 7)


def test_leap_year_has_366_days():
    assert YEAR_2024.days == 366
    a = assess(4, 2, YEAR_2024, date(2024, 7, 1))  # day 183 of 366: exactly half
    assert a.elapsed == 0.5
    assert a.expected_now == 2.0
    assert a.status is Status.ON_TRACK


@pytest.mark.parametrize(
    ("window", "today", "achieved", "status"),
    [
        # 1 July is day 182 of 365 (expected 1.99) but day 183 of 366 (expected 2.0)
        (YEAR_2026, date(2026, 7, 1), 1, Status.ON_TRACK),
        (YEAR_2024, date(2024, 7, 1), 1, Status.BEHIND),
        # 1 April is day 91 of 365 (expected 0.997) but day 92 of 366 (expected 1.005)
        (YEAR_2026, date(2026, 4, 1), 0, Status.NOT_ASSESSED),
        (YEAR_2024, date(2024, 4, 1), 0, Status.BEHIND),
        (YEAR_2024, date(2024, 2, 29), 0, Status.NOT_ASSESSED),
    ],
)
def test_leap_day_shifts_the_pace(window, today, achieved, status):
    assert assess(4, achieved, window, today).status is status


def test_float_noise_does_not_lower_the_threshold():
    # 22 * (15 / 22) is 14.999999999999998 in floating point; the expected count is 15
    window = Window(Per.PERIOD, date(2026, 1, 1), date(2026, 1, 22))
    a = assess(22, 14, window, date(2026, 1, 15))
    assert a.expected_now == pytest.approx(15)
    assert a.status is Status.BEHIND
    assert assess(22, 15, window, date(2026, 1, 15)).status is Status.ON_TRACK


def test_one_day_window():
    window = Window(Per.PERIOD, date(2026, 5, 1), date(2026, 5, 1))
    assert assess(1, 0, window, date(2026, 5, 1)).status is Status.BEHIND
    assert assess(1, 1, window, date(2026, 5, 1)).status is Status.MET
    assert assess(1, 0, window, date(2026, 5, 2)).status is Status.NOT_MET


# --- override ---------------------------------------------------------------------------------


def test_override_keeps_the_figures():
    computed = assess(4, 1, YEAR_2026, date(2026, 7, 2))
    assert computed.status is Status.BEHIND
    overridden = apply_override(computed, Status.ON_TRACK)
    assert overridden.status is Status.ON_TRACK
    assert overridden.achieved == computed.achieved
    assert overridden.target == computed.target
    assert overridden.expected_now == computed.expected_now
    assert overridden.elapsed == computed.elapsed
    assert overridden.window == computed.window
    assert overridden.final == computed.final
    assert computed.status is Status.BEHIND  # the original is untouched


# --- properties -------------------------------------------------------------------------------

OPEN_RANK = {Status.BEHIND: 0, Status.NOT_ASSESSED: 1, Status.ON_TRACK: 2, Status.MET: 3}
CLOSED_RANK = {Status.NOT_MET: 0, Status.PARTLY_MET: 1, Status.MET: 2}


@st.composite
def windows_and_days(draw):
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)))
    window = Window(Per.PERIOD, start, start + timedelta(days=draw(st.integers(0, 800))))
    today = start + timedelta(days=draw(st.integers(-30, window.days + 30)))
    return window, today


@given(wd=windows_and_days(), target=st.integers(1, 500), achieved=st.integers(0, 600))
def test_more_achieved_never_looks_worse(wd, target, achieved):
    window, today = wd
    now = assess(target, achieved, window, today)
    more = assess(target, achieved + 1, window, today)
    if not window.has_started(today):
        assert now.status is more.status is Status.NOT_ASSESSED
    elif window.is_closed(today):
        assert CLOSED_RANK[more.status] >= CLOSED_RANK[now.status]
    else:
        assert OPEN_RANK[more.status] >= OPEN_RANK[now.status]


@given(wd=windows_and_days(), target=st.integers(1, 500), achieved=st.integers(0, 600))
def test_figures_are_consistent(wd, target, achieved):
    window, today = wd
    a = assess(target, achieved, window, today)
    assert a.elapsed is not None
    assert 0.0 <= a.elapsed <= 1.0
    assert a.expected_now == pytest.approx(target * a.elapsed)
    assert a.final is window.is_closed(today)
    if a.status in (Status.PARTLY_MET, Status.NOT_MET):
        assert a.final
    if a.final:
        assert a.status in (Status.MET, Status.PARTLY_MET, Status.NOT_MET)
    assert (a.status is Status.MET) is (window.has_started(today) and achieved >= target)


# --- recurring windows ("minst 1 i veckan" over a longer period) -----------------------------

AUTUMN = Period(date(2026, 10, 26), date(2026, 12, 27))  # ISO weeks 44..52 of 2026


def _weekly(done: dict[int, int], today: date, period: Period = AUTUMN) -> Assessment:
    spans = windows(Per.WEEK, period, until=today)
    rounds = [(w, done.get(w.start.isocalendar()[1], 0)) for w in spans]
    return assess_rounds(1, rounds, today, period_end=period.end)


def test_is_recurring():
    assert is_recurring(Per.WEEK, AUTUMN)
    assert is_recurring(Per.YEAR, Period(date(2026, 1, 1), date(2027, 12, 31)))
    assert not is_recurring(Per.YEAR, Period(date(2026, 1, 1), date(2026, 12, 31)))
    assert not is_recurring(Per.PERIOD, Period(date(2026, 1, 1), None))
    assert is_recurring(Per.YEAR, Period(date(2026, 1, 1), None))


def test_a_missed_week_is_never_hidden_by_this_weeks_work():
    # Weeks 44 and 46 had nothing; this week (47) is done.
    a = _weekly({45: 1, 47: 1}, date(2026, 11, 18))
    assert a.status is Status.BEHIND
    assert a.rounds is not None
    assert (a.rounds.kept, a.rounds.judged) == (2, 4)  # 45 and 47 of 44..47
    assert [w.start.isocalendar()[1] for w in a.rounds.missed] == [44, 46]
    assert a.rounds.running_kept
    assert (a.achieved, a.window and a.window.start) == (1, date(2026, 11, 16))


def test_the_running_window_is_not_missed_before_it_ends():
    # Weeks 44..46 kept; week 47 has nothing yet on Wednesday.
    a = _weekly({44: 1, 45: 1, 46: 1}, date(2026, 11, 18))
    assert a.status is Status.ON_TRACK
    assert a.rounds is not None
    assert (a.rounds.kept, a.rounds.judged, a.rounds.running_kept) == (3, 3, False)
    # On Sunday the week's pace is due: behind.
    assert _weekly({44: 1, 45: 1, 46: 1}, date(2026, 11, 22)).status is Status.BEHIND


def test_never_met_while_the_period_runs_and_final_at_its_end():
    every = dict.fromkeys(range(44, 53), 1)
    running = _weekly(every, date(2026, 12, 23))
    assert running.status is Status.ON_TRACK
    assert not running.final
    done = _weekly(every, date(2026, 12, 28))
    assert (done.status, done.final) == (Status.MET, True)
    assert done.rounds is not None and (done.rounds.kept, done.rounds.judged) == (9, 9)
    partly = _weekly({44: 1}, date(2026, 12, 28))
    assert partly.status is Status.PARTLY_MET
    assert _weekly({}, date(2026, 12, 28)).status is Status.NOT_MET


def test_the_first_window_is_judged_like_a_single_window():
    first = _weekly({}, date(2026, 10, 27))
    assert first.status is Status.NOT_ASSESSED
    assert first.rounds is not None and first.rounds.judged == 0
    kept = _weekly({44: 1}, date(2026, 10, 27))
    assert kept.status is Status.ON_TRACK  # not "Uppfyllt": eight more weeks to keep


def test_rounds_without_a_measurable_target():
    spans = windows(Per.WEEK, AUTUMN, until=date(2026, 11, 18))
    a = assess_rounds(None, [(w, 1) for w in spans], date(2026, 11, 18), period_end=AUTUMN.end)
    assert a.status is Status.NOT_MEASURABLE
    assert a.rounds is None
