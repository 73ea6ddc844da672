"""Citizens ask "hur går det?" and get an honest answer; subscriptions, synpunkter, /glom."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from bot.console.transport import ApiCall
from bot.services.catalogue import save_catalogue
from bot.services.examples import load_examples
from storage import catalogue, people
from storage.models import Activity, ChatSetting, Feedback, Pledge, Role, Subscriber
from tests.conftest import ADMIN, CITIZEN, CITIZEN_EN, REPORTER, Harness, replies

TODAY = date(2026, 11, 21)
BOT = "LoftesbotenBot"


async def _setup(h: Harness) -> None:
    async with h.services.db.transaction() as session:
        await load_examples(session, today=TODAY, now=h.services.now())


def _buttons(calls: list[ApiCall]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for c in calls for row in c.buttons for b in row}


def _text(calls: list[ApiCall]) -> str:
    return "\n".join(replies(calls))


async def _pledge_id(h: Harness, municipality: str, short_name: str) -> int:
    async with h.services.db.read() as session:
        place = await catalogue.municipality_by_name(session, municipality)
        assert place is not None
        pid = await session.scalar(
            select(Pledge.id).where(
                Pledge.municipality_id == place.id, Pledge.short_name == short_name
            )
        )
    assert pid is not None
    return int(pid)


async def test_how_is_it_going_in_a_municipality(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(CITIZEN, "Hur går det i Åsele?")
    text = _text(calls)
    assert "<b>Hur går det i Åsele?</b>" in text
    assert "Trygghet och synlig polis" in text
    assert "<b>trafikinsatser</b> (polisen)" in text
    assert "av minst 4 trafikinsatser i år" in text
    assert any(word in text for word in ("I fas", "Efter plan", "Uppfyllt", "Ej bedömt ännu"))
    assert "Uppgifterna uppdaterades senast" in text
    buttons = _buttons(calls)
    assert "📊 Visa diagram" in buttons
    assert "Trygghet och synlig polis" in buttons
    for call in calls:
        assert len(call.text or "") <= 4096

    # The chat's municipality is remembered.
    calls = await harness.send(CITIZEN, "hur går det?")
    assert "Hur går det i Åsele?" in _text(calls)


async def test_unmeasurable_pledges_show_what_was_done_never_a_percentage(
    harness: Harness,
) -> None:
    await _setup(harness)
    text = _text(await harness.send(CITIZEN, "hur går det i Härjedalen"))
    line = next(x for x in text.split("\n") if "<b>samverkan</b>" in x)
    # "Kan inte mätas" read as "the work cannot be measured": the pledge has no measurable
    # target, and what was done is shown with its date.
    assert "<i>Inget mätbart mål</i>" in line
    assert " senast " in line
    assert "Kan inte mätas" not in text
    assert "%" not in text


async def test_names_without_accents_in_genitive_and_with_typos(harness: Harness) -> None:
    await _setup(harness)
    for question, name in (
        ("hur går det för Härnösands kommun", "Härnösand"),
        ("asele", "Åsele"),
        ("HUR GÅR DET I HAPARANDA", "Haparanda"),
        ("hur gar det i harjedalen", "Härjedalen"),
    ):
        text = _text(await harness.send(CITIZEN, question))
        assert f"Hur går det i {name}?" in text, question


async def test_a_focus_area_and_a_single_pledge(harness: Harness) -> None:
    await _setup(harness)
    text = _text(await harness.send(CITIZEN, "hur går det med trafiken i Härjedalen"))
    assert "trafikkontroller" in text
    assert "lag och rätt" not in text
    await harness.send(CITIZEN, "/kommun Åsele")
    text = _text(await harness.send(CITIZEN, "har ni besökt skolorna?"))
    assert "<b>skolbesök · Åsele</b>" in text
    pid = await _pledge_id(harness, "Åsele", "skolbesök")
    assert f"https://t.me/{BOT}?start=p_{pid}" in text


async def test_what_was_promised_by_the_police(harness: Harness) -> None:
    await _setup(harness)
    text = _text(await harness.send(CITIZEN, "vad har polisen lovat i Härjedalen"))
    assert "det polisen har lovat" in text
    assert "trafikkontroller" in text
    assert "tobaksfri duo" not in text  # the municipality's own pledge
    text = _text(await harness.send(CITIZEN, "/loften Haparanda"))
    assert "Medborgarlöften i Haparanda" in text
    assert "droginsatser" in text


async def test_commands_with_and_without_a_municipality(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(CITIZEN, "/hurgardet")
    assert "Vilken kommun undrar du över?" in _text(calls)
    calls = await harness.press(CITIZEN, _buttons(calls)["Haparanda"])
    assert "Hur går det i Haparanda?" in _text(calls)
    calls = await harness.send(CITIZEN, "/hurgardet Härnösand")
    assert "Hur går det i Härnösand?" in _text(calls)
    calls = await harness.send(CITIZEN, "/hurgardet kiruna")
    assert "<b>Kiruna</b> har inga medborgarlöften här i boten än." in _text(calls)
    calls = await harness.send(CITIZEN, "/hurgardet narnia")
    assert "känner inte till någon kommun som heter ”narnia”" in _text(calls)


async def test_an_unknown_municipality_gets_the_list(harness: Harness) -> None:
    await _setup(harness)
    text = _text(await harness.send(CITIZEN, "hur går det i Narnia?"))
    assert "”Narnia”" in text
    for name in ("Haparanda", "Härjedalen", "Härnösand", "Åsele"):
        assert name in text


async def test_a_municipality_without_pledges(harness: Harness) -> None:
    await _setup(harness)
    async with harness.services.db.transaction() as session:
        await catalogue.get_or_create_municipality(session, "Tomtebo")
    text = _text(await harness.send(CITIZEN, "/hurgardet Tomtebo"))
    assert "Det finns inga medborgarlöften inlagda för Tomtebo än." in text


async def test_nonsense_empty_long_and_sticker_messages_get_a_polite_answer(
    harness: Harness,
) -> None:
    await _setup(harness)
    for message in ("asdf qwerty", "   ", "🙂🙂", "x" * 4096, "<b>&amp;</b>"):
        calls = await harness.send(CITIZEN, message)
        assert len(replies(calls)) >= 1, message
        for call in calls:
            assert len(call.text or "") <= 4096
    sticker = {"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular",
                           "width": 512, "height": 512, "is_animated": False, "is_video": False}}  # fmt: skip
    calls = await harness.send(CITIZEN, None, extra=sticker)
    assert len(replies(calls)) == 1


async def test_english_questions_get_english_answers(harness: Harness) -> None:
    await _setup(harness)
    text = _text(await harness.send(CITIZEN_EN, "how is it going in Asele?"))
    assert "How is Åsele doing?" in text
    assert "this year" in text


async def test_groups_only_answer_commands_and_mentions(harness: Harness) -> None:
    await _setup(harness)
    group: dict[str, Any] = {"chat_id": -100123, "chat_type": "supergroup"}
    assert await harness.send(CITIZEN, "hur går det i Åsele", **group) == []
    mention = f"@{BOT} hur går det i Åsele"
    entity = {"entities": [{"type": "mention", "offset": 0, "length": len(BOT) + 1}]}
    calls = await harness.send(CITIZEN, mention, extra=entity, **group)
    assert "Hur går det i Åsele?" in _text(calls)
    calls = await harness.send(CITIZEN, "/hurgardet Haparanda", **group)
    assert "Hur går det i Haparanda?" in _text(calls)


async def test_the_chart_is_a_png_with_a_short_caption(harness: Harness) -> None:
    await _setup(harness)
    calls = await harness.send(CITIZEN, "hur går det i Haparanda")
    calls = await harness.press(CITIZEN, _buttons(calls)["📊 Visa diagram"])
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    assert len(photo.params["caption"]) <= 1024
    assert "Haparanda" in photo.params["caption"]
    [png] = photo.uploads.values()
    assert png.startswith(b"\x89PNG")


async def test_deep_links_open_a_pledge(harness: Harness) -> None:
    await _setup(harness)
    pid = await _pledge_id(harness, "Haparanda", "droginsatser")
    text = _text(await harness.send(CITIZEN, f"/start p_{pid}"))
    assert "<b>droginsatser · Haparanda</b>" in text
    assert "Ansvar: polisen" in text
    assert f"?start=p_{pid}" in text
    text = _text(await harness.send(CITIZEN, "/start p_999999"))
    assert "finns inte längre" in text


async def test_public_answers_never_show_names_notes_or_private_places(
    harness: Harness,
) -> None:
    await _setup(harness)
    async with harness.services.db.read() as session:
        rows = (
            await session.execute(select(Activity.note, Activity.place, Activity.place_public))
        ).all()
    private_places = {p for _, p, public in rows if p and not public}
    public_places = {p for _, p, public in rows if p and public}
    notes = {n for n, _, _ in rows if n}
    seen = ""
    for name in ("Härjedalen", "Åsele", "Haparanda", "Härnösand"):
        calls = await harness.send(CITIZEN, f"hur går det i {name}")
        seen += _text(calls)
        for data in _buttons(calls).values():
            if data.startswith("1|ca|"):
                area = await harness.press(CITIZEN, data)
                seen += _text(area)
                for pledge_data in _buttons(area).values():
                    if pledge_data.startswith("1|cp|"):
                        seen += _text(await harness.press(CITIZEN, pledge_data))
    assert "Robin" not in seen and "Alex" not in seen
    for note in notes:
        assert note not in seen
    for place in private_places - public_places:
        assert place not in seen, place


async def test_subscribe_and_unsubscribe(harness: Harness) -> None:
    await _setup(harness)
    text = _text(await harness.send(CITIZEN, "/prenumerera Åsele"))
    assert "Klart!" in text
    text = _text(await harness.send(CITIZEN, "/prenumerera Åsele"))
    assert "redan" in text
    await harness.send(CITIZEN, "/prenumerera Haparanda")
    async with harness.services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Subscriber)) == 2
    text = _text(await harness.send(CITIZEN, "/avsluta Åsele"))
    assert "Åsele" in text and "Haparanda" not in text
    text = _text(await harness.send(CITIZEN, "/avsluta"))
    assert "Haparanda" in text
    async with harness.services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Subscriber)) == 0


async def test_feedback_reaches_the_admins_escaped_and_is_rate_limited(
    harness: Harness,
) -> None:
    await _setup(harness)
    async with harness.services.db.transaction() as session:
        place = await catalogue.municipality_by_name(session, "Åsele")
        assert place is not None
        admin = await people.ensure_reporter(session, ADMIN.user_id)
        await people.grant(session, admin, place, Role.ADMIN)
    calls = await harness.send(CITIZEN, "/tyck hej")
    assert "Vilken kommun" in _text(calls)
    await harness.send(CITIZEN, "/kommun asele")
    calls = await harness.send(CITIZEN, "/tyck Det körs <b>för fort</b> & ingen bryr sig")
    to_admin = [c for c in calls if c.chat_id == ADMIN.user_id]
    assert len(to_admin) == 1
    assert "&lt;b&gt;för fort&lt;/b&gt; &amp; ingen" in (to_admin[0].text or "")
    assert "Tack!" in replies([c for c in calls if c.chat_id == CITIZEN.user_id])[0]
    for _ in range(2):
        await harness.send(CITIZEN, "/tyck mer")
    calls = await harness.send(CITIZEN, "/tyck ännu mer")
    assert "vänta en stund" in _text(calls)
    async with harness.services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Feedback)) == 3


async def test_forget_deletes_everything_about_the_chat(harness: Harness) -> None:
    await _setup(harness)
    await harness.send(CITIZEN, "/prenumerera Åsele")
    await harness.send(CITIZEN, "/tyck bra jobbat")
    await harness.send(CITIZEN_EN, "/prenumerera Åsele")
    text = _text(await harness.send(CITIZEN, "/glom"))
    assert "glömt allt" in text
    async with harness.services.db.read() as session:
        for model in (Subscriber, Feedback, ChatSetting):
            rows = await session.scalar(
                select(func.count()).select_from(model).where(model.chat_id == CITIZEN.user_id)
            )
            assert rows == 0, model
        others = await session.scalar(select(func.count()).select_from(Subscriber))
    assert others == 1  # another chat's subscription stays


async def test_a_reporter_asking_a_question_gets_an_answer_not_a_log(harness: Harness) -> None:
    await _setup(harness)
    async with harness.services.db.transaction() as session:
        place = await catalogue.municipality_by_name(session, "Härjedalen")
        assert place is not None
        reporter = await people.ensure_reporter(session, REPORTER.user_id)
        await people.grant(session, reporter, place, Role.REPORTER)
    text = _text(await harness.send(REPORTER, "hur går det med trafikkontrollerna?"))
    assert "trafikkontroller" in text
    assert "✅" not in text
    async with harness.services.db.read() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(Activity).where(Activity.reporter_id.is_not(None))
            )
            == 0
        )


async def test_a_long_answer_is_split_between_lines(harness: Harness) -> None:
    await _setup(harness)
    pledges = [
        {
            "text": f"Löfte nummer {n}: " + "polisen och kommunen gör saker tillsammans " * 8,
            "short_name": f"löfte {n}",
            "responsible": "båda",
            "target": {
                "count": 2,
                "at_least": True,
                "per": "year",
                "unit": "träffar",
                "coverage": None,
            },
        }
        for n in range(90)
    ]
    document = {
        "source": "test",
        "kind": "pledges",
        "municipality": "Storstad",
        "police_area": None,
        "period": {"start": "2026-01-01", "end": "2027-12-31"},
        "focus_areas": [
            {"name": f"Område {a}", "pledges": pledges[a * 30 : (a + 1) * 30]} for a in range(3)
        ],
        "extra_activities": [],
        "warnings": [],
    }
    async with harness.services.db.transaction() as session:
        await save_catalogue(session, document, now=harness.services.now(), actor="cli")
    calls = await harness.send(CITIZEN, "hur går det i Storstad")
    texts = replies(calls)
    assert len(texts) >= 2
    for text in texts:
        assert len(text) <= 4096
        assert text.count("<b>") == text.count("</b>")
    assert sum(text.count("• <b>löfte") for text in texts) == 90
    assert calls[-1].buttons  # the buttons come with the last part


# --- every kommun and the larger towns lead somewhere true ----------------------------------


async def test_a_kommun_without_promises_in_the_bot_is_named_not_denied(harness: Harness) -> None:
    await _setup(harness)
    for question in ("hur går det i Stockholm?", "Stockholms medborgarlöften", "stockholm"):
        calls = await harness.send(CITIZEN, question)
        text = _text(calls)
        assert "<b>Stockholm</b> har inga medborgarlöften här i boten än." in text, question
        assert "känner inte till" not in text
        assert "Haparanda, Härjedalen, Härnösand och Åsele" in text
        assert set(_buttons(calls)) == {"Haparanda", "Härjedalen", "Härnösand", "Åsele"}
    text = _text(await harness.send(CITIZEN_EN, "how is it going in Goteborg?"))
    assert "<b>Göteborg</b> has no citizen pledges in this bot yet." in text
    # Nothing was remembered: a bare question still asks which kommun.
    assert "Vilken kommun undrar du över?" in _text(await harness.send(CITIZEN, "hur går det?"))
    text = _text(await harness.send(CITIZEN, "/kommun Malmö"))
    assert "<b>Malmö</b> har inga medborgarlöften här i boten än." in text


async def test_a_town_leads_to_its_kommun(harness: Harness) -> None:
    await _setup(harness)
    text = _text(await harness.send(CITIZEN, "hur går det i Sveg?"))
    assert text.startswith("Sveg ligger i Härjedalens kommun.")
    assert "<b>Hur går det i Härjedalen?</b>" in text
    text = _text(await harness.send(CITIZEN, "funäsdalen"))
    assert "Funäsdalen ligger i Härjedalens kommun." in text
    text = _text(await harness.send(CITIZEN, "hur går det i Märsta"))
    assert "Märsta ligger i Sigtunas kommun. <b>Sigtuna</b> har inga medborgarlöften" in text
    text = _text(await harness.send(CITIZEN, "hur går det med trafiken i Sveg"))
    assert "trafikkontroller" in text and "lag och rätt" not in text
    # The town's kommun is remembered.
    assert "Hur går det i Härjedalen?" in _text(await harness.send(CITIZEN, "hur går det?"))


async def test_a_short_name_with_its_last_letter_missing(harness: Harness) -> None:
    await _setup(harness)
    for question in ("Åsel", "hur går det i åsel?"):
        text = _text(await harness.send(CITIZEN, question))
        assert "<b>Hur går det i Åsele?</b>" in text, question


async def test_a_topic_without_a_pledge_is_said_so_not_answered_with_another(
    harness: Harness,
) -> None:
    await _setup(harness)
    await harness.send(CITIZEN, "/kommun Haparanda")
    text = _text(await harness.send(CITIZEN, "har ni besökt skolorna?"))
    assert text.startswith("Haparanda har inget medborgarlöfte om ”skolorna”.")
    assert "<b>föräldraträffar · Haparanda</b>" not in text  # not the card of another pledge
    assert "<b>Hur går det i Haparanda?</b>" in text
    assert "<b>droginsatser</b>" in text  # what Haparanda has
    text = _text(await harness.send(CITIZEN, "vad har ni lovat om skolbesöken?"))
    assert text.startswith("Haparanda har inget medborgarlöfte om ”skolbesöken”.")
    assert "Medborgarlöften i Haparanda" in text
    # Where such a pledge exists, its card.
    await harness.send(CITIZEN, "/kommun Åsele")
    assert "<b>skolbesök · Åsele</b>" in _text(
        await harness.send(CITIZEN, "har ni besökt skolorna?")
    )


def _variants(name: str, others: frozenset[str]) -> list[str]:
    """A kommun's name as people write it: as is, in the genitive, in lower case, without
    å/ä/ö (unless that is another kommun's name: "habo" is Habo, not Håbo), with "kommun"."""
    genitive = name if name[-1] in "sxz" else f"{name}s"
    folded = name.lower().translate(str.maketrans("åäö", "aao"))
    written = [name, genitive, name.lower(), f"{name} kommun"]
    if folded not in others:
        written += [folded, f"{folded}s kommun"]
    return written


def _typos(name: str) -> list[str]:
    """A longer one-word name with one letter left out, or two letters swapped, in the middle."""
    if len(name) < 7 or " " in name or "-" in name:
        return []
    middle = len(name) // 2
    dropped = name[:middle] + name[middle + 1 :]
    swapped = name[: middle - 1] + name[middle] + name[middle - 1] + name[middle + 1 :]
    return [dropped] if swapped == name else [dropped, swapped]


async def test_every_kommun_and_town_leads_somewhere_true(harness: Harness) -> None:
    """Sweden's 290 kommuner, written as people write them, and the larger towns: each leads to
    the kommun in the bot or to the honest "no promises here yet", never to another kommun."""
    from bot.domain.municipality_names import SWEDISH_MUNICIPALITIES
    from bot.domain.towns import TOWNS
    from bot.services import citizens

    await _setup(harness)
    cache = harness.services.cache

    def lead(found: citizens.PlaceFound) -> str | None:
        return found.place.name if found.place is not None else found.outside

    wrong: list[tuple[str, str | None, str]] = []
    typos = typos_right = 0
    async with harness.services.db.read() as session:
        assert len(SWEDISH_MUNICIPALITIES) == 290
        lower = frozenset(n.lower() for n in SWEDISH_MUNICIPALITIES)
        for name in SWEDISH_MUNICIPALITIES:
            for written in _variants(name, lower - {name.lower()}):
                found = await citizens.find_place(session, written, cache)
                if lead(found) != name:
                    wrong.append((written, lead(found), name))
                asked = await citizens.ask(session, 1, None, f"hur går det i {written}?")
                if (asked.question.kind, lead(asked.found)) != ("progress", name):
                    wrong.append((f"hur går det i {written}?", lead(asked.found), name))
            for typo in _typos(name):
                typos += 1
                found = await citizens.find_place(session, typo, cache)
                if lead(found) == name:
                    typos_right += 1
                elif lead(found) is not None:
                    wrong.append((typo, lead(found), name))
        for town, name in TOWNS.items():
            for written in (town, f"hur går det i {town}?"):
                found = await citizens.find_place(session, written, cache)
                if (lead(found), found.town) != (name, town):
                    wrong.append((written, lead(found), name))
    assert wrong == [], "\n".join(map(str, wrong))
    # A typo close to two names is asked back; nearly all lead to the right one.
    assert typos_right >= 0.9 * typos, (typos_right, typos)


# --- a synpunkt survives the questions the bot asks -----------------------------------------


async def _feedback_rows(h: Harness) -> list[tuple[str, str]]:
    async with h.services.db.read() as session:
        rows = await session.execute(
            select(Feedback.text, catalogue.Municipality.name).join(
                catalogue.Municipality, catalogue.Municipality.id == Feedback.municipality_id
            )
        )
        return [(str(text), str(name)) for text, name in rows]


async def test_a_synpunkt_waits_for_its_kommun_after_glom(harness: Harness) -> None:
    await _setup(harness)
    await harness.send(CITIZEN, "/kommun Åsele")
    await harness.send(CITIZEN, "/glom")
    calls = await harness.send(CITIZEN, "/tyck Det körs för fort på Storgatan")
    assert "Vilken kommun gäller din synpunkt?" in _text(calls)
    assert await _feedback_rows(harness) == []
    calls = await harness.press(CITIZEN, _buttons(calls)["Åsele"])
    assert "Tack! Din synpunkt är skickad till <b>Åsele</b>" in _text(calls)
    assert await _feedback_rows(harness) == [("Det körs för fort på Storgatan", "Åsele")]
    # The button cannot send it twice.
    calls = await harness.press(CITIZEN, "1|cf|2")
    assert "väntar inte på någon synpunkt" in _text(calls)
    assert len(await _feedback_rows(harness)) == 1


async def test_a_synpunkt_waits_for_a_typed_kommun_or_town(harness: Harness) -> None:
    await _setup(harness)
    await harness.send(CITIZEN, "/tyck Belysningen vid busshållplatsen är trasig")
    text = _text(await harness.send(CITIZEN, "Narnia"))
    assert "Jag hittar ingen kommun som heter ”Narnia”." in text
    text = _text(await harness.send(CITIZEN, "Stockholm"))
    assert "<b>Stockholm</b> finns inte med i boten än" in text
    # More words than a name: more of the synpunkt, which still waits (a kommun in it or not).
    text = _text(await harness.send(CITIZEN, "Det är mörkt vid hållplatsen i Sveg"))
    assert "Jag lade till det i din synpunkt." in text
    assert await _feedback_rows(harness) == []
    text = _text(await harness.send(CITIZEN, "sveg"))
    assert "Tack! Din synpunkt är skickad till <b>Härjedalen</b>" in text
    assert await _feedback_rows(harness) == [
        (
            "Belysningen vid busshållplatsen är trasig\nDet är mörkt vid hållplatsen i Sveg",
            "Härjedalen",
        )
    ]
    # The chat's kommun is remembered: the next one goes straight there.
    await harness.send(CITIZEN, "/tyck Tack för trafikkontrollerna")
    assert len(await _feedback_rows(harness)) == 2


async def test_tyck_alone_takes_the_next_message_as_the_synpunkt(harness: Harness) -> None:
    await _setup(harness)
    await harness.send(CITIZEN, "/kommun Haparanda")
    text = _text(await harness.send(CITIZEN, "/tyck"))
    assert "Skriv din synpunkt till polisen och kommunen i Haparanda i nästa meddelande" in text
    text = _text(await harness.send(CITIZEN, "Det körs för fort på Storgatan"))
    assert "Tack! Din synpunkt är skickad till <b>Haparanda</b>" in text
    assert await _feedback_rows(harness) == [("Det körs för fort på Storgatan", "Haparanda")]
    # Without a kommun: first the text, then the kommun.
    await harness.send(CITIZEN_EN, "/tyck")
    text = _text(await harness.send(CITIZEN_EN, "More lights in the park, please"))
    assert "Which municipality is your view about?" in text
    text = _text(await harness.send(CITIZEN_EN, "Härnösand"))
    assert "Thank you! Your view was sent to <b>Härnösand</b>" in text
    assert ("More lights in the park, please", "Härnösand") in await _feedback_rows(harness)


async def test_a_synpunkt_delivered_twice_is_stored_once(harness: Harness) -> None:
    await _setup(harness)
    async with harness.services.db.transaction() as session:
        place = await catalogue.municipality_by_name(session, "Åsele")
        assert place is not None
        admin = await people.ensure_reporter(session, ADMIN.user_id)
        await people.grant(session, admin, place, Role.ADMIN)
    await harness.send(CITIZEN, "/kommun Åsele")
    update = harness.factory.message(CITIZEN, "/tyck Mer ljus i parken")
    first = await harness.feed(update)
    second = await harness.feed(update)
    assert len([c for c in first if c.chat_id == ADMIN.user_id]) == 1
    assert second == []
    # The same for the text sent after /tyck, and for the kommun's button.
    await harness.send(CITIZEN, "/tyck")
    update = harness.factory.message(CITIZEN, "Fler papperskorgar vid skolan")
    assert "Tack!" in _text(await harness.feed(update))
    assert await harness.feed(update) == []
    calls = await harness.send(CITIZEN_EN, "/tyck Bänkar vid badet")
    press = harness.factory.callback(CITIZEN_EN, _buttons(calls)["Åsele"])
    assert "Thank you!" in _text(await harness.feed(press))
    assert replies(await harness.feed(press)) == []
    rows = await _feedback_rows(harness)
    assert sorted(text for text, _ in rows) == [
        "Bänkar vid badet",
        "Fler papperskorgar vid skolan",
        "Mer ljus i parken",
    ]


# --- The field's words -------------------------------------------------------------------------


async def test_a_citizen_s_word_for_an_activity_leads_to_its_pledge(harness: Harness) -> None:
    """A citizen's "fartkontroller", "speed checks", "synlig polis på torget": the lexicon
    of the field leads them to the pledge that names the same activity otherwise."""
    await _setup(harness)
    text = _text(await harness.send(CITIZEN, "gör ni fartkontroller i Sveg?"))
    assert "<b>trafikkontroller · Härjedalen</b>" in text
    text = _text(await harness.send(CITIZEN_EN, "any speed checks in Härjedalen?"))
    assert "<b>trafikkontroller · Härjedalen</b>" in text
    await harness.send(CITIZEN, "/kommun Haparanda")
    text = _text(await harness.send(CITIZEN, "synlig polis på torget?"))
    assert "<b>synlig polis · Haparanda</b>" in text
    text = _text(await harness.send(CITIZEN, "blir det några fotpatruller?"))
    assert "<b>synlig polis · Haparanda</b>" in text


async def test_an_activity_without_a_pledge_is_said_so(harness: Harness) -> None:
    await _setup(harness)
    await harness.send(CITIZEN, "/kommun Haparanda")
    text = _text(await harness.send(CITIZEN, "har polisen varit ute på krogarna?"))
    assert text.startswith("Haparanda har inget medborgarlöfte om ”krogarna”."), text
    assert "<b>Hur går det i Haparanda?</b>" in text
    text = _text(await harness.send(CITIZEN, "hur går det med grannsamverkan i Åsele?"))
    assert text.startswith("Åsele har inget medborgarlöfte om ”grannsamverkan”."), text
    # A phrase of the field is not matched by one of its words: "checks" is no "drogkontroll".
    text = _text(await harness.send(CITIZEN_EN, "any speed checks in Haparanda?"))
    assert text.startswith("Haparanda has no pledge about ”speed checks”."), text
    assert "<b>droger i trafiken · Haparanda</b>" not in text


async def test_a_field_word_is_not_matched_by_a_part_it_shares(harness: Harness) -> None:
    """The word "grannsamverkan" is not the pledge "samverkan", "trygghetsvandringar" not the
    area about trygghet: the bot says it has no such pledge instead."""
    await _setup(harness)
    text = _text(await harness.send(CITIZEN, "hur går det med grannsamverkan i Härjedalen?"))
    assert text.startswith("Härjedalen har inget medborgarlöfte om ”grannsamverkan”."), text
    assert "<b>samverkan · Härjedalen</b>" not in text
    text = _text(await harness.send(CITIZEN, "blir det några trygghetsvandringar i Åsele?"))
    assert text.startswith("Åsele har inget medborgarlöfte om ”trygghetsvandringar”."), text


async def test_two_pledges_of_one_activity_are_both_offered(harness: Harness) -> None:
    """Härjedalen's ANDT training and its drug-habits survey are both drug prevention: a
    question about that gets both, never one of them (or a third) picked."""
    await _setup(harness)
    calls = await harness.send(CITIZEN, "hur går det med det drogförebyggande i Härjedalen")
    text = _text(calls)
    assert "<b>ANDT-utbildning</b>" in text, text
    assert "<b>drogvaneundersökning</b>" in text
    assert "<b>narkotikatips</b>" not in text
    assert "<b>trafikkontroller</b>" not in text
