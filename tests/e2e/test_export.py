"""/export through the real application: admins get the file, others are refused politely, and a
button is never trusted for who may have what."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlalchemy import select, update

from bot.console.transport import ApiCall
from bot.console.updates import Person
from bot.render import callbacks
from bot.services.examples import load_examples
from storage import catalogue, people
from storage.models import Activity, AuditEntry, Membership, Role
from tests.conftest import ADMIN, CITIZEN, REPORTER, Harness, replies

TODAY = date(2026, 11, 21)
LONE_ADMIN = Person(200_030, "Lo", "sv")  # admin in Härjedalen only
ADMIN_EN = Person(200_031, "Sam", "en")  # admin in Härjedalen, Telegram in English
SECRET_NOTE = "HEMLIGANTECKNING-export"


async def _grant(h: Harness, user_id: int, municipality: str, role: Role) -> None:
    async with h.services.db.transaction() as session:
        place = await catalogue.municipality_by_name(session, municipality)
        assert place is not None
        person = await people.ensure_reporter(session, user_id)
        await people.grant(session, person, place, role)


async def _setup(h: Harness) -> dict[str, int]:
    async with h.services.db.transaction() as session:
        await load_examples(session, today=TODAY, now=h.services.now())
        ids = {m.name: m.id for m in await catalogue.list_municipalities(session)}
        await session.execute(
            update(Activity)
            .where(Activity.municipality_id == ids["Härjedalen"], Activity.note.is_not(None))
            .values(note=SECRET_NOTE)
        )
    await _grant(h, ADMIN.user_id, "Härjedalen", Role.ADMIN)
    await _grant(h, ADMIN.user_id, "Åsele", Role.ADMIN)
    await _grant(h, LONE_ADMIN.user_id, "Härjedalen", Role.ADMIN)
    await _grant(h, ADMIN_EN.user_id, "Härjedalen", Role.ADMIN)
    await _grant(h, REPORTER.user_id, "Härjedalen", Role.REPORTER)
    return ids


def _buttons(calls: list[ApiCall]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}


def _alert(calls: list[ApiCall]) -> str:
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.params.get("show_alert") is True
    return str(answer.params.get("text"))


def _document(calls: list[ApiCall]) -> tuple[ApiCall, bytes]:
    [sent] = [c for c in calls if c.method == "sendDocument"]
    [content] = sent.uploads.values()
    return sent, content


async def test_an_admin_picks_a_municipality_and_gets_a_public_csv(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(ADMIN, "/export")
    buttons = _buttons(calls)
    assert list(buttons) == ["Härjedalen", "Åsele", "Alla mina kommuner"]
    assert all(len(data.encode()) <= callbacks.MAX_BYTES for data in buttons.values())

    calls = await harness.press(ADMIN, buttons["Härjedalen"])
    [text] = replies(calls)
    assert "Export</b> av <b>Härjedalen</b>" in text
    kinds = _buttons(calls)
    assert set(kinds) == {"CSV · internt", "CSV · publikt", "JSON · internt", "JSON · publikt"}

    calls = await harness.press(ADMIN, kinds["CSV · publikt"])
    sent, content = _document(calls)
    assert sent.chat_id == ADMIN.user_id
    assert "Härjedalen (publik, CSV)" in (sent.text or "")
    assert "Får delas" in (sent.text or "")
    assert len(sent.text or "") <= 1024
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert {r["municipality"] for r in rows} == {"Härjedalen"}
    assert {"pledge", "activity", "result_note"} == {r["record"] for r in rows}
    assert "note" not in rows[0]
    assert SECRET_NOTE not in content.decode("utf-8-sig")

    async with harness.services.db.read() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry is not None and entry.actor_user_id == ADMIN.user_id
    assert entry.details["public"] is True


async def test_an_admin_of_one_municipality_chooses_only_the_kind(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(LONE_ADMIN, "/export")
    kinds = _buttons(calls)
    assert "JSON · internt" in kinds
    calls = await harness.press(LONE_ADMIN, kinds["JSON · internt"])
    sent, content = _document(calls)
    assert sent.chat_id == LONE_ADMIN.user_id
    assert "dela inte filen" in (sent.text or "")
    document = json.loads(content)
    assert document["public"] is False
    [place] = document["municipalities"]
    assert place["name"] == "Härjedalen"
    assert any(a["note"] == SECRET_NOTE for a in place["activities"])


async def test_all_of_an_admins_municipalities_in_one_file(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(ADMIN, "/export")
    calls = await harness.press(ADMIN, _buttons(calls)["Alla mina kommuner"])
    assert "alla dina kommuner" in replies(calls)[0]
    calls = await harness.press(ADMIN, _buttons(calls)["JSON · publikt"])
    _, content = _document(calls)
    names = [m["name"] for m in json.loads(content)["municipalities"]]
    assert names == ["Härjedalen", "Åsele"]  # not Haparanda or Härnösand


async def test_english_admins_get_english_texts(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(ADMIN_EN, "/export")
    assert "Internal" in replies(calls)[0]
    calls = await harness.press(ADMIN_EN, _buttons(calls)["CSV · internal"])
    sent, _ = _document(calls)
    assert "(internal, CSV)" in (sent.text or "")
    assert "pledges" in (sent.text or "")


async def test_citizens_and_reporters_are_refused_politely(harness: Harness) -> None:
    ids = await _setup(harness)
    for person in (CITIZEN, REPORTER):
        calls = await harness.send(person, "/export")
        [text] = replies(calls)
        assert "till för administratörer" in text
        assert _buttons(calls) == {}
        # A button made up by hand gets nothing either.
        data = callbacks.encode("ex", "f", ids["Härjedalen"], "j", "i")
        calls = await harness.press(person, data)
        assert "till för administratörer" in _alert(calls)
        assert harness.transport.sent("sendDocument") == []


async def test_a_forged_button_for_another_municipality_is_refused(harness: Harness) -> None:
    ids = await _setup(harness)
    for data in (
        callbacks.encode("ex", "f", ids["Haparanda"], "c", "i"),
        callbacks.encode("ex", "m", ids["Haparanda"]),
        callbacks.encode("ex", "f", 999_999, "j", "i"),
    ):
        calls = await harness.press(ADMIN, data)
        assert "inte administratör för den kommunen" in _alert(calls)
    # Malformed requests are answered as stale buttons.
    for data in ("1|ex|f", "1|ex|f|x|c|i", f"1|ex|f|{ids['Åsele']}|x|i", "1|ex|zz|1"):
        calls = await harness.press(ADMIN, data)
        assert "för gammal" in _alert(calls)
    assert harness.transport.sent("sendDocument") == []


async def test_rights_are_checked_again_when_the_button_is_pressed(harness: Harness) -> None:
    ids = await _setup(harness)
    calls = await harness.send(ADMIN, "/export")
    calls = await harness.press(ADMIN, _buttons(calls)["Åsele"])
    kinds = _buttons(calls)
    async with harness.services.db.transaction() as session:
        admin = await people.reporter_by_user(session, ADMIN.user_id)
        assert admin is not None
        await session.execute(
            update(Membership)
            .where(Membership.reporter_id == admin.id, Membership.municipality_id == ids["Åsele"])
            .values(revoked_at=harness.services.now())
        )
    calls = await harness.press(ADMIN, kinds["CSV · internt"])
    assert "inte administratör för den kommunen" in _alert(calls)
    assert harness.transport.sent("sendDocument") == []
