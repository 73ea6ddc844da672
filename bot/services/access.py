"""Who may do what: the one place that decides admin and reporter rights.

Rights are looked up by numeric Telegram user id, in the session of the update being handled,
on every message and button press; never read from the message itself, and a button's ids are
only a request. An admin of a municipality may also report there.

Handlers and services ask here, never the membership table themselves:
- `who_is`: everything about a user at once (welcome and help texts, imports);
- `is_reporter`, `admin_places`: may the user report at all, where does the user administer;
- `require_admin` (one municipality, by id or name) and `require_any_admin`: NotAllowed
  otherwise, which the handlers turn into one refusal (`bot.render.admin.only_admins`);
- `admin_ids` (where the user administers, as ids), `admins_of` and `admins_with_language`
  (whom to tell about a municipality) and `all_admins` (whom to tell about the bot).

A reporter's scope for logging (`bot.services.reporting.scope_of`) is built from the same
memberships, with the reporter's id; it refuses with NotAllowed as `require_*` here do.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import NotAllowed
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
    """The user's roles and the municipalities known to the bot."""
    memberships = await people.active_memberships(session, user_id)
    admin_in = tuple(m.name for ms, m in memberships if ms.role is Role.ADMIN)
    reporter_in = tuple(m.name for _, m in memberships)
    known = tuple(m.name for m in await catalogue.list_municipalities(session))
    return Who(user_id, reporter_in, admin_in, known)


async def is_reporter(session: AsyncSession, user_id: int) -> bool:
    """May the user log activities anywhere (admins may)."""
    return bool(await people.active_memberships(session, user_id))


async def admin_places(session: AsyncSession, user_id: int) -> list[tuple[int, str]]:
    """(id, name) of the municipalities the user administers, in Swedish order."""
    return [
        (m.id, m.name)
        for ms, m in await people.active_memberships(session, user_id)
        if ms.role is Role.ADMIN
    ]


async def admin_ids(session: AsyncSession, user_id: int) -> set[int]:
    """The ids of the municipalities the user administers."""
    return {mid for mid, _ in await admin_places(session, user_id)}


async def require_any_admin(session: AsyncSession, user_id: int) -> dict[int, str]:
    """{id: name} of the municipalities the user administers; NotAllowed when none."""
    places = dict(await admin_places(session, user_id))
    if not places:
        raise NotAllowed("inte administratör")
    return places


async def require_admin(session: AsyncSession, user_id: int, municipality_id: int) -> str:
    """The municipality's name if the user is its admin; NotAllowed otherwise."""
    places = dict(await admin_places(session, user_id))
    if municipality_id not in places:
        raise NotAllowed("inte administratör där")
    return places[municipality_id]


async def require_admin_named(session: AsyncSession, user_id: int, municipality: str) -> None:
    """As `require_admin`, for a municipality given by name."""
    if municipality not in {name for _, name in await admin_places(session, user_id)}:
        raise NotAllowed(f"inte administratör i {municipality}")


async def admins_of(session: AsyncSession, municipality_id: int) -> tuple[int, ...]:
    """The Telegram user ids of the municipality's admins, in order."""
    return tuple(uid for uid, _ in await admins_with_language(session, municipality_id))


async def admins_with_language(
    session: AsyncSession, municipality_id: int
) -> list[tuple[int, str | None]]:
    """Telegram user ids (and languages) of the municipality's admins, in order."""
    rows = await session.execute(
        select(Reporter.telegram_user_id, Reporter.language)
        .join(Membership, Membership.reporter_id == Reporter.id)
        .where(
            Membership.municipality_id == municipality_id,
            Membership.role == Role.ADMIN,
            Membership.revoked_at.is_(None),
        )
        .distinct()
    )
    return sorted((int(uid), lang) for uid, lang in rows)


async def all_admins(session: AsyncSession) -> list[int]:
    """The Telegram user ids of every admin of any municipality."""
    rows = await session.scalars(
        select(Reporter.telegram_user_id)
        .join(Membership, Membership.reporter_id == Reporter.id)
        .where(Membership.role == Role.ADMIN, Membership.revoked_at.is_(None))
        .distinct()
    )
    return sorted(rows)
