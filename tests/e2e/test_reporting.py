"""Reporters log activities from their phone: one message, a pick, /logga; fixes and edits."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from bot.console.transport import ApiCall
from bot.render import callbacks
from bot.services.examples import load_examples
from storage import catalogue, people
from storage.models import Activity, AuditEntry, Draft, ProcessedUpdate, Role
from tests.conftest import CITIZEN, REPORTER, Harness, Person, replies

TODAY = date(2026, 11, 21)  # a Saturday
OTHER = Person(200_010, "Mio", "sv")  # a reporter in Åsele only


async def _setup(h: Harness) -> None:
    async with h.services.db.transaction() as session:
        await load_examples(session, today=TODAY, now=h.services.now())
    await _grant(h, REPORTER.user_id, "Härjedalen", Role.REPORTER)
    await _grant(h, OTHER.user_id, "Åsele", Role.REPORTER)


async def _grant(h: Harness, user_id: int, municipality: str, role: Role) -> None:
    async with h.services.db.transaction() as session:
        place = await catalogue.municipality_by_name(session, municipality)
        assert place is not None
        reporter = await people.ensure_reporter(session, user_id)
        await people.grant(session, reporter, place, role)


async def _mine(h: Harness, user_id: int = REPORTER.user_id) -> list[Activity]:
    async with h.services.db.read() as session:
        from storage.models import Reporter

        rows = await session.scalars(
            select(Activity)
            .join(Reporter, Reporter.id == Activity.reporter_id)
            .where(Reporter.telegram_user_id == user_id)
            .order_by(Activity.id)
        )
        return list(rows)


async def _live(h: Harness, user_id: int = REPORTER.user_id) -> list[Activity]:
    return [a for a in await _mine(h, user_id) if a.deleted_at is None]


async def _short_name(h: Harness, pledge_id: int | None) -> str | None:
    if pledge_id is None:
        return None
    from storage.models import Pledge

    async with h.services.db.read() as session:
        pledge = await session.get(Pledge, pledge_id)
        return pledge.short_name if pledge else None


def _buttons(calls: list[ApiCall]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}


def _only_reply(calls: list[ApiCall]) -> str:
    texts = replies(calls)
    assert len(texts) == 1, texts
    return texts[0]


async def _audit(h: Harness) -> list[tuple[str, int | None]]:
    async with h.services.db.read() as session:
        rows = await session.execute(
            select(AuditEntry.action, AuditEntry.actor_user_id)
            .where(AuditEntry.entity == "activity")
            .order_by(AuditEntry.id)
        )
        return [(a, u) for a, u in rows]


# --- one message --------------------------------------------------------------------------


async def test_a_clear_message_is_saved_at_once_with_an_undo_button(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "3 trafikkontroller E45 igår")
    text = _only_reply(calls)
    assert text.startswith("✅ Sparat: <b>trafikkontroller</b> · 3 st · i går")
    assert "E45" in text
    assert "Härjedalen" in text
    assert "↩️ Ångra" in _buttons(calls)
    [activity] = await _mine(harness)
    assert await _short_name(harness, activity.pledge_id) == "trafikkontroller"
    assert (activity.count, activity.occurred_on) == (3, TODAY - timedelta(days=1))
    assert activity.place == "E45"
    assert activity.note == "3 trafikkontroller E45 igår"
    assert await _audit(harness) == [("activity.create", REPORTER.user_id)]

    # The Ångra button removes it softly, and says so.
    calls = await harness.press(REPORTER, _buttons(calls)["↩️ Ångra"])
    assert "Borttaget" in replies(calls)[0]
    [activity] = await _mine(harness)
    assert activity.deleted_at is not None
    assert [a for a, _ in await _audit(harness)] == ["activity.create", "activity.delete"]


async def test_the_same_update_delivered_twice_creates_one_activity_and_one_reply(
    harness: Harness,
) -> None:
    await _setup(harness)
    update = harness.factory.message(REPORTER, "skolbesök Sveg skola idag")
    first = await harness.feed(update)
    second = await harness.feed(update)
    assert len(replies(first)) == 1
    assert second == []
    assert len(await _mine(harness)) == 1
    async with harness.services.db.read() as session:
        keys = (await session.scalars(select(ProcessedUpdate.key))).all()
    assert f"msg:{REPORTER.user_id}:{update['message']['message_id']}" in keys


async def test_an_edited_message_changes_its_activity_instead_of_adding_one(
    harness: Harness,
) -> None:
    await _setup(harness)
    original = harness.factory.message(REPORTER, "2 trafikkontroller idag")
    await harness.feed(original)
    calls = await harness.feed(harness.factory.edited(original, "4 trafikkontroller igår"))
    assert _only_reply(calls).startswith("✏️ Ändrat: <b>trafikkontroller</b> · 4 st · i går")
    [activity] = await _mine(harness)
    assert (activity.count, activity.occurred_on) == (4, TODAY - timedelta(days=1))
    assert [a for a, _ in await _audit(harness)] == ["activity.create", "activity.edit"]


async def test_two_edits_in_one_second_both_count(harness: Harness) -> None:
    await _setup(harness)
    original = harness.factory.message(REPORTER, "2 trafikkontroller idag")
    await harness.feed(original)
    first = harness.factory.edited(original, "4 trafikkontroller idag")
    second = harness.factory.edited(original, "5 trafikkontroller idag")
    assert first["edited_message"]["edit_date"] == second["edited_message"]["edit_date"]
    await harness.feed(first)
    calls = await harness.feed(second)
    assert _only_reply(calls).startswith("✏️ Ändrat: <b>trafikkontroller</b> · 5 st")
    [activity] = await _mine(harness)
    assert activity.count == 5
    assert await harness.feed(second) == []  # the same edit delivered again changes nothing


async def test_a_photo_with_a_caption_is_logged_and_keeps_the_photo(harness: Harness) -> None:
    await _setup(harness)
    photo = {
        "photo": [
            {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
            {"file_id": "large", "file_unique_id": "l", "width": 1280, "height": 960},
        ],
        "caption": "föräldramöte i Funäsdalen igår",
    }
    calls = await harness.send(REPORTER, None, extra=photo)
    assert "föräldramöten" in _only_reply(calls)
    [activity] = await _mine(harness)
    assert activity.photo_file_id == "large"


async def test_a_photo_without_caption_asks_what_was_done(harness: Harness) -> None:
    await _setup(harness)
    photo = {"photo": [{"file_id": "p1", "file_unique_id": "p", "width": 9, "height": 9}]}
    calls = await harness.send(REPORTER, None, extra=photo)
    assert "Tack för bilden" in _only_reply(calls)
    buttons = _buttons(calls)
    assert "Extra insats (utanför löftena)" in buttons
    calls = await harness.press(REPORTER, buttons["tobaksfri duo"])
    [activity] = await _mine(harness)
    assert await _short_name(harness, activity.pledge_id) == "tobaksfri duo"
    assert activity.photo_file_id == "p1"


async def test_a_message_that_matches_nothing_offers_the_pledges_and_extra(
    harness: Harness,
) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "nattvandring med föreningarna i fredags")
    assert "inget löfte som passar" in _only_reply(calls)
    buttons = _buttons(calls)
    assert "trafikkontroller" in buttons
    assert await _mine(harness) == []  # nothing saved before the pick
    calls = await harness.press(REPORTER, buttons["Extra insats (utanför löftena)"])
    assert "Extra insats (utanför löftena)" in replies(calls)[0]
    [activity] = await _mine(harness)
    assert activity.pledge_id is None
    assert activity.occurred_on == TODAY - timedelta(days=1)  # i fredags
    async with harness.services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Draft)) == 0

    # Pressing the same button again saves nothing more.
    again = await harness.press(REPORTER, buttons["Extra insats (utanför löftena)"])
    assert len(await _mine(harness)) == 1
    assert again[0].method == "answerCallbackQuery"


async def test_problems_are_explained_and_nothing_is_saved(harness: Harness) -> None:
    await _setup(harness)
    cases = {
        "0 trafikkontroller idag": "Antalet blev 0",
        "-3 trafikkontroller idag": "negativt",
        "10 000 trafikkontroller idag": "större än 999",
        "trafikkontroll i morgon": "framtiden",
        "trafikkontroll 2027-01-05": "framtiden",
        # A day that is not clear (a week, a date that does not exist) is asked, in one tap.
        "trafikkontroll förra veckan": "Vilken dag gällde det?",
        "trafikkontroll 31/2": "Vilken dag gällde det?",
        "trafikkontroll " + "x" * 4000: "för långt",
    }
    for message, expected in cases.items():
        calls = await harness.send(REPORTER, message)
        assert expected in _only_reply(calls), message
    assert await _mine(harness) == []


async def test_emoji_and_html_like_text_are_kept_and_escaped(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "👮 2 trafikkontroller vid <b>Sveg & Ytterhogdal</b> igår")
    text = _only_reply(calls)
    assert "<b>Sveg" not in text
    assert "· Sveg &amp; Ytterhogdal" in text
    [activity] = await _mine(harness)
    assert activity.count == 2
    assert activity.note is not None and "<b>" in activity.note


# --- who may log --------------------------------------------------------------------------


async def test_people_without_a_role_cannot_log(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(CITIZEN, "3 trafikkontroller E45 igår")
    assert len(replies(calls)) == 1
    assert "✅" not in replies(calls)[0]
    calls = await harness.send(CITIZEN, "/logga")
    assert "rapportörer" in _only_reply(calls)
    async with harness.services.db.read() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(Activity).where(Activity.reporter_id.is_not(None))
            )
            == 0
        )


async def test_a_revoked_reporter_cannot_log_or_press_old_buttons(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "3 trafikkontroller idag")
    undo = _buttons(calls)["↩️ Ångra"]
    async with harness.services.db.transaction() as session:
        for membership, _ in await people.active_memberships(session, REPORTER.user_id):
            membership.revoked_at = harness.services.now()
    calls = await harness.send(REPORTER, "2 trafikkontroller idag")
    assert "✅" not in replies(calls)[0]
    calls = await harness.press(REPORTER, undo)
    assert calls[0].method == "answerCallbackQuery"
    assert "rapportörer" in calls[0].params["text"]
    [activity] = await _mine(harness)
    assert activity.deleted_at is None


async def test_a_reporter_cannot_touch_another_municipality(harness: Harness) -> None:
    await _setup(harness)
    # Åsele's reporter writes about a Härjedalen pledge: it cannot land in Härjedalen.
    await harness.send(OTHER, "3 trafikkontroller E45 igår")
    for activity in await _mine(harness, OTHER.user_id):
        async with harness.services.db.read() as session:
            place = await catalogue.municipality_by_name(session, "Åsele")
        assert place is not None
        assert activity.municipality_id == place.id
    # Buttons with ids from another reporter's entries or drafts are refused.
    calls = await harness.send(REPORTER, "3 trafikkontroller idag")
    [mine] = await _mine(harness)
    for data in (
        callbacks.encode("un", mine.id),
        callbacks.encode("sc", mine.id, 7),
        callbacks.encode("me", mine.id),
    ):
        calls = await harness.press(OTHER, data)
        assert calls[0].method == "answerCallbackQuery"
        assert calls[0].params.get("show_alert") is True
    [mine] = await _mine(harness)
    assert (mine.count, mine.deleted_at) == (3, None)
    # A Härjedalen pledge id in a /logga button is refused for the Åsele reporter.
    before = len(await _mine(harness, OTHER.user_id))
    day = TODAY.strftime("%Y%m%d")
    calls = await harness.press(OTHER, callbacks.encode("ls", mine.pledge_id or 0, 1, day))
    assert calls[0].params.get("show_alert") is True
    assert len(await _mine(harness, OTHER.user_id)) == before


async def test_stale_and_malformed_buttons_are_answered_politely(harness: Harness) -> None:
    await _setup(harness)
    for data in ("0|un|1", "1|un|x", "1|sd|1|2026999", "1|dp|999999|1", "garbage"):
        calls = await harness.press(REPORTER, data)
        assert calls[0].method == "answerCallbackQuery"
        assert calls[0].params.get("text")


# --- fixes --------------------------------------------------------------------------------


async def test_undo_command_and_my_entries_with_count_and_date_changes(harness: Harness) -> None:
    await _setup(harness)
    await harness.send(REPORTER, "2 trafikkontroller idag")
    await harness.send(REPORTER, "tobaksfri duo igår")
    calls = await harness.send(REPORTER, "/angra")
    assert "tobaksfri duo" in _only_reply(calls)
    assert [a.count for a in await _live(harness)] == [2]

    calls = await harness.send(REPORTER, "/mina")
    text = _only_reply(calls)
    assert "1. <b>trafikkontroller</b> · 2 st · i dag" in text
    calls = await harness.press(REPORTER, _buttons(calls)["1"])
    buttons = _buttons(calls)
    assert {"Antal", "Datum", "Plats", "🗑 Ta bort"} <= set(buttons)

    calls = await harness.press(REPORTER, buttons["Antal"])
    calls = await harness.press(REPORTER, _buttons(calls)["5"])
    assert "5 st" in replies(calls)[0]
    calls = await harness.press(REPORTER, buttons["Datum"])
    calls = await harness.press(REPORTER, _buttons(calls)["i går"])
    [activity] = await _live(harness)
    assert (activity.count, activity.occurred_on) == (5, TODAY - timedelta(days=1))

    # Typing a date and a place when asked.
    calls = await harness.press(REPORTER, buttons["Datum"])
    await harness.press(REPORTER, _buttons(calls)["Skriv ett datum"])
    calls = await harness.send(REPORTER, "i tisdags")
    assert "tisdag 17 november" in replies(calls)[0]
    await harness.press(REPORTER, buttons["Plats"])
    await harness.send(REPORTER, "Rv 84 Hede")
    [activity] = await _live(harness)
    assert (activity.occurred_on, activity.place) == (date(2026, 11, 17), "Rv 84 Hede")

    calls = await harness.press(REPORTER, buttons["🗑 Ta bort"])
    assert await _live(harness) == []
    calls = await harness.press(REPORTER, _buttons(calls)["Ta tillbaka"])
    assert len(await _live(harness)) == 1
    actions = [a for a, _ in await _audit(harness)]
    assert actions.count("activity.edit") == 4
    assert actions[-2:] == ["activity.delete", "activity.restore"]


async def test_an_answer_that_is_not_a_number_changes_nothing(harness: Harness) -> None:
    await _setup(harness)
    await harness.send(REPORTER, "2 trafikkontroller idag")
    [activity] = await _live(harness)
    await harness.press(REPORTER, callbacks.encode("cw", activity.id))
    calls = await harness.send(REPORTER, "många")
    assert "siffror" in _only_reply(calls)
    await harness.press(REPORTER, callbacks.encode("cw", activity.id))
    calls = await harness.send(REPORTER, "0")
    assert "minst 1" in _only_reply(calls)
    [activity] = await _live(harness)
    assert activity.count == 2


async def test_editing_a_typed_answer_into_a_report_adds_no_activity(harness: Harness) -> None:
    await _setup(harness)
    await harness.send(REPORTER, "2 trafikkontroller idag")
    [activity] = await _live(harness)
    await harness.press(REPORTER, callbacks.encode("cw", activity.id))
    answer = harness.factory.message(REPORTER, "5")
    await harness.feed(answer)
    calls = await harness.feed(harness.factory.edited(answer, "5 trafikkontroller idag"))
    assert "var ett svar på min fråga" in _only_reply(calls)
    [activity] = await _live(harness)
    assert activity.count == 5


# --- /logga -------------------------------------------------------------------------------


async def test_guided_logging_takes_three_taps_and_saves_once(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "/logga")
    assert "Välj fokusområde" in _only_reply(calls)
    calls = await harness.press(REPORTER, _buttons(calls)["Trafiksäkerhet"], message_id=500)
    calls = await harness.press(REPORTER, _buttons(calls)["trafikkontroller"], message_id=500)
    card = _only_reply(calls)
    assert "Antal: 1 · Dag: i dag" in card
    save = _buttons(calls)["✅ Spara"]
    calls = await harness.press(REPORTER, save, message_id=500)
    assert replies(calls)[0].startswith("✅ Sparat: <b>trafikkontroller</b> · 1 st · i dag")
    await harness.press(REPORTER, save, message_id=500)  # a double tap
    [activity] = await _mine(harness)
    assert activity.count == 1


async def test_guided_logging_with_count_day_and_place(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(REPORTER, "/logga")
    calls = await harness.press(REPORTER, _buttons(calls)["Ungdomar i fokus"], message_id=600)
    calls = await harness.press(REPORTER, _buttons(calls)["föräldramöten"], message_id=600)
    calls = await harness.press(REPORTER, _buttons(calls)["Antal"], message_id=600)
    calls = await harness.press(REPORTER, _buttons(calls)["2"], message_id=600)
    calls = await harness.press(REPORTER, _buttons(calls)["Dag"], message_id=600)
    calls = await harness.press(REPORTER, _buttons(calls)["i förrgår"], message_id=600)
    assert "Antal: 2 · Dag: i förrgår" in replies(calls)[0]
    calls = await harness.press(REPORTER, _buttons(calls)["Plats …"], message_id=600)
    assert "Skriv platsen" in replies(calls)[0]
    calls = await harness.send(REPORTER, "Hede skola")
    assert "✅ Sparat" in replies(calls)[0]
    [activity] = await _mine(harness)
    assert (activity.count, activity.occurred_on, activity.place) == (
        2,
        TODAY - timedelta(days=2),
        "Hede skola",
    )


async def test_every_text_reply_fits_telegram(harness: Harness) -> None:
    await _setup(harness)
    calls: list[ApiCall] = []
    for message in ("/logga", "/mina", "trafik", "x" * 4096, "🙂", "<b>&"):
        calls += await harness.send(REPORTER, message)
    for call in calls:
        assert len(call.text or "") <= 4096
        for row in call.buttons:
            for button in row:
                assert len(button["callback_data"].encode()) <= 64


async def test_a_logged_report_writes_its_key_and_its_reply_in_one_row(harness: Harness) -> None:
    """The reply is recorded with the change (it must be as durable as the report). On SQLite,
    where a writing transaction holds the one write lock from its start, the report's key is
    read with the catalogue version and claimed last, with the reply: one INSERT, no UPDATE.
    On PostgreSQL the key is claimed first and the reply added to its row."""
    from sqlalchemy import event

    h = harness
    await _setup(h)
    await h.send(REPORTER, "2 trafikkontroller igår")  # the caches warm
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(" ".join(statement.split()[:3]))

    engine = h.services.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        calls = await h.send(REPORTER, "3 trafikkontroller idag")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert "Sparat" in " ".join(replies(calls))
    claims = [s for s in seen if "processed_updates" in s]
    if h.services.db.is_sqlite:
        assert claims == ["INSERT INTO processed_updates"], seen
    else:
        assert claims == ["INSERT INTO processed_updates", "UPDATE processed_updates SET"], seen
    async with h.services.db.read() as session:
        row = (
            (
                await session.execute(
                    select(ProcessedUpdate).order_by(ProcessedUpdate.update_id.desc())
                )
            )
            .scalars()
            .first()
        )
    assert row is not None and row.payload is not None and "reply" in row.payload
    assert row.processed_at is None  # the harness has no inbox to mark the reply sent
