"""Which list item a place names (the rules of bot/services/coverage.py)."""

from __future__ import annotations

from bot.services.coverage import item_for
from storage.models import CoverageItem

SCHOOLS = [
    CoverageItem(id=1, pledge_id=1, name="Brännaskolan", position=0),
    CoverageItem(id=2, pledge_id=1, name="Härnösands gymnasium", position=1),
    CoverageItem(id=3, pledge_id=1, name="Södra skolan Sveg", position=2),
]


def _named(place: str | None) -> str | None:
    found = item_for(place, SCHOOLS)
    return None if found is None else found.name


def test_a_place_names_an_item_in_other_spellings() -> None:
    assert _named("Härnösands gymnasiet") == "Härnösands gymnasium"
    assert _named("Sveg södra skolan") == "Södra skolan Sveg"
    assert _named("Bränna skolan") == "Brännaskolan"


def test_a_kommuns_bare_name_or_no_place_names_no_item() -> None:
    assert _named("Härnösand") is None
    assert _named(" härnösand. ") is None
    assert _named(None) is None
    assert _named("") is None
    assert item_for("Brännaskolan", []) is None
