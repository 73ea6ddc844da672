"""Invites: who may report, and the admins' list of their reporters.

A code is `in_` followed by 32 characters of `secrets.token_urlsafe` (192 bits): it fits
Telegram's deep-link payload rule (at most 64 characters of ``A-Za-z0-9_-``) and is stored only
as its SHA-256. It is single-use and expires. Failed attempts are written to the audit trail;
after `MAX_FAILURES` within `FAILURE_WINDOW` a user is asked to wait before trying again, so
guessing is slowed down on top of being hopeless.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import admin_places, require_admin_named, who_is
from bot.services.errors import Invalid, NotAllowed, NotFound
from storage import audit, people
from storage import catalogue as repo
from storage.catalogue import swedish_sort_key
from storage.models import (
    AuditEntry,
    Invite,
    Membership,
    Municipality,
    Organisation,
    Reporter,
    Role,
)

CODE_PREFIX = "in_"
CODE_BYTES = 24  # 192 bits of randomness; token_urlsafe makes 32 characters of them
CODE_RE = re.compile(r"^in_[A-Za-z0-9_-]{32}$")
DEFAULT_TTL = timedelta(hours=72)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)

Refusal = Literal["malformed", "unknown", "used", "expired", "revoked", "slow_down"]


def new_code() -> str:
    return CODE_PREFIX + secrets.token_urlsafe(CODE_BYTES)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def looks_like_invite(payload: str) -> bool:
    """A /start payload meant as an invite (well-formed or not)."""
    return payload.startswith(CODE_PREFIX)


@dataclass(frozen=True)
class NewInvite:
    code: str
    municipality: str
    role: Role
    organisation: Organisation | None
    expires_at: datetime


@dataclass(frozen=True)
class Redemption:
    refused: Refusal | None
    municipality: str | None = None
    role: Role | None = None
    already: bool = False  # the user had that role already
    retry_after: timedelta | None = None


async def _municipality(session: AsyncSession, name: str) -> Municipality:
    municipality = await repo.municipality_by_name(session, name)
    if municipality is None:
        raise NotFound(name)
    return municipality


async def create_invite(
    session: AsyncSession,
    *,
    municipality: str,
    role: Role,
    organisation: Organisation | None,
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
    created_by_user_id: int | None = None,
) -> NewInvite:
    """A new single-use code. From the chat (`created_by_user_id`) only an admin may create one."""
    if not timedelta(minutes=5) <= ttl <= timedelta(days=30):
        raise Invalid("giltighetstiden ska vara mellan fem minuter och 30 dagar")
    place = await _municipality(session, municipality)
    if created_by_user_id is not None:
        await require_admin_named(session, created_by_user_id, place.name)
    code = new_code()
    invite = Invite(
        code_hash=hash_code(code),
        municipality_id=place.id,
        role=role,
        organisation=organisation,
        created_by_user_id=created_by_user_id,
        expires_at=now + ttl,
        created_at=now,
    )
    session.add(invite)
    await session.flush()
    audit.record(
        session,
        at=now,
        actor="admin" if created_by_user_id is not None else "cli",
        actor_user_id=created_by_user_id,
        action="invite.create",
        entity="invite",
        entity_id=invite.id,
        details={"municipality": place.name, "role": role.value},
    )
    return NewInvite(code, place.name, role, organisation, invite.expires_at)


async def _recent_failures(session: AsyncSession, user_id: int, now: datetime) -> list[datetime]:
    rows = await session.scalars(
        select(AuditEntry.at)
        .where(
            AuditEntry.action == "invite.refused",
            AuditEntry.actor_user_id == user_id,
            AuditEntry.at > now - FAILURE_WINDOW,
        )
        .order_by(AuditEntry.at)
    )
    return list(rows)


async def redeem(
    session: AsyncSession,
    *,
    user_id: int,
    code: str,
    now: datetime,
    display_name: str | None = None,
    language: str | None = None,
) -> Redemption:
    """Turn a code into a role for this Telegram user id. Refusals are recorded, not raised,
    so that the caller's transaction keeps the record of the failed attempt."""
    failures = await _recent_failures(session, user_id, now)
    if len(failures) >= MAX_FAILURES:
        return Redemption("slow_down", retry_after=failures[0] + FAILURE_WINDOW - now)

    refused: Refusal | None = None
    invite: Invite | None = None
    if not CODE_RE.match(code):
        refused = "malformed"
    else:
        invite = await session.scalar(
            select(Invite).where(Invite.code_hash == hash_code(code)).with_for_update()
        )
        if invite is None:
            refused = "unknown"
        elif invite.revoked_at is not None:
            refused = "revoked"
        elif invite.used_at is not None:
            refused = "used"
        elif invite.expires_at <= now:
            refused = "expired"
    if refused is not None or invite is None:
        audit.record(
            session,
            at=now,
            actor="user",
            actor_user_id=user_id,
            action="invite.refused",
            entity="invite",
            entity_id=invite.id if invite is not None else None,
            details={"reason": refused},
        )
        return Redemption(refused or "unknown")

    municipality = await session.get(Municipality, invite.municipality_id)
    if municipality is None:  # pragma: no cover - the foreign key cascades
        return Redemption("unknown")
    reporter = await people.ensure_reporter(session, user_id, display_name=display_name)
    if display_name:
        reporter.display_name = display_name
    if language and reporter.language is None:
        reporter.language = language[:8]
    before = {m.id: ms.role for ms, m in await people.active_memberships(session, user_id)}
    membership = await people.grant(session, reporter, municipality, invite.role)
    if invite.organisation is not None:
        # Only for this municipality: the same person may report for the police in one
        # municipality and for the municipality in another.
        membership.organisation = invite.organisation
    invite.used_at = now
    invite.used_by_user_id = user_id
    audit.record(
        session,
        at=now,
        actor="user",
        actor_user_id=user_id,
        action="invite.redeem",
        entity="membership",
        entity_id=membership.id,
        details={"municipality": municipality.name, "role": invite.role.value},
    )
    already = before.get(municipality.id) in (invite.role, Role.ADMIN)
    return Redemption(None, municipality.name, membership.role, already=already)


