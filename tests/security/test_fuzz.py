"""Security review: fuzzing every handler through the real dispatch.

Hypothesis sends sequences of updates from citizens, reporters and admins, in private chats and
in groups: arbitrary text and commands, photos with captions, documents with odd names and
contents, arbitrary callback data (separators, unicode, more than 64 bytes), and odd updates
Telegram does send (channel posts, messages without a sender or without text, edits of unknown
messages, buttons of inline messages, unknown update types), some delivered twice.

After every update: no handler raised, a person who wrote in a private chat (or pressed a
button) got an answer, and the database holds no half-done write (the invariants below).
The database carries over from example to example, so later examples meet the state earlier
ones left behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.console.transport import ApiCall
from bot.console.updates import Person
from bot.render import texts
from storage.models import (
    Activity,
    ActivitySource,
    AuditEntry,
    CoverageItem,
    Draft,
    Feedback,
    Membership,
    Pledge,
    Reporter,
)
from tests.conftest import Harness
from tests.security.world import ADMIN_ALL, CITIZEN, REPORTER_A, REPORTER_B, build_world

PEOPLE = [
    CITIZEN,
    Person(200_050, "Sam", "en"),
    Person(200_051, "Ingen", None),
    REPORTER_A,
    REPORTER_B,
    ADMIN_ALL,
]
GROUP = -100_123
ANSWERS = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument", "answerCallbackQuery")
BOT = "@LoftesbotenBot"
COMMANDS = [n for c in texts.COMMANDS for n in (c.name, *c.aliases)] + ["okänt", "Start"]
WORDS = [
    "hur går det",
    "i Härjedalen",
    "i Åsele?",
    "trafikkontroller",
    "lag och rätt",
    "skolbesök",
    "2",
    "999999999999",
    "-5",
    "noll",
    "igår",
    "idag",
    "i förrgår",
    "12/3",
    "2026-13-45",
    "2031-01-01",
    "Sveg",
    BOT,
    "in_",
    "in_" + "A" * 32,
    "p_1",
    "p_99999999999",
    "<b>",
    "&amp;",
    "🚓",
    "\n",
    "vilka löften",
    "?",
    "tills vidare",
    "av",
    "10:30",
]
ACTIONS = ["help", "co", "ca", "cp", "cm", "cs", "un", "rs", "me", "dl", "mc", "sc", "cw", "md"]
ACTIONS += ["sd", "dw", "mp", "ci", "dp", "dx", "dm", "lg", "lk", "lc", "ld", "ls", "lx", "lq"]
ACTIONS += ["pu", "iv", "rm", "ry", "ri", "ll", "la", "sh", "ap", "pp", "ex", "imp", "zz"]
ARGS = ["m", "f", "p", "a", "r", "k", "-", "c", "j", "i", "y", "n", "v", "t", "u", "h", "e"]
ARGS += ["q", "o", "w", "tv", "av", "ok", "no", "20261120", "20261399", "19000101", ""]

text_strategy = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), min_size=1, max_size=8).map(
        " ".join
    ),
    st.builds(
        lambda name, rest: f"/{name} {rest}".rstrip(),
        st.sampled_from(COMMANDS),
        st.one_of(st.sampled_from(WORDS), st.text(max_size=40)),
    ),
    st.just("x" * 4096),
)
callback_strategy = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda action, args: "|".join(["1", action, *args]),
        st.sampled_from(ACTIONS),
        st.lists(
            st.one_of(
                st.integers(min_value=-3, max_value=40).map(str),
                st.integers(min_value=10**9, max_value=10**15).map(str),
                st.sampled_from(ARGS),
                st.text(max_size=4),
            ),
            max_size=5,
        ),
    ),
    st.integers(min_value=55, max_value=90).map(lambda n: "1|un|" + "9" * n),
    st.sampled_from(["", "|", "1|", "1||", "2|un|1", "1|un|1|", "1|un|١٢", "1|ex|f|a|c|i"]),
)
ODD = [
    "channel_post",
    "edited_channel_post",
    "no_sender_group",
    "no_sender_private",
    "unknown_type",
    "location",
    "sticker",
    "dice",
    "edited_unknown",
    "inline_button",
    "game_button",
    "bot_added",
    "from_a_bot",
    "forwarded",
    "reply",
    "bad_entity",
    "empty_text",
    "inline_query",
    "group_feedback",
]


@dataclass(frozen=True)
class Plan:
    kind: str  # text, caption, document, button, odd
    person: Person
    text: str = ""
    group: bool = False
    name: str = ""
    content: bytes = b""
    odd: str = ""
    twice: bool = False


texts_plan = st.builds(
    Plan,
    kind=st.just("text"),
    person=st.sampled_from(PEOPLE),
    text=text_strategy,
    group=st.booleans(),
    twice=st.booleans(),
)
buttons_plan = st.builds(
    Plan,
    kind=st.just("button"),
    person=st.sampled_from(PEOPLE),
    text=callback_strategy,
    group=st.booleans(),
    twice=st.booleans(),
)
plans = st.lists(
    st.one_of(
        texts_plan,
        texts_plan,
        texts_plan,
        buttons_plan,
        buttons_plan,
        st.builds(
            Plan,
            kind=st.just("caption"),
            person=st.sampled_from(PEOPLE),
            text=text_strategy,
            twice=st.booleans(),
        ),
        st.builds(
            Plan,
            kind=st.just("document"),
            person=st.sampled_from(PEOPLE),
            name=st.one_of(
                st.text(max_size=40),
                st.sampled_from(["sida.txt", "lista.csv", "x.HTML", ".txt", "a/../b.txt"]),
                st.builds(lambda s: s + ".txt", st.text(max_size=20)),
            ),
            content=st.one_of(
                st.binary(max_size=600),
                st.text(max_size=600).map(lambda s: s.encode("utf-8")),
                st.just("Medborgarlöften i Åsele 2026\nPolisen lovar att\n\n\n".encode() * 20),
            ),
        ),
        st.builds(
            Plan,
            kind=st.just("odd"),
            person=st.sampled_from(PEOPLE),
            text=text_strategy,
            odd=st.sampled_from(ODD),
        ),
    ),
    min_size=1,
    max_size=5,
)


@dataclass
class Fuzz:
    h: Harness
    files: int = 0
    groups: int = 0

    def group(self) -> int:
        """A new group for every update: Telegram allows 20 messages a minute into one group,
        and the rate limiter would make the fuzz wait for it."""
        self.groups += 1
        return GROUP - self.groups

    def _mention(self, message: dict[str, Any]) -> None:
        text = message.get("text") or ""
        if BOT in text:
            at = len(text[: text.index(BOT)].encode("utf-16-le")) // 2
            entities = message.setdefault("entities", [])
            entities.append({"type": "mention", "offset": at, "length": len(BOT)})

    def build(self, plan: Plan) -> tuple[dict[str, Any], bool]:
        """The raw update, and whether a person waits for an answer to it."""
        f, person = self.h.factory, plan.person
        if plan.kind == "text":
            if plan.group:
                data = f.message(person, plan.text, chat_id=self.group(), chat_type="supergroup")
            else:
                data = f.message(person, plan.text)
            self._mention(data["message"])
            return data, not plan.group
        if plan.kind == "caption":
            photo = [{"file_id": "ph1", "file_unique_id": "ph1", "width": 90, "height": 90}]
            return f.message(person, None, extra={"photo": photo, "caption": plan.text}), True
        if plan.kind == "document":
            self.files += 1
            file_id = f"doc{self.files}"
            self.h.transport.files[file_id] = plan.content
            document = {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": plan.name,
                "file_size": len(plan.content),
            }
            return f.message(person, None, extra={"document": document}), True
        if plan.kind == "button":
            return f.callback(person, plan.text, chat_id=self.group() if plan.group else None), True
        return self.odd(plan)

    def odd(self, plan: Plan) -> tuple[dict[str, Any], bool]:
        f, person, text = self.h.factory, plan.person, plan.text or "hej"
        update_id = next(f.next_update_id)
        date = int(f.now.timestamp())
        channel = {"id": -100_555, "type": "channel", "title": "Kanal"}
        bot_user = {"id": 123456789, "is_bot": True, "first_name": "Löftesboten"}
        if plan.odd in ("channel_post", "edited_channel_post"):
            post = {"message_id": 7, "date": date, "chat": channel, "text": text}
            if plan.odd == "edited_channel_post":
                post["edit_date"] = date + 5
            return {"update_id": update_id, plan.odd: post}, False
        if plan.odd == "no_sender_group":
            data = f.message(person, text, chat_id=self.group(), chat_type="supergroup")
            del data["message"]["from"]
            data["message"]["sender_chat"] = channel
            return data, False
        if plan.odd == "no_sender_private":
            data = f.message(person, text)
            del data["message"]["from"]
            return data, False
        if plan.odd == "unknown_type":
            return {
                "update_id": update_id,
                "purchased_paid_media_x": {"from": person.as_user()},
            }, False
        if plan.odd in ("location", "sticker", "dice"):
            extras: dict[str, dict[str, Any]] = {
                "location": {"location": {"latitude": 62.0, "longitude": 14.4}},
                "sticker": {
                    "sticker": {
                        "file_id": "st",
                        "file_unique_id": "st",
                        "type": "regular",
                        "width": 512,
                        "height": 512,
                        "is_animated": False,
                        "is_video": False,
                    }
                },
                "dice": {"dice": {"emoji": "🎲", "value": 3}},
            }
            return f.message(person, None, extra=extras[plan.odd]), True
        if plan.odd == "edited_unknown":
            original = f.message(person, "2 trafikkontroller idag")
            original["message"]["message_id"] = 10**6 + update_id
            return f.edited(original, text), False
        if plan.odd in ("inline_button", "game_button"):
            query: dict[str, Any] = {
                "id": f"q{update_id}",
                "from": person.as_user(),
                "chat_instance": "1",
            }
            if plan.odd == "inline_button":
                query.update(inline_message_id="inl1", data="1|co|1")
            else:
                query.update(
                    game_short_name="spel",
                    message={
                        "message_id": 1,
                        "date": date,
                        "chat": {"id": person.user_id, "type": "private"},
                    },
                )
            return {"update_id": update_id, "callback_query": query}, True
        if plan.odd == "bot_added":
            member = {
                "chat": {"id": self.group(), "type": "supergroup", "title": "Grupp"},
                "from": person.as_user(),
                "date": date,
                "old_chat_member": {"user": bot_user, "status": "left"},
                "new_chat_member": {"user": bot_user, "status": "member"},
            }
            return {"update_id": update_id, "my_chat_member": member}, False
        if plan.odd == "from_a_bot":
            data = f.message(person, text)
            data["message"]["from"] = {"id": 555, "is_bot": True, "first_name": "Annan bot"}
            return data, False
        if plan.odd == "forwarded":
            origin = {"type": "user", "date": date - 60, "sender_user": REPORTER_B.as_user()}
            return f.message(person, text, extra={"forward_origin": origin}), True
        if plan.odd == "reply":
            replied = {
                "message_id": 1,
                "date": date,
                "chat": {"id": person.user_id, "type": "private"},
                "text": "…",
            }
            return f.message(person, text, extra={"reply_to_message": replied}), True
        if plan.odd == "bad_entity":
            data = f.message(person, text, chat_id=self.group(), chat_type="supergroup")
            data["message"]["entities"] = [{"type": "mention", "offset": 500, "length": 15}]
            return data, False
        if plan.odd == "empty_text":
            return f.message(person, ""), True
        if plan.odd == "inline_query":
            inline = {"id": "iq", "from": person.as_user(), "query": text, "offset": ""}
            return {"update_id": update_id, "inline_query": inline}, False
        assert plan.odd == "group_feedback"
        chat_id = self.group()
        return f.message(person, f"/tyck {text}", chat_id=chat_id, chat_type="supergroup"), False


def _answered(calls: list[ApiCall], chat_id: int) -> bool:
    return any(
        c.method in ANSWERS and (c.method == "answerCallbackQuery" or c.chat_id == chat_id)
        for c in calls
    )


async def invariants(h: Harness) -> list[str]:
    """What a half-done or unchecked write would break."""
    broken: list[str] = []

    async def none(what: str, stmt: Any) -> None:
        rows = list(await session.execute(stmt))
        if rows:
            broken.append(f"{what}: {rows[:3]}")

    today = h.services.today()
    async with h.services.db.read() as session:
        telegram = Activity.source == ActivitySource.TELEGRAM
        audited = select(AuditEntry.entity_id).where(AuditEntry.entity == "activity")
        await none(
            "activity without its audit entry",
            select(Activity.id).where(telegram, Activity.id.not_in(audited)),
        )
        await none(
            "audit entry of a missing activity",
            select(AuditEntry.id).where(
                AuditEntry.entity == "activity",
                AuditEntry.entity_id.not_in(select(Activity.id)),
            ),
        )
        await none(
            "extra activity (no pledge) with a list item",
            select(Activity.id).where(
                Activity.pledge_id.is_(None), Activity.coverage_item_id.is_not(None)
            ),
        )
        await none(
            "activity counted against another municipality's pledge",
            select(Activity.id)
            .join(Pledge, Pledge.id == Activity.pledge_id)
            .where(Pledge.municipality_id != Activity.municipality_id),
        )
        await none(
            "activity with a list item of another pledge",
            select(Activity.id)
            .join(CoverageItem, CoverageItem.id == Activity.coverage_item_id)
            .where(CoverageItem.pledge_id != Activity.pledge_id),
        )
        await none(
            "logged count outside 1–999",
            select(Activity.id, Activity.count).where(
                telegram, (Activity.count < 1) | (Activity.count > 999)
            ),
        )
        await none(
            "logged day in the future or over a year ago",
            select(Activity.id, Activity.occurred_on).where(
                telegram,
                (Activity.occurred_on > today)
                | (Activity.occurred_on < today - timedelta(days=366)),
            ),
        )
        member = select(Membership.id).where(
            Membership.reporter_id == Activity.reporter_id,
            Membership.municipality_id == Activity.municipality_id,
        )
        await none(
            "activity logged where its reporter never was a member",
            select(Activity.id).where(telegram, ~member.exists()),
        )
        await none(
            "draft of someone who is not a reporter",
            select(Draft.id).where(Draft.reporter_id.not_in(select(Reporter.id))),
        )
        await none(
            "synpunkt empty or over 2 000 characters",
            select(Feedback.id).where(
                (func.length(Feedback.text) == 0) | (func.length(Feedback.text) > 2000)
            ),
        )
        await none(
            "list with more than 200 items",
            select(CoverageItem.pledge_id)
            .where(CoverageItem.removed_at.is_(None))
            .group_by(CoverageItem.pledge_id)
            .having(func.count() > 200),
        )
    return broken


async def _ready(h: Harness) -> Fuzz:
    fuzz = h.app.bot_data.get("fuzz")
    if fuzz is None:
        await build_world(h)
        fuzz = h.app.bot_data["fuzz"] = Fuzz(h)
        assert not await invariants(h)
    assert isinstance(fuzz, Fuzz)
    return fuzz


async def _run(harness: Harness, sequence: list[Plan]) -> None:
    fuzz = await _ready(harness)
    harness.errors.clear()  # each example answers for its own updates (they fail it at once)
    for plan in sequence:
        data, waits = fuzz.build(plan)
        calls = await harness.feed(data)
        assert not harness.errors, f"{plan!r} raised {harness.errors!r}"
        if waits:
            chat = data.get("message", {}).get("chat", {}).get("id", plan.person.user_id)
            assert _answered(calls, chat), f"no answer to {plan!r}: {[c.method for c in calls]}"
        if plan.twice:  # a redelivery: may stay unanswered, must not fail or half-write
            await harness.feed(data)
            assert not harness.errors, f"{plan!r} delivered twice raised {harness.errors!r}"
        broken = await invariants(harness)
        assert not broken, f"after {plan!r}: {broken}"
        # Whatever happened, every button the bot sent stays within 64 bytes.
        for call in calls:
            for row in call.buttons:
                for button in row:
                    assert len(str(button.get("callback_data", "")).encode()) <= 64


FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(FUZZ, max_examples=200)
@given(sequence=plans)
async def test_fuzz_sqlite(harness: Harness, backend: str, sequence: list[Plan]) -> None:
    if backend != "sqlite":
        pytest.skip("test_fuzz_postgresql runs (fewer examples) there")
    await _run(harness, sequence)


@settings(FUZZ, max_examples=80)
@given(sequence=plans)
async def test_fuzz_postgresql(harness: Harness, backend: str, sequence: list[Plan]) -> None:
    if backend != "postgresql":
        pytest.skip("test_fuzz_sqlite runs (more examples) there")
    await _run(harness, sequence)


async def test_the_fuzz_checks_can_fail(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: a handler that raises, a message left unanswered, and a half-done write are
    each reported by the checks the fuzz runs after every update."""
    from bot.handlers import common

    plan = Plan("text", CITIZEN, "/hjalp")
    await _run(harness, [plan])

    async def broken(update: Any, context: Any) -> None:
        raise RuntimeError("planted")

    with monkeypatch.context() as patch:
        patch.setattr(common, "help_command", broken)
        harness.app.handlers[0][1].callback = broken  # the registered /hjalp handler
        with pytest.raises(AssertionError, match="raised"):
            await _run(harness, [plan])

    async def silent(update: Any, context: Any) -> None:
        return None

    harness.app.handlers[0][1].callback = silent
    with pytest.raises(AssertionError, match="no answer"):
        await _run(harness, [plan])
    harness.app.handlers[0][1].callback = common.help_command
    harness.errors.clear()

    async with harness.services.db.transaction() as session:
        # Logged by B's reporter in A (where B's reporter is no member), with no audit entry.
        a = await session.scalar(
            select(Membership.municipality_id)
            .join(Reporter, Reporter.id == Membership.reporter_id)
            .where(Reporter.telegram_user_id == REPORTER_A.user_id)
        )
        reporter = await session.scalar(
            select(Reporter.id).where(Reporter.telegram_user_id == REPORTER_B.user_id)
        )
        session.add(
            Activity(
                municipality_id=a,
                pledge_id=None,
                coverage_item_id=None,
                reporter_id=reporter,
                occurred_on=harness.services.today(),
                count=1,
                source=ActivitySource.TELEGRAM,
            )
        )
    broken_now = await invariants(harness)
    assert any("without its audit entry" in b for b in broken_now), broken_now
    assert any("never was a member" in b for b in broken_now), broken_now
