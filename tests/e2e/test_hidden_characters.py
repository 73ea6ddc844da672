"""Short names never hold invisible characters: a name that looks like another one, or that
turns the text around it backwards, cannot be typed back by a reporter."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.render.messages import say
from bot.services.importing import ImportFailed, import_document, read_source
from storage.models import Pledge, Role
from tests.conftest import ADMIN, Harness, replies
from tests.e2e.test_admin_import import PAGE, _buttons, _grant, _send_file

HIDDEN = ["\u200b", "\u200e", "\u202e", "\u2066", "\ufeff", "\u00ad"]


async def _imported(harness: Harness, page: bytes) -> list[str]:
    await _grant(harness, ADMIN.user_id, "Storberga", Role.ADMIN)
    calls = await _send_file(harness, ADMIN, page)
    await harness.press(ADMIN, _buttons(calls)["Importera"])
    async with harness.services.db.read() as session:
        return list((await session.scalars(select(Pledge.short_name))).all())


@pytest.mark.parametrize("char", HIDDEN)
async def test_kortnamn_refuses_invisible_characters_politely(harness: Harness, char: str) -> None:
    names = await _imported(harness, PAGE)
    async with harness.services.db.read() as session:
        pledge = await session.scalar(select(Pledge).where(Pledge.target_count == 6))
    assert pledge is not None
    [reply] = replies(await harness.send(ADMIN, f"/kortnamn {pledge.id} fart{char}kontroller"))
    assert "osynliga tecken" in reply
    assert f"U+{ord(char):04X}" in reply
    async with harness.services.db.read() as session:
        assert (await session.get(Pledge, pledge.id)).short_name in names  # type: ignore[union-attr]


async def test_a_page_with_invisible_characters_gets_clean_short_names(harness: Harness) -> None:
    text = PAGE.decode("utf-8")
    page = text.replace("hastighetskontroller", "hastighets\u200bkontroller\u202e").replace(
        "besöka alla skolor", "\u2066besöka\ufeff alla skolor"
    )
    names = await _imported(harness, page.encode("utf-8"))
    assert names
    for name in names:
        assert name.isprintable() and "\u200b" not in name and "\u202e" not in name, name
        assert "\ufeff" not in name and "\u2066" not in name, name


async def test_a_catalogue_with_an_invisible_short_name_is_refused(harness: Harness) -> None:
    document = read_source(PAGE, source="storberga", today=harness.services.today()).to_json()
    document["focus_areas"][0]["pledges"][0]["short_name"] = "fart\u200dkontroller"
    with pytest.raises(ImportFailed) as refused:
        async with harness.services.db.transaction() as session:
            await import_document(session, document, now=harness.services.now(), actor="test")
    assert "osynliga tecken (U+200D)" in say(refused.value, "sv")
