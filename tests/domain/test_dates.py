"""Finding the day a short Swedish activity report is about."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dates import MAX_AGE_DAYS, DayMatch, day_label, find_day, parse_day

SATURDAY = date(2026, 11, 21)
MONDAY = date(2026, 11, 16)
NEW_YEAR = date(2027, 1, 3)  # a Sunday


def days_ago(today: date, n: int) -> date:
    return today - timedelta(days=n)


def found(text: str, today: date = SATURDAY, *, hour: int = 12) -> DayMatch:
    """find_day for a text that must name a day."""
    match = find_day(text, today, hour=hour)
    assert match is not None, text
    return match


def found_day(text: str, today: date = SATURDAY, *, hour: int = 12) -> date:
    """find_day for a text that must name a valid day."""
    match = found(text, today, hour=hour)
    assert match.problem is None, (text, match)
    assert match.day is not None
    return match.day


def span(text: str, today: date = SATURDAY) -> str:
    match = found(text, today)
    return text[match.start : match.end]


def test_fixed_days_are_the_weekdays_the_tests_assume():
    assert SATURDAY.weekday() == 5
    assert MONDAY.weekday() == 0
    assert NEW_YEAR.weekday() == 6


# --- The examples from real messages ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expression", "day"),
    [
        ("3 trafikkontroller E45 igår", "igår", date(2026, 11, 20)),
        ("nattvandring med föreningarna i fredags", "i fredags", date(2026, 11, 20)),
        ("skolbesök Sveg 12/3", "12/3", date(2026, 3, 12)),
        ("möte 2026-03-12", "2026-03-12", date(2026, 3, 12)),
        ("besök i Ytterby den 4 mars", "den 4 mars", date(2026, 3, 4)),
        ("tips idag", "idag", SATURDAY),
    ],
)
def test_examples(text, expression, day):
    match = found(text)
    assert match == DayMatch(day, match.start, match.end, None)
    assert text[match.start : match.end] == expression


# --- Relative words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("idag", 0),
        ("i dag", 0),
        ("i  dag", 0),
        ("IDAG", 0),
        ("Idag", 0),
        ("ikväll", 0),
        ("i kväll", 0),
        ("ikvall", 0),
        ("i morse", 0),
        ("imorse", 0),
        ("i morges", 0),
        ("i eftermiddag", 0),
        ("i eftermiddags", 0),
        ("i förmiddags", 0),
        ("i formiddags", 0),
        ("igår", 1),
        ("i går", 1),
        ("I GÅR", 1),
        ("igar", 1),
        ("i gar", 1),
        ("igår kväll", 1),
        ("igårkväll", 1),
        ("i går kväll", 1),
        ("igår eftermiddag", 1),
        ("i förrgår", 2),
        ("förrgår", 2),
        ("iförrgår", 2),
        ("i forrgar", 2),
        ("forrgar", 2),
        ("i förgår", 2),
    ],
)
def test_relative_words(text, back):
    assert found_day(text) == days_ago(SATURDAY, back)
    assert span(text) == text
    assert found_day(f"kontroll {text} vid skolan") == days_ago(SATURDAY, back)


@pytest.mark.parametrize("text", ["i natt", "inatt", "I natt"])
@pytest.mark.parametrize(("hour", "back"), [(0, 1), (3, 1), (11, 1), (12, 0), (18, 0), (23, 0)])
def test_tonight_depends_on_the_hour(text, hour, back):
    assert found_day(text, hour=hour) == days_ago(SATURDAY, back)


def test_tonight_defaults_to_noon():
    assert found_day("i natt") == SATURDAY


@pytest.mark.parametrize("text", ["i morgon", "imorgon", "i morgon bitti", "imorn", "i övermorgon"])
def test_tomorrow_is_in_the_future(text):
    assert found(text) == DayMatch(None, 0, len(text), "future")


@pytest.mark.parametrize(
    "text",
    [
        "vi går hem",  # "i går" inside a word
        "ni går dit",
        "i Gårdsby",
        "i dagarna",
        "i dagsläget",
        "i Morsil",
        "i Nattavaara",
        "världen förgår",
    ],
)
def test_relative_words_inside_other_words_are_not_days(text):
    assert find_day(text, SATURDAY) is None


# --- Weekdays -----------------------------------------------------------------------------------

WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]


@pytest.mark.parametrize(("weekday", "name"), list(enumerate(WEEKDAYS)))
@pytest.mark.parametrize("today", [SATURDAY, MONDAY, NEW_YEAR])
def test_i_weekday_s_is_strictly_before_today(weekday, name, today):
    back = (today.weekday() - weekday) % 7 or 7
    expected = days_ago(today, back)
    assert found_day(f"i {name}s", today) == expected
    assert found_day(f"i {name}", today) == expected
    assert found_day(f"möte i {name}s med rektorn", today) == expected
    assert expected.weekday() == weekday
    assert 1 <= (today - expected).days <= 7


@pytest.mark.parametrize(("weekday", "name"), list(enumerate(WEEKDAYS)))
@pytest.mark.parametrize("today", [SATURDAY, MONDAY, NEW_YEAR])
def test_bare_weekday_is_on_or_before_today(weekday, name, today):
    expected = days_ago(today, (today.weekday() - weekday) % 7)
    assert found_day(name, today) == expected
    assert found_day(f"på {name}", today) == expected
    assert found_day(f"{name}en", today) == expected
    assert found_day(f"{name.capitalize()} kväll", today) == expected
    assert expected.weekday() == weekday
    assert 0 <= (today - expected).days <= 6


def test_same_weekday_as_today():
    # Saturday: "i lördags" is a week ago, "lördag" is today.
    assert found_day("i lördags") == date(2026, 11, 14)
    assert found_day("lördag") == SATURDAY
    assert found_day("i måndags", MONDAY) == date(2026, 11, 9)
    assert found_day("måndag", MONDAY) == MONDAY


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("i sondags", date(2026, 11, 15)),
        ("i lordags", date(2026, 11, 14)),
        ("i mandags", date(2026, 11, 16)),
        ("i tidsdags", date(2026, 11, 17)),
        ("i ondsdags", date(2026, 11, 18)),
        ("i tosdags", date(2026, 11, 19)),
        ("i fredas", date(2026, 11, 20)),
        ("ifredags", date(2026, 11, 20)),
        ("I FREDAGS", date(2026, 11, 20)),
        ("i fredagskväll", date(2026, 11, 20)),
        ("i fredags kväll", date(2026, 11, 20)),
        ("sondag", date(2026, 11, 15)),
    ],
)
def test_weekday_spellings(text, day):
    assert found_day(text) == day
    assert span(text) == text


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # Saturday 21 November 2026 is in ISO week 47; week 46 is 9-15 November.
        ("förra fredagen", date(2026, 11, 13)),
        ("förra fredag", date(2026, 11, 13)),
        ("forra fredagen", date(2026, 11, 13)),
        ("förra veckans fredag", date(2026, 11, 13)),
        ("förra veckans måndag", date(2026, 11, 9)),
        ("förra söndagen", date(2026, 11, 15)),
        ("fredagen förra veckan", date(2026, 11, 13)),
        ("i fredags förra veckan", date(2026, 11, 13)),
        ("på tisdagen förra veckan", date(2026, 11, 10)),
    ],
)
def test_previous_iso_week(text, day):
    assert found_day(text) == day
    assert span(text) == text


def test_previous_iso_week_on_a_monday():
    assert found_day("förra veckans söndag", MONDAY) == date(2026, 11, 15)
    assert found_day("förra måndagen", MONDAY) == date(2026, 11, 9)


@pytest.mark.parametrize("text", ["nästa fredag", "nästa veckas måndag", "kommande tisdag"])
def test_next_week_is_in_the_future(text):
    assert found(text) == DayMatch(None, 0, len(text), "future")


@pytest.mark.parametrize(
    "text",
    [
        "nattvandring varje fredag",
        "alla fredagar",
        "på fredagar",
        "varannan lördag",
        "fredagsmys på fritidsgården",
        "söndagsskolan",
    ],
)
def test_weekdays_that_name_no_single_day(text):
    assert find_day(text, SATURDAY) is None


# --- Numeric dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expression", "day"),
    [
        ("skolbesök 12/3", "12/3", date(2026, 3, 12)),
        ("skolbesök 12/03", "12/03", date(2026, 3, 12)),
        ("skolbesök 1/11.", "1/11", date(2026, 11, 1)),
        ("skolbesök 12 / 3", "12 / 3", date(2026, 3, 12)),
        ("skolbesök 12/3-26", "12/3-26", date(2026, 3, 12)),
        ("skolbesök 12/3-2026", "12/3-2026", date(2026, 3, 12)),
        ("skolbesök 12/3/2026", "12/3/2026", date(2026, 3, 12)),
        ("skolbesök 12/3/26", "12/3/26", date(2026, 3, 12)),
        ("skolbesök 12/3 2026 i Sveg", "12/3 2026", date(2026, 3, 12)),
        ("skolbesök 12/3 20 elever", "12/3", date(2026, 3, 12)),
        ("skolbesök 12/3 - 26 elever", "12/3", date(2026, 3, 12)),
        ("möte 2026-03-12", "2026-03-12", date(2026, 3, 12)),
        ("möte 2026-3-2", "2026-3-2", date(2026, 3, 2)),
        ("möte 2026/03/12", "2026/03/12", date(2026, 3, 12)),
        ("möte 2026.03.12", "2026.03.12", date(2026, 3, 12)),
        ("möte 20260312", "20260312", date(2026, 3, 12)),
        ("möte 12.3.", "12.3.", date(2026, 3, 12)),
        ("möte 12.3. med rektor", "12.3.", date(2026, 3, 12)),
        ("möte 12.03.2026", "12.03.2026", date(2026, 3, 12)),
        ("möte 12.3.26", "12.3.26", date(2026, 3, 12)),
        ("nattvandring 12-14/3", "12-14/3", date(2026, 3, 12)),
    ],
)
def test_numeric_dates(text, expression, day):
    assert found_day(text) == day
    assert span(text) == expression


@pytest.mark.parametrize(
    ("text", "expression", "day"),
    [
        ("besök 12 mars", "12 mars", date(2026, 3, 12)),
        ("besök 12mars", "12mars", date(2026, 3, 12)),
        ("besök 12 Mars", "12 Mars", date(2026, 3, 12)),
        ("besök 12:e mars", "12:e mars", date(2026, 3, 12)),
        ("besök 12e mars", "12e mars", date(2026, 3, 12)),
        ("besök 1:a maj", "1:a maj", date(2026, 5, 1)),
        ("besök den 12 mars", "den 12 mars", date(2026, 3, 12)),
        ("besök den 12:e mars", "den 12:e mars", date(2026, 3, 12)),
        ("besök 12 mar", "12 mar", date(2026, 3, 12)),
        ("besök 12 mar.", "12 mar.", date(2026, 3, 12)),
        ("besök 12 mars 2026", "12 mars 2026", date(2026, 3, 12)),
        ("besök 12 mar. 2026", "12 mar. 2026", date(2026, 3, 12)),
        ("besök 12 mars 20 elever", "12 mars", date(2026, 3, 12)),
        ("besök 3 jan", "3 jan", date(2026, 1, 3)),
        ("besök 3 januari", "3 januari", date(2026, 1, 3)),
        ("besök 3 feb", "3 feb", date(2026, 2, 3)),
        ("besök 3 febuari", "3 febuari", date(2026, 2, 3)),
        ("besök 3 apr", "3 apr", date(2026, 4, 3)),
        ("besök 3 juni", "3 juni", date(2026, 6, 3)),
        ("besök 3 jul", "3 jul", date(2026, 7, 3)),
        ("besök 3 augusti", "3 augusti", date(2026, 8, 3)),
        ("besök 3 sept", "3 sept", date(2026, 9, 3)),
        ("besök 3 sep", "3 sep", date(2026, 9, 3)),
        ("besök 3 okt", "3 okt", date(2026, 10, 3)),
        ("besök 3 november", "3 november", date(2026, 11, 3)),
        ("besök 12-14 mars", "12-14 mars", date(2026, 3, 12)),
        ("besök den 12:e", "den 12:e", date(2026, 11, 12)),
        ("besök den 1:a", "den 1:a", date(2026, 11, 1)),
    ],
)
def test_month_names(text, expression, day):
    assert found_day(text) == day
    assert span(text) == expression


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("fredag 13 november", "fredag 13 november"),
        ("fredagen den 13/11", "fredagen den 13/11"),
        ("fredag, 13/11", "fredag, 13/11"),
        ("fre 13/11", "fre 13/11"),
        ("på fredag den 13 november", "på fredag den 13 november"),
        ("möte fredagen den 13:e", "fredagen den 13:e"),
    ],
)
def test_weekday_in_front_of_a_date_belongs_to_it(text, expression):
    assert found_day(text) == date(2026, 11, 13)
    assert span(text) == expression


def test_the_date_decides_when_the_weekday_disagrees():
    assert found_day("tisdag 13/11") == date(2026, 11, 13)


def test_man_is_not_a_weekday_abbreviation():
    assert span("sen var man 13/11 i Sveg") == "13/11"


@pytest.mark.parametrize(
    "text",
    [
        "besök 31/2",
        "besök 30/2",
        "besök 31/4",
        "besök 31 april",
        "besök 32 mars",
        "besök 0 mars",
        "möte 2026-13-01",
        "möte 2026-02-30",
        "möte 2026-00-10",
        "möte 20260231",
        "besök 31.11.",
        "besök 29/2",  # 2026 and 2025 are not leap years
        "besök 29/2-2026",
    ],
)
def test_invalid_calendar_dates(text):
    match = found(text)
    assert match.problem == "invalid"
    assert match.day is None
    assert text[match.start : match.end] == text.removeprefix("besök ").removeprefix("möte ")


def test_leap_day_without_a_year():
    assert found_day("29/2", date(2028, 3, 1)) == date(2028, 2, 29)
    assert found("29/2", date(2028, 1, 10)).problem == "future"
    assert found_day("29/2-24", date(2024, 12, 1)) == date(2024, 2, 29)


# --- Years --------------------------------------------------------------------------------------


def test_date_without_year_is_this_years_when_not_after_today():
    assert found_day("21/11") == SATURDAY
    assert found_day("1/1") == date(2026, 1, 1)


def test_date_without_year_after_today_is_in_the_future():
    # 28/12/2026 is after today and 28/12/2025 is 328 days back: more than 120.
    assert found("28/12") == DayMatch(None, 0, 5, "future")
    assert found("22/11") == DayMatch(None, 0, 5, "future")
    assert found("28 december").problem == "future"


def test_date_without_year_rolls_back_over_new_year():
    assert found_day("28/12", NEW_YEAR) == date(2026, 12, 28)
    assert found_day("28 dec", NEW_YEAR) == date(2026, 12, 28)
    assert found_day("2/1", NEW_YEAR) == date(2027, 1, 2)
    assert found("4/1", NEW_YEAR).problem == "future"


def test_last_year_window_is_120_days():
    assert (NEW_YEAR - date(2026, 9, 5)).days == 120
    assert found_day("5/9", NEW_YEAR) == date(2026, 9, 5)
    assert found("4/9", NEW_YEAR) == DayMatch(None, 0, 3, "future")


def test_ordinal_day_without_month():
    assert found_day("den 21:e") == SATURDAY
    assert found_day("den 22:a") == date(2026, 10, 22)  # not yet this month: last month's
    assert found_day("den 31:e") == date(2026, 10, 31)  # November has 30 days
    assert found("den 31:e", date(2026, 12, 5)).problem == "future"  # November has no 31st
    assert found_day("den 15:e", NEW_YEAR) == date(2026, 12, 15)


def test_explicit_year_in_the_future():
    assert found("2026-11-22") == DayMatch(None, 0, 10, "future")
    assert found("12/3-27").problem == "future"
    assert found("12 mars 2027").problem == "future"
    assert found("20300101").problem == "future"


def test_two_digit_years():
    assert found_day("12/3-26") == date(2026, 3, 12)
    assert found("12/3-25").problem == "too_old"
    assert found("12/3-99").problem == "too_old"  # 1999, not 2099


def test_max_age_boundary():
    oldest = days_ago(SATURDAY, MAX_AGE_DAYS)
    assert found_day(f"möte {oldest.isoformat()}") == oldest
    too_old = days_ago(SATURDAY, MAX_AGE_DAYS + 1)
    match = found(f"möte {too_old.isoformat()}")
    assert match == DayMatch(None, 5, 15, "too_old")


def test_old_dates_are_too_old():
    assert found("12 mars 2024").problem == "too_old"
    assert found("1/1-2025").problem == "too_old"
    assert found("19850312").problem == "too_old"


# --- Not dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "3 trafikkontroller",
        "trafikkontroll E45",
        "trafikkontroll E4/5",
        "trafikkontroll E 4/5",
        "trafikkontroll rv 84",
        "trafikkontroll Rv 84/45",
        "trafikkontroll väg 311",
        "kl 14",
        "kl 14:30",
        "14:30",
        "kl 10.12.",
        "klockan 9.10.",
        "möte 14.30",
        "2 timmar",
        "åk 8",
        "årskurs 8",
        "åk 8/9",
        "årskurs 7/8",
        "nr 12/3",
        "3/4 av klasserna",
        "1/2 timme",
        "1/2 h",
        "3/4 delar",
        "2026",
        "mars 2026",
        "i mars",
        "under 2026",
        "32/1",
        "12/13",
        "0/3",
        "1/2/3",
        "version 1.2.3",
        "http://polisen.se/12/3",
        "ärende 5000-K123456-26",
        "personnummer 19850312-1234",
        "minst 4 per år",
        "",
        "   ",
    ],
)
def test_not_dates(text):
    assert find_day(text, SATURDAY) is None


def test_a_count_before_a_date_is_not_part_of_it():
    text = "3 trafikkontroller E45 12/3"
    assert span(text) == "12/3"


def test_fraction_with_a_year_is_a_date():
    assert found_day("möte 3/4 2026 av polisen") == date(2026, 4, 3)


# --- First expression wins ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expression", "day"),
    [
        ("igår och idag", "igår", date(2026, 11, 20)),
        ("idag, inte igår", "idag", SATURDAY),
        ("12/3 och 14/3", "12/3", date(2026, 3, 12)),
        ("i fredags eller 12/3", "i fredags", date(2026, 11, 20)),
        ("åk 8/9 den 4 mars", "den 4 mars", date(2026, 3, 4)),
        ("28/12 eller igår", "28/12", None),
    ],
)
def test_first_expression_wins(text, expression, day):
    match = found(text)
    assert match.day == day
    assert text[match.start : match.end] == expression


# --- parse_day ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expression", "day"),
    [
        ("i tisdags", "i tisdags", date(2026, 11, 17)),
        ("  i tisdags  ", "i tisdags", date(2026, 11, 17)),
        ("I tisdags.", "I tisdags", date(2026, 11, 17)),
        ("igår!", "igår", date(2026, 11, 20)),
        ("Igår?", "Igår", date(2026, 11, 20)),
        ("3/11", "3/11", date(2026, 11, 3)),
        ("3/11\n", "3/11", date(2026, 11, 3)),
        ("den 3 november", "den 3 november", date(2026, 11, 3)),
        ("12.3.", "12.3.", date(2026, 3, 12)),
        ("fredag", "fredag", date(2026, 11, 20)),
        ("förra fredagen", "förra fredagen", date(2026, 11, 13)),
        ("2026-03-12", "2026-03-12", date(2026, 3, 12)),
        ("tisdag 17/11", "tisdag 17/11", date(2026, 11, 17)),
    ],
)
def test_parse_day_accepts_a_lone_expression(text, expression, day):
    match = parse_day(text, SATURDAY)
    assert match is not None
    assert match.day == day
    assert match.problem is None
    assert text[match.start : match.end] == expression


def test_parse_day_keeps_offsets_in_the_original_text():
    text = "  i tisdags  "
    match = parse_day(text, SATURDAY)
    assert match == DayMatch(date(2026, 11, 17), 2, 11, None)


@pytest.mark.parametrize(
    "text",
    [
        "det var i tisdags",
        "i tisdags vid skolan",
        "3 trafikkontroller igår",
        "3/4 av klasserna",
        "hej",
        "",
        "igår igår",
        "3/11 tror jag",
    ],
)
def test_parse_day_refuses_more_than_an_expression(text):
    assert parse_day(text, SATURDAY) is None


def test_parse_day_reports_problems():
    assert parse_day("28/12", SATURDAY) == DayMatch(None, 0, 5, "future")
    assert parse_day("31/2", SATURDAY) == DayMatch(None, 0, 4, "invalid")
    assert parse_day("2024-01-01", SATURDAY) == DayMatch(None, 0, 10, "too_old")


def test_parse_day_uses_the_hour():
    assert parse_day("i natt", SATURDAY, hour=2) == DayMatch(date(2026, 11, 20), 0, 6, None)
    assert parse_day("inatt", SATURDAY, hour=20) == DayMatch(SATURDAY, 0, 5, None)


# --- day_label ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "sv", "en"),
    [
        (SATURDAY, "i dag", "today"),
        (date(2026, 11, 20), "i går", "yesterday"),
        (date(2026, 11, 19), "i förrgår", "Thursday 19 November"),
        (date(2026, 11, 13), "fredag 13 november", "Friday 13 November"),
        (date(2026, 1, 1), "torsdag 1 januari", "Thursday 1 January"),
        (date(2025, 11, 13), "torsdag 13 november 2025", "Thursday 13 November 2025"),
        (date(2026, 11, 22), "söndag 22 november", "Sunday 22 November"),
        (date(2027, 3, 1), "måndag 1 mars 2027", "Monday 1 March 2027"),
    ],
)
def test_day_label(day, sv, en):
    assert day_label(day, SATURDAY) == sv
    assert day_label(day, SATURDAY, "sv") == sv
    assert day_label(day, SATURDAY, "en") == en


def test_day_label_across_new_year():
    assert day_label(date(2026, 12, 31), NEW_YEAR) == "torsdag 31 december 2026"
    assert day_label(date(2027, 1, 2), NEW_YEAR) == "i går"
    assert day_label(date(2027, 1, 1), NEW_YEAR, "en") == "Friday 1 January"


def test_day_label_refuses_other_languages():
    with pytest.raises(ValueError, match="language"):
        day_label(SATURDAY, SATURDAY, "de")  # type: ignore[arg-type]


# --- Properties ---------------------------------------------------------------------------------

FRAGMENTS = [
    " ",
    "  ",
    "i",
    "i ",
    "går",
    "gar",
    "dag",
    "natt",
    "förr",
    "fredag",
    "fredags",
    "söndag",
    "en",
    "förra ",
    "veckans ",
    "nästa ",
    "varje ",
    "den ",
    "på ",
    "12",
    "3",
    "31",
    "2",
    "2026",
    "26",
    "/",
    "-",
    ".",
    ":e",
    ":",
    ",",
    "mars",
    "dec",
    "av",
    "kl ",
    "åk ",
    "E",
    "0",
    "99",
    "20260312",
    "morgon",
    "kväll",
]

texts = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join),
)
todays = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
hours = st.integers(min_value=0, max_value=23)


def check(match: DayMatch | None, text: str, today: date) -> None:
    if match is None:
        return
    assert 0 <= match.start < match.end <= len(text)
    assert (match.day is None) == (match.problem is not None)
    if match.day is not None:
        assert match.day <= today
        assert (today - match.day).days <= MAX_AGE_DAYS


@settings(max_examples=400, deadline=None)
@given(texts, todays, hours)
def test_find_day_never_raises_and_stays_in_range(text, today, hour):
    check(find_day(text, today, hour=hour), text, today)


@settings(max_examples=300, deadline=None)
@given(texts, todays, hours)
def test_parse_day_agrees_with_find_day(text, today, hour):
    match = parse_day(text, today, hour=hour)
    check(match, text, today)
    if match is not None:
        assert find_day(text, today, hour=hour) == match
        assert not text[: match.start].strip()


@given(todays, st.integers(min_value=0, max_value=MAX_AGE_DAYS))
def test_written_dates_round_trip(today, back):
    day = days_ago(today, back)
    for text in (
        day.isoformat(),
        f"{day.day}/{day.month}-{day.year}",
        f"{day.day}/{day.month}/{day.year % 100:02d}",
        f"{day.day}.{day.month}.{day.year}",
        f"den {day.day} {('jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec')[day.month - 1]} {day.year}",
    ):
        assert parse_day(text, today) == DayMatch(day, 0, len(text), None), text


@given(todays, st.integers(min_value=0, max_value=MAX_AGE_DAYS))
def test_swedish_labels_read_back(today, back):
    day = days_ago(today, back)
    label = day_label(day, today)
    assert parse_day(label, today) == DayMatch(day, 0, len(label), None), label


@given(todays, st.integers(min_value=1, max_value=3000))
def test_future_iso_dates_are_future(today, ahead):
    day = today + timedelta(days=ahead)
    assert find_day(f"möte {day.isoformat()}", today) == DayMatch(None, 5, 15, "future")


# --- days back, English days, and what merely looks like a day ---------------------------------


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("skolbesök 3 dagar sedan", 3),
        ("för 3 dagar sedan", 3),
        ("för tre dagar sen", 3),
        ("en dag sedan", 1),
        ("2 days ago", 2),
        ("five days ago", 5),
        ("yesterday", 1),
        ("traffic control on E45 yesterday", 1),
        ("today", 0),
        ("this morning", 0),
        ("last night", 1),
        ("last Friday", 1),  # Saturday today: yesterday
        ("last Saturday", 7),  # never today
        ("Friday", 1),
        ("the day before yesterday", 2),
    ],
)
def test_days_back_and_english_days(text: str, back: int) -> None:
    assert found_day(text) == days_ago(SATURDAY, back)


def test_on_a_weekday_in_english_names_no_day() -> None:
    # "on Friday" is the last Friday or the coming one: the caller asks.
    assert find_day("speed check on Friday", SATURDAY) is None


def test_many_days_back_are_too_old() -> None:
    assert found("800 dagar sedan").problem == "too_old"


@pytest.mark.parametrize(
    "text",
    ["32/13", "12/13", "0/0", "varje fredag", "november", "för några dagar sedan", "ago"],
)
def test_day_like_words_are_found_whether_read_or_not(text: str) -> None:
    from bot.domain.dates import day_like_spans

    assert day_like_spans(f"skolbesök {text}")


@pytest.mark.parametrize("text", ["3/4 av klasserna", "åk 8/9", "rv 84/45", "1/2 timme", "E4/5"])
def test_fractions_school_years_and_roads_are_not_day_like(text: str) -> None:
    from bot.domain.dates import day_like_spans

    assert day_like_spans(text) == []
