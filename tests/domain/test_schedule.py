import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.periods import Per, Window, parse_window, previous_quarter
from bot.domain.schedule import (
    STOCKHOLM,
    first_weekday_after,
    first_working_day_after,
    is_working_day,
    local_to_utc,
    next_weekly,
    quarter_post_due,
    week_first_working_day,
)

MONDAY, FRIDAY, SUNDAY = 0, 4, 6


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_stockholm_zone():
    assert STOCKHOLM.key == "Europe/Stockholm"


# --- local_to_utc -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2026, 1, 15), time(9), utc(2026, 1, 15, 8)),  # CET, +01:00
        (date(2026, 6, 15), time(9), utc(2026, 6, 15, 7)),  # CEST, +02:00
        (date(2026, 1, 1), time(0, 30), utc(2025, 12, 31, 23, 30)),  # UTC date is the day before
        # spring forward, Sunday 2026-03-29: 02:00 CET jumps to 03:00 CEST
        (date(2026, 3, 29), time(1, 59), utc(2026, 3, 29, 0, 59)),
        (date(2026, 3, 29), time(2, 0), utc(2026, 3, 29, 1)),  # gap: moved to 03:00 CEST
        (date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30)),  # gap: moved to 03:30 CEST
        (date(2026, 3, 29), time(3, 0), utc(2026, 3, 29, 1)),
        (date(2026, 3, 29), time(9), utc(2026, 3, 29, 7)),
        (date(2026, 3, 28), time(9), utc(2026, 3, 28, 8)),
        # fall back, Sunday 2026-10-25: 03:00 CEST goes back to 02:00 CET
        (date(2026, 10, 25), time(1, 59), utc(2026, 10, 24, 23, 59)),
        (date(2026, 10, 25), time(2, 0), utc(2026, 10, 25, 0)),  # first occurrence, CEST
        (date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),  # first occurrence, CEST
        (date(2026, 10, 25), time(3, 0), utc(2026, 10, 25, 2)),
        (date(2026, 10, 25), time(9), utc(2026, 10, 25, 8)),
        (date(2026, 10, 24), time(9), utc(2026, 10, 24, 7)),
    ],
)
def test_local_to_utc_stockholm(day, at, expected):
    result = local_to_utc(day, at, STOCKHOLM)
    assert result == expected
    assert result.tzinfo is UTC


def test_gap_time_moves_forward_by_the_gap():
    result = local_to_utc(date(2026, 3, 29), time(2, 30), STOCKHOLM)
    local = result.astimezone(STOCKHOLM)
    assert (local.date(), local.time()) == (date(2026, 3, 29), time(3, 30))
    assert local.utcoffset() == timedelta(hours=2)


def test_ambiguous_time_takes_the_first_occurrence():
    result = local_to_utc(date(2026, 10, 25), time(2, 30), STOCKHOLM)
    local = result.astimezone(STOCKHOLM)
    assert local.time() == time(2, 30)
    assert local.utcoffset() == timedelta(hours=2)  # still summer time
    assert local.fold == 0


def test_fold_of_at_is_ignored():
    folded = local_to_utc(date(2026, 10, 25), time(2, 30, fold=1), STOCKHOLM)
    assert folded == utc(2026, 10, 25, 0, 30)


def test_local_to_utc_in_another_zone():
    new_york = ZoneInfo("America/New_York")
    # US spring forward 2026-03-08 02:00 EST -> 03:00 EDT
    assert local_to_utc(date(2026, 3, 8), time(2, 30), new_york) == utc(2026, 3, 8, 7, 30)
    assert local_to_utc(date(2026, 7, 1), time(9), new_york) == utc(2026, 7, 1, 13)


def test_local_to_utc_rejects_aware_time():
    with pytest.raises(ValueError, match="naive"):
        local_to_utc(date(2026, 1, 1), time(9, tzinfo=UTC), STOCKHOLM)


# --- first_weekday_after ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 3)),  # Monday -> Tuesday
        (date(2026, 3, 5), date(2026, 3, 6)),  # Thursday -> Friday
        (date(2026, 3, 6), date(2026, 3, 9)),  # Friday -> Monday
        (date(2026, 3, 7), date(2026, 3, 9)),  # Saturday -> Monday
        (date(2026, 3, 8), date(2026, 3, 9)),  # Sunday -> Monday
        (date(2026, 9, 30), date(2026, 10, 1)),  # Wednesday -> Thursday
        (date(2026, 12, 31), date(2027, 1, 1)),  # Thursday -> Friday (nyårsdagen, not skipped)
        (date(2027, 12, 31), date(2028, 1, 3)),  # Friday -> Monday across the year
        (date(2028, 2, 28), date(2028, 2, 29)),  # Monday -> leap day Tuesday
    ],
)
def test_first_weekday_after(day, expected):
    assert first_weekday_after(day) == expected


