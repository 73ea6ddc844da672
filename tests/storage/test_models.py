"""Storage behaviour that the rest of the bot relies on, on every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from storage import audit, catalogue, people
from storage.db import Database
from storage.models import (
    Activity,
    ActivitySource,
    AuditEntry,
    Municipality,
    PledgeSet,
    Role,
)


async def test_timestamps_come_back_timezone_aware_in_utc(db: Database) -> None:
    stockholm_noon = datetime(2026, 3, 29, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    async with db.transaction() as session:
        entry = audit.record(
            session, at=stockholm_noon, actor="cli", action="test", entity="nothing"
        )
        await session.flush()
        entry_id = entry.id
    async with db.read() as session:
        stored = await session.get(AuditEntry, entry_id)
        assert stored is not None
        assert stored.at.tzinfo is not None
        assert stored.at == datetime(2026, 3, 29, 10, 0, tzinfo=UTC)


async def test_naive_timestamps_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with db.transaction() as session:
            audit.record(
                session, at=datetime(2026, 1, 1, 12, 0), actor="cli", action="x", entity="y"
            )
            await session.flush()


async def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await catalogue.get_or_create_municipality(session, "Åsele")
            session.add(Municipality(name="Åsele igen", slug="asele"))  # same slug
            await session.flush()
    async with db.read() as session:
        assert await catalogue.list_municipalities(session) == []


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(
                Activity(
                    municipality_id=9999,
                    occurred_on=date(2026, 5, 1),
                    count=1,
                    source=ActivitySource.TELEGRAM,
                )
            )
            await session.flush()


async def test_period_end_before_start_is_refused(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            municipality = await catalogue.get_or_create_municipality(session, "Haparanda")
            session.add(
                PledgeSet(
                    municipality_id=municipality.id,
                    period_start=date(2026, 1, 1),
                    period_end=date(2025, 12, 31),
                    source="test",
                )
            )
            await session.flush()


async def test_negative_activity_counts_are_refused(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            municipality = await catalogue.get_or_create_municipality(session, "Härnösand")
            session.add(
                Activity(
                    municipality_id=municipality.id,
                    occurred_on=date(2026, 5, 1),
                    count=-3,
                    source=ActivitySource.TELEGRAM,
                )
            )
            await session.flush()


async def test_municipalities_sort_in_swedish_order_and_match_without_diacritics(
    db: Database,
) -> None:
    async with db.transaction() as session:
        for name in ("Örnsköldsvik", "Åsele", "Ängelholm", "Haparanda", "Härjedalen"):
            await catalogue.get_or_create_municipality(session, name, police_area="Test")
    async with db.read() as session:
        names = [m.name for m in await catalogue.list_municipalities(session)]
        found = await catalogue.municipality_by_name(session, "harjedalen")
    assert names == ["Haparanda", "Härjedalen", "Åsele", "Ängelholm", "Örnsköldsvik"]
    assert found is not None and found.name == "Härjedalen"


async def test_roles_are_per_municipality_and_revocable(db: Database) -> None:
    async with db.transaction() as session:
        asele = await catalogue.get_or_create_municipality(session, "Åsele")
        haparanda = await catalogue.get_or_create_municipality(session, "Haparanda")
        reporter = await people.ensure_reporter(session, 42)
        await people.grant(session, reporter, asele, Role.REPORTER)
        membership = await people.grant(session, reporter, haparanda, Role.ADMIN)
        # Granting "reporter" later never lowers an admin.
        await people.grant(session, reporter, haparanda, Role.REPORTER)
        assert membership.role is Role.ADMIN
        membership.revoked_at = datetime(2026, 6, 1, tzinfo=UTC)
    async with db.read() as session:
        roles = await people.active_memberships(session, 42)
        nobody = await people.active_memberships(session, 43)
    assert [(m.role, mu.name) for m, mu in roles] == [(Role.REPORTER, "Åsele")]
    assert nobody == []


async def test_read_sessions_do_not_write(db: Database) -> None:
    async with db.read() as session:
        session.add(Municipality(name="Sorsele", slug="sorsele"))
        await session.flush()
    async with db.read() as session:
        assert (await session.scalars(select(Municipality))).all() == []
