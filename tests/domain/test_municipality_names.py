"""The one list of Sweden's kommuner: 290 of them, SCB codes well formed and unique."""

from __future__ import annotations

import re

from bot.domain.municipality_names import (
    COUNTIES,
    KOMMUN_BY_CODE,
    KOMMUN_BY_NAME,
    KOMMUNER,
    MUNICIPALITY_NAMES,
    SWEDISH_MUNICIPALITIES,
)


def test_exactly_290_with_unique_names_and_codes() -> None:
    assert len(KOMMUNER) == 290
    assert len({k.code for k in KOMMUNER}) == 290
    assert len({k.name for k in KOMMUNER}) == 290
    assert len(SWEDISH_MUNICIPALITIES) == len(MUNICIPALITY_NAMES) == 290
    assert len(KOMMUN_BY_CODE) == len(KOMMUN_BY_NAME) == 290


def test_codes_are_four_digits_in_their_county() -> None:
    assert len(COUNTIES) == 21
    assert set(COUNTIES) == {k.county_code for k in KOMMUNER}
    for kommun in KOMMUNER:
        assert re.fullmatch(r"\d{4}", kommun.code), kommun
        assert COUNTIES[kommun.county_code] == kommun.county, kommun
        assert kommun.county.endswith(" län"), kommun


def test_known_codes() -> None:
    assert KOMMUN_BY_CODE["0114"].name == "Upplands Väsby"
    assert KOMMUN_BY_CODE["0180"].name == "Stockholm"
    assert KOMMUN_BY_CODE["0980"].name == "Gotland"
    assert KOMMUN_BY_CODE["1480"].name == "Göteborg"
    assert KOMMUN_BY_CODE["2361"].name == "Härjedalen"
    assert KOMMUN_BY_CODE["2584"].name == "Kiruna"
    assert KOMMUN_BY_NAME["Härjedalen"].county == "Jämtlands län"
    # The county sizes, a check on the grouping.
    sizes = {code: sum(k.county_code == code for k in KOMMUNER) for code in COUNTIES}
    assert sizes["01"] == 26 and sizes["12"] == 33 and sizes["14"] == 49 and sizes["09"] == 1


def test_grouped_by_county_in_code_order() -> None:
    counties = [k.county_code for k in KOMMUNER]
    assert counties == sorted(counties)
    assert tuple(k.name for k in KOMMUNER) == SWEDISH_MUNICIPALITIES


def test_towns_name_their_kommun_as_the_list_does() -> None:
    from bot.domain.towns import TOWNS

    assert set(TOWNS.values()) <= MUNICIPALITY_NAMES
