"""One database transaction per handled update, and no Telegram call while one is open.

What is counted: the transactions the engine begins (its `begin` event: a read is a
transaction too) while PTB's dispatch (`Application.process_update`) handles one update, from
the first handler to the last, the "last seen" note included. The in-process Bot API notes, at
each call, whether a transaction was open at that moment.

What is not counted: the inbox's own bookkeeping around the dispatch (`bot.inbox`): storing the
raw update before Telegram is answered, the claim of a batch of rows (a lease, renewed by a
heartbeat) and the done mark. They cannot be the use case's transaction: the row is stored
before anything is handled, one claim covers several updates, and the done mark also marks the
recorded reply sent, so it must come after the reply went out, that is after the use case's
commit. What makes an update's effects happen once is the claim of its key in
`processed_updates`, and that claim is made inside the one counted transaction (see
`bot.handlers.common.use_case`). A test at the end measures the whole through the inbox: per
batch one claim, per update its one transaction and a done mark.

Above one, by design (`ABOVE_ONE`): a list sent as a file. Error paths (a handler that raises)
are not counted. Long jobs (reading a promise page, making an export file, the scheduler and the
outbox) are outside this rule and are not driven here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import event, select

from bot.console.transport import ApiCall
from bot.console.updates import Person
from bot.inbox import InboxProcessor, key_of
from bot.render import admin as admin_render
from bot.render import callbacks, texts
from bot.render import export as export_render
from bot.services import schedule as schedules
from bot.services.errors import NotAllowed
from bot.services.examples import load_examples
from storage import activities, catalogue, people
from storage import inbox as inbox_store
from storage.models import Pledge, Role
from tests.conftest import ADMIN, CITIZEN, CITIZEN_EN, REPORTER, Harness

TODAY = date(2026, 11, 21)
# Updates allowed more than one transaction, and why.
ABOVE_ONE = {
    # The file is fetched from Telegram (getFile and the download) after the read that finds a
    # list awaited, and before the list step's transaction: no Telegram call inside one, and no
    # download for people who are not collecting a list.
    "admin list file": 2,
}
NEWCOMER = Person(200_005, "Nora", "sv")
STRANGER = Person(200_006, "Eli", "sv")  # a citizen the bot knows nothing about
GROUP = -100_777
MENTION = {"entities": [{"type": "mention", "offset": 0, "length": 15}]}
VERBOSE = False


@dataclass
class Ledger:
    begun: int = 0
    open: int = 0
    calls_in_transaction: list[str] = field(default_factory=list)


@contextmanager
def watching(h: Harness) -> Iterator[Ledger]:
    ledger = Ledger()
    engine = h.services.db.engine.sync_engine

    def on_begin(conn: Any) -> None:
        ledger.begun += 1
        ledger.open += 1

    def on_end(conn: Any) -> None:
        ledger.open -= 1

    def on_call(call: ApiCall) -> None:
        if ledger.open > 0:
            ledger.calls_in_transaction.append(call.method)

    event.listen(engine, "begin", on_begin)
    event.listen(engine, "commit", on_end)
    event.listen(engine, "rollback", on_end)
    h.transport.on_call = on_call
    try:
        yield ledger
    finally:
        event.remove(engine, "begin", on_begin)
        event.remove(engine, "commit", on_end)
        event.remove(engine, "rollback", on_end)
        h.transport.on_call = None


async def _setup(h: Harness) -> dict[str, int]:
    async with h.services.db.transaction() as session:
        await load_examples(session, today=TODAY, now=h.services.now())
    async with h.services.db.transaction() as session:
        place = await catalogue.municipality_by_name(session, "Härjedalen")
        assert place is not None
        for user, role in ((REPORTER.user_id, Role.REPORTER), (ADMIN.user_id, Role.ADMIN)):
            person = await people.ensure_reporter(session, user)
            await people.grant(session, person, place, role)
        pledge = await session.scalar(
            select(Pledge.id).where(
                Pledge.municipality_id == place.id, Pledge.short_name == "lag och rätt"
            )
        )
    assert pledge is not None
    return {"mid": place.id, "pledge": pledge}


@dataclass(frozen=True)
class Step:
    """One update: a message (`text`, with `extra` fields such as a photo or a file), a press of
    a button (`press`: a label on the person's latest answer, or callback data "1|…"), or an
    edit of the person's latest message (`edit`). `{mid}`, `{pledge}` and `{code}` are filled
    in. `silent`: the update rightly gets no answer."""

    label: str
    person: Person
    text: str | None = None
    press: str | None = None
    edit: str | None = None
    extra: dict[str, Any] | None = None
    silent: bool = False
    group: bool = False


LIST_FILE = {"document": {"file_id": "list1", "file_unique_id": "l1", "file_name": "skolor.txt"}}
PDF_FILE = {"document": {"file_id": "pdf1", "file_unique_id": "p1", "file_name": "plan.pdf"}}
PHOTO = {
    "photo": [{"file_id": "p1", "file_unique_id": "p", "width": 9, "height": 9}],
    "caption": "trafikkontroll i Sveg i dag",
}

# Every kind of update, in an order a day might bring them.
STEPS = [
    # Citizens
    Step("citizen /start", CITIZEN, "/start"),
    Step("citizen /hjalp", CITIZEN, "/hjalp"),
    Step("citizen help button", CITIZEN, press=callbacks.encode("help")),
    Step("citizen question", CITIZEN, "hur går det i Härjedalen?"),
    Step("citizen overview button", CITIZEN, press="1|co|{mid}"),
    Step("citizen focus-area button", CITIZEN, press="first"),
    Step("citizen pledge deep link", CITIZEN, "/start p_{pledge}"),
    Step("citizen /hurgardet", CITIZEN, "/hurgardet Härjedalen"),
    Step("citizen /loften", CITIZEN, "/loften"),
    Step("citizen /kommun", CITIZEN, "/kommun Härjedalen"),
    Step("citizen /prenumerera", CITIZEN, "/prenumerera"),
    Step("citizen /avsluta", CITIZEN, "/avsluta"),
    Step("citizen /tyck with text", CITIZEN, "/tyck Det körs för fort förbi skolan"),
    Step("citizen /tyck alone", CITIZEN, "/tyck"),
    Step("citizen synpunkt text", CITIZEN, "Bilar parkerar på trottoaren vid torget"),
    Step("citizen edit", CITIZEN, edit="hur går det i Härjedalen nu?", silent=True),
    Step("citizen question again", CITIZEN, "hur går det i Härjedalen?"),
    Step("citizen chart button", CITIZEN, press="📊 Visa diagram"),
    Step("citizen subscribe button", CITIZEN, press="1|cs|{mid}"),
    Step("citizen pledge button", CITIZEN, press="1|cp|{pledge}"),
    Step("citizen municipality button", CITIZEN, press="1|cm|{mid}"),
    Step(
        "group mention",
        CITIZEN,
        "@LoftesbotenBot hur går det i Härjedalen?",
        group=True,
        extra=MENTION,
    ),
    Step("group /hurgardet", CITIZEN, "/hurgardet Härjedalen", group=True),
    Step("unknown citizen question", STRANGER, "hur går det?"),
    Step("unknown citizen municipality button", STRANGER, press="first"),
    Step("unknown citizen /glom", STRANGER, "/glom"),
    Step("unknown citizen /tyck text", STRANGER, "/tyck Gatlyktorna är trasiga"),
    Step("unknown citizen synpunkt button", STRANGER, press="Härjedalen"),
    Step("unknown citizen /glom again", STRANGER, "/glom"),
    Step("unknown citizen /tyck again", STRANGER, "/tyck Bänken vid torget är sönder"),
    Step("unknown citizen synpunkt municipality typed", STRANGER, "Härjedalen"),
    Step("unknown citizen /kommun without name", STRANGER, "/kommun"),
    Step("unknown citizen /prenumerera", STRANGER, "/prenumerera"),
    Step("unknown citizen English text", STRANGER, "blablabla"),
    Step("citizen unknown command", CITIZEN, "/finnsinte"),
    Step("citizen old button", CITIZEN, press="1|zz|1"),
    Step("English /start", CITIZEN_EN, "/start"),
    Step("English question", CITIZEN_EN, "how is it going in Härjedalen?"),
    # Reporters
    Step("reporter report", REPORTER, "skolbesök på Hede skola i dag"),
    Step("reporter report 2", REPORTER, "trafikkontroll på E45 i går, 2 st"),
    Step("reporter undo button", REPORTER, press="↩️ Ångra"),
    Step("reporter unclear report", REPORTER, "var ute i dag"),
    Step("reporter draft choice", REPORTER, press="first"),
    Step("reporter edit of a report", REPORTER, edit="trafikkontroll på E45 i går, 3 st"),
    Step("reporter photo", REPORTER, extra=PHOTO),
    Step("reporter question", REPORTER, "hur går det?"),
    Step("reporter /mina", REPORTER, "/mina"),
    Step("reporter entry button", REPORTER, press="1"),
    Step("reporter count button", REPORTER, press="Antal"),
    Step("reporter typed correction", REPORTER, "7"),
    Step("reporter /angra", REPORTER, "/angra"),
    Step("reporter /logga", REPORTER, "/logga"),
    Step("reporter /logga focus area", REPORTER, press="Trafiksäkerhet"),
    Step("reporter /logga pledge", REPORTER, press="first"),
    Step("reporter card count", REPORTER, press="Antal"),
    Step("reporter card count chosen", REPORTER, press="first"),
    Step("reporter card place button", REPORTER, press="Plats …"),
    Step("reporter card place typed", REPORTER, "Hede skola"),
    Step("reporter /logga again", REPORTER, "/logga"),
    Step("reporter /logga focus area again", REPORTER, press="Trafiksäkerhet"),
    Step("reporter /logga pledge again", REPORTER, press="first"),
    Step("reporter card save", REPORTER, press="✅ Spara"),
    Step("reporter /paus", REPORTER, "/paus"),
    Step("reporter pause button", REPORTER, press="1 vecka"),
    Step("reporter /paus av", REPORTER, "/paus av"),
    # Admins
    Step("admin /schema", ADMIN, "/schema"),
    Step("admin schema toggle", ADMIN, press="1|sh|{mid}|a|1"),
    Step("admin schema time button", ADMIN, press="1|sh|{mid}|t"),
    Step("admin /schema typed time", ADMIN, "10.30"),
    Step("admin /inbjudan", ADMIN, "/inbjudan"),
    Step("admin invite button", ADMIN, press="Rapportör – polisen"),
    Step("newcomer redeems the invite", NEWCOMER, "/start {code}"),
    Step("admin /rapportorer", ADMIN, "/rapportorer"),
    Step("admin remove button", ADMIN, press="Ta bort Nora (Härjedalen)"),
    Step("admin remove confirmed", ADMIN, press="Ja, ta bort"),
    Step("admin schema preview", ADMIN, press="1|sh|{mid}|p"),
    Step("admin /export", ADMIN, "/export"),
    Step("admin /kortnamn", ADMIN, "/kortnamn"),
    Step("admin /kortnamn rename", ADMIN, "/kortnamn {pledge} lag och ordning"),
    Step("admin /ord", ADMIN, "/ord"),
    Step("admin /lista", ADMIN, "/lista"),
    Step("admin list button", ADMIN, press="lag och ordning (Härjedalen)"),
    Step("admin list lines", ADMIN, "Hede skola\nFunäsdalens skola"),
    Step("admin list done", ADMIN, press="✅ Klar"),
    Step("admin /lista again", ADMIN, "/lista"),
    Step("admin list button again", ADMIN, press="lag och ordning (Härjedalen)"),
    Step("admin list file", ADMIN, extra=LIST_FILE),
    # Admin commands from people who are not admins
    *(
        Step(f"{who} {command}", person, command)
        for who, person in (("citizen", CITIZEN), ("reporter", REPORTER))
        for command in ("/schema", "/inbjudan", "/rapportorer", "/kortnamn", "/lista", "/ord")
    ),
    # Files that are no list
    Step("citizen file", CITIZEN, extra=LIST_FILE),
    Step("admin file of the wrong kind", ADMIN, extra=PDF_FILE),
    Step("citizen /glom", CITIZEN, "/glom"),
]


@dataclass
class Journey:
    h: Harness
    values: dict[str, Any]
    answers: dict[int, list[ApiCall]] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    def update_for(self, step: Step) -> dict[str, Any]:
        factory = self.h.factory
        if step.press is not None:
            data = step.press.format(**self.values)
            if not data.startswith(f"{callbacks.VERSION}|"):
                data = self.button(step.person, data)
            return factory.callback(step.person, data)
        if step.edit is not None:
            return factory.edited(self.messages[step.person.user_id], step.edit)
        text = step.text.format(**self.values) if step.text is not None else None
        where: dict[str, Any] = {"chat_type": "group", "chat_id": GROUP} if step.group else {}
        update = factory.message(step.person, text, extra=step.extra, **where)
        self.messages[step.person.user_id] = update
        return update

    def button(self, person: Person, label: str) -> str:
        buttons = [
            b
            for call in self.answers.get(person.user_id, [])
            for row in call.buttons
            for b in row
            if "callback_data" in b
        ]
        if label == "first":
            return str(buttons[0]["callback_data"])
        found = {b["text"]: b["callback_data"] for b in buttons}
        assert label in found, (label, list(found))
        return str(found[label])

    def answered(self, person: Person, calls: list[ApiCall]) -> None:
        if any(call.buttons for call in calls):
            self.answers[person.user_id] = calls
        for call in calls:
            code = re.search(r"/start (in_[A-Za-z0-9_-]+)", call.text or "")
            if code:
                self.values["code"] = code.group(1)


async def _measure(h: Harness) -> dict[str, tuple[int, list[str]]]:
    values: dict[str, Any] = await _setup(h)
    h.transport.files["list1"] = "Ytterhogdals skola\nSödra skolan Sveg\n".encode()
    journey = Journey(h, values)
    figures: dict[str, tuple[int, list[str]]] = {}
    for step in STEPS:
        update = journey.update_for(step)
        with watching(h) as ledger:
            calls = await h.feed(update)
        assert ledger.open == 0, f"{step.label} left a transaction open"
        assert calls or step.silent, f"no answer to {step.label}"
        journey.answered(step.person, calls)
        if VERBOSE:
            print(step.label, [(c.method, (c.text or "")[:60], c.buttons) for c in calls])
        figures[step.label] = (ledger.begun, ledger.calls_in_transaction)
    return figures


async def test_each_update_is_one_transaction_and_replies_after_it(harness: Harness) -> None:
    figures = await _measure(harness)
    print("\ntransactions per update:")
    for label, (begun, inside) in figures.items():
        print(f"  {begun}  {label}" + (f"   Telegram inside: {inside}" if inside else ""))
    inside = {label: calls for label, (_, calls) in figures.items() if calls}
    assert inside == {}, f"Telegram called inside a transaction: {inside}"
    above = {label: n for label, (n, _) in figures.items() if n > 1}
    assert above == ABOVE_ONE, f"more than one transaction: {above}"


async def test_the_counter_sees_a_second_transaction(harness: Harness) -> None:
    """The ledger itself: two transactions in one update are seen as two."""
    await _setup(harness)
    with watching(harness) as ledger:
        async with harness.services.db.read() as session:
            await catalogue.municipality_by_name(session, "Härjedalen")
        async with harness.services.db.transaction() as session:
            await catalogue.municipality_by_name(session, "Härjedalen")
    assert ledger.begun == 2
    assert ledger.open == 0


# --- one access module: admin commands and buttons refused the same way ----------------------

ADMIN_COMMANDS = [c for c in texts.COMMANDS if c.audience == "admin"]
OUTSIDERS = [
    CITIZEN,
    CITIZEN_EN,
    REPORTER,
    Person(REPORTER.user_id, REPORTER.first_name, "en"),
]


def _refusal(command: str, argument: str, lang: texts.Lang) -> str:
    """The one refusal, and the two older variants kept word for word (replies unchanged):
    /export's points to /hurgardet, and a rename names what only admins may rename."""
    if command == "export":
        return export_render.only_admins(lang)
    if command == "kortnamn" and argument.split()[:1] and argument.split()[0].isdigit():
        return admin_render.rename_refused(lang, NotAllowed(""))
    return admin_render.only_admins(lang)


async def test_every_admin_command_refuses_others_politely_and_the_same_way(
    harness: Harness,
) -> None:
    values = await _setup(harness)
    for info in ADMIN_COMMANDS:
        for name in (info.name, *info.aliases):
            for argument in ("", f" {values['pledge']} nytt namn", " Härjedalen"):
                for person in OUTSIDERS:
                    lang = texts.lang_of(person.language_code)
                    with watching(harness) as ledger:
                        calls = await harness.send(person, f"/{name}{argument}")
                    said = [(c.method, c.text) for c in calls]
                    assert said == [("sendMessage", _refusal(info.name, argument, lang))], (
                        name,
                        said,
                    )
                    assert ledger.begun <= 1, (name, ledger.begun)
                    assert ledger.calls_in_transaction == []


async def test_admin_buttons_pressed_by_others_are_refused_with_the_one_alert(
    harness: Harness,
) -> None:
    values = await _setup(harness)
    mid = values["mid"]
    presses = [
        ("sh", mid, "v"),
        ("sh", mid, "a", 1),
        ("sh", mid, "t"),
        ("sh", mid, "p"),
        ("iv", mid),
        ("iv", mid, "r", "p"),
        ("rm", 1),
        ("ry", 1),
        ("ll", values["pledge"]),
    ]
    for person in OUTSIDERS:
        lang = texts.lang_of(person.language_code)
        for press in presses:
            calls = await harness.press(person, callbacks.encode(*press))
            said = [(c.method, c.params.get("text"), c.params.get("show_alert")) for c in calls]
            assert said == [("answerCallbackQuery", admin_render.only_admins(lang), True)], (
                press,
                said,
            )


# --- a typed answer is used up in the transaction of its change -----------------------------


async def test_a_typed_schema_time_is_used_up_only_with_its_change(harness: Harness) -> None:
    """The admin types the posting time the bot asked for, and the write of the schedule fails
    once (the database went away mid-transaction). Nothing of the update stays: the question
    still waits, and the same update handled again (the inbox's retry) sets the time. Were the
    question used up in a transaction of its own, the retry would read "10.30" afresh."""
    values = await _setup(harness)
    mid = values["mid"]
    await harness.press(ADMIN, f"1|sh|{mid}|t")
    engine = harness.services.db.engine.sync_engine
    failures = [1]

    def fail_once(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if failures[0] and "post_schedules" in statement and not statement.startswith("SELECT"):
            failures[0] -= 1
            raise ConnectionError("the database went away")

    event.listen(engine, "before_cursor_execute", fail_once)
    answer = harness.factory.message(ADMIN, "10.30")
    try:
        await harness.feed(answer)
    finally:
        event.remove(engine, "before_cursor_execute", fail_once)
    assert failures == [0]
    assert len(harness.errors) == 1
    harness.errors.clear()
    async with harness.services.db.read() as session:
        state = await activities.get_state(session, ADMIN.user_id, harness.services.now())
    assert state is not None
    assert state.kind == "schedule_time"

    calls = await harness.feed(answer)  # handled again
    assert any("Tid 10:30" in b["text"] for c in calls for row in c.buttons for b in row), calls
    async with harness.services.db.read() as session:
        plan = await schedules.schedule_of(session, mid)
        assert await activities.get_state(session, ADMIN.user_id, harness.services.now()) is None
    assert f"{plan.post_time:%H:%M}" == "10:30"


# --- through the inbox: its bookkeeping beside the update's one transaction -----------------


async def test_through_the_inbox_each_update_adds_its_one_transaction_and_a_done_mark(
    harness: Harness,
) -> None:
    """The same kinds of update stored in the inbox and processed from it: per batch one
    claim, per update its one transaction (as counted above) and the done mark, which must
    follow the reply. No Telegram call inside any of them."""
    await _setup(harness)
    messages = [
        harness.factory.message(CITIZEN, "hur går det i Härjedalen?"),
        harness.factory.message(REPORTER, "skolbesök på Hede skola i dag"),
        harness.factory.message(ADMIN, "/schema"),
        harness.factory.message(CITIZEN, "/tyck Det körs för fort förbi skolan"),
    ]
    async with harness.services.db.transaction() as session:
        await inbox_store.store(
            session, [(key_of(p), p["update_id"], p) for p in messages], harness.clock.now()
        )
    processor = InboxProcessor(
        harness.app, now=harness.clock.now, worker="test-worker", batch=len(messages)
    )
    try:
        with watching(harness) as ledger:
            handled = await processor.run_once()
    finally:
        await processor.stop()
    assert handled == len(messages)
    assert ledger.calls_in_transaction == []
    assert ledger.open == 0
    claim = 1
    assert ledger.begun == claim + len(messages) * 2, ledger.begun
