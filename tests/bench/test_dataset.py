"""The benchmark data set: exact sizes, consistent references, valid rows, the same for a seed."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import ColumnElement, func, select, text

from bench import dataset as ds
from bench.dataset import Dataset, Scale, build_dataset
from storage import people
from storage.catalogue import slugify
from storage.db import Database
from storage.models import (
    TARGET_PERS,
    Activity,
    ActivitySource,
    Base,
    CoverageItem,
    FocusArea,
    Membership,
    Municipality,
    Pledge,
    PledgeSet,
    PoliceArea,
    Reporter,
    Responsible,
    ResultNote,
    Role,
)

SMALL = Scale(municipalities=12, pledges=90, activities=5_000)
TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


async def _count(db: Database, model: type[Base], *where: ColumnElement[bool]) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _empty(db: Database) -> None:
    # The catalogue version's one row belongs to the schema, like the tables themselves.
    tables = [
        t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "catalogue_version"
    ]
    async with db.engine.begin() as conn:
        if db.is_sqlite:
            for name in tables:
                await conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            joined = ", ".join(f'"{name}"' for name in tables)
            await conn.execute(text(f"TRUNCATE {joined} RESTART IDENTITY CASCADE"))


async def test_builds_the_exact_sizes(db: Database) -> None:
    built = await build_dataset(db, SMALL, today=TODAY)

    assert built.activities == SMALL.activities
    assert len(built.municipality_names) == len(set(built.municipality_names)) == 12
    assert len(built.pledge_ids) == len(set(built.pledge_ids)) == 90
    assert len(built.reporter_user_ids) == len(set(built.reporter_user_ids)) == 36
    assert list(built.reporters_by_municipality) == list(built.municipality_names)
    assert all(len(ids) == 3 for ids in built.reporters_by_municipality.values())
    assert built.seconds > 0

    assert await _count(db, Municipality) == 12
    assert await _count(db, PoliceArea) == 4  # one per ~3 municipalities
    assert await _count(db, PledgeSet) == 12
    assert await _count(db, Pledge) == 90
    assert await _count(db, Activity) == 5_000
    assert await _count(db, Reporter) == 36
    assert await _count(db, Membership) == 36
    assert await _count(db, Membership, Membership.role == Role.ADMIN) == 12
    assert await _count(db, ResultNote) > 0
    async with db.read() as session:
        stored_ids = (await session.scalars(select(Pledge.id).order_by(Pledge.id))).all()
    assert tuple(stored_ids) == built.pledge_ids


async def test_pledges_are_spread_over_the_municipalities(db: Database) -> None:
    await build_dataset(db, SMALL, today=TODAY)
    async with db.read() as session:
        per_municipality = dict(
            (
                await session.execute(
                    select(Pledge.municipality_id, func.count()).group_by(Pledge.municipality_id)
                )
            ).all()
        )
        focus_per_set = (
            await session.scalars(
                select(func.count()).select_from(FocusArea).group_by(FocusArea.pledge_set_id)
            )
        ).all()
        names = (await session.execute(select(Pledge.municipality_id, Pledge.short_name))).all()
        sets = (await session.scalars(select(PledgeSet))).all()
        mismatched = await session.scalar(
            select(func.count())
            .select_from(Pledge)
            .join(FocusArea, FocusArea.id == Pledge.focus_area_id)
            .join(PledgeSet, PledgeSet.id == FocusArea.pledge_set_id)
            .where(PledgeSet.municipality_id != Pledge.municipality_id)
        )
    assert sum(per_municipality.values()) == 90
    assert len(per_municipality) == 12 and min(per_municipality.values()) >= 1
    assert all(2 <= n <= 4 for n in focus_per_set)
    assert len(names) == len(set(names)), "short names repeat within a municipality"
    assert mismatched == 0
    assert {s.period_start for s in sets} == {date(2026, 1, 1)}
    assert {s.period_end for s in sets} <= {date(2027, 12, 31), None}


async def test_targets_are_a_realistic_mix(db: Database) -> None:
    await build_dataset(db, SMALL, today=TODAY)
    async with db.read() as session:
        pledges = (await session.scalars(select(Pledge))).all()
        items = dict(
            (
                await session.execute(
                    select(CoverageItem.pledge_id, func.count()).group_by(CoverageItem.pledge_id)
                )
            ).all()
        )
    counted = [p for p in pledges if p.target_count is not None]
    covering = [p for p in pledges if p.target_coverage is not None]
    untargeted = [p for p in pledges if p.target_count is None and p.target_coverage is None]
    assert 20 <= len(counted) <= 55
    assert 2 <= len(covering) <= 20
    assert 25 <= len(untargeted) <= 65
    assert all(p.target_per in TARGET_PERS for p in counted)
    assert all(3 <= items.get(p.id, 0) <= 12 for p in covering)
    assert set(items) == {p.id for p in covering}
    assert all(isinstance(p.synonyms, list) and p.synonyms for p in pledges)
    assert {p.responsible for p in pledges} <= set(Responsible)
    assert all(p.created_at.tzinfo is not None for p in pledges)


async def test_no_activity_lies_in_the_future(db: Database) -> None:
    await build_dataset(db, SMALL, today=TODAY)
    async with db.read() as session:
        first, last = (
            await session.execute(
                select(func.min(Activity.occurred_on), func.max(Activity.occurred_on))
            )
        ).one()
        activities = (await session.scalars(select(Activity))).all()
    assert last <= TODAY
    assert first >= TODAY - timedelta(days=ds.DAYS + 7)
    assert last - first >= timedelta(days=600), "activities cover about two years"
    for activity in activities:
        assert activity.created_at.tzinfo is not None
        assert activity.created_at <= NOW
        assert activity.occurred_on <= activity.created_at.date()
        assert activity.deleted_at is None or activity.created_at <= activity.deleted_at <= NOW
        assert activity.updated_at is None or activity.created_at <= activity.updated_at <= NOW
        assert 1 <= activity.count <= 5
        assert activity.place is not None or not activity.place_public
        assert activity.source in (ActivitySource.TELEGRAM, ActivitySource.EXAMPLE)
        if activity.source is ActivitySource.TELEGRAM:
            assert activity.source_chat_id is not None and activity.source_message_id is not None


async def test_activities_are_skewed_with_extras_idle_pledges_and_deletions(db: Database) -> None:
    built = await build_dataset(db, SMALL, today=TODAY)
    async with db.read() as session:
        per_pledge = dict(
            (
                await session.execute(
                    select(Activity.pledge_id, func.count()).group_by(Activity.pledge_id)
                )
            ).all()
        )
        deleted = await session.scalar(select(func.count()).where(Activity.deleted_at.is_not(None)))
    extra = per_pledge.pop(None, 0)
    idle = [p for p in built.pledge_ids if p not in per_pledge]
    assert 0.03 * 5_000 <= extra <= 0.08 * 5_000
    assert 1 <= len(idle) <= 15
    assert max(per_pledge.values()) >= 5 * min(per_pledge.values())
    assert 10 <= (deleted or 0) <= 100


async def test_activities_only_reference_their_own_municipality(db: Database) -> None:
    await build_dataset(db, SMALL, today=TODAY)
    async with db.read() as session:
        foreign_pledges = await session.scalar(
            select(func.count())
            .select_from(Activity)
            .join(Pledge, Pledge.id == Activity.pledge_id)
            .where(Pledge.municipality_id != Activity.municipality_id)
        )
        foreign_reporters = await session.scalar(
            select(func.count())
            .select_from(Activity)
            .where(
                Activity.reporter_id.is_not(None),
                ~select(Membership.id)
                .where(
                    Membership.reporter_id == Activity.reporter_id,
                    Membership.municipality_id == Activity.municipality_id,
                )
                .exists(),
            )
        )
        foreign_items = await session.scalar(
            select(func.count())
            .select_from(Activity)
            .join(CoverageItem, CoverageItem.id == Activity.coverage_item_id)
            .where(CoverageItem.pledge_id != Activity.pledge_id)
        )
        with_items = await session.scalar(
            select(func.count()).where(Activity.coverage_item_id.is_not(None))
        )
    assert foreign_pledges == foreign_reporters == foreign_items == 0
    assert with_items


async def test_municipalities_know_when_their_data_last_changed(db: Database) -> None:
    await build_dataset(db, SMALL, today=TODAY)
    async with db.read() as session:
        stamps = (
            await session.execute(select(Municipality.id, Municipality.data_updated_at))
        ).all()
        for municipality_id, stamp in stamps:
            latest = await session.scalar(
                select(
                    func.max(
                        func.coalesce(Activity.deleted_at, Activity.updated_at, Activity.created_at)
                    )
                ).where(Activity.municipality_id == municipality_id)
            )
            assert stamp is not None and stamp.tzinfo is not None
            assert latest is not None and stamp >= latest
            assert stamp <= NOW


async def test_reporters_are_members_of_their_municipality_and_the_first_is_admin(
    db: Database,
) -> None:
    built = await build_dataset(db, SMALL, today=TODAY)
    async with db.read() as session:
        for name, user_ids in built.reporters_by_municipality.items():
            roles = []
            for user_id in user_ids:
                memberships = await people.active_memberships(session, user_id)
                assert [m.name for _, m in memberships] == [name]
                roles.append(memberships[0][0].role)
            assert roles == [Role.ADMIN, Role.REPORTER, Role.REPORTER]


async def test_the_same_seed_gives_the_same_data(db: Database) -> None:
    async def snapshot() -> tuple[object, ...]:
        async with db.read() as session:
            pledges = (
                await session.execute(
                    select(Pledge.id, Pledge.short_name, Pledge.target_count).order_by(Pledge.id)
                )
            ).all()
            activities = (
                await session.execute(
                    select(
                        Activity.pledge_id,
                        func.count(),
                        func.sum(Activity.count),
                        func.max(Activity.occurred_on),
                    )
                    .group_by(Activity.pledge_id)
                    .order_by(Activity.pledge_id)
                )
            ).all()
        return tuple(pledges), tuple(activities)

    first = await build_dataset(db, SMALL, today=TODAY, seed=3)
    before = await snapshot()
    with pytest.raises(ValueError, match="empty"):
        await build_dataset(db, SMALL, today=TODAY, seed=3)
    await _empty(db)
    second = await build_dataset(db, SMALL, today=TODAY, seed=3)
    assert await snapshot() == before

    def fields(d: Dataset) -> tuple[object, ...]:
        return (
            d.municipality_names,
            d.pledge_ids,
            d.reporter_user_ids,
            d.reporters_by_municipality,
            d.activities,
        )

    assert fields(second) == fields(first)
    await _empty(db)
    other = await build_dataset(db, SMALL, today=TODAY, seed=4)
    assert other.activities == first.activities
    assert await snapshot() != before


async def test_ordinary_inserts_work_afterwards(db: Database) -> None:
    """Explicit ids must not leave PostgreSQL's sequences behind."""
    await build_dataset(db, SMALL, today=TODAY)
    async with db.transaction() as session:
        area = PoliceArea(name="Lokalpolisområde Test")
        session.add(area)
        await session.flush()
        municipality = Municipality(name="Testby", slug="testby", police_area_id=area.id)
        session.add(municipality)
        await session.flush()
        pledge_set = PledgeSet(municipality_id=municipality.id, period_start=TODAY, source="test")
        session.add(pledge_set)
        await session.flush()
        focus = FocusArea(pledge_set_id=pledge_set.id, name="Trygghet")
        session.add(focus)
        await session.flush()
        pledge = Pledge(
            focus_area_id=focus.id,
            municipality_id=municipality.id,
            text="Polisen testar.",
            short_name="test",
            responsible=Responsible.POLICE,
        )
        session.add(pledge)
        await session.flush()
        item = CoverageItem(pledge_id=pledge.id, name="Testskolan")
        note = ResultNote(pledge_id=pledge.id, window_start=TODAY, text="Bra.", source="test")
        reporter = await people.ensure_reporter(session, 12345)
        await people.grant(session, reporter, municipality, Role.REPORTER)
        session.add_all([item, note])
        await session.flush()
        activity = Activity(
            municipality_id=municipality.id,
            pledge_id=pledge.id,
            coverage_item_id=item.id,
            reporter_id=reporter.id,
            occurred_on=TODAY,
            source=ActivitySource.TELEGRAM,
            created_at=NOW,
        )
        session.add(activity)
        await session.flush()
    assert pledge.id == 91
    assert activity.id == 5_001
    assert municipality.id == 13


