"""Weekly reminders to reporters, and /paus.

`reminders_due` computes them as data; once a week the reminders sender
(`bot.delivery.reminders.queue_reminders`, run by `bot.delivery.scheduler`) writes and queues them:
every reporter gets one private message, covering all their municipalities, that names the
pledges relevant to them that are behind pace or have been idle. Nothing is sent when there is
nothing to say. `pause_status` and `set_pause` serve /paus.

Which pledges a reminder names (``due_items``), for a municipality with ``reminder_weeks`` N > 0
(0 turns reminders off; a municipality without a `PostSchedule` row has the default, 3):

* Only pledges measured in an open window today: a pledge without a window (its set is not in
  force) or whose window has closed is left out: nothing done now can change it.
* **Behind**: the (possibly overridden) status is ``Status.BEHIND`` (for a recurring target
  judged over all its windows so far, ``bot.domain.pace.assess_rounds``), unless the target of
  the running window is already reached: a missed week cannot be made up, so a pledge kept this
  week is not named for it.
* **Idle**: nothing logged for N weeks: the latest activity (in any window) is more than N
  weeks before today, or there is none at all. Not for a pledge whose target is already met in
  this window (``MET``: nothing is missing), nor for one whose current window began less than
  N weeks ago (a new year or quarter starts without a nudge; pace decides then).
* A pledge **without a measurable target** ("Inget mätbart mål") is never behind, but it can be
  idle, by the same rule: having done nothing for weeks is the only signal such a pledge
  gives, and the reminder names it without any figure but the weeks.
* Relevance: organisation "polisen" sees the pledges the police answer for and those of both;
  "kommunen" the municipality's and both; a reporter without an organisation sees them all.

Who: every reporter (role reporter or admin) with an active membership; a revoked membership
is not reminded, and a reporter whose ``paused_until`` is today or later is skipped (and
counted). ``paused_until`` is the last paused day; "tills vidare" is ``FOREVER`` (9999-12-31).

One message per reporter per ISO week, key ``remind:{iso_year}-W{week:02d}:{telegram_user_id}``:
a second run in the same week queues nothing new. The query count does not grow with the
number of reporters: one for the memberships, one overview per municipality that has someone
to remind, one insert batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.pace import Status
from bot.services.answers import Overview, PledgeLine, overview
from bot.services.errors import Invalid, NotAllowed
from storage import activities, audit
from storage.catalogue import swedish_sort_key
from storage.models import (
    Membership,
    Municipality,
    Organisation,
    PostSchedule,
    Reporter,
    Responsible,
)

# Keep in step with the column default of PostSchedule.reminder_weeks.
DEFAULT_REMINDER_WEEKS = 3

_RELEVANT: dict[Organisation | None, frozenset[Responsible]] = {
    Organisation.POLICE: frozenset({Responsible.POLICE, Responsible.BOTH}),
    Organisation.MUNICIPALITY: frozenset({Responsible.MUNICIPALITY, Responsible.BOTH}),
    None: frozenset(Responsible),
}


# --- what to remind of --------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderItem:
    line: PledgeLine
    behind: bool
    idle: bool  # nothing logged for the municipality's reminder weeks (or never)


@dataclass(frozen=True)
class ReminderBlock:
    municipality_id: int
    municipality: str
    items: tuple[ReminderItem, ...]


@dataclass(frozen=True)
class Reminder:
    """One reporter's weekly message, as data; `bot.render.reminders` writes it."""

    telegram_user_id: int
    language: str | None
    today: date
    blocks: tuple[ReminderBlock, ...]

    @property
    def pledges(self) -> int:
        return sum(len(block.items) for block in self.blocks)


@dataclass(frozen=True)
class ReminderRun:
    reminded: int  # reporters who have a reminder this week (queued now or earlier this week)
    queued: int  # messages newly queued by this run (0 when the week's were queued before)
    pledges_mentioned: int  # pledge lines over all this week's reminders
    skipped_paused: int  # reporters who would be asked but paused reminders with /paus


def due_items(view: Overview, weeks: int, today: date) -> list[ReminderItem]:
    """The pledges of one municipality worth a reminder (rules: module doc)."""
    if weeks <= 0:
        return []
    cutoff = today - timedelta(weeks=weeks)
    items: list[ReminderItem] = []
    for line in view.lines:
        window = line.window
        if window is None or not window.contains(today):
            continue
        status = line.assessment.status
        rounds = line.assessment.rounds
        # A recurring target reached in the running window ("minst 1 i veckan", done this
        # week) has nothing missing now, even when earlier windows were missed.
        settled = status is Status.MET or (rounds is not None and rounds.running_kept)
        behind = status is Status.BEHIND and not settled
        idle = (
            not settled
            and window.start <= cutoff
            and (line.last_day is None or line.last_day < cutoff)
        )
        if behind or idle:
            items.append(ReminderItem(line, behind, idle))
    return items


def reminder_key(telegram_user_id: int, today: date) -> str:
    iso_year, week, _ = today.isocalendar()
    return f"remind:{iso_year}-W{week:02d}:{telegram_user_id}"


