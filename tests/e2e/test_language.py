"""The words on the screen: counts with their noun in the right number ("1 tillfälle",
"2 tillfällen"), "i dag" and "i går" as two words, lists joined with "och", short names that
read as names (acronyms in capitals, never a pronoun such as "sig").

The main views are rendered through the real dispatch with 0, 1 and 2 of everything, and every
reply is searched for the wrong forms.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from bot.domain.pages.names import derive_short_name, is_not_a_name, tidy_short_name
from bot.domain.words import count, count_unit, join_words
from bot.render import callbacks
from bot.render.reporting import day_code
from bot.services.catalogue import CatalogueError, save_catalogue
from storage import catalogue, people
from storage.activities import refresh_updated_at
from storage.models import Activity, ActivitySource, Role
from tests.conftest import ADMIN, CITIZEN, CITIZEN_EN, REPORTER, Harness, replies

TODAY = date(2026, 11, 21)
PLACE = "Åre"

# A number, then a noun in the wrong number for it.
_ONE_PLURAL = (
    "tillfällen|insatser|trafikinsatser|poster|löften|fokusområden|aktiviteter|veckor|dagar|"
    "gånger|timmar|minuter|resultattexter|föräldramöten|meddelanden|prenumeranter|kommuner|"
    "visits|pledges|activities|times|weeks|items|focus areas|entries|hours|minutes|results"
)
_OTHER_SINGULAR = (
    "tillfälle|insats|trafikinsats|post|löfte|fokusområde|aktivitet|vecka|dag|gång|timme|"
    "minut|resultattext|föräldramöte|visit|pledge|activity|time|week|item|focus area|entry|hour"
)
WRONG = (
    re.compile(rf"(?<![\d.,\w])1 (?:extra )?(?:{_ONE_PLURAL})(?![\wåäö])"),
    re.compile(rf"(?<![\d.,\w])(?:0|2) (?:extra )?(?:{_OTHER_SINGULAR})(?![\wåäö])"),
    re.compile(r"(?<![\wåäö])(?:idag|igår|imorgon)(?![\wåäö])", re.IGNORECASE),
)


def wrong_forms(text: str) -> list[str]:
    return [m.group(0) for pattern in WRONG for m in pattern.finditer(text)]


def _pledge(key: str, short_name: str, text: str, target: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "key": key,
        "short_name": short_name,
        "synonyms": [],
        "text": text,
        "responsible": "båda",
        "target": target,
        "coverage_items": ["Norrskolan", "Söderskolan"] if key == "list" else [],
    }


def _year_target(n: int | None, unit: str, coverage: str | None = None) -> dict[str, Any]:
    return {"count": n, "at_least": True, "per": "year", "unit": unit, "coverage": coverage}


DOCUMENT: dict[str, Any] = {
    "municipality": PLACE,
    "police_area": None,
    "period": {"start": "2026-01-01", "end": "2027-12-31"},
    "source": "test",
    "focus_areas": [
        {
            "name": "Trygghet",
            "pledges": [
                _pledge(
                    "walks",
                    "trygghetsvandring",
                    "Polis och kommun går minst en trygghetsvandring om året.",
                    _year_target(1, "tillfällen"),
                ),
                _pledge(
                    "traffic",
                    "trafikinsatser",
                    "Polisen gör minst två trafikinsatser om året.",
                    _year_target(2, "trafikinsatser"),
                ),
                _pledge(
                    "parents",
                    "föräldramöten",
                    "Polisen är med på föräldramöten.",
                    _year_target(None, "föräldramöten"),
                ),
                _pledge("together", "samverkan", "Polis och kommun samverkar.", None),
                _pledge(
                    "list",
                    "skolbesök",
                    "Polisen besöker skolorna.",
                    _year_target(None, "besök", "alla skolor"),
                ),
            ],
        }
    ],
}


async def _world(h: Harness, n: int) -> dict[str, int]:
    """Åre with n activities (of one each) on every pledge and n extra activities."""
    async with h.services.db.transaction() as session:
        saved = await save_catalogue(session, DOCUMENT, now=h.services.now(), actor="system")
        for pledge_id in [*saved.pledge_ids.values(), None]:
            for k in range(n):
                session.add(
                    Activity(
                        municipality_id=saved.municipality_id,
                        pledge_id=pledge_id,
                        occurred_on=TODAY - timedelta(days=60 + k),  # in Q3
                        count=1,
                        source=ActivitySource.EXAMPLE,
                        created_at=h.services.now(),
                    )
                )
        await session.flush()
        await refresh_updated_at(session)
        place = await catalogue.municipality_by_name(session, PLACE)
        assert place is not None
        for person, role in ((ADMIN, Role.ADMIN), (REPORTER, Role.REPORTER)):
            reporter = await people.ensure_reporter(session, person.user_id)
            await people.grant(session, reporter, place, role)
    return {**saved.pledge_ids, "municipality": saved.municipality_id}


def _texts(calls: list[Any]) -> list[str]:
    return [c.text for c in calls if c.text]


async def _main_views(h: Harness, ids: dict[str, int]) -> list[str]:
    texts: list[str] = []
    for person in (CITIZEN, CITIZEN_EN):
        texts += _texts(await h.send(person, f"hur går det i {PLACE}?"))
        for key in ("walks", "traffic", "parents", "together", "list"):
            texts += _texts(await h.send(person, f"/start p_{ids[key]}"))
    mid = ids["municipality"]
    texts += _texts(await h.press(ADMIN, callbacks.encode("sh", mid, "p")))  # the report
    texts += _texts(await h.press(ADMIN, callbacks.encode("ex", "f", mid, "c", "i")))
    return texts


@pytest.mark.parametrize("n", [0, 1, 2])
async def test_counts_read_right_in_every_main_view(harness: Harness, n: int) -> None:
    ids = await _world(harness, n)
    texts = await _main_views(harness, ids)
    # A reporter saves one more with the /logga card: the reply shows the progress.
    day = day_code(TODAY - timedelta(days=1))
    texts += _texts(await harness.press(REPORTER, callbacks.encode("ls", ids["walks"], 1, day)))
    texts += _texts(await harness.send(REPORTER, "/mina"))
    whole = "\n".join(texts)
    assert not wrong_forms(whole), wrong_forms(whole)
    if n == 1:
        assert "1 av minst 1 tillfälle i år" in whole
        assert "1 av minst 2 trafikinsatser i år" in whole
        assert "1 föräldramöte i år" in whole
        assert "1 gång i år" in whole
        assert "(1 insats totalt)" in whole
        assert "1 insats utanför löftena under perioden" in whole
        assert "5 löften, 6 aktiviteter och 0 resultattexter" in whole  # the export
        assert "1 of at least 1 tillfälle this year" in whole
        assert "Nu 2 av minst 1 tillfälle" in whole  # after the card was saved
    if n == 2:
        assert "2 av minst 1 tillfälle i år" in whole
        assert "2 föräldramöten i år" in whole
        assert "2 gånger i år" in whole
        assert "2 insatser utanför löftena" in whole


@pytest.mark.parametrize(("items", "expected"), [(1, "har nu 1 post:"), (2, "har nu 2 poster:")])
async def test_a_list_of_one_is_one_post(harness: Harness, items: int, expected: str) -> None:
    ids = await _world(harness, 0)
    await harness.press(ADMIN, callbacks.encode("ll", ids["list"]))
    # The list is saved when its last line says "klar" (a list may come in several messages).
    names = "\n".join([*["Norrskolan", "Söderskolan"][:items], "klar"])
    [reply] = replies(await harness.send(ADMIN, names))
    assert expected in reply
    assert not wrong_forms(reply)


async def test_the_import_preview_counts_one_focus_area_and_one_pledge(harness: Harness) -> None:
    async with harness.services.db.transaction() as session:
        place = await catalogue.get_or_create_municipality(session, "Bergby")
        reporter = await people.ensure_reporter(session, ADMIN.user_id)
        await people.grant(session, reporter, place, Role.ADMIN)
    page = (
        "Medborgarlöften för Bergby kommun 2026–2027\n\n"
        "Trafik\n\n"
        "Polisen lovar att genomföra minst fyra hastighetskontroller per år på E45.\n"
    )
    file = {"file_id": "f1", "file_unique_id": "f1", "file_name": "bergby.txt"}
    harness.transport.files["f1"] = page.encode()
    calls = await harness.send(ADMIN, None, extra={"document": {**file, "file_size": len(page)}})
    [preview] = replies(calls)
    assert "1 fokusområde och 1 löfte" in preview
    assert not wrong_forms(preview)


async def test_day_words_are_two_words_in_replies(harness: Harness) -> None:
    ids = await _world(harness, 0)
    calls = await harness.press(REPORTER, callbacks.encode("lc", ids["walks"], 1, day_code(TODAY)))
    calls += await harness.press(REPORTER, callbacks.encode("ld", ids["walks"], 1, day_code(TODAY)))
    calls += await harness.press(REPORTER, callbacks.encode("lk", ids["walks"], 1, day_code(TODAY)))
    texts = "\n".join(_texts(calls))
    labels = [b["text"] for c in calls for row in c.buttons for b in row]
    assert "Dag: i dag" in texts
    assert {"i dag", "i går", "i förrgår"} <= set(labels)
    assert not any(label in ("idag", "igår") for label in labels)
    help_text = "\n".join(replies(await harness.send(REPORTER, "/hjalp")))
    assert "E45 i går" in help_text
    assert "idag" not in help_text
    assert "igår" not in help_text


async def test_unsubscribing_from_two_places_joins_them_with_och(harness: Harness) -> None:
    await _world(harness, 0)
    async with harness.services.db.transaction() as session:
        await save_catalogue(
            session, {**DOCUMENT, "municipality": "Krokom"}, now=harness.services.now(), actor="x"
        )
    await harness.send(CITIZEN, f"/prenumerera {PLACE}")
    await harness.send(CITIZEN, "/prenumerera Krokom")
    [reply] = replies(await harness.send(CITIZEN, "/avsluta"))
    assert re.search(r"om (Åre och Krokom|Krokom och Åre)\.", reply), reply


async def test_a_short_name_that_reads_as_a_word_is_refused_and_acronyms_keep_capitals(
    harness: Harness,
) -> None:
    ids = await _world(harness, 0)
    pid = ids["together"]
    [reply] = replies(await harness.send(ADMIN, f"/kortnamn {pid} sig"))
    assert "vanligt ord" in reply
    [reply] = replies(await harness.send(ADMIN, f"/kortnamn {pid} ANDT-samverkan"))
    assert "<b>ANDT-samverkan</b>" in reply
    text = "\n".join(replies(await harness.send(CITIZEN, f"hur går det i {PLACE}?")))
    assert "<b>ANDT-samverkan</b>" in text
    # The same name in other letters is taken.
    [reply] = replies(await harness.send(ADMIN, f"/kortnamn {ids['traffic']} andt-samverkan"))
    assert "används redan" in reply


async def test_the_example_catalogue_names_no_pledge_with_a_pronoun(harness: Harness) -> None:
    from bot.services.examples import load_example_document

    names = [
        pledge["short_name"]
        for document in load_example_document()["pledge_sets"]
        for area in document["focus_areas"]
        for pledge in area["pledges"]
    ]
    assert not [n for n in names if is_not_a_name(n)]
    assert [n for n in names if n != tidy_short_name(n)] == []
    assert "ANDT-utbildning" in names
    async with harness.services.db.transaction() as session:
        bad = {**DOCUMENT, "municipality": "Krokom"}
        bad["focus_areas"] = [
            {"name": "X", "pledges": [_pledge("sig", "sig", "Arbete med SIG.", None)]}
        ]
        with pytest.raises(CatalogueError, match=r"catalogue\.common_word"):
            await save_catalogue(session, bad, now=harness.services.now(), actor="x")


def test_derived_short_names_keep_acronyms_and_are_never_a_function_word() -> None:
    assert derive_short_name("Kommunen informerar om ANDT på SFI varje termin.") == "ANDT"
    assert (
        derive_short_name("Polis och kommun arbetar med sociala insatsgrupper (SIG).", "SIG")
        == "sociala insatsgrupper"
    )
    assert not is_not_a_name(derive_short_name("Polis och kommun arbetar med SIG.", "SIG"))
    name = derive_short_name("Polisen gör hastighetskontroller på E45 under sommaren.")
    assert name == name.lower() or "E45" in name
    assert tidy_short_name("  Trafik   på E45 ") == "trafik på E45"
    assert tidy_short_name("BRÅ-gruppen") == "BRÅ-gruppen"
    for word in ("sig", "och", "att", "som", "det", "den", "för", "med", "till", "på", "av"):
        assert is_not_a_name(word)
        assert is_not_a_name(word.upper())


def test_the_helpers() -> None:
    assert [count(n, "tillfälle", "tillfällen") for n in (0, 1, 2)] == [
        "0 tillfällen",
        "1 tillfälle",
        "2 tillfällen",
    ]
    assert count_unit(1, "trafikinsatser") == "1 trafikinsats"
    assert count_unit(1, "föräldramöten") == "1 föräldramöte"
    assert count_unit(1, "besök") == "1 besök"
    assert count_unit(1, "gånger") == "1 gång"
    assert count_unit(3, "tillfällen") == "3 tillfällen"
    assert count_unit(2, "trafikinsats") == "2 trafikinsatser"  # a unit given in the singular
    assert count_unit(0, "besök") == "0 besök"
    assert count_unit(2, "ANDT-utbildningar") == "2 ANDT-utbildningar"
    assert count_unit(1, "ANDT-utbildningar") == "1 ANDT-utbildning"
    assert join_words(["A", "B", "C"]) == "A, B och C"
    assert join_words(["A", "B"], "en") == "A and B"
    assert join_words(["A"]) == "A"
    assert join_words([]) == ""


async def test_the_chart_caption_lists_the_status_counts_with_och(harness: Harness) -> None:
    ids = await _world(harness, 1)
    calls = await harness.press(CITIZEN, callbacks.encode("cc", ids["municipality"]))
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    caption = str(photo.params["caption"])
    summary = caption.rsplit("\n", 1)[-1]
    assert re.fullmatch(r"(?:\d+ [^,]+, )*\d+ [^,]+ och \d+ [^,]+", summary), summary
    assert "i dag" in caption
    assert not wrong_forms(caption)


async def test_a_choice_of_places_ends_with_och(harness: Harness) -> None:
    await _world(harness, 0)
    async with harness.services.db.transaction() as session:
        await save_catalogue(
            session, {**DOCUMENT, "municipality": "Krokom"}, now=harness.services.now(), actor="x"
        )
    text = "\n".join(replies(await harness.send(CITIZEN, "/hurgardet")))
    assert re.search(r"Krokom och Åre|Åre och Krokom", text), text


async def test_importing_one_pledge_says_one_pledge_and_a_pause_of_one_week(
    harness: Harness,
) -> None:
    async with harness.services.db.transaction() as session:
        place = await catalogue.get_or_create_municipality(session, "Bergby")
        reporter = await people.ensure_reporter(session, ADMIN.user_id)
        await people.grant(session, reporter, place, Role.ADMIN)
    page = (
        "Medborgarlöften för Bergby kommun 2026–2027\n\n"
        "Trafik\n\n"
        "Polisen lovar att genomföra minst fyra hastighetskontroller per år på E45.\n"
    )
    file = {"file_id": "f1", "file_unique_id": "f1", "file_name": "bergby.txt"}
    harness.transport.files["f1"] = page.encode()
    calls = await harness.send(ADMIN, None, extra={"document": {**file, "file_size": len(page)}})
    buttons = {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}
    calls = await harness.press(ADMIN, buttons["Importera"])
    [done] = [c.text for c in calls if c.method == "editMessageText"]
    assert done is not None
    assert "Importerat för <b>Bergby</b>: 1 löfte." in done
    calls = await harness.send(ADMIN, "/paus")
    labels = [b["text"] for c in calls for row in c.buttons for b in row]
    assert "1 vecka" in labels
    assert "2 veckor" in labels
