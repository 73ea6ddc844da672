"""A reporter may work for the police in one municipality and for the municipality in another:
an invite sets the organisation of its own membership only."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services import invites
from bot.services.export import build_export
from bot.services.reminders import reminders_due
from storage import catalogue, people
from storage.models import (
    Activity,
    ActivitySource,
    Membership,
    Municipality,
    Organisation,
    Pledge,
    Reporter,
    Responsible,
    Role,
)
from tests.conftest import ADMIN, Harness
from tests.e2e.test_team import NEWCOMER, TODAY, _setup


async def _redeem_two_invites(h: Harness) -> None:
    await _setup(h)
    async with h.services.db.transaction() as session:
        asele = await catalogue.municipality_by_name(session, "Åsele")
        admin = await people.reporter_by_user(session, ADMIN.user_id)
        assert asele is not None and admin is not None
        await people.grant(session, admin, asele, Role.ADMIN)
        police = await invites.create_invite(
            session,
            municipality="Härjedalen",
            role=Role.REPORTER,
            organisation=Organisation.POLICE,
            now=h.services.now(),
        )
        kommun = await invites.create_invite(
            session,
            municipality="Åsele",
            role=Role.REPORTER,
            organisation=Organisation.MUNICIPALITY,
            now=h.services.now(),
        )
    await h.send(NEWCOMER, f"/start {police.code}")
    await h.send(NEWCOMER, f"/start {kommun.code}")


async def test_an_invite_in_one_kommun_leaves_the_organisation_in_another(
    harness: Harness,
) -> None:
    await _redeem_two_invites(harness)
    async with harness.services.db.read() as session:
        rows = await session.execute(
            select(Municipality.name, Membership.organisation)
            .join(Membership, Membership.municipality_id == Municipality.id)
            .join(Reporter, Reporter.id == Membership.reporter_id)
            .where(Reporter.telegram_user_id == NEWCOMER.user_id)
        )
        assert {row[0]: row[1] for row in rows} == {
            "Härjedalen": Organisation.POLICE,
            "Åsele": Organisation.MUNICIPALITY,
        }
        teams = await invites.teams(session, ADMIN.user_id, harness.services.now())
    seen = {
        t.municipality: m.organisation
        for t in teams
        for m in t.members
        if m.user_id == NEWCOMER.user_id
    }
    assert seen == {"Härjedalen": Organisation.POLICE, "Åsele": Organisation.MUNICIPALITY}


async def test_reminders_and_the_export_use_each_kommuns_organisation(harness: Harness) -> None:
    await _redeem_two_invites(harness)
    async with harness.services.db.transaction() as session:
        harjedalen = await catalogue.municipality_by_name(session, "Härjedalen")
        reporter = await people.reporter_by_user(session, NEWCOMER.user_id)
        assert harjedalen is not None and reporter is not None
        pledge = await session.scalar(
            select(Pledge).where(Pledge.municipality_id == harjedalen.id).limit(1)
        )
        assert pledge is not None
        session.add(
            Activity(
                municipality_id=harjedalen.id,
                pledge_id=pledge.id,
                reporter_id=reporter.id,
                occurred_on=TODAY - timedelta(days=2),
                count=1,
                source=ActivitySource.TELEGRAM,
                created_at=harness.services.now(),
            )
        )
    async with harness.services.db.read() as session:
        file = await build_export(
            session,
            municipality_ids=[harjedalen.id],
            public=False,
            fmt="csv",
            now=harness.services.now(),
            tz=ZoneInfo("Europe/Stockholm"),
        )
        reminders, _ = await reminders_due(session, today=TODAY + timedelta(days=60))
    text = file.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert [r["organisation"] for r in rows if r["record"] == "activity" and r["organisation"]] == [
        "polisen"
    ]
    [mine] = [r for r in reminders if r.telegram_user_id == NEWCOMER.user_id]
    for block in mine.blocks:
        allowed = (
            {Responsible.POLICE, Responsible.BOTH}
            if block.municipality == "Härjedalen"
            else {Responsible.MUNICIPALITY, Responsible.BOTH}
        )
        assert {i.line.responsible for i in block.items} <= allowed, block.municipality
    assert "Härjedalen" in {b.municipality for b in mine.blocks}
