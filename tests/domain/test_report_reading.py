"""Reading a reporter's one-message activity log (``bot.domain.report_reading``)."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.report_reading import (
    MAX_COUNT,
    CoverageChoice,
    PledgeChoice,
    ReportReading,
    match_coverage,
    read_report,
)
from tests.domain.reporter_messages import ROWS, TODAY

CATALOGUE = Path(__file__).resolve().parents[2] / "bot" / "demo" / "catalogue.json"


@cache
def catalogue_choices() -> tuple[tuple[PledgeChoice, str], ...]:
    """Every pledge of the example catalogue as (choice, key); ids in catalogue order."""
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    found: list[tuple[PledgeChoice, str]] = []
    coverage_id = 0
    for pledge_set in data["pledge_sets"]:
        for area in pledge_set["focus_areas"]:
            for pledge in area["pledges"]:
                items: list[CoverageChoice] = []
                for name in pledge.get("coverage_items") or []:
                    coverage_id += 1
                    items.append(CoverageChoice(coverage_id, name))
                target = pledge.get("target") or {}
                choice = PledgeChoice(
                    id=len(found) + 1,
                    municipality=pledge_set["municipality"],
                    short_name=pledge["short_name"],
                    synonyms=tuple(pledge.get("synonyms") or ()),
                    focus_area=area["name"],
                    unit=target.get("unit"),
                    coverage=tuple(items),
                )
                found.append((choice, pledge["key"]))
    return tuple(found)


def choices_of(*municipalities: str) -> list[PledgeChoice]:
    return [c for c, _ in catalogue_choices() if c.municipality in municipalities]


def key_of(choice: PledgeChoice | None) -> str | None:
    if choice is None:
        return None
    return next(key for c, key in catalogue_choices() if c.id == choice.id)


def read(text: str, *municipalities: str, today: date = TODAY) -> ReportReading:
    return read_report(text, choices_of(*(municipalities or ("Härjedalen",))), today)


# --- The table of reporter messages -----------------------------------------------------------


def classify(row_index: int) -> str:
    """'right', 'asked' or 'wrong' for one row of the table."""
    row = ROWS[row_index]
    reading = read_report(row.message, choices_of(*row.municipalities), TODAY)
    if not reading.decided:
        return "asked"
    expected_day = None if row.days_ago is None else TODAY - timedelta(days=row.days_ago)
    if (
        row.pledge is None
        or key_of(reading.pledge) != row.pledge
        or reading.count != row.count
        or reading.day != expected_day
    ):
        return "wrong"
    return "right"


def score_table() -> dict[str, int]:
    """How the reader does on the table: rows, rows with a pledge, right, asked, wrong."""
    figures = {
        "rows": len(ROWS),
        "with_pledge": sum(1 for row in ROWS if row.pledge is not None),
        "right": 0,
        "asked": 0,
        "wrong": 0,
    }
    for index in range(len(ROWS)):
        figures[classify(index)] += 1
    return figures


def test_table_is_large_and_spread_over_the_catalogue() -> None:
    assert len(ROWS) >= 70
    municipalities = {m for row in ROWS for m in row.municipalities}
    assert municipalities == {"Härjedalen", "Åsele", "Haparanda", "Härnösand"}
    keys = {key for _, key in catalogue_choices()}
    assert {row.pledge for row in ROWS if row.pledge} <= keys
    assert sum(1 for row in ROWS if row.pledge is None) >= 10
    assert sum(1 for row in ROWS if len(row.municipalities) > 1) >= 5


@pytest.mark.parametrize("index", range(len(ROWS)), ids=[row.message for row in ROWS])
def test_table_row_is_never_read_wrong(index: int) -> None:
    assert classify(index) != "wrong", ROWS[index]


def test_table_figures() -> None:
    figures = score_table()
    assert figures["wrong"] == 0
    assert figures["right"] >= 0.7 * figures["with_pledge"], figures


def test_reading_is_fast_with_every_pledge_as_a_choice() -> None:
    choices = [c for c, _ in catalogue_choices()]
    assert len(choices) >= 29
    read_report("warm-up skolbesök", choices, TODAY)
    started = time.perf_counter()
    for row in ROWS:
        read_report(row.message, choices, TODAY)
    mean_ms = (time.perf_counter() - started) * 1000 / len(ROWS)
    assert mean_ms < 10, f"{mean_ms:.2f} ms per message"


# --- Pledges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("skolbesöket på Hede skola", "hj-spontana-besok"),
        ("två skolbesöken idag", "hj-spontana-besok"),
        ("trafikkontrollerna på E45", "hj-trafikkontroller"),
        ("föräldramötet i Sveg", "hj-moten-andt"),
        ("drogtipsen bearbetade", "hj-tips-droger"),
        ("åttorna på Hede skola, lag och rätt", "hj-ak8-lag-och-ratt"),
    ],
)
def test_inflected_forms(text: str, key: str) -> None:
    reading = read(text)
    assert key_of(reading.pledge) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("skolbesk i Sveg", "hj-spontana-besok"),
        ("trafikkontrol E45", "hj-trafikkontroller"),
        ("hastighetskontoll vid E45", "hj-trafikkontroller"),
        ("integrationsbeök Sveg", "hj-integration-besok"),
        ("skolbesoket i Sveg", "hj-spontana-besok"),  # without å/ä/ö
        ("foraldramote Funasdalen", "hj-moten-andt"),
    ],
)
def test_small_typos_and_missing_diacritics(text: str, key: str) -> None:
    assert key_of(read(text).pledge) == key


def test_typos_are_not_allowed_on_short_words() -> None:
    # "tipd" is one edit from "tips", but four letters are too few to guess.
    assert read("tipd").candidates == ()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("vägtrafikkontroll vid Sveg", "hj-trafikkontroller"),
        ("skolbesöksdag på Hede skola", "hj-spontana-besok"),
        ("föräldra möte i Sveg", "hj-moten-andt"),
        ("andtutbildning för personalen", "hj-andt-utbildning"),
        ("ANDT-utbildning för personalen", "hj-andt-utbildning"),
        ("hast.kontroll E45", "hj-trafikkontroller"),
    ],
)
def test_compounds_split_compounds_and_abbreviations(text: str, key: str) -> None:
    assert key_of(read(text).pledge) == key


def test_head_of_a_compound_alone_is_offered_not_decided() -> None:
    reading = read("kontroller på E45")
    assert reading.pledge is None
    assert [key_of(c.pledge) for c in reading.candidates] == ["hj-trafikkontroller"]


def test_generic_synonym_alone_is_offered_not_decided() -> None:
    reading = read("möte i Sveg")
    assert reading.pledge is None
    assert key_of(reading.candidates[0].pledge) == "hj-moten-andt"
    assert reading.candidates[0].matched == "möte"


def test_acronym_counts_when_written_in_capitals() -> None:
    assert key_of(read("besökte HVB-boendet").pledge) == "hj-integration-besok"
    assert read("sfi").pledge is None
    assert key_of(read("SFI-gruppen i Sveg").pledge) == "hj-integration-besok"


def test_small_word_as_short_name_needs_capitals() -> None:
    assert read("polisen visade sig på torget", "Härnösand").pledge is None
    assert key_of(read("SIG-möte", "Härnösand").pledge) == "hn-sig"


def test_short_name_beats_synonym() -> None:
    choices = [
        PledgeChoice(1, "X", "föräldraträffar", ("föräldrakväll",)),
        PledgeChoice(2, "X", "möten", ("föräldraträff", "samråd")),
    ]
    reading = read_report("föräldraträff i Sveg", choices, TODAY)
    assert reading.pledge is not None
    assert reading.pledge.id == 1
    assert all(c.score < reading.candidates[0].score for c in reading.candidates[1:])
    # Across municipalities the same word decides nothing: the reporter must say which.
    choices = [
        PledgeChoice(1, "X", "föräldraträffar"),
        PledgeChoice(2, "Y", "möten", ("föräldraträff",)),
    ]
    reading = read_report("föräldraträff i Sveg", choices, TODAY)
    assert reading.pledge is None
    assert [c.pledge.id for c in reading.candidates] == [1, 2]


def test_matched_words_are_as_written() -> None:
    reading = read("Tips om droger vid skolan")
    assert key_of(reading.pledge) == "hj-tips-droger"
    assert reading.candidates[0].matched == "Tips om droger"


def test_nothing_matches() -> None:
    reading = read("nattvandring med föreningarna i fredags")
    assert reading.candidates == ()
    assert reading.pledge is None
    assert not reading.decided


@pytest.mark.parametrize(
    "text",
    [
        "skolbesök och trafikkontroll idag",
        "Trafikkontroll på E45 igår och skolbesök på Hede skola idag",
        "en trafikkontroll och ett skolbesök",
    ],
)
def test_two_activities_in_one_message_are_not_decided(text: str) -> None:
    reading = read(text)
    assert reading.pledge is None
    assert {key_of(c.pledge) for c in reading.candidates} >= {
        "hj-trafikkontroller",
        "hj-spontana-besok",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Trafikkontroll inställd pga väder",
        "skolbesöket ställdes in",
        "trafikkontrollen blev inte av",
        "planerad trafikkontroll E45",
        "ska ha skolbesök på Hede skola",
        "Trafikkontroll E45?",
        "fel, det var ett skolbesök",
    ],
)
def test_not_done_planned_questions_and_corrections_are_not_decided(text: str) -> None:
    reading = read(text)
    assert reading.pledge is None
    assert reading.candidates  # the bot can still offer them


def test_candidates_are_few_plausible_and_best_first() -> None:
    reading = read("besök")
    assert 1 <= len(reading.candidates) <= 4
    scores = [c.score for c in reading.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


# --- Several municipalities -------------------------------------------------------------------


def test_same_pledge_in_two_municipalities_is_not_decided() -> None:
    reading = read("skolbesök", "Åsele", "Härnösand")
    assert reading.pledge is None
    assert {c.pledge.municipality for c in reading.candidates} == {"Åsele", "Härnösand"}


def test_close_candidates_from_two_municipalities_are_not_decided() -> None:
    # Åsele's short name against Haparanda's synonym: close, and in different municipalities.
    reading = read("trafikinsats", "Åsele", "Haparanda")
    assert reading.pledge is None
    assert len(reading.candidates) == 2


@pytest.mark.parametrize(
    ("text", "municipality", "key"),
    [
        ("trafikinsats i Åsele", "Åsele", "as-trafikinsatser"),
        ("Åsele: trafikinsats", "Åsele", "as-trafikinsatser"),
        ("trafikinsats Haparanda", "Haparanda", "hp-droger-i-trafiken"),
        ("trafikinsats i Asele", "Åsele", "as-trafikinsatser"),
    ],
)
def test_named_municipality_restricts_the_pledges(text: str, municipality: str, key: str) -> None:
    reading = read(text, "Åsele", "Haparanda")
    assert reading.municipality == municipality
    assert key_of(reading.pledge) == key
    assert {c.pledge.municipality for c in reading.candidates} == {municipality}
    assert reading.place is None  # a municipality's name alone is not a place


def test_coverage_item_settles_the_municipality() -> None:
    reading = read("skolbesök Fredrika skola", "Åsele", "Härnösand")
    assert key_of(reading.pledge) == "as-skolbesok"
    assert reading.coverage_item is not None
    assert reading.coverage_item.name == "Fredrika skola"


def test_municipality_is_recorded_for_a_single_municipality_reporter() -> None:
    reading = read("Föräldrakväll i Haparanda", "Haparanda")
    assert reading.municipality == "Haparanda"
    assert reading.place is None
    reading = read("synlig polis i Haparanda centrum", "Haparanda")
    assert reading.municipality == "Haparanda"
    assert reading.place == "Haparanda centrum"


def test_a_municipality_not_among_the_choices_is_not_recorded() -> None:
    assert read("skolbesök i Åsele").municipality is None


# --- Counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("3 trafikkontroller E45", 3),
        ("tre kontroller, trafikkontroll E45", 3),
        ("fyra hastighetskontroller", 4),
        ("trafikkontroll 2 st", 2),
        ("trafikkontroller 5 st, Rv 84", 5),
        ("2 st trafikkontroller", 2),
        ("skolbesök två gånger", 2),
        ("skolbesök en gång", 1),
        ("skolbesök 3x", 3),
        ("drogtips x3", 3),
        ("3st trafikkontroller", 3),
        ("Föräldramöten x 2", 2),
        ("trafikkontroller: 4", 4),
        ("tre nya trafikkontroller", 3),
        ("lag och rätt i två klasser", 2),  # the unit is "klassbesök"
    ],
)
def test_sure_counts(text: str, count: int) -> None:
    reading = read(text)
    assert (reading.count, reading.count_stated, reading.count_sure) == (count, True, True)
    assert reading.count_problem is None


@pytest.mark.parametrize(
    "text",
    [
        "skolbesök 2 timmar",
        "skolbesök, 30 min",
        "skolbesök 1,5 h",
        "skolbesök kl 14",
        "skolbesök 14.30",
        "trafikkontroll E45",
        "trafikkontroll Rv 84",
        "trafikkontroll väg 311",
        "lag och rätt åk 8",
        "lag och rätt årskurs 8",
        "samtal med 15-åring, orossamtal",
        "trafikkontroll 12/11",
        "trafikkontroll 2026-11-12",
        "trafikkontroll, 45 förare blåste",
        "skolbesök, 25 elever",
        "trafikkontroll kl 10-12",
        "skolbesök 2025",
    ],
)
def test_durations_times_roads_school_years_ages_and_dates_are_not_counts(text: str) -> None:
    reading = read(text, "Härjedalen", "Haparanda")
    assert (reading.count, reading.count_stated, reading.count_sure) == (1, False, True)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Skolbesök Sveg 3", 3),
        ("skolbesök, tre klasser", 3),  # three classes in one visit?
        ("trafikkontroll, 3 st rapporterade", 3),
        ("ca 3 trafikkontroller", 3),
        ("minst 3 trafikkontroller", 3),
        ("3-4 trafikkontroller", 3),
        ("2 skolbesök och 3 trafikkontroller", 2),
        ("trafikkontroll med 2 patruller", 1),  # patrols are not counted: no doubt
    ],
)
def test_unsure_counts(text: str, count: int) -> None:
    reading = read(text)
    assert reading.count == count
    if "patruller" in text:
        assert reading.count_sure
    else:
        assert not reading.count_sure
        assert not reading.decided


def test_an_article_before_the_activity_is_a_count_of_one() -> None:
    reading = read("en trafikkontroll på väg 311")
    assert (reading.count, reading.count_stated, reading.count_sure) == (1, True, True)
    assert reading.decided


@pytest.mark.parametrize(
    ("text", "count", "problem"),
    [
        ("0 skolbesök", 0, "zero"),
        ("noll skolbesök", 0, "zero"),
        ("inga trafikkontroller idag", 0, "zero"),
        ("-3 kontroller, trafikkontroll", -3, "negative"),
        ("−2 skolbesök", -2, "negative"),
        ("10 000 trafikkontroller", 10_000, "too_large"),
        (f"{MAX_COUNT + 1} trafikkontroller", MAX_COUNT + 1, "too_large"),
    ],
)
def test_count_problems(text: str, count: int, problem: str) -> None:
    reading = read(text)
    assert reading.count == count
    assert reading.count_problem == problem
    assert not reading.decided


def test_the_largest_count_is_allowed() -> None:
    reading = read(f"{MAX_COUNT} trafikkontroller")
    assert reading.count_problem is None
    assert reading.decided


# --- Days -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days_ago"),
    [
        ("trafikkontroll", 0),
        ("trafikkontroll idag", 0),
        ("trafikkontroll igår", 1),
        ("trafikkontroll i förrgår", 2),
        ("trafikkontroll i tisdags", 4),
        ("trafikkontroll 12/11", 9),
        ("trafikkontroll 12 november", 9),
    ],
)
def test_days(text: str, days_ago: int) -> None:
    reading = read(text)
    assert reading.day == TODAY - timedelta(days=days_ago)
    assert reading.day_stated == (days_ago != 0 or "idag" in text)
    assert reading.decided


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("trafikkontroll imorgon", "future"),
        ("trafikkontroll nästa fredag", "future"),
        ("trafikkontroll 2024-01-10", "too_old"),
        ("trafikkontroll 31/2", "invalid"),
        ("trafikkontroll förra veckan", "unclear"),
        ("trafikkontroller i helgen", "unclear"),
        ("4 trafikkontroller under v.47", "unclear"),
        ("trafikkontroll på fredag", "unclear"),  # last Friday or the coming one?
        ("trafikkontroll 14/11 och 18/11", "unclear"),  # two days
    ],
)
def test_day_problems(text: str, problem: str) -> None:
    reading = read(text)
    assert reading.day is None
    assert reading.day_problem == problem
    assert key_of(reading.pledge) == "hj-trafikkontroller"
    assert not reading.decided


def test_hour_is_passed_on_for_i_natt() -> None:
    choices = choices_of("Härjedalen")
    morning = read_report("trafikkontroll i natt", choices, TODAY, hour=6)
    evening = read_report("trafikkontroll i natt", choices, TODAY, hour=22)
    assert morning.day == TODAY - timedelta(days=1)
    assert evening.day == TODAY


# --- Places -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Skolbesök på Sveg skola idag", "Sveg skola"),
        ("3 trafikkontroller E45 igår", "E45"),
        ("tre hastighetskontroller vid Rv 84 i tisdags", "Rv 84"),
        ("trafikkontroll på väg 311, 2 st", "väg 311"),
        ("föräldramöte Funäsdalen", "Funäsdalen"),
        ("Skolbesök Sveg högstadiet idag", "Sveg högstadiet"),
        ("trafikkontroll utanför Hede skola igår kväll", "Hede skola"),
        ("nykterhetskontroll längs E45 Sveg", "E45 Sveg"),
        ("skolbesök på sveg skola", "sveg skola"),
        ("skolbesök hos Ytterhogdals skola.", "Ytterhogdals skola"),
        ("Funäsdalen: föräldramöte", "Funäsdalen"),
        ("nattvandring med föreningarna i fredags", None),
        ("skolbesök i 2 timmar", None),
        ("tips om droger", None),
        ("besök i skolan", None),
        ("möte hos rektorn", None),
        ("trafikkontroll i morse", None),
        ("föräldramöte funäsdalen", None),  # lower case, no preposition: not sure
        ("Skolbesök", None),
    ],
)
def test_places(text: str, place: str | None) -> None:
    assert read(text).place == place


def test_place_from_a_coverage_item_named_in_the_text() -> None:
    reading = read("lag och rätt åttorna hede skola")
    assert reading.coverage_item is not None
    assert reading.coverage_item.name == "Hede skola"
    assert reading.place == "hede skola"


def test_coverage_item_of_the_chosen_pledge() -> None:
    reading = read("lektion åk 8 Södra skolan i Sveg")
    assert key_of(reading.pledge) == "hj-ak8-lag-och-ratt"
    assert reading.coverage_item is not None
    assert reading.coverage_item.name == "Södra skolan Sveg"
    # The pledge of school visits has no coverage list.
    assert read("Skolbesök på Södra skolan Sveg").coverage_item is None


# --- Coverage matching ------------------------------------------------------------------------

ITEMS = (
    CoverageChoice(1, "Svegs skola"),
    CoverageChoice(2, "Ytterhogdal"),
    CoverageChoice(3, "Hälledals skola"),
    CoverageChoice(4, "Ramvik/Brunne"),
)


@pytest.mark.parametrize(
    ("text", "item_id"),
    [
        ("Sveg skola", 1),
        ("Svegs skolan", 1),
        ("skolbesök på Sveg skola idag", 1),
        ("Ytterhogdals skola", 2),
        ("ytterhogdal", 2),
        ("Hälledalsskolan", 3),
        ("hälledals skola", 3),
        ("Brunne", 4),
        ("ramvik", 4),
        ("Ytterhogdl", 2),  # a typo
        ("Hede skola", None),
        ("skolan", None),
        ("", None),
    ],
)
def test_match_coverage(text: str, item_id: int | None) -> None:
    found = match_coverage(text, ITEMS)
    assert (found.id if found else None) == item_id


def test_match_coverage_partial_names() -> None:
    items = (CoverageChoice(1, "Södra skolan Sveg"), CoverageChoice(2, "Hede skola"))
    assert match_coverage("Sveg skola", items) == items[0]
    assert match_coverage("Södra skolan", items) == items[0]
    assert match_coverage("Sveg", items) is None  # which school in Sveg?


def test_match_coverage_is_none_when_two_items_match_equally() -> None:
    items = (CoverageChoice(1, "Sveg skola"), CoverageChoice(2, "Sveg centrum"))
    assert match_coverage("Sveg", items) is None
    assert match_coverage("Sveg skola", items) == items[0]
    twins = (CoverageChoice(1, "Hede skola"), CoverageChoice(2, "Hede skolan"))
    assert match_coverage("Hede skola", twins) is None


# --- Robustness -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "<b>&amp;</b> & <i>",
        "🚓🚓👍",
        "trafikkontroll " * 300,
        "a" * 4000,
        "3" * 4000,
        "-" * 100 + "1",
        "\x00\u200b\ufeff",
        "İstanbul ǅ ß ﬁ",
        "x3 x 3 3x -0 −0 0 00 000 1 000 000",
        "E45/E4 rv 84-85 åk 8/9 kl 25:99 31/2-2026",
        "i i i på på vid vid",
        ":" * 50,
    ],
)
def test_odd_messages(text: str) -> None:
    reading = read_report(text, [c for c, _ in catalogue_choices()], TODAY)
    assert reading.text == text
    assert len(reading.candidates) <= 4


def test_no_choices() -> None:
    reading = read_report("skolbesök igår", [], TODAY)
    assert reading.candidates == ()
    assert reading.pledge is None
    assert reading.day == TODAY - timedelta(days=1)


def test_choices_with_empty_names() -> None:
    choices = [PledgeChoice(1, "", "", ("", " ", "-")), PledgeChoice(2, "X", "möte", ())]
    reading = read_report("möte", choices, TODAY)
    assert [c.pledge.id for c in reading.candidates] == [2]


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400), hour=st.integers(min_value=0, max_value=23))
def test_never_raises(text: str, hour: int) -> None:
    choices = [c for c, _ in catalogue_choices()]
    reading = read_report(text, choices, TODAY, hour=hour)
    assert reading.text == text
    assert len(reading.candidates) <= 4
    assert all(0 <= c.score <= 1 for c in reading.candidates)
    if reading.pledge is not None:
        assert reading.pledge in [c.pledge for c in reading.candidates]
    if reading.decided:
        assert reading.day is not None
        assert 0 < reading.count <= MAX_COUNT
    if not reading.count_stated:
        assert reading.count == 1


words = st.sampled_from(
    [
        "skolbesök",
        "trafikkontroll",
        "3",
        "tre",
        "igår",
        "i",
        "på",
        "Sveg",
        "E45",
        "Rv",
        "84",
        "kl",
        "14",
        "åk",
        "8",
        "timmar",
        "st",
        "x",
        "-",
        ",",
        "HVB",
        "möte",
        "Åsele",
        "inte",
        "förra",
        "veckan",
        "12/11",
    ]
)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(words, max_size=12))
def test_never_raises_on_messages_of_real_words(parts: list[str]) -> None:
    text = " ".join(parts)
    reading = read_report(text, choices_of("Härjedalen", "Åsele"), TODAY)
    assert reading.text == text
    if reading.decided:
        assert reading.pledge is not None
        assert reading.count_problem is None
        assert reading.day_problem is None


# --- What the reader did not understand is asked, never defaulted ----------------------------


@pytest.mark.parametrize("text", ["skolbesök 32/13", "skolbesök 12/13", "skolbesök 0/0"])
def test_a_day_like_number_that_is_no_day_makes_the_day_unclear(text: str) -> None:
    reading = read(text)
    assert reading.day is None
    assert reading.day_problem == "unclear"
    assert len(reading.day_options) == 7
    assert not reading.decided


@pytest.mark.parametrize(
    "text",
    [
        "skolbesök 12345678901234567890",
        "1e6 skolbesök",
        "3,5 skolbesök",
        "tusen skolbesök",
        "en miljon skolbesök",
        "flera skolbesök igår",
        "några trafikkontroller",
    ],
)
def test_a_number_that_is_not_read_makes_the_count_unsure(text: str) -> None:
    reading = read(text)
    assert not reading.count_sure
    assert not reading.decided


@pytest.mark.parametrize(
    "text",
    [
        "skolbesök 1,5 h",
        "skolbesök kl 14.30",
        "hastighetskontroll på 52:an",
        "Lag och rätt i 8B",
        "skolbesök, pratade med några elever",
        "skolbesök, tusen elever på skolan",
    ],
)
def test_numbers_read_as_something_else_leave_the_count_sure(text: str) -> None:
    # (and words of quantity about people: "några ungdomar", "tusen besökare")
    reading = read(text)
    assert (reading.count, reading.count_sure) == (1, True)


def test_last_week_offers_last_weeks_days() -> None:
    reading = read("trafikkontroll i förra veckan")
    assert reading.day is None
    assert reading.day_options == tuple(date(2026, 11, d) for d in range(15, 8, -1))


@pytest.mark.parametrize(
    ("text", "others"),
    [
        ("två föräldramöten i Åsele i fredags", ("Åsele",)),
        ("skolbesök i asele", ("Åsele",)),
        ("möte i Östersund", ("Östersund",)),
        ("skolbesök Malung-Sälen", ("Malung-Sälen",)),
        ("skolbesök i Vara", ("Vara",)),
        ("trafikkontroll i morse", ()),  # "morse" is not Mora
        ("skolbesök, vara på plats", ()),  # a word, not the kommun
        ("skolbesök i Härjedalen", ()),  # the reporter's own
    ],
)
def test_other_kommuner_named_in_the_text(text: str, others: tuple[str, ...]) -> None:
    reading = read(text)
    assert reading.other_municipalities == others
    if others:
        assert not reading.decided


def test_the_fields_words_connect_a_message_to_a_pledge() -> None:
    assert key_of(read("fartkontroll E45").pledge) == "hj-trafikkontroller"
    assert key_of(read("patrull på torget", "Haparanda").pledge) == "hp-synlig-polis"
    # A word two pledges of a kommun share through the lexicon decides neither.
    choices = [
        PledgeChoice(1, "X", "trafikkontroller"),
        PledgeChoice(2, "X", "hastighetskontroller"),
    ]
    reading = read_report("fartkontroll", choices, TODAY)
    assert reading.pledge is None


def test_the_words_nothing_was_read_from() -> None:
    assert read("lektion med nian").unread_words == "lektion med nian"
    assert read("snöröjning vid skolan").unread_words == "snöröjning"
    assert read("3 trafikkontroller E45 igår").unread_words is None


@pytest.mark.parametrize(
    ("text", "pledge_id"),
    [
        ("lektion med nian", 1),
        ("pratade med niorna på Högalidskolan", 1),
        ("trygghetsvandring Luossavaara igår", 2),
        ("krogkontroll på Ripan i fredags", 3),
        ("fotpatrull centrum 2 timmar", 4),
        ("grannsamverkansmöte i Lombolo", 5),
    ],
)
def test_the_lexicon_reads_a_kommun_whose_pledges_are_worded_otherwise(
    text: str, pledge_id: int
) -> None:
    choices = [
        PledgeChoice(1, "Kiruna", "åk 9-lektioner", ("årskurs 9",)),
        PledgeChoice(2, "Kiruna", "trygghetsvandringar"),
        PledgeChoice(3, "Kiruna", "krogtillsyn"),
        PledgeChoice(4, "Kiruna", "fotpatrullering", ("synlig polis",)),
        PledgeChoice(5, "Kiruna", "grannsamverkan"),
    ]
    reading = read_report(text, choices, TODAY)
    assert reading.pledge is not None and reading.pledge.id == pledge_id
    assert (reading.count, reading.count_sure) == (1, True)
    assert reading.decided