async def test_created_at_never_passes_now(db: Database) -> None:
    early = datetime(2026, 11, 21, 7, 30, tzinfo=UTC)
    await build_dataset(
        db, Scale(municipalities=3, pledges=20, activities=2_000), today=TODAY, now=early
    )
    async with db.read() as session:
        latest = await session.scalar(select(func.max(Activity.created_at)))
    assert latest is not None and latest <= early


def test_made_up_names_when_the_real_list_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ds, "_real_municipality_names", lambda: ())
    names = ds.municipality_names(400, random.Random(7))
    assert len(names) == 400
    assert len({slugify(n) for n in names}) == 400
    assert names == ds.municipality_names(400, random.Random(7))
    assert all(n[0].isupper() for n in names)


def test_real_names_are_used_and_topped_up(monkeypatch: pytest.MonkeyPatch) -> None:
    real = ("Åsele", "Haparanda", "Härjedalen", "Härnösand")
    monkeypatch.setattr(ds, "_real_municipality_names", lambda: real)
    assert ds.municipality_names(4, random.Random(1)) == list(real)
    some = ds.municipality_names(2, random.Random(1))
    assert set(some) <= set(real) and len(set(some)) == 2
    more = ds.municipality_names(7, random.Random(1))
    assert more[:4] == list(real) and len(set(more)) == 7
