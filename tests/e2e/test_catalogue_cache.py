"""Reporters' scopes and catalogues are kept in memory between messages, and every change to
them, made anywhere, is seen by the next message (the catalogue version and its triggers)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from bot.services import reporting
from bot.services.reporting import Incoming
from storage import catalogue
from storage.db import Database
from storage.models import (
    Activity,
    CatalogueVersion,
    CoverageItem,
    FocusArea,
    Membership,
    Municipality,
    Pledge,
    PledgeSet,
    Reporter,
)
from tests.conftest import CITIZEN, REPORTER, Harness, replies
from tests.e2e.test_reporting import TODAY, _live, _setup, _short_name


async def _version(db: Database) -> int:
    async with db.read() as session:
        version = await session.scalar(select(CatalogueVersion.version))
    assert version is not None
    return int(version)


async def _elsewhere(h: Harness) -> Database:
    """Another engine on the same database: another instance, the CLI, a person with psql."""
    return Database(h.services.db.display_url if h.services.db.is_sqlite else _url(h))


def _url(h: Harness) -> str:
    return h.services.db.url.render_as_string(hide_password=False)


async def test_every_catalogue_change_bumps_the_version_and_activities_do_not(
    harness: Harness,
) -> None:
    await _setup(harness)
    db = harness.services.db
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)

    async def bumps(statement: object) -> bool:
        before = await _version(db)
        async with db.transaction() as session:
            await session.execute(statement)  # type: ignore[call-overload]
        return await _version(db) > before

    some = select(Pledge.id).limit(1).scalar_subquery()
    assert await bumps(update(Pledge).where(Pledge.id == some).values(synonyms=["x"]))
    assert await bumps(update(FocusArea).values(name="Trygghet"))
    assert await bumps(update(PledgeSet).values(published_on=TODAY))
    assert await bumps(update(CoverageItem).values(position=3))
    assert await bumps(update(Membership).values(revoked_at=None))
    assert await bumps(update(Municipality).where(Municipality.id == 1).values(name="Ny"))
    assert await bumps(update(Reporter).values(telegram_user_id=Reporter.telegram_user_id + 0))
    # What moves with every logged activity does not empty the caches.
    assert not await bumps(update(Municipality).values(data_updated_at=now))
    assert not await bumps(update(Reporter).values(language="sv"))
    assert not await bumps(update(Activity).values(count=Activity.count))
    await harness.send(REPORTER, "3 trafikkontroller idag")  # logs, does not bump
    version = await _version(db)
    await harness.send(REPORTER, "2 trafikkontroller idag")
    assert await _version(db) == version


async def test_the_second_message_is_read_from_memory_and_saved_the_same(
    harness: Harness,
) -> None:
    await _setup(harness)
    cache = harness.services.cache
    await harness.send(REPORTER, "3 trafikkontroller E45 igår")
    hits = cache.hits
    calls = await harness.send(REPORTER, "skolbesök Sveg skola idag")
    assert cache.hits >= hits + 2  # the scope and the catalogue
    assert replies(calls)[0].startswith("✅ Sparat:")
    first, second = await _live(harness)
    assert await _short_name(harness, first.pledge_id) == "trafikkontroller"
    assert second.pledge_id is not None and second.pledge_id != first.pledge_id


async def test_a_membership_revoked_elsewhere_stops_logging_at_the_next_message(
    harness: Harness,
) -> None:
    await _setup(harness)
    await harness.send(REPORTER, "3 trafikkontroller idag")
    assert len(await _live(harness)) == 1
    other = await _elsewhere(harness)
    try:
        async with other.transaction() as session:
            reporter_id = await session.scalar(
                select(Reporter.id).where(Reporter.telegram_user_id == REPORTER.user_id)
            )
            await session.execute(
                update(Membership)
                .where(Membership.reporter_id == reporter_id)
                .values(revoked_at=harness.services.now())
            )
    finally:
        await other.dispose()
    calls = await harness.send(REPORTER, "2 trafikkontroller idag")
    assert len(await _live(harness)) == 1  # nothing new was saved
    assert not any("Sparat" in text for text in replies(calls))


async def test_a_synonym_added_elsewhere_is_understood_at_the_next_message(
    harness: Harness,
) -> None:
    await _setup(harness)
    await harness.send(REPORTER, "3 trafikkontroller idag")  # the catalogue is in memory
    other = await _elsewhere(harness)
    try:
        async with other.transaction() as session:
            place = await catalogue.municipality_by_name(session, "Härjedalen")
            assert place is not None
            pledge = await session.scalar(
                select(Pledge).where(
                    Pledge.municipality_id == place.id, Pledge.short_name == "trafikkontroller"
                )
            )
            assert pledge is not None
            pledge.synonyms = [*pledge.synonyms, "blåljuspass"]
    finally:
        await other.dispose()
    calls = await harness.send(REPORTER, "2 blåljuspass idag")
    assert replies(calls)[0].startswith("✅ Sparat: <b>trafikkontroller</b> · 2 st")


async def test_a_rolled_back_transaction_leaves_the_cached_catalogue_usable(
    harness: Harness,
) -> None:
    await _setup(harness)
    services = harness.services
    incoming = Incoming(
        user_id=REPORTER.user_id,
        chat_id=REPORTER.user_id,
        message_id=999_001,
        text="3 trafikkontroller idag",
        update_key="test:rolled-back",
        update_id=1,
    )

    class Abort(Exception):
        pass

    try:
        async with services.db.transaction() as session:
            outcome = await reporting.log_message(
                session, incoming, now=services.now(), today=TODAY, cache=services.cache
            )
            assert outcome.kind == "saved"
            raise Abort
    except Abort:
        pass
    assert await _live(harness) == []  # the activity went with the rollback
    assert len(services.cache) >= 2  # but the scope and catalogue stay in memory
    calls = await harness.send(REPORTER, "3 trafikkontroller idag")
    assert replies(calls)[0].startswith("✅ Sparat: <b>trafikkontroller</b> · 3 st")
    assert len(await _live(harness)) == 1


async def test_a_waiting_question_is_answered_even_when_the_reporter_is_known(
    harness: Harness,
) -> None:
    await _setup(harness)
    await harness.send(REPORTER, "3 trafikkontroller idag")  # known to the cache
    [activity] = await _live(harness)
    async with harness.services.db.transaction() as session:
        await reporting.expect(
            session,
            REPORTER.user_id,
            "count",
            {"activity_id": activity.id},
            now=harness.services.now(),
        )
    await harness.send(REPORTER, "7")  # the answer, not a report of seven somethings
    [activity] = await _live(harness)
    assert activity.count == 7


async def test_a_municipality_renamed_elsewhere_is_found_by_its_new_name(
    harness: Harness,
) -> None:
    await _setup(harness)
    calls = await harness.send(CITIZEN, "hur går det i Haparanda")  # the list is in memory now
    assert "Haparanda" in replies(calls)[0]
    other = await _elsewhere(harness)
    try:
        async with other.transaction() as session:
            await session.execute(
                update(Municipality).where(Municipality.name == "Haparanda").values(name="Kalix")
            )
    finally:
        await other.dispose()
    calls = await harness.send(CITIZEN, "hur går det i Kalix")
    assert "Kalix" in replies(calls)[0]
    assert "Haparanda" not in replies(calls)[0]
