"""English all the way for English users (Telegram language "en…"): every command has an English
name that works, replies name the English commands only, and charts carry no Swedish word of
their own. Swedish users keep the Swedish names.

Everything goes through the real dispatch; the chart's texts are collected from matplotlib as
they are drawn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from bot.console.transport import ApiCall
from bot.console.updates import Person
from bot.domain.pace import Status, status_label
from bot.domain.periods import MONTHS_SV
from bot.render import callbacks, texts
from bot.render.chart import MAX_ROWS, ChartRow, render_chart
from bot.render.reporting import day_code
from bot.services.catalogue import save_catalogue
from storage import catalogue, people
from storage.activities import refresh_updated_at
from storage.models import Activity, ActivitySource, Role
from tests.conftest import CITIZEN, CITIZEN_EN, Harness, replies
from tests.e2e.test_language import DOCUMENT, PLACE

TODAY = date(2026, 11, 21)
# An English-speaking officer who reports and administers Åre.
JO = Person(200_010, "Jo", "en")
# … and a Swedish-speaking one, for the other direction.
ANNA = Person(200_011, "Anna", "sv")

SWEDISH_NAMES = {c.name for c in texts.COMMANDS} - {c.english for c in texts.COMMANDS}
ENGLISH_NAMES = {c.english for c in texts.COMMANDS}
# "/word" not inside a link or a closing tag ("</code>"), nor a date ("24/12").
SLASHED = re.compile(r"(?<![\w<./:])/([a-z_]+)")


async def _world(h: Harness, activities: int = 1) -> dict[str, int]:
    async with h.services.db.transaction() as session:
        saved = await save_catalogue(session, DOCUMENT, now=h.services.now(), actor="system")
        for pledge_id in saved.pledge_ids.values():
            for k in range(activities):
                session.add(
                    Activity(
                        municipality_id=saved.municipality_id,
                        pledge_id=pledge_id,
                        occurred_on=TODAY - timedelta(days=60 + k),
                        count=1,
                        source=ActivitySource.EXAMPLE,
                        created_at=h.services.now(),
                    )
                )
        await session.flush()
        await refresh_updated_at(session)
        place = await catalogue.municipality_by_name(session, PLACE)
        assert place is not None
        for person in (JO, ANNA):
            reporter = await people.ensure_reporter(session, person.user_id)
            reporter.language = person.language_code  # as an invite's redemption records it
            await people.grant(session, reporter, place, Role.ADMIN)
            await people.grant(session, reporter, place, Role.REPORTER)
    return {**saved.pledge_ids, "municipality": saved.municipality_id}


def _shown(calls: list[ApiCall]) -> list[str]:
    """What people see: message texts, captions, alerts and button labels."""
    out: list[str] = []
    for call in calls:
        out.append(call.text or "")
        out += [str(b["text"]) for row in call.buttons for b in row]
    return [t for t in out if t]


def _commands_named(text: str) -> set[str]:
    return set(SLASHED.findall(text))


# --- the table -----------------------------------------------------------------------------


def test_one_table_names_every_command_in_both_languages() -> None:
    pattern = re.compile(r"[a-z0-9_]{1,32}")
    names = [n for c in texts.COMMANDS for n in c.names]
    assert all(pattern.fullmatch(n) for n in names), names
    assert len(names) == len(set(names)), "a name is used by two commands"
    asked = {
        "logga": "log",
        "mina": "mine",
        "angra": "undo",
        "inbjudan": "invite",
        "lista": "list",
        "schema": "schedule",
        "prenumerera": "subscribe",
        "avsluta": "unsubscribe",
        "glom": "forget",
        "tyck": "feedback",
        "kommun": "municipality",
        "hjalp": "help",
        "hurgardet": "progress",
    }
    for key, english in asked.items():
        assert texts.COMMAND_NAMES[key] == (key, english)
        assert texts.command(key, "en") == f"/{english}"
        assert texts.command(key, "sv") == f"/{key}"
    assert set(texts.COMMAND_NAMES) == {c.name for c in texts.COMMANDS}


@pytest.mark.parametrize("role", ["citizen", "reporter", "admin"])
def test_the_english_command_menu_names_english_commands(role: str) -> None:
    from bot.render.commands import menu

    english = {c.command for c in menu(role, "en")}  # type: ignore[arg-type]
    swedish = {c.command for c in menu(role, "sv")}  # type: ignore[arg-type]
    assert english <= ENGLISH_NAMES
    assert swedish <= {c.name for c in texts.COMMANDS}
    assert "help" in english
    assert "hjalp" in swedish
    if role != "citizen":
        assert {"log", "mine", "undo"} <= english


# --- every alias works --------------------------------------------------------------------


# Commands whose second run answers differently by nature (the first changed something).
CHANGES_SOMETHING = {"prenumerera", "avsluta"}


@pytest.mark.parametrize("info", texts.COMMANDS, ids=lambda c: c.english)
async def test_every_english_name_does_what_the_swedish_one_does(
    harness: Harness, info: texts.CommandInfo
) -> None:
    await _world(harness)
    args = f" {PLACE}" if info.name in ("kommun", "prenumerera", "hurgardet", "loften") else ""
    english = _shown(await harness.send(JO, f"/{info.english}{args}"))
    swedish = _shown(await harness.send(JO, f"/{info.name}{args}"))
    unknown = texts.unknown_command("en")
    assert english, f"/{info.english} got no answer"
    assert unknown not in english, f"/{info.english} is not known"
    if info.name not in CHANGES_SOMETHING:
        assert english == swedish, info.english


# --- help and the whole English journey ----------------------------------------------------


async def test_english_help_lists_english_commands_only(harness: Harness) -> None:
    await _world(harness)
    [text] = replies(await harness.send(JO, "/help"))
    named = _commands_named(text)
    visible = {c.english for c in texts.COMMANDS}  # Jo is admin and reporter: sees them all
    assert named == visible, named ^ visible
    assert not named & SWEDISH_NAMES
    # A citizen sees the citizens' commands, in English.
    [text] = replies(await harness.send(CITIZEN_EN, "/help"))
    assert _commands_named(text) == {c.english for c in texts.COMMANDS if c.audience == "all"}


async def test_swedish_help_keeps_the_swedish_names(harness: Harness) -> None:
    await _world(harness)
    [text] = replies(await harness.send(ANNA, "/hjalp"))
    assert _commands_named(text) == {c.name for c in texts.COMMANDS}
    [text] = replies(await harness.send(CITIZEN, "/hjalp"))
    assert "/hurgardet" in text and "/progress" not in text


def _journey_steps(ids: dict[str, int], file_id: str) -> Iterator[tuple[Person, str, Any]]:
    """(who, "send" | "press" | "file", what) for a whole English journey."""
    day = day_code(TODAY - timedelta(days=1))
    mid = ids["municipality"]
    for step in (
        # A resident.
        "/start",
        "/help",
        "hello",
        f"how is it going in {PLACE}?",
        "/progress",
        f"/progress {PLACE}",
        "/pledges",
        f"/pledges {PLACE}",
        "/municipality",
        "/municipality Nowhere",
        f"/municipality {PLACE}",
        "/subscribe",
        "/subscribe",
        "/unsubscribe",
        "/unsubscribe",
        "/feedback",
        "Too fast on the main street.",
        "/feedback",
        "/feedback Too loud at night.",
        "/nosuchcommand",
        "/log",
        "/invite",
        "/export",
    ):
        yield CITIZEN_EN, "send", step
    yield CITIZEN_EN, "press", callbacks.encode("cc", mid)
    yield CITIZEN_EN, "press", "zz|old"
    yield CITIZEN_EN, "send", "/forget"
    # An officer who reports …
    for step in (
        "/start",
        "/help",
        "/mine",
        "/undo",
        "/log",
        "2 trafikinsatser i går",
        "/mine",
        "-3 trafikinsatser i går",
        "0 trafikinsatser i går",
        "/undo",
        "/undo",
        "/pause",
        "/pause 2 weeks",
        "/pause 2 weeks",
        "/pause whenever",
        "/pause until 1/1/2020",
        "/pause until 31/2",
        "/pause until 2030-01-01",
        "/pause off",
        "/pause off",
    ):
        yield JO, "send", step
    yield JO, "press", callbacks.encode("ls", ids["walks"], 1, day)
    # … and administers.
    for step in (
        "/invite",
        "/reporters",
        "/list",
        "/words",
        "/schedule",
        "/export",
        "/shortnames",
        "/shortnames 1",
        f"/shortnames {ids['together']} sig",
    ):
        yield JO, "send", step
    yield JO, "file", file_id
    yield JO, "press", callbacks.encode("ll", ids["list"])
    yield JO, "send", "Norrskolan\nSöderskolan\nVästerskolan\nklar"


async def test_an_english_journey_names_no_swedish_command(harness: Harness) -> None:
    ids = await _world(harness)
    page = (
        f"Medborgarlöften för {PLACE} kommun 2026–2027\n\n"
        "Trafik\n\n"
        "Polisen lovar att genomföra minst fyra hastighetskontroller per år på E45.\n"
    ).encode()
    harness.transport.files["page"] = page
    seen: list[str] = []
    for person, how, what in _journey_steps(ids, "page"):
        if how == "send":
            calls = await harness.send(person, what)
        elif how == "press":
            calls = await harness.press(person, what)
        else:
            document = {
                "file_id": what,
                "file_unique_id": what,
                "file_name": "are.txt",
                "file_size": len(page),
            }
            calls = await harness.send(person, None, extra={"document": document})
            buttons = {b["text"]: b["callback_data"] for c in calls for r in c.buttons for b in r}
            assert "Import" in buttons, _shown(calls)
            seen += _shown(calls)
            calls = await harness.press(person, buttons["Import"])
        shown = _shown(calls)
        assert shown, f"{what!r} got no answer"
        seen += shown
    whole = "\n".join(seen)
    named = _commands_named(whole)
    # Beyond /help, the journey reached the replies that name a command.
    help_title = "<b>What you can do</b>"
    elsewhere = _commands_named("\n".join(t for t in seen if not t.startswith(help_title)))
    assert not named & SWEDISH_NAMES, sorted(named & SWEDISH_NAMES)
    assert named <= ENGLISH_NAMES | {"nosuchcommand"}, sorted(named - ENGLISH_NAMES)
    # The resident's view reaches the English admin in English, the Swedish one in Swedish.
    assert "💬 <b>New view</b> (Åre):\nToo loud at night." in whole
    assert "💬 <b>Ny synpunkt</b> (Åre):\nToo loud at night." in whole
    wanted = {"help", "log", "mine", "undo", "pause", "unsubscribe", "forget", "municipality"}
    assert wanted | {"invite", "shortnames", "progress"} <= elsewhere, sorted(elsewhere)


# --- charts --------------------------------------------------------------------------------

SWEDISH_WORDS = {
    *[
        "av",
        "än",
        "i",
        "och",
        "till",
        "inget",
        "inga",
        "gjort",
        "takt",
        "takten",
        "strecket",
        "läget",
        "hur",
        "går",
        "dag",
        "visa",
        "vi",
        "borde",
        "vara",
        "visar",
        "säger",
        "att",
        "antal",
        "datum",
        "namn",
        "polisen",
        "kommunen",
        "medborgarlöften",
        "löften",
        "tills",
        "vidare",
        "fråga",
    ],
    *(m for m in MONTHS_SV),
    *(w.lower() for s in Status for w in status_label(s, "sv").split()),
}
SWEDISH_CASED = {"I", "Hur", "Inget", "Inga", "Strecket", "Polisen", "Kommunen", "Läget"}


def _swedish_words(strings: list[str]) -> list[str]:
    found = []
    for string in strings:
        for word in re.findall(r"[A-Za-zÅÄÖåäö]+", string):
            # English capitalises its months and "I"; Swedish writes them in small letters.
            if (
                word in SWEDISH_CASED
                or (word.islower() and word in SWEDISH_WORDS)
                or (
                    word[:1].isupper()
                    and word.lower() in SWEDISH_WORDS - {"i"}
                    and word.lower() not in MONTHS_SV
                )
            ):
                found.append(f"{word} (in {string!r})")
    return found


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every string the chart hands to matplotlib to draw."""
    from matplotlib.axes import Axes

    strings: list[str] = []
    original = Axes.text

    def text(self: Axes, x: float, y: float, s: str, *args: Any, **kwargs: Any) -> Any:
        strings.append(str(s))
        return original(self, x, y, s, *args, **kwargs)

    monkeypatch.setattr(Axes, "text", text)
    return strings