# --- Swedish public holidays ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 1, 1), False),  # nyårsdagen
        (date(2027, 1, 6), False),  # trettondedag jul
        (date(2027, 3, 26), False),  # långfredagen
        (date(2027, 3, 29), False),  # annandag påsk
        (date(2027, 5, 6), False),  # Kristi himmelsfärds dag
        (date(2026, 6, 6), False),  # nationaldagen (a Saturday anyway)
        (date(2027, 12, 24), True),  # julafton is not a public holiday
        (date(2026, 6, 19), True),  # midsommarafton neither
        (date(2027, 1, 4), True),  # an ordinary Monday
        (date(2027, 1, 9), False),  # a Saturday
        (date(2027, 1, 10), False),  # a Sunday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 31), date(2027, 1, 4)),  # Thursday; Friday is nyårsdagen
        (date(2027, 1, 5), date(2027, 1, 7)),  # Tuesday; Wednesday is trettondedag jul
        (date(2027, 3, 25), date(2027, 3, 30)),  # skärtorsdagen -> over påsk to Tuesday
        (date(2026, 12, 23), date(2026, 12, 24)),  # julafton is a working day
        (date(2026, 12, 24), date(2026, 12, 28)),  # juldagen, annandag jul, weekend
        (date(2026, 3, 6), date(2026, 3, 9)),  # an ordinary weekend
    ],
)
def test_first_working_day_after(day, expected):
    assert first_working_day_after(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 7), date(2027, 1, 4)),  # an ordinary week: its Monday
        (date(2027, 3, 29), date(2027, 3, 30)),  # annandag påsk: Tuesday
        (date(2027, 4, 2), date(2027, 3, 30)),  # later in that week too
        (date(2026, 12, 31), date(2026, 12, 28)),
    ],
)
def test_week_first_working_day(day, expected):
    assert week_first_working_day(day) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_first_working_day_after_is_a_working_day_within_a_week(day):
    result = first_working_day_after(day)
    assert is_working_day(result)
    assert day < result <= day + timedelta(days=7)
    assert all(not is_working_day(day + timedelta(days=n)) for n in range(1, (result - day).days))


@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
def test_first_weekday_after_is_the_first(day):
    result = first_weekday_after(day)
    assert result > day
    assert result.weekday() < 5
    following = day + timedelta(days=1)
    while following < result:
        assert following.weekday() >= 5
        following += timedelta(days=1)


# --- quarter_post_due -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("2026-Q1", utc(2026, 4, 1, 7)),  # ends Tue 03-31 -> Wed 04-01 09:00 CEST
        ("2026-Q2", utc(2026, 7, 1, 7)),  # ends Tue 06-30 -> Wed 07-01 09:00 CEST
        ("2026-Q3", utc(2026, 10, 1, 7)),  # ends Wed 09-30 -> Thu 10-01 09:00 CEST
        ("2026-Q4", utc(2027, 1, 4, 8)),  # ends Thu 12-31, Fri 01-01 nyårsdagen -> Mon 01-04
        ("2027-Q4", utc(2028, 1, 3, 8)),  # ends Fri 12-31 -> Mon 2028-01-03 09:00 CET
        ("2025-Q2", utc(2025, 7, 1, 7)),  # ends Mon 06-30 -> Tue 07-01
        ("2029-Q1", utc(2029, 4, 3, 7)),  # ends Sat 03-31, Mon 04-02 annandag påsk -> Tue
    ],
)
def test_quarter_post_due(code, expected):
    quarter = parse_window(code)
    result = quarter_post_due(quarter)
    assert result == expected
    assert result.tzinfo is UTC
    local = result.astimezone(STOCKHOLM)
    assert local.time() == time(9)


def test_quarter_post_due_of_previous_quarter():
    assert quarter_post_due(previous_quarter(date(2026, 10, 1))) == utc(2026, 10, 1, 7)


def test_quarter_post_due_at_another_time_and_zone():
    quarter = parse_window("2026-Q3")
    assert quarter_post_due(quarter, time(14, 15)) == utc(2026, 10, 1, 12, 15)
    assert quarter_post_due(quarter, time(9), ZoneInfo("UTC")) == utc(2026, 10, 1, 9)


def test_quarter_post_due_of_a_clipped_quarter_follows_its_end():
    clipped = Window(Per.QUARTER, date(2026, 7, 1), date(2026, 8, 14))  # period ends Fri 08-14
    assert quarter_post_due(clipped) == utc(2026, 8, 17, 7)


