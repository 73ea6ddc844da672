"""Who is writing: a citizen, a reporter or an admin, and for which municipalities."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import catalogue, people
from storage.models import Membership, Reporter, Role


@dataclass(frozen=True)
class Who:
    user_id: int
    reporter_in: tuple[str, ...]  # municipality names where the user may log activities
    admin_in: tuple[str, ...]  # municipality names the user administers
    known_municipalities: tuple[str, ...]

    @property
    def is_reporter(self) -> bool:
        return bool(self.reporter_in)

    @property
    def is_admin(self) -> bool:
        return bool(self.admin_in)


async def who_is(session: AsyncSession, user_id: int) -> Who:
    """Roles are looked up by numeric user id on every message; never from the message itself."""
    memberships = await people.active_memberships(session, user_id)
    admin_in = tuple(m.name for ms, m in memberships if ms.role is Role.ADMIN)
    # An admin may also log activities where they administer.
    reporter_in = tuple(m.name for _, m in memberships)
    known = tuple(m.name for m in await catalogue.list_municipalities(session))
    return Who(user_id, reporter_in, admin_in, known)


async def admin_user_ids(session: AsyncSession) -> list[int]:
    rows = await session.scalars(
        select(Reporter.telegram_user_id)
        .join(Membership, Membership.reporter_id == Reporter.id)
        .where(Membership.role == Role.ADMIN, Membership.revoked_at.is_(None))
        .distinct()
    )
    return sorted(rows)