@dataclass
class _Person:
    telegram_user_id: int
    language: str | None
    municipalities: list[tuple[int, str, int, Organisation | None]]
    # (id, name, reminder weeks, the organisation reported for there)


async def reminders_due(session: AsyncSession, *, today: date) -> tuple[list[Reminder], int]:
    """This week's reminders as data, and how many reporters were skipped as paused."""
    weeks = func.coalesce(PostSchedule.reminder_weeks, DEFAULT_REMINDER_WEEKS)
    rows = await session.execute(
        select(
            Reporter.id,
            Reporter.telegram_user_id,
            func.coalesce(Membership.organisation, Reporter.organisation),
            Reporter.language,
            Reporter.paused_until,
            Municipality.id,
            Municipality.name,
            weeks,
        )
        .join(Membership, Membership.reporter_id == Reporter.id)
        .join(Municipality, Municipality.id == Membership.municipality_id)
        .outerjoin(PostSchedule, PostSchedule.municipality_id == Municipality.id)
        .where(Membership.revoked_at.is_(None), weeks > 0)
        .order_by(Reporter.id)
    )
    people: dict[int, _Person] = {}
    paused: set[int] = set()
    for reporter_id, user_id, organisation, language, paused_until, mid, name, n in rows:
        if paused_until is not None and paused_until >= today:
            paused.add(reporter_id)
            continue
        person = people.setdefault(reporter_id, _Person(user_id, language, []))
        person.municipalities.append((mid, name, int(n), organisation))

    # One overview per municipality, shared by all its reporters.
    due: dict[int, list[ReminderItem]] = {}
    for mid, _name, n in sorted({m[:3] for p in people.values() for m in p.municipalities}):
        due[mid] = due_items(await overview(session, mid, today), n, today)

    reminders: list[Reminder] = []
    for person in people.values():
        blocks = []
        for mid, name, _n, reported_for in sorted(
            person.municipalities, key=lambda m: swedish_sort_key(m[1])
        ):
            relevant = _RELEVANT[reported_for]
            items = tuple(i for i in due[mid] if i.line.responsible in relevant)
            if items:
                blocks.append(ReminderBlock(mid, name, items))
        if blocks:
            reminders.append(
                Reminder(person.telegram_user_id, person.language, today, tuple(blocks))
            )
    return reminders, len(paused)


# --- /paus --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PauseState:
    paused_until: date | None  # the last paused day; None when reminders are on
    municipalities: tuple[str, ...]  # where the user is reporter or admin
    off_in: tuple[str, ...] = ()  # of those, where an admin turned reminders off


@dataclass(frozen=True)
class PauseOutcome:
    kind: str  # "changed", "unchanged" or "duplicate" (a redelivered update)
    state: PauseState | None = None


async def _reporter(session: AsyncSession, user_id: int) -> tuple[Reporter, list[str], list[str]]:
    """The user's reporter row, municipalities, and those without reminders; NotAllowed for
    anyone without an active membership. Looked up by numeric user id only."""
    rows = (
        await session.execute(
            select(Reporter, Municipality.name, PostSchedule.reminder_weeks)
            .join(Membership, Membership.reporter_id == Reporter.id)
            .join(Municipality, Municipality.id == Membership.municipality_id)
            .outerjoin(PostSchedule, PostSchedule.municipality_id == Municipality.id)
            .where(Reporter.telegram_user_id == user_id, Membership.revoked_at.is_(None))
        )
    ).all()
    if not rows:
        raise NotAllowed("access.not_reporter")
    names = sorted((name for _r, name, _w in rows), key=swedish_sort_key)
    off = sorted((name for _r, name, w in rows if w == 0), key=swedish_sort_key)
    return rows[0][0], names, off


def _effective(paused_until: date | None, today: date) -> date | None:
    """A pause that ended before today is no pause."""
    return paused_until if paused_until is not None and paused_until >= today else None


async def pause_status(session: AsyncSession, user_id: int, *, today: date) -> PauseState:
    reporter, names, off = await _reporter(session, user_id)
    return PauseState(_effective(reporter.paused_until, today), tuple(names), tuple(off))


async def set_pause(
    session: AsyncSession,
    user_id: int,
    until: date | None,
    *,
    update_key: str,
    update_id: int,
    now: datetime,
    today: date,
) -> PauseOutcome:
    """Pause reminders through `until` (None: turn them on again), audited once per update."""
    reporter, names, off = await _reporter(session, user_id)
    if until is not None and until < today:
        raise Invalid("pause.past")
    if not await activities.claim_update(session, update_key, update_id, now):
        return PauseOutcome("duplicate")
    before = _effective(reporter.paused_until, today)
    state = PauseState(until, tuple(names), tuple(off))
    if before == until:
        return PauseOutcome("unchanged", state)
    reporter.paused_until = until
    audit.record(
        session,
        at=now,
        actor="reporter",
        actor_user_id=user_id,
        action="reminders.pause" if until is not None else "reminders.resume",
        entity="reporter",
        entity_id=reporter.id,
        details={
            "paused_until": [
                before.isoformat() if before else None,
                until.isoformat() if until else None,
            ]
        },
    )
    await session.flush()
    return PauseOutcome("changed", state)
