"""Invites, the admins' list of reporters, and coverage lists."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from bot.console.transport import ApiCall
from bot.render import callbacks
from bot.services import invites, words
from bot.services.examples import load_examples
from storage import audit, catalogue, people
from storage.models import Activity, CoverageItem, Invite, Pledge, Role
from tests.conftest import ADMIN, CITIZEN, REPORTER, Harness, Person, replies

TODAY = date(2026, 11, 21)
NEWCOMER = Person(200_020, "Nora", "sv")


async def _setup(h: Harness) -> None:
    async with h.services.db.transaction() as session:
        await load_examples(session, today=TODAY, now=h.services.now())
        place = await catalogue.municipality_by_name(session, "Härjedalen")
        assert place is not None
        admin = await people.ensure_reporter(session, ADMIN.user_id, display_name="Alex")
        await people.grant(session, admin, place, Role.ADMIN)


def _buttons(calls: list[ApiCall]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}


async def _code_from_chat(h: Harness, label: str = "Rapportör – polisen") -> str:
    calls = await h.send(ADMIN, "/inbjudan")
    calls = await h.press(ADMIN, _buttons(calls)[label])
    [text] = replies(calls)
    assert "https://t.me/LoftesbotenBot?start=in_" in text
    match = re.search(r"/start (in_[A-Za-z0-9_-]+)", text)
    assert match is not None
    return match.group(1)


async def _roles(h: Harness, user_id: int) -> list[tuple[str, Role]]:
    async with h.services.db.read() as session:
        return [(m.name, ms.role) for ms, m in await people.active_memberships(session, user_id)]


async def test_an_admin_invites_from_the_chat_and_the_link_makes_a_reporter(
    harness: Harness,
) -> None:
    await _setup(harness)
    code = await _code_from_chat(harness)
    assert len(code) <= 64
    assert re.fullmatch(r"[A-Za-z0-9_-]+", code)
    async with harness.services.db.read() as session:
        stored = (await session.scalars(select(Invite.code_hash))).all()
    assert code not in stored  # only the hash is kept
    assert invites.hash_code(code) in stored

    calls = await harness.send(NEWCOMER, f"/start {code}")
    assert "Du kan nu rapportera för <b>Härjedalen</b>" in replies(calls)[0]
    assert await _roles(harness, NEWCOMER.user_id) == [("Härjedalen", Role.REPORTER)]

    # Single use: the same code again, by anyone, is refused.
    calls = await harness.send(CITIZEN, f"/start {code}")
    assert "redan använts" in replies(calls)[0]
    assert await _roles(harness, CITIZEN.user_id) == []


async def test_the_invite_button_handled_again_makes_no_second_invite(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(ADMIN, "/inbjudan")
    press = harness.factory.callback(ADMIN, _buttons(calls)["Rapportör – polisen"])
    first = await harness.feed(press)
    assert any("start=in_" in r for r in replies(first))
    again = await harness.feed(press)  # a retry or a redelivery of the same press
    assert not any("start=in_" in r for r in replies(again))
    async with harness.services.db.read() as session:
        assert len((await session.scalars(select(Invite.id))).all()) == 1


async def test_expired_malformed_and_guessed_codes_are_refused_and_slowed_down(
    harness: Harness,
) -> None:
    await _setup(harness)
    code = await _code_from_chat(harness)
    harness.clock.advance(timedelta(hours=73))
    calls = await harness.send(NEWCOMER, f"/start {code}")
    assert "gått ut" in replies(calls)[0]
    calls = await harness.send(NEWCOMER, "/start in_kort")
    assert "fungerar inte" in replies(calls)[0]
    guess = "in_" + "A" * 32
    for _ in range(3):
        calls = await harness.send(NEWCOMER, f"/start {guess}")
        assert "fungerar inte" in replies(calls)[0]
    # Five failures within 15 minutes: even a valid code must wait.
    fresh = await _code_from_chat(harness)
    calls = await harness.send(NEWCOMER, f"/start {fresh}")
    assert "För många försök" in replies(calls)[0]
    assert await _roles(harness, NEWCOMER.user_id) == []
    harness.clock.advance(timedelta(minutes=16))
    calls = await harness.send(NEWCOMER, f"/start {fresh}")
    assert "Välkommen" in replies(calls)[0]


async def test_only_admins_invite_list_and_remove(harness: Harness) -> None:
    await _setup(harness)
    for command in ("/inbjudan", "/rapportorer", "/lista"):
        calls = await harness.send(CITIZEN, command)
        assert "administratörer" in replies(calls)[0], command
    code = await _code_from_chat(harness, "Administratör")
    # A citizen pressing an admin's button is refused.
    calls = await harness.press(CITIZEN, "1|iv|1|r|p")
    assert calls[0].params.get("show_alert") is True
    calls = await harness.send(NEWCOMER, f"/start {code}")
    assert "administratör" in replies(calls)[0]

    calls = await harness.send(ADMIN, "/rapportorer")
    text = replies(calls)[0]
    assert "Alex – administratör" in text
    assert "Nora – administratör" in text
    buttons = _buttons(calls)
    assert "Ta bort Alex (Härjedalen)" not in buttons  # nobody removes themselves
    assert "Ta bort Alex (exempel) (Härjedalen)" in buttons
    calls = await harness.press(ADMIN, buttons["Ta bort Nora (Härjedalen)"])
    calls = await harness.press(ADMIN, _buttons(calls)["Ja, ta bort"])
    assert "kan inte längre rapportera" in replies(calls)[0]
    assert await _roles(harness, NEWCOMER.user_id) == []
    calls = await harness.send(NEWCOMER, "2 trafikkontroller idag")
    assert "✅" not in replies(calls)[0]


async def test_open_invites_can_be_revoked(harness: Harness) -> None:
    await _setup(harness)
    code = await _code_from_chat(harness)
    calls = await harness.send(ADMIN, "/rapportorer")
    assert "Öppen inbjudan: rapportör (polisen)" in replies(calls)[0]
    [revoke] = [v for k, v in _buttons(calls).items() if k.startswith("Återkalla")]
    await harness.press(ADMIN, revoke)
    calls = await harness.send(NEWCOMER, f"/start {code}")
    assert "fungerar inte" in replies(calls)[0]


async def test_a_coverage_list_is_matched_and_counted(harness: Harness) -> None:
    await _setup(harness)
    async with harness.services.db.transaction() as session:
        place = await catalogue.municipality_by_name(session, "Härjedalen")
        assert place is not None
        reporter = await people.ensure_reporter(session, REPORTER.user_id)
        await people.grant(session, reporter, place, Role.REPORTER)
    calls = await harness.send(ADMIN, "/lista")
    data = _buttons(calls)["lag och rätt (Härjedalen)"]
    pledge_id = int(data.split("|")[2])
    calls = await harness.press(ADMIN, data)
    assert "Listan nu (4)" in replies(calls)[0]  # the example data has one
    calls = await harness.send(
        ADMIN, "1. Sveg skola\n2. Hede skola\n- Ytterhogdals skola\n• Funäsdalens skola"
    )
    assert "har 4 poster hittills" in replies(calls)[0]
    calls = await harness.press(ADMIN, _buttons(calls)["✅ Klar"])
    assert "har nu 4 poster" in replies(calls)[0]
    assert "Borttagna från listan: Södra skolan Sveg" in replies(calls)[0]
    # The example data's visits count for the new list's items too.
    assert "• Sveg skola – 1 insats (skrivet som Södra skolan Sveg)" in replies(calls)[0]
    async with harness.services.db.read() as session:
        names = (
            await session.scalars(
                select(CoverageItem.name).where(
                    CoverageItem.removed_at.is_(None), CoverageItem.pledge_id == pledge_id
                )
            )
        ).all()
    assert sorted(names) == ["Funäsdalens skola", "Hede skola", "Sveg skola", "Ytterhogdals skola"]

    calls = await harness.send(REPORTER, "lag och rätt årskurs 8 på Sveg skola idag")
    text = replies(calls)[0]
    assert "Nu 3 av 4 på listan besökta" in text
    async with harness.services.db.read() as session:
        activity = await session.scalar(select(Activity).where(Activity.reporter_id.is_not(None)))
        assert activity is not None
        item = await session.get(CoverageItem, activity.coverage_item_id)
    assert item is not None and item.name == "Sveg skola"

    # Without a recognisable place the reporter is offered the list.
    calls = await harness.send(REPORTER, "lektion lag och rätt åk 8 idag")
    buttons = _buttons(calls)
    assert "Ytterhogdals skola" in buttons
    calls = await harness.press(REPORTER, buttons["Ytterhogdals skola"])
    assert "Nu 4 av 4 på listan besökta" in replies(calls)[0]


async def test_a_list_can_come_as_a_csv_file(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(ADMIN, "/lista")
    data = _buttons(calls)["lag och rätt (Härjedalen)"]
    await harness.press(ADMIN, data)
    content = b"Sveg skola;12 elever\nHede skola,8 elever\n"
    harness.transport.files["csv1"] = content
    document = {
        "document": {
            "file_id": "csv1",
            "file_unique_id": "csv1",
            "file_name": "skolor.csv",
            "file_size": len(content),
        }
    }
    calls = await harness.send(ADMIN, None, extra=document)
    text = replies(calls)[0]
    assert "har nu 2 poster" in text
    assert "• Sveg skola" in text and "• Hede skola" in text
    assert "elever" not in text


async def test_forgetting_a_learnt_word_handled_again_forgets_no_second_word(
    harness: Harness,
) -> None:
    await _setup(harness)
    async with harness.services.db.transaction() as session:
        place = await catalogue.municipality_by_name(session, "Härjedalen")
        assert place is not None
        pledge = await session.scalar(select(Pledge).where(Pledge.municipality_id == place.id))
        assert pledge is not None
        pledge.synonyms = ["fartkoll", "hastighetskoll"]
        for word in pledge.synonyms:
            audit.record(
                session,
                at=harness.clock.now(),
                actor="admin",
                actor_user_id=ADMIN.user_id,
                action=words.LEARN_ACTION,
                entity="pledge",
                entity_id=pledge.id,
                details={"word": word},
            )
        pledge_id = pledge.id
    press = harness.factory.callback(ADMIN, callbacks.encode("wr", pledge_id, 0))
    await harness.feed(press)
    await harness.feed(press)  # a retry or a redelivery of the same press
    async with harness.services.db.read() as session:
        stored = await session.get(Pledge, pledge_id)
    assert stored is not None
    assert stored.synonyms == ["hastighetskoll"]
