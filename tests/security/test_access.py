"""Security review: who may do what.

- A citizen reaches no reporter or admin function: every such command (and alias) is refused
  politely and writes nothing.
- A reporter (and an admin) of municipality A cannot change, delete or see the internals of
  municipality B: every button action the application registers is forged with the ids of B's
  objects and pressed; the commands and the typed answers that follow a button are tried too.
- Invite codes resist guessing: 192 random bits, stored only as a hash, and a user who guesses
  wrong five times waits (tests/e2e/test_team.py covers single use, expiry and the wait itself;
  these add the size of the code space, the whole-database search for the code, and that the
  wait is per user).
"""

from __future__ import annotations

import math
import re
import string
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from telegram.ext import CallbackQueryHandler

from bot.console.updates import Person
from bot.render import admin as admin_render
from bot.render import callbacks, texts
from bot.render import export as export_render
from bot.render import reporting as reporting_render
from bot.services import invites, reporting
from bot.services.errors import NotAllowed
from storage.models import (
    Activity,
    Base,
    CoverageItem,
    Invite,
    Membership,
    Pledge,
    PostSchedule,
    Role,
)
from tests.conftest import Harness
from tests.security.world import (
    ADMIN_A,
    ADMIN_ALL,
    B_SECRETS,
    CITIZEN,
    REPORTER_A,
    REPORTER_B,
    World,
    build_world,
    foreign_changes,
    memberships_of,
    snapshot,
    texts_to,
)

DAY = "20261120"


def refusals() -> set[str]:
    return {
        text
        for lang in ("sv", "en")
        for text in (
            reporting_render.not_a_reporter(lang),
            admin_render.only_admins(lang),
            export_render.only_admins(lang),
            admin_render.rename_refused(lang, NotAllowed("")),
        )
    }


def registered_actions(h: Harness) -> set[str]:
    """Every button action the application has a handler for, read from the handlers."""
    found: set[str] = set()
    for handlers in h.app.handlers.values():
        for handler in handlers:
            if not isinstance(handler, CallbackQueryHandler) or handler.pattern is None:
                continue
            pattern = getattr(handler.pattern, "pattern", handler.pattern)
            match = re.match(r"\^1\\\|(?:\(\?:([^)]*)\)|(\w+))", str(pattern))
            assert match is not None, pattern
            found |= set((match.group(1) or match.group(2)).split("|"))
    return found


def forged(w: World) -> dict[str, list[tuple[Any, ...]]]:
    """For each action, requests naming B's objects (and A's own draft pointed at B)."""
    card = (w.b_pledge, 2, DAY)
    return {
        "help": [()],
        "co": [(w.b,)],
        "ca": [(w.b_focus_area,)],
        "cp": [(w.b_pledge,)],
        "cc": [(w.b,)],
        "cm": [(w.b,)],
        "cs": [(w.b,)],
        "cf": [(w.b,)],
        **{a: [(w.b_activity,)] for a in ("un", "rs", "me", "dl", "mc", "md", "mp", "cw", "dw")},
        "sc": [(w.b_activity, 9)],
        "sd": [(w.b_activity, DAY)],
        "ci": [(w.b_activity, w.b_item)],
        "dp": [(w.b_draft, w.b_pledge), (w.a_draft, w.b_pledge), (w.b_draft, w.a_pledge)],
        "dx": [(w.b_draft, w.b), (w.a_draft, w.b)],
        "dm": [(w.b_draft, w.b), (w.a_draft, w.b)],
        "qm": [(w.b_draft, w.b), (w.a_draft, w.b)],
        "qn": [(w.b_draft, 3)],
        "qd": [(w.b_draft, DAY)],
        "qx": [(w.b_draft,)],
        "wr": [(w.b_pledge, 0)],
        "lg": [("m", w.b), ("f", w.b_focus_area), ("p", w.b_pledge)],
        **{a: [card] for a in ("lk", "lc", "ld", "ls", "lx")},
        "lq": [()],
        "pu": [("w", 1), ("tv",), ("av",)],
        "iv": [(w.b,), (w.b, "r", "p"), (w.b, "a", "-")],
        "rm": [(w.b_membership,)],
        "ry": [(w.b_membership,)],
        "ri": [(w.b_invite,)],
        "ll": [(w.b_pledge,)],
        "lf": [()],
        "la": [()],
        "sh": [(w.b, step) for step in ("v", "t", "p")]
        + [(w.b, "a", "1"), (w.b, "u", "h")]
        + [(w.b, "e", "o"), (w.b, "h", 72), (w.b, "r", 0)],
        "ap": [(w.b_approval, "p"), (w.b_approval, "s"), (w.b_approval, "c")],
        "pp": [(w.b_post, "y"), (w.b_post, "n")],
        "ex": [
            ("m", w.b),
            ("f", w.b, "c", "i"),
            ("f", w.b, "j", "i"),
            ("f", w.b, "c", "p"),
            ("f", "a", "j", "i"),
        ],
        "imp": [("ok", "abcdefgh"), ("no", "abcdefgh")],
    }