@pytest.mark.parametrize("done", [0, 1, 3])
async def test_an_english_chart_has_no_swedish_word(
    harness: Harness, drawn: list[str], done: int
) -> None:
    ids = await _world(harness, done)
    calls = await harness.press(CITIZEN_EN, callbacks.encode("cc", ids["municipality"]))
    assert [c for c in calls if c.method in ("sendPhoto", "sendDocument")]
    names = {p["short_name"] for area in DOCUMENT["focus_areas"] for p in area["pledges"]}
    ours = [s for s in drawn if s not in names]  # pledge names are data, not the chart's words
    assert ours
    assert not _swedish_words(ours), _swedish_words(ours)
    whole = "\n".join(ours)
    assert "How is Åre doing?" in whole
    assert "as of 21 November 2026" in whole
    assert re.search(r"\b\d+ of \d+\b", whole), whole
    if done == 0:
        assert "Nothing done yet" in whole
    else:
        assert f"{done} done" in whole
    assert "The tick shows where the pace says we should be today." in whole
    # The same chart for a Swedish reader is Swedish: the check does find Swedish words.
    drawn.clear()
    await harness.press(CITIZEN, callbacks.encode("cc", ids["municipality"]))
    swedish = [s for s in drawn if s not in names]
    assert _swedish_words(swedish)
    assert re.search(r"\b\d+ av \d+\b", "\n".join(swedish))


def test_the_charts_own_words_in_english(drawn: list[str]) -> None:
    def row(done: int, target: int | None) -> ChartRow:
        return ChartRow("x", "The police", done, target, None, "On track", "on_track")

    render_chart("T", "S", [row(1200, 1500), row(0, None), row(4, None)], lang="en")
    render_chart("T", "S", [row(1, 2)] * (MAX_ROWS + 3), lang="en")
    render_chart("T", "S", [], lang="en")
    whole = "\n".join(drawn)
    for wanted in ("1,200 of 1,500", "Nothing done yet", "4 done", "+3 more", "No pledges to show"):
        assert wanted in whole
    assert not _swedish_words(drawn), _swedish_words(drawn)
    drawn.clear()
    render_chart("T", "S", [row(1200, 1500), row(0, None)] * MAX_ROWS, lang="sv")
    render_chart("T", "S", [])
    whole = "\n".join(drawn)
    for wanted in (
        "1 200 av 1 500",
        "Inget gjort än",
        f"+{MAX_ROWS} till",
        "Inga löften",
    ):
        assert wanted in whole
