"""Swedish number words and counts in free text."""

from __future__ import annotations

import pytest

from bot.domain.swedish_numbers import (
    find_count,
    find_numbers,
    parse_approximate_word,
    parse_number_word,
)


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("noll", 0),
        ("en", 1),
        ("ett", 1),
        ("två", 2),
        ("tre", 3),
        ("fyra", 4),
        ("sex", 6),
        ("åtta", 8),
        ("tio", 10),
        ("elva", 11),
        ("tolv", 12),
        ("arton", 18),
        ("aderton", 18),
        ("nitton", 19),
        ("tjugo", 20),
        ("tjugoen", 21),
        ("tjugoett", 21),
        ("tjugofem", 25),
        ("tjugo-fem", 25),
        ("tjugo fem", 25),
        ("trettiotvå", 32),
        ("fyrtio", 40),
        ("förtio", 40),
        ("sjuttiosju", 77),
        ("nittionio", 99),
        ("hundra", 100),
        ("etthundra", 100),
        ("ett hundra", 100),
        ("  Fem ", 5),
        ("42", 42),
    ],
)
def test_parse_number_word(word: str, value: int) -> None:
    assert parse_number_word(word) == value


@pytest.mark.parametrize("word", ["", "hundratal", "många", "flera", "tjugotjugo", "femte", "x"])
def test_parse_number_word_rejects_other_words(word: str) -> None:
    assert parse_number_word(word) is None


def test_every_value_from_zero_to_hundred_has_a_word() -> None:
    ones = ["", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio"]
    tens = ["tjugo", "trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio"]
    for t, tens_word in enumerate(tens, start=2):
        for o, ones_word in enumerate(ones):
            assert parse_number_word(tens_word + ones_word) == t * 10 + o


def test_approximate_words() -> None:
    assert parse_approximate_word("hundratal") == 100
    assert parse_approximate_word("tiotal") == 10
    assert parse_approximate_word("fyrtiotal") == 40
    assert parse_approximate_word("fyrtio") is None


def test_find_numbers_reads_words_digits_and_qualifiers() -> None:
    found = find_numbers("minst fyra insatser, över 40 besök och ett hundratal samtal")
    assert [(n.value, n.at_least, n.approximate) for n in found] == [
        (4, True, False),
        (40, False, True),
        (100, False, True),
    ]
    assert found[0].prefix == "minst"
    assert found[0].is_word and not found[1].is_word


def test_find_numbers_marks_articles() -> None:
    (article,) = find_numbers("en gemensam insats")
    assert article.value == 1 and article.article


@pytest.mark.parametrize(
    "text",
    ["E45 och Rv84", "2020-01-28 10.32", "årskurs 6-9", "24/7", "kl 10.30", "3,5 mil"],
)
def test_find_numbers_skips_parts_of_codes_dates_and_ranges(text: str) -> None:
    assert find_numbers(text) == []


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Polisen har genomfört 80 trafikkontroller.", (80, False)),
        ("Polisen har genomfört över 40 besök.", (40, True)),
        ("Det blev ett hundratal samtal.", (100, True)),
        ("Vid ett tillfälle genomfördes en insats.", (1, False)),
        ("Det blev en gång i maj.", (1, False)),
        ("Kommunen anställde tjugofem ungdomar.", (25, False)),
        ("Cirka 30 personer kom.", (30, True)),
        ("Inga aktiviteter under 2019.", None),
        ("98 procent av eleverna i årskurs 6-9.", None),
        ("En gemensam insats gjordes.", None),
        ("Under 2019 på väg E45 och Rv 84.", None),
        ("Ungdomar som är 15 år.", None),
    ],
)
def test_find_count(text: str, count: tuple[int, bool] | None) -> None:
    assert find_count(text) == count