async def _b_state(h: Harness, w: World) -> dict[str, Any]:
    """What B owns, read field by field: the explicit check next to the snapshot."""
    async with h.services.db.read() as session:
        activity = await session.get(Activity, w.b_activity)
        membership = await session.get(Membership, w.b_membership)
        invite = await session.get(Invite, w.b_invite)
        pledge = await session.get(Pledge, w.b_pledge)
        schedule = await session.get(PostSchedule, w.b)
        items = list(
            await session.scalars(
                select(CoverageItem.name).where(
                    CoverageItem.pledge_id == w.b_pledge, CoverageItem.removed_at.is_(None)
                )
            )
        )
    assert activity is not None
    assert membership is not None
    assert invite is not None
    assert pledge is not None
    return {
        "activity": (activity.count, activity.occurred_on, activity.place, activity.deleted_at),
        "membership": (membership.role, membership.revoked_at),
        "invite": (invite.used_at, invite.revoked_at),
        "pledge": (pledge.short_name, pledge.text),
        "schedule": None if schedule is None else (schedule.every, schedule.post_time),
        "items": items,
    }


def _shows_no_secret_of_b(calls: list[Any], person: Person) -> None:
    shown = " ".join(texts_to(calls, person.user_id))
    shown += " ".join(
        payload.decode("utf-8", "replace") for c in calls for payload in c.uploads.values()
    )
    leaked = [s for s in B_SECRETS if s in shown]
    assert not leaked, f"{person.first_name} was shown {leaked}"


# --- citizens -------------------------------------------------------------------------------


async def test_a_citizen_reaches_no_reporter_or_admin_command(harness: Harness) -> None:
    w = await build_world(harness)
    polite = refusals()
    commands = [c for c in texts.COMMANDS if c.audience in ("reporter", "admin")]
    assert {c.name for c in commands} >= {"logga", "mina", "angra", "paus", "inbjudan"}
    before = await snapshot(harness)
    for command in commands:
        for name in (command.name, *command.aliases):
            for args in ("", " 2 veckor", f" {w.b_pledge} nytt namn", " av"):
                calls = await harness.send(CITIZEN, f"/{name}{args}")
                shown = texts_to(calls, CITIZEN.user_id)
                assert shown, f"/{name}{args} got no answer"
                assert set(shown) <= polite, (name, args, shown)
                # … and in a group, where the bot must not act on them either.
                group = await harness.send(
                    CITIZEN, f"/{name}@LoftesbotenBot{args}", chat_id=-100777, chat_type="group"
                )
                assert not [c for c in group if c.method == "sendDocument"], name
            after = await snapshot(harness)
            assert not foreign_changes(before, after, CITIZEN.user_id), name
            before = after
    assert not harness.errors


# --- A against B ----------------------------------------------------------------------------


async def test_every_button_action_is_forged_here(harness: Harness) -> None:
    """The forged requests cover every action the application registers, so a new journey's
    buttons cannot slip past the test below."""
    w = await build_world(harness)
    assert registered_actions(harness) == set(forged(w)), registered_actions(harness) ^ set(
        forged(w)
    )


@pytest.mark.parametrize("intruder", [REPORTER_A, ADMIN_A, CITIZEN], ids=lambda p: p.first_name)
async def test_forged_buttons_with_bs_ids_change_and_show_nothing(
    harness: Harness, intruder: Person
) -> None:
    w = await build_world(harness)
    state = await _b_state(harness, w)
    before = await snapshot(harness)
    for action, variants in forged(w).items():
        for args in variants:
            data = callbacks.encode(action, *args)
            calls = await harness.press(intruder, data)
            after = await snapshot(harness)
            changed = foreign_changes(before, after, intruder.user_id)
            assert not changed, f"{intruder.first_name} pressed {data}: {changed}"
            assert [c for c in calls if c.method == "answerCallbackQuery"], data
            assert not [t for t in texts_to(calls, intruder.user_id) if "Något gick fel" in t]
            _shows_no_secret_of_b(calls, intruder)
            before = after
    assert await _b_state(harness, w) == state
    assert not harness.errors