# --- next_weekly ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "weekday", "at", "expected"),
    [
        # winter, Monday 09:00 CET = 08:00 UTC
        (utc(2026, 3, 19, 12), MONDAY, time(9), utc(2026, 3, 23, 8)),
        (utc(2026, 3, 23, 7, 59), MONDAY, time(9), utc(2026, 3, 23, 8)),
        (utc(2026, 3, 23, 8), MONDAY, time(9), utc(2026, 3, 30, 7)),  # strictly after
        # across spring forward: next Monday is 09:00 CEST = 07:00 UTC
        (utc(2026, 3, 23, 8, 1), MONDAY, time(9), utc(2026, 3, 30, 7)),
        # on the change day itself
        (utc(2026, 3, 28, 12), SUNDAY, time(9), utc(2026, 3, 29, 7)),
        (utc(2026, 3, 28, 12), SUNDAY, time(2, 30), utc(2026, 3, 29, 1, 30)),  # gap -> 03:30
        (utc(2026, 3, 29, 1, 30), SUNDAY, time(2, 30), utc(2026, 4, 5, 0, 30)),
        # across fall back: 09:00 CEST = 07:00 UTC, then 09:00 CET = 08:00 UTC
        (utc(2026, 10, 18, 12), MONDAY, time(9), utc(2026, 10, 19, 7)),
        (utc(2026, 10, 19, 7), MONDAY, time(9), utc(2026, 10, 26, 8)),
        (utc(2026, 10, 24, 12), SUNDAY, time(9), utc(2026, 10, 25, 8)),
        (utc(2026, 10, 24, 12), SUNDAY, time(2, 30), utc(2026, 10, 25, 0, 30)),  # first 02:30
        # between the two 02:30s: the second one is not a new occurrence
        (utc(2026, 10, 25, 0, 45), SUNDAY, time(2, 30), utc(2026, 11, 1, 1, 30)),
        # year boundary
        (utc(2026, 12, 31, 12), FRIDAY, time(9), utc(2027, 1, 1, 8)),
        (utc(2026, 12, 29, 12), MONDAY, time(9), utc(2027, 1, 4, 8)),
        (utc(2026, 12, 31, 23, 30), FRIDAY, time(0, 15), utc(2027, 1, 7, 23, 15)),
        # the local date is a day ahead of the UTC date: Sunday 00:45 CEST is Saturday in UTC
        (utc(2026, 6, 13, 22, 45), SUNDAY, time(0, 30), utc(2026, 6, 20, 22, 30)),
        (utc(2026, 6, 13, 22, 15), SUNDAY, time(0, 30), utc(2026, 6, 13, 22, 30)),
    ],
)
def test_next_weekly(after, weekday, at, expected):
    result = next_weekly(after, weekday, at, STOCKHOLM)
    assert result == expected
    assert result.tzinfo is UTC


def test_next_weekly_accepts_after_in_any_zone():
    after_local = datetime(2026, 3, 23, 9, 0, tzinfo=STOCKHOLM)  # == 08:00 UTC
    assert next_weekly(after_local, MONDAY, time(9), STOCKHOLM) == utc(2026, 3, 30, 7)


def test_weekly_chain_keeps_local_time_through_a_year():
    moment = utc(2026, 1, 1)
    occurrences = []
    for _ in range(53):
        moment = next_weekly(moment, MONDAY, time(9), STOCKHOLM)
        occurrences.append(moment)
    assert occurrences[0] == utc(2026, 1, 5, 8)
    assert occurrences[-1] == utc(2027, 1, 4, 8)
    for occurrence in occurrences:
        local = occurrence.astimezone(STOCKHOLM)
        assert local.weekday() == MONDAY
        assert local.time() == time(9)
        summer = date(2026, 3, 29) < local.date() < date(2026, 10, 25)
        assert occurrence.hour == (7 if summer else 8)
    gaps = [b - a for a, b in itertools.pairwise(occurrences)]
    week = timedelta(days=7)
    assert gaps.count(week - timedelta(hours=1)) == 1  # the week of 2026-03-29
    assert gaps.count(week + timedelta(hours=1)) == 1  # the week of 2026-10-25
    assert gaps.count(week) == len(gaps) - 2


def test_next_weekly_rejects_naive_after():
    with pytest.raises(ValueError, match="aware"):
        next_weekly(datetime(2026, 1, 1, 12), MONDAY, time(9), STOCKHOLM)


@pytest.mark.parametrize("weekday", [-1, 7])
def test_next_weekly_rejects_bad_weekday(weekday):
    with pytest.raises(ValueError, match="weekday"):
        next_weekly(utc(2026, 1, 1), weekday, time(9), STOCKHOLM)


@given(
    after=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)
    ),
    weekday=st.integers(0, 6),
    hour=st.sampled_from([0, 1, 4, 9, 12, 23]),  # never inside a DST gap or fold in Stockholm
    minute=st.integers(0, 59),
)
def test_next_weekly_is_the_next_occurrence(after, weekday, hour, minute):
    at = time(hour, minute)
    result = next_weekly(after, weekday, at, STOCKHOLM)
    assert result > after
    assert result - after <= timedelta(days=7, hours=1)
    local = result.astimezone(STOCKHOLM)
    assert local.weekday() == weekday
    assert local.time() == at
    # nothing earlier qualifies: the occurrence a week before is not after `after`
    earlier = local_to_utc(local.date() - timedelta(days=7), at, STOCKHOLM)
    assert earlier <= after
