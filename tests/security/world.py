"""A small world for the security tests: two municipalities with their own people and data,
a snapshot of the whole database, and the rule for which changes belong to whom.

A = Härjedalen, B = Åsele (both from the example data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.console.transport import ApiCall
from bot.console.updates import Person
from bot.services import reporting
from bot.services.examples import ADMIN as DEMO_ADMIN
from bot.services.examples import CITIZEN as DEMO_CITIZEN
from bot.services.examples import REPORTER as DEMO_REPORTER
from bot.services.examples import load_examples
from bot.services.invites import create_invite
from bot.services.reporting import Incoming
from storage import catalogue, people
from storage.models import (
    Activity,
    Base,
    CoverageItem,
    Draft,
    FocusArea,
    Invite,
    Membership,
    Organisation,
    Pledge,
    PostApproval,
    PostStatus,
    ProgressPost,
    Reporter,
    Role,
)
from tests.conftest import Harness

TODAY = date(2026, 11, 21)

CITIZEN = Person(DEMO_CITIZEN.user_id, "Kim", "sv")
REPORTER_A = Person(DEMO_REPORTER.user_id, "Robin", "sv")  # reporter (polisen) in Härjedalen
ADMIN_ALL = Person(DEMO_ADMIN.user_id, "Alex", "sv")  # admin of every municipality
REPORTER_B = Person(200_010, "Bertil", "sv")  # reporter (kommunen) in Åsele
ADMIN_A = Person(200_011, "Anna", "sv")  # admin of Härjedalen only
ADMIN_B = Person(200_012, "Berit", "sv")  # admin of Åsele only

# B's internal data, planted so that a leak shows: none of it may reach A or a citizen.
B_SECRETS = ("Hemligvägen", "Bertil Hemligsson", "synpunkt-hemlig-B", "Vintergatans skola")

# Rows that belong to whoever pressed or wrote: their own chat's settings, subscriptions,
# synpunkter and pending question, their own reporter row (a pause), the audit entries of what
# they did, their own drafts, and activities they logged in their own municipalities. Delivery
# bookkeeping (handled update keys, the inbox) belongs to nobody.
OWN_BY_COLUMN = {
    "chat_settings": "chat_id",
    "subscribers": "chat_id",
    "feedback": "chat_id",
    "chat_states": "user_id",
    "reporters": "telegram_user_id",
    "audit_log": "actor_user_id",
}
BOOKKEEPING = frozenset({"processed_updates", "inbox", "send_budget"})


@dataclass(frozen=True)
class World:
    a: int  # municipality ids
    b: int
    b_activity: int  # an activity B's reporter logged (place and note internal)
    b_draft: int  # B's reporter's unsure message, waiting for a pick
    a_draft: int  # A's reporter's own draft, to be pointed at B's pledges
    b_pledge: int  # B's pledge with a coverage list
    b_focus_area: int
    b_item: int  # an item of that list
    b_membership: int  # B's reporter's membership
    b_invite: int  # an open invite to B
    b_approval: int  # a progress post of B waiting for approval
    b_post: int  # a post of B whose fate is unclear
    a_pledge: int


async def build_world(h: Harness) -> World:
    now = h.services.now()
    async with h.services.db.transaction() as session:
        await load_examples(session, today=TODAY, now=now)
        a = await catalogue.municipality_by_name(session, "Härjedalen")
        b = await catalogue.municipality_by_name(session, "Åsele")
        assert a is not None
        assert b is not None
        reporter_b = await people.ensure_reporter(
            session,
            REPORTER_B.user_id,
            display_name="Bertil Hemligsson",
            organisation=Organisation.MUNICIPALITY,
        )
        membership = await people.grant(session, reporter_b, b, Role.REPORTER)
        for person, place in ((ADMIN_A, a), (ADMIN_B, b)):
            admin = await people.ensure_reporter(
                session, person.user_id, display_name=person.first_name
            )
            await people.grant(session, admin, place, Role.ADMIN)
        b_pledges = list(
            await session.scalars(
                select(Pledge).where(Pledge.municipality_id == b.id).order_by(Pledge.id)
            )
        )
        b_pledge = b_pledges[0]
        item = CoverageItem(pledge_id=b_pledge.id, name="Vintergatans skola", position=0)
        session.add(item)
        await create_invite(
            session, municipality=b.name, role=Role.REPORTER, organisation=None, now=now
        )
        approval = PostApproval(
            municipality_id=b.id,
            period_key="2026-Q3",
            kind="quarterly",
            due_at=now + timedelta(days=2),
            asked_at=now,
        )
        post = ProgressPost(
            municipality_id=b.id,
            channel="@aseletrygg",
            period_key="2026-Q2",
            kind="quarterly",
            status=PostStatus.AMBIGUOUS,
        )
        session.add_all([approval, post])
        await session.flush()
        b_invite = await session.scalar(select(Invite.id).where(Invite.municipality_id == b.id))
        focus = await session.get(FocusArea, b_pledge.focus_area_id)
        a_pledge = await session.scalar(
            select(Pledge.id).where(Pledge.municipality_id == a.id).order_by(Pledge.id)
        )
        ids = (a.id, b.id, b_pledge.id, item.id, membership.id, approval.id, post.id)
    # B's reporter logs (the place is internal) and leaves an unsure message; A leaves one too.
    async with h.services.db.transaction() as session:
        for n, (who, text) in enumerate(
            (
                (REPORTER_B, "2 trafikinsatser Hemligvägen idag"),
                (REPORTER_B, "blåbärsplockning"),
                (REPORTER_A, "blåbärsplockning"),
            )
        ):
            incoming = Incoming(who.user_id, who.user_id, 9000 + n, text, f"world:{n}", 9000 + n)
            await reporting.log_message(session, incoming, now=now, today=TODAY)
    async with h.services.db.read() as session:
        b_activity = await session.scalar(
            select(Activity.id).where(Activity.source_message_id == 9000)
        )
        b_draft = await session.scalar(select(Draft.id).where(Draft.message_id == 9001))
        a_draft = await session.scalar(select(Draft.id).where(Draft.message_id == 9002))
    assert b_activity is not None, "B's reporter could not log"
    assert b_draft is not None
    assert a_draft is not None
    assert b_invite is not None
    assert focus is not None
    assert a_pledge is not None
    a_id, b_id, pledge_id, item_id, membership_id, approval_id, post_id = ids
    # B's citizen sends a synpunkt (internal: only B's admins read it).
    await h.send(Person(200_099, "Bo", "sv"), "/kommun Åsele")
    await h.send(Person(200_099, "Bo", "sv"), "/tyck synpunkt-hemlig-B om Storgatan")
    return World(
        a=a_id,
        b=b_id,
        b_activity=b_activity,
        b_draft=b_draft,
        a_draft=a_draft,
        b_pledge=pledge_id,
        b_focus_area=focus.id,
        b_item=item_id,
        b_membership=membership_id,
        b_invite=b_invite,
        b_approval=approval_id,
        b_post=post_id,
        a_pledge=a_pledge,
    )


Snapshot = dict[str, set[tuple[Any, ...]]]


async def snapshot(h: Harness) -> Snapshot:
    """Every row of every table (delivery bookkeeping aside), as tuples of column values."""
    tables: Snapshot = {}
    async with h.services.db.read() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            rows = await session.execute(select(table))
            tables[table.name] = {tuple(_freeze(v) for v in row) for row in rows}
    return tables


def _freeze(value: Any) -> Any:
    """JSON columns come back as dicts and lists; rows must be hashable."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def _rows(snap: Snapshot, table: str) -> list[dict[str, Any]]:
    columns = [c.name for c in Base.metadata.tables[table].columns]
    return [dict(zip(columns, row, strict=True)) for row in snap.get(table, set())]


