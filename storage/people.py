"""Reporters and their memberships."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.catalogue import swedish_sort_key
from storage.models import Membership, Municipality, Organisation, Reporter, Role


async def reporter_by_user(session: AsyncSession, telegram_user_id: int) -> Reporter | None:
    return await session.scalar(
        select(Reporter).where(Reporter.telegram_user_id == telegram_user_id)
    )


async def active_memberships(
    session: AsyncSession, telegram_user_id: int
) -> list[tuple[Membership, Municipality]]:
    """A user's current roles, by numeric Telegram user id only."""
    rows = await session.execute(
        select(Membership, Municipality)
        .join(Reporter, Reporter.id == Membership.reporter_id)
        .join(Municipality, Municipality.id == Membership.municipality_id)
        .where(Reporter.telegram_user_id == telegram_user_id, Membership.revoked_at.is_(None))
    )
    pairs = [(row[0], row[1]) for row in rows]
    return sorted(pairs, key=lambda pair: swedish_sort_key(pair[1].name))


async def ensure_reporter(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    display_name: str | None = None,
    organisation: Organisation | None = None,
) -> Reporter:
    reporter = await reporter_by_user(session, telegram_user_id)
    if reporter is None:
        reporter = Reporter(
            telegram_user_id=telegram_user_id,
            display_name=display_name,
            organisation=organisation,
        )
        session.add(reporter)
        await session.flush()
    return reporter


async def grant(
    session: AsyncSession, reporter: Reporter, municipality: Municipality, role: Role
) -> Membership:
    """Give (or renew) a role in a municipality; an admin role is never lowered to reporter."""
    membership = await session.scalar(
        select(Membership).where(
            Membership.reporter_id == reporter.id,
            Membership.municipality_id == municipality.id,
        )
    )
    if membership is None:
        membership = Membership(reporter_id=reporter.id, municipality_id=municipality.id, role=role)
        session.add(membership)
    else:
        if membership.revoked_at is not None or role is Role.ADMIN:
            membership.role = role
        membership.revoked_at = None
    await session.flush()
    return membership
