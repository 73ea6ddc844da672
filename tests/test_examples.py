"""The example data: complete, loadable, idempotent, and written in our own words."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.services.catalogue import save_catalogue
from bot.services.examples import load_example_document, load_examples
from storage.db import Database
from storage.models import Activity, Municipality, Pledge
from tests.conftest import NOW, SEEDS


def test_every_pledge_is_complete() -> None:
    data = load_example_document()
    names = {ps["municipality"] for ps in data["pledge_sets"]}
    assert names == {"Härjedalen", "Åsele", "Haparanda", "Härnösand"}
    keys = set()
    for pledge_set in data["pledge_sets"]:
        short_names = set()
        for area in pledge_set["focus_areas"]:
            for pledge in area["pledges"]:
                assert pledge["responsible"] in ("polisen", "kommunen", "båda")
                assert pledge["text"].strip()
                assert pledge["short_name"] not in short_names
                short_names.add(pledge["short_name"])
                keys.add(pledge["key"])
    for activity in data["activities"]:
        assert activity["pledge"] is None or activity["pledge"] in keys
        assert activity["days_ago"] > 0


async def test_loading_the_examples(db: Database) -> None:
    async with db.transaction() as session:
        pledges = await load_examples(session, today=date(2026, 11, 21), now=NOW)
    async with db.read() as session:
        municipalities = await session.scalar(select(func.count()).select_from(Municipality))
        stored = await session.scalar(select(func.count()).select_from(Pledge))
        activities = await session.scalar(select(func.count()).select_from(Activity))
    data = load_example_document()
    assert municipalities == 4
    assert (
        stored
        == pledges
        == sum(len(a["pledges"]) for ps in data["pledge_sets"] for a in ps["focus_areas"])
    )
    extras = sum(len(ps.get("extra_activities", [])) for ps in data["pledge_sets"])
    assert activities == len(data["activities"]) + extras


async def test_saving_the_same_catalogue_twice_changes_nothing(db: Database) -> None:
    document = load_example_document()["pledge_sets"][1]
    async with db.transaction() as session:
        first = await save_catalogue(session, document, now=NOW, actor="cli")
    async with db.transaction() as session:
        second = await save_catalogue(session, document, now=NOW, actor="cli")
    async with db.read() as session:
        stored = await session.scalar(select(func.count()).select_from(Pledge))
    assert first.created is True
    assert second.created is False
    assert second.pledge_set_id == first.pledge_set_id
    assert stored == first.pledges


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _is_list_of_facts(words: list[str]) -> bool:
    """Road numbers and place names (facts, which may be used) rather than a sentence."""
    return sum(w[0].isupper() or w[0].isdigit() for w in words) >= len(words) // 2


def test_no_sentence_of_the_seed_pages_is_copied() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed pages are not at {SEEDS}")
    document = json.dumps(load_example_document(), ensure_ascii=False)
    own = " ".join(w.lower() for w in _words(document))
    run = 8
    for seed in sorted(SEEDS.glob("*.txt")):
        words = _words(seed.read_text(encoding="utf-8"))
        for start in range(len(words) - run + 1):
            window = words[start : start + run]
            if _is_list_of_facts(window):
                continue
            phrase = " ".join(window).lower()
            assert phrase not in own, f"{seed.name}: '{phrase}'"