def foreign_changes(before: Snapshot, after: Snapshot, actor: int) -> list[str]:
    """Rows added, removed or changed that do not belong to `actor`."""
    reporters = {
        r["id"]
        for snap in (before, after)
        for r in _rows(snap, "reporters")
        if r["telegram_user_id"] == actor
    }
    places = {
        m["municipality_id"]
        for m in _rows(before, "memberships")
        if m["reporter_id"] in reporters and m["revoked_at"] is None
    }

    def own(table: str, values: dict[str, Any]) -> bool:
        if table in OWN_BY_COLUMN:
            return bool(values[OWN_BY_COLUMN[table]] == actor)
        if table == "drafts":
            return values["reporter_id"] in reporters
        if table == "activities":
            return values["reporter_id"] in reporters and values["municipality_id"] in places
        return False

    changes = []
    for table, rows in after.items():
        columns = [c.name for c in Base.metadata.tables[table].columns]
        for row in rows ^ before.get(table, set()):
            if not own(table, dict(zip(columns, row, strict=True))):
                what = "added or changed" if row in rows else "removed or changed"
                changes.append(f"{table}: {what} {row!r:.200}")
    return changes


def texts_to(calls: list[ApiCall], chat_id: int) -> list[str]:
    """What the bot showed in one chat: messages, edits, captions and alerts."""
    shown = [c.text or "" for c in calls if c.chat_id == chat_id and c.text]
    shown += [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]
    return shown


def callback_data(calls: list[ApiCall]) -> list[str]:
    """Every button's callback data in messages sent or edited, in order, without repeats."""
    seen: dict[str, None] = {}
    for call in calls:
        for row in call.buttons:
            for button in row:
                if "callback_data" in button:
                    seen.setdefault(str(button["callback_data"]), None)
    return list(seen)


async def memberships_of(h: Harness, user_id: int) -> list[tuple[int, Role]]:
    async with h.services.db.read() as session:
        rows = await session.execute(
            select(Membership.municipality_id, Membership.role)
            .join(Reporter, Reporter.id == Membership.reporter_id)
            .where(Reporter.telegram_user_id == user_id, Membership.revoked_at.is_(None))
        )
        return [(int(m), role) for m, role in rows]