async def test_typed_answers_after_forged_buttons_change_nothing_of_b(harness: Harness) -> None:
    """A button that only asks a question ("write the count") is followed by the answer:
    the answer is checked again, by the id of whoever writes it."""
    w = await build_world(harness)
    state = await _b_state(harness, w)
    before = await snapshot(harness)
    steps: list[tuple[Person, str, str]] = [
        (REPORTER_A, callbacks.encode("cw", w.b_activity), "7"),
        (REPORTER_A, callbacks.encode("dw", w.b_activity), "igår"),
        (REPORTER_A, callbacks.encode("mp", w.b_activity), "Någon annanstans"),
        (REPORTER_A, callbacks.encode("lx", w.b_pledge, 2, DAY), "Sveg"),
        (ADMIN_A, callbacks.encode("ll", w.b_pledge), "Ny skola\nAnnan skola"),
        (ADMIN_A, callbacks.encode("ll", w.b_pledge), "Ny skola\nklar"),
        (ADMIN_A, callbacks.encode("sh", w.b, "t"), "10:30"),
        (ADMIN_A, callbacks.encode("ap", w.b_approval, "c"), "En kommentar från A"),
    ]
    for person, data, answer in steps:
        await harness.press(person, data)
        calls = await harness.send(person, answer)
        assert texts_to(calls, person.user_id), (data, answer)
        _shows_no_secret_of_b(calls, person)
        after = await snapshot(harness)
        changed = foreign_changes(before, after, person.user_id)
        assert not changed, f"{data} then {answer!r}: {changed}"
        before = after
    assert await _b_state(harness, w) == state
    assert not harness.errors


async def test_commands_of_a_reporter_and_an_admin_of_a_stay_in_a(harness: Harness) -> None:
    w = await build_world(harness)
    state = await _b_state(harness, w)
    before = await snapshot(harness)
    for person, text in (
        (REPORTER_A, "/mina"),
        (REPORTER_A, "/logga"),
        (REPORTER_A, "/angra"),
        (REPORTER_A, "/angra"),
        (REPORTER_A, "2 trafikinsatser Åsele idag"),
        (REPORTER_A, "/lista"),
        (REPORTER_A, "/rapportorer"),
        (REPORTER_A, "/inbjudan"),
        (REPORTER_A, "/schema"),
        (REPORTER_A, "/export"),
        (REPORTER_A, f"/kortnamn {w.b_pledge} hackat"),
        (ADMIN_A, "/rapportorer"),
        (ADMIN_A, "/lista"),
        (ADMIN_A, "/kortnamn"),
        (ADMIN_A, f"/kortnamn {w.b_pledge} hackat"),
        (ADMIN_A, "/schema"),
        (ADMIN_A, "/export"),
        (ADMIN_A, "/inbjudan"),
        (ADMIN_A, "/mina"),
        (ADMIN_A, "/angra"),
    ):
        calls = await harness.send(person, text)
        assert texts_to(calls, person.user_id), text
        _shows_no_secret_of_b(calls, person)
        # No button offered to A names one of B's objects.
        of_b = {
            "ll": w.b_pledge,
            "me": w.b_activity,
            "un": w.b_activity,
            "rm": w.b_membership,
            "ri": w.b_invite,
            "iv": w.b,
            "sh": w.b,
        }
        for call in calls:
            for row in call.buttons:
                for button in row:
                    request = callbacks.decode(button.get("callback_data"))
                    if request is not None and request.action in of_b:
                        assert request.int_arg(0) != of_b[request.action], (text, button)
                    if request is not None and request.action in ("ex", "lg"):
                        assert request.args[:2] != ("m", str(w.b)), (text, button)
        after = await snapshot(harness)
        changed = foreign_changes(before, after, person.user_id)
        assert not changed, (text, changed)
        before = after
    assert await _b_state(harness, w) == state
    assert await memberships_of(harness, REPORTER_B.user_id) == [(w.b, state["membership"][0])]
    assert not harness.errors


async def test_edits_of_message_ids_that_are_bs_change_nothing_of_b(harness: Harness) -> None:
    """An edit finds its activity by chat and message id. A's own chat never holds B's
    messages, whatever the ids; an edit claiming to be in B's chat (Telegram would never
    deliver one: a private chat is its user's) still cannot change B's activity."""
    w = await build_world(harness)
    state = await _b_state(harness, w)
    before = await snapshot(harness)
    original = harness.factory.message(REPORTER_A, "2 trafikkontroller idag")
    for message_id in (9000, 9001):  # the ids of B's activity and B's draft
        original["message"]["message_id"] = message_id
        calls = await harness.feed(harness.factory.edited(original, "9 trafikinsatser idag"))
        _shows_no_secret_of_b(calls, REPORTER_A)
    forged = harness.factory.message(REPORTER_B, "2 trafikinsatser Hemligvägen idag")
    forged["message"].update(message_id=9000, **{"from": REPORTER_A.as_user()})
    calls = await harness.feed(harness.factory.edited(forged, "9 trafikinsatser idag"))
    _shows_no_secret_of_b(calls, REPORTER_A)
    assert not foreign_changes(before, await snapshot(harness), REPORTER_A.user_id)
    assert await _b_state(harness, w) == state
    assert not harness.errors


