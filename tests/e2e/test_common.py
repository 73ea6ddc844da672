"""/start, /hjalp, buttons and fallbacks through PTB's real dispatch and an in-process Bot API."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.menus import register_defaults
from bot.render import callbacks
from bot.services.examples import load_examples
from storage import catalogue, people
from storage.db import Database
from storage.models import Role
from tests.conftest import ADMIN, CITIZEN, CITIZEN_EN, REPORTER, Harness, replies


async def _examples(h: Harness) -> None:
    async with h.services.db.transaction() as session:
        await load_examples(session, today=h.services.today(), now=h.services.now())


async def _grant(h: Harness, user_id: int, municipality: str, role: Role) -> None:
    async with h.services.db.transaction() as session:
        place = await catalogue.get_or_create_municipality(session, municipality)
        reporter = await people.ensure_reporter(session, user_id)
        await people.grant(session, reporter, place, role)


async def test_start_welcomes_in_swedish_and_names_the_municipalities(harness: Harness) -> None:
    await _examples(harness)
    calls = await harness.send(CITIZEN, "/start")
    [welcome] = replies(calls)
    assert "Välkommen till Löftesboten" in welcome
    assert "Haparanda, Härjedalen, Härnösand och Åsele" in welcome
    assert calls[0].params["parse_mode"] == "HTML"
    assert calls[0].chat_id == CITIZEN.user_id
    [[button]] = calls[0].buttons
    assert button["text"] == "Visa hjälp"
    assert callbacks.decode(button["callback_data"]) == callbacks.Callback("help")


async def test_start_on_an_empty_database_says_so(harness: Harness) -> None:
    [welcome] = replies(await harness.send(CITIZEN, "/start"))
    assert "Inga kommuner har lagts in ännu" in welcome


async def test_help_in_swedish_and_english(harness: Harness) -> None:
    [sv] = replies(await harness.send(CITIZEN, "/hjalp"))
    [en] = replies(await harness.send(CITIZEN_EN, "/help"))
    [alias] = replies(await harness.send(CITIZEN, "/help"))
    assert "Det här kan du göra" in sv and "/hjalp" in sv
    assert "What you can do" in en and "/help" in en
    assert alias == sv


async def test_roles_show_in_the_welcome_and_come_from_the_user_id(harness: Harness) -> None:
    await _grant(harness, REPORTER.user_id, "Åsele", Role.REPORTER)
    await _grant(harness, ADMIN.user_id, "Härnösand", Role.ADMIN)
    [reporter] = replies(await harness.send(REPORTER, "/start"))
    [admin] = replies(await harness.send(ADMIN, "/start"))
    [citizen] = replies(await harness.send(CITIZEN, "/start"))
    assert "Du är rapportör för Åsele." in reporter
    assert "Du är admin för Härnösand." in admin
    assert "rapportör" not in citizen and "admin" not in citizen


async def test_names_from_storage_are_escaped(harness: Harness) -> None:
    await _grant(harness, ADMIN.user_id, "<b>Ö&Co</b>", Role.ADMIN)
    [welcome] = replies(await harness.send(ADMIN, "/start"))
    assert "&lt;b&gt;Ö&amp;Co&lt;/b&gt;" in welcome
    assert "<b>Ö&Co" not in welcome


async def test_user_names_are_escaped(harness: Harness) -> None:
    from bot.console.updates import Person

    sneaky = Person(200_099, "<i>Kim & co</i>", "sv")
    [welcome] = replies(await harness.send(sneaky, "/start"))
    assert "&lt;i&gt;Kim &amp; co&lt;/i&gt;" in welcome


async def test_the_help_button_sends_help_and_answers_the_press(harness: Harness) -> None:
    calls = await harness.press(CITIZEN, callbacks.encode("help"))
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert "Det här kan du göra" in (calls[1].text or "")


async def test_old_or_malformed_buttons_are_answered_politely(harness: Harness) -> None:
    for data in ("0|help", "garbage", "1|no-such-action|7"):
        calls = await harness.press(CITIZEN, data)
        [answer] = calls
        assert answer.method == "answerCallbackQuery"
        assert "för gammal" in answer.params["text"]
        assert answer.params["show_alert"] is True


async def test_unknown_commands_and_free_text_get_a_pointer_to_help(harness: Harness) -> None:
    [unknown] = replies(await harness.send(CITIZEN, "/finnsinte"))
    [text_reply] = replies(await harness.send(CITIZEN, "hej, vad gör du?"))
    [english] = replies(await harness.send(CITIZEN_EN, "hello"))
    assert "känner jag inte igen" in unknown
    assert "/hjalp" in text_reply
    assert "/help" in english


async def test_stickers_and_long_messages_get_a_polite_answer(harness: Harness) -> None:
    sticker = {
        "sticker": {
            "file_id": "x",
            "file_unique_id": "y",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    }
    [on_sticker] = replies(await harness.send(CITIZEN, None, extra=sticker))
    [on_long] = replies(await harness.send(CITIZEN, "å" * 4096))
    assert "/hjalp" in on_sticker and "/hjalp" in on_long


async def test_group_chatter_is_ignored_but_commands_are_answered(harness: Harness) -> None:
    chatter = await harness.send(CITIZEN, "hej allihop", chat_type="group", chat_id=-100)
    unknown = await harness.send(CITIZEN, "/annanbot", chat_type="group", chat_id=-100)
    [help_reply] = replies(await harness.send(CITIZEN, "/hjalp", chat_type="group", chat_id=-100))
    assert chatter == [] and unknown == []
    assert "Det här kan du göra" in help_reply


async def test_a_failing_handler_apologises_and_tells_the_admins(
    harness: Harness, tmp_path: Path
) -> None:
    """A database that lacks the catalogue tables makes /start fail; the admin table still works."""
    path = tmp_path / "broken.sqlite3"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE reporters (id INTEGER PRIMARY KEY, telegram_user_id INTEGER)")
        conn.execute(
            "CREATE TABLE memberships (id INTEGER PRIMARY KEY, reporter_id INTEGER,"
            " municipality_id INTEGER, role TEXT, revoked_at TEXT)"
        )
        conn.execute("INSERT INTO reporters VALUES (1, ?)", (ADMIN.user_id,))
        conn.execute("INSERT INTO memberships VALUES (1, 1, 1, 'admin', NULL)")
    broken = Database(f"sqlite:///{path}")
    working, harness.services.db = harness.services.db, broken
    try:
        calls = await harness.send(CITIZEN, "/start")
    finally:
        harness.services.db = working
        await broken.dispose()
    to_citizen = [c.text for c in calls if c.chat_id == CITIZEN.user_id]
    to_admin = [c.text or "" for c in calls if c.chat_id == ADMIN.user_id]
    assert to_citizen == ["Något gick fel hos mig. Försök gärna igen om en liten stund."]
    assert len(to_admin) == 1 and "Fel i Löftesboten" in to_admin[0]
    assert "OperationalError" in to_admin[0]
    assert len(harness.errors) == 1
    harness.errors.clear()


async def test_command_menus_are_registered_in_swedish_and_english(harness: Harness) -> None:
    await register_defaults(harness.app.bot)
    calls = harness.transport.sent("setMyCommands")
    languages = {c.params.get("language_code") for c in calls}
    assert languages == {None, "en"}
    swedish = next(c for c in calls if "language_code" not in c.params)
    english = next(c for c in calls if c.params.get("language_code") == "en")
    assert {"command": "hjalp", "description": "Vad kan jag göra här?"} in swedish.params[
        "commands"
    ]
    assert any(c["description"] == "What can I do here?" for c in english.params["commands"])