@dataclass(frozen=True)
class TeamMember:
    membership_id: int
    user_id: int
    name: str | None
    organisation: Organisation | None
    role: Role
    since: datetime


@dataclass(frozen=True)
class OpenInvite:
    id: int
    role: Role
    organisation: Organisation | None
    expires_at: datetime


@dataclass(frozen=True)
class Team:
    municipality: str
    members: tuple[TeamMember, ...]
    open_invites: tuple[OpenInvite, ...]


async def teams(session: AsyncSession, admin_user_id: int, now: datetime) -> list[Team]:
    """The reporters and open invites of every municipality the user administers."""
    result: list[Team] = []
    for name in (await who_is(session, admin_user_id)).admin_in:
        place = await _municipality(session, name)
        rows = await session.execute(
            select(Membership, Reporter)
            .join(Reporter, Reporter.id == Membership.reporter_id)
            .where(Membership.municipality_id == place.id, Membership.revoked_at.is_(None))
        )
        members = [
            TeamMember(
                ms.id,
                r.telegram_user_id,
                r.display_name,
                ms.organisation or r.organisation,
                ms.role,
                ms.created_at,
            )
            for ms, r in rows
        ]
        members.sort(key=lambda m: (m.role is not Role.ADMIN, swedish_sort_key(m.name or "")))
        invites = await session.scalars(
            select(Invite)
            .where(
                Invite.municipality_id == place.id,
                Invite.used_at.is_(None),
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
            )
            .order_by(Invite.expires_at)
        )
        open_invites = tuple(
            OpenInvite(i.id, i.role, i.organisation, i.expires_at) for i in invites
        )
        result.append(Team(name, tuple(members), open_invites))
    return result


async def revoke_member(
    session: AsyncSession, admin_user_id: int, membership_id: int, *, now: datetime
) -> TeamMember:
    """Take a reporter's (or admin's) role away; an admin cannot remove themselves."""
    membership = await session.get(Membership, membership_id)
    if membership is None or membership.revoked_at is not None:
        raise NotFound(f"medlemskap {membership_id}")
    place = await session.get(Municipality, membership.municipality_id)
    reporter = await session.get(Reporter, membership.reporter_id)
    if place is None or reporter is None:  # pragma: no cover - foreign keys
        raise NotFound(f"medlemskap {membership_id}")
    await require_admin_named(session, admin_user_id, place.name)
    if reporter.telegram_user_id == admin_user_id:
        raise Invalid("du kan inte ta bort dig själv")
    membership.revoked_at = now
    audit.record(
        session,
        at=now,
        actor="admin",
        actor_user_id=admin_user_id,
        action="membership.revoke",
        entity="membership",
        entity_id=membership.id,
        details={"municipality": place.name, "user_id": reporter.telegram_user_id},
    )
    return TeamMember(
        membership.id,
        reporter.telegram_user_id,
        reporter.display_name,
        reporter.organisation,
        membership.role,
        membership.created_at,
    )


async def revoke_invite(
    session: AsyncSession, admin_user_id: int, invite_id: int, *, now: datetime
) -> str:
    invite = await session.get(Invite, invite_id)
    if invite is None or invite.used_at is not None or invite.revoked_at is not None:
        raise NotFound(f"inbjudan {invite_id}")
    place = await session.get(Municipality, invite.municipality_id)
    if place is None:  # pragma: no cover - foreign keys
        raise NotFound(f"inbjudan {invite_id}")
    await require_admin_named(session, admin_user_id, place.name)
    invite.revoked_at = now
    audit.record(
        session,
        at=now,
        actor="admin",
        actor_user_id=admin_user_id,
        action="invite.revoke",
        entity="invite",
        entity_id=invite.id,
    )
    return place.name


async def create_invite_by_id(
    session: AsyncSession,
    *,
    admin_user_id: int,
    municipality_id: int,
    role: Role,
    organisation: Organisation | None,
    now: datetime,
) -> NewInvite:
    """The chat's way: the municipality comes from a button, so it is checked like a request."""
    places = dict(await admin_places(session, admin_user_id))
    if municipality_id not in places:
        raise NotAllowed(f"inte admin i kommun {municipality_id}")
    return await create_invite(
        session,
        municipality=places[municipality_id],
        role=role,
        organisation=organisation,
        now=now,
        created_by_user_id=admin_user_id,
    )