async def test_the_scan_sees_a_planted_identity_bug(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The planted bug: if reporting took its scope from the wrong person (here: always B's
    reporter), A's forged press would delete B's activity, and the snapshot shows it."""
    w = await build_world(harness)
    real = reporting.scope_of

    async def scope_of_b(session: Any, user_id: int) -> Any:
        return await real(session, REPORTER_B.user_id)

    monkeypatch.setattr(reporting, "scope_of", scope_of_b)
    before = await snapshot(harness)
    await harness.press(REPORTER_A, callbacks.encode("dl", w.b_activity))
    changed = foreign_changes(before, await snapshot(harness), REPORTER_A.user_id)
    assert any(c.startswith("activities:") for c in changed), changed


# --- invite codes ---------------------------------------------------------------------------


def test_the_invite_code_space_is_far_beyond_guessing() -> None:
    assert invites.CODE_BYTES * 8 >= 128
    codes = {invites.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    alphabet = set(string.ascii_letters + string.digits + "-_")
    for code in codes:
        assert invites.CODE_RE.fullmatch(code), code
        assert len(code) <= 64  # a deep-link payload
        assert set(code) <= alphabet
    body = "".join(code.removeprefix(invites.CODE_PREFIX) for code in codes)
    # 32 characters of a 64-symbol alphabet: 192 bits; every symbol is used.
    assert len(next(iter(codes))) - len(invites.CODE_PREFIX) == 32
    # Measured on the codes themselves: characters per code times bits per character.
    assert len(body) / len(codes) * math.log2(len(set(body))) >= 128
    assert len(set(body)) == 64
    # Five guesses per 15 minutes per user: a year of guessing covers a negligible part.
    guesses_per_year = invites.MAX_FAILURES * (365 * 24 * 60 / 15)
    assert guesses_per_year / 2 ** (invites.CODE_BYTES * 8) < 1e-50


async def test_an_invite_code_is_stored_nowhere_but_as_its_hash(harness: Harness) -> None:
    await build_world(harness)
    calls = await harness.send(ADMIN_ALL, "/inbjudan")
    labels = {b["text"]: b["callback_data"] for c in calls for r in c.buttons for b in r}
    calls = await harness.press(ADMIN_ALL, labels["Åsele"])
    labels = {b["text"]: b["callback_data"] for c in calls for r in c.buttons for b in r}
    calls = await harness.press(ADMIN_ALL, labels["Administratör"])
    match = re.search(r"start=(in_[A-Za-z0-9_-]+)", calls[-1].text or "")
    assert match is not None
    code = match.group(1)
    # Every column of every table (audit details, update keys, outbox texts included).
    async with harness.services.db.read() as session:
        hashes = set(await session.scalars(select(Invite.code_hash)))
        for table in Base.metadata.sorted_tables:
            for row in await session.execute(select(table)):
                assert not any(code in str(value) for value in row), table.name
                assert not any(code[3:20] in str(value) for value in row), table.name
    assert invites.hash_code(code) in hashes
    # The code went to the admin's own chat only.
    assert {c.chat_id for c in harness.transport.calls if code in (c.text or "")} == {
        ADMIN_ALL.user_id
    }


async def test_guessing_is_slowed_down_per_user_and_never_locks_out_others(
    harness: Harness,
) -> None:
    await build_world(harness)
    guesser, newcomer = Person(200_030, "Gus", "sv"), Person(200_031, "Nya", "sv")
    for n in range(invites.MAX_FAILURES):
        calls = await harness.send(guesser, f"/start in_{'AbCd' * 7}{n:04d}")
        assert "fungerar inte" in (calls[0].text or "")
    calls = await harness.send(guesser, "/start in_" + "Q" * 32)
    assert "För många försök" in (calls[0].text or "")
    # Attempts while waiting are not even looked up, and do not lengthen the wait.
    async with harness.services.db.transaction() as session:
        invite = await invites.create_invite(
            session,
            municipality="Åsele",
            role=Role.REPORTER,
            organisation=None,
            now=harness.services.now(),
        )
    calls = await harness.send(guesser, f"/start {invite.code}")
    assert "För många försök" in (calls[0].text or "")
    assert await memberships_of(harness, guesser.user_id) == []
    # Somebody else is not held up by the guesser.
    calls = await harness.send(newcomer, f"/start {invite.code}")
    assert "Välkommen" in (calls[0].text or "")
    harness.clock.advance(timedelta(minutes=15, seconds=1))
    calls = await harness.send(guesser, "/start in_" + "Z" * 32)
    assert "fungerar inte" in (calls[0].text or "")
    assert not harness.errors
