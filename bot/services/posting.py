"""What a progress post is and who holds it: the post's row, its claim (a lease) and the parts
stored with it, as storage operations. Nothing here speaks to Telegram or renders: the channel
publisher (`bot.delivery.publisher`) renders a post once, stores its parts through
`store_rendering` and sends them.

Every post has a `progress_posts` row keyed by (municipality, channel, period, kind). The row is
claimed (`claim_post`) before anything is rendered or sent; before each message the row records
which part is in flight, and after Telegram accepts it, the message id. So after a crash:

* nothing in flight: the claim's lease runs out (`LEASE` after its last renewal) and the next
  attempt carries on with the parts not yet sent;
* a part in flight: nobody knows whether Telegram took it. The row becomes AMBIGUOUS and the
  municipality's admins are told, with buttons to settle it; nothing is sent twice.

The claim is a lease: the sender renews it (`renew_lease`) before each part and every
`RENEW_EVERY` while it sends. A post that is SENT answers "redan publicerad" to `--publish` and
to the schedule.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from bot.services import access
from storage import outbox as outbox_store
from storage.db import Database, insert_for
from storage.models import (
    Municipality,
    PostApproval,
    PostStatus,
    ProgressPost,
)

log = logging.getLogger(__name__)

KIND = "progress"
LEASE = timedelta(minutes=2)
RENEW_EVERY = LEASE / 4  # how often a sender renews its lease (in its pacer's time)
Outcome = Literal[
    "sent", "already", "skipped", "ambiguous", "busy", "failed", "retry", "no_channel"
]


def instance_name() -> str:
    """Who claims a post: host, process and a random part (two runs never share it)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class PostOutcome:
    outcome: Outcome
    post_id: int | None = None
    message_ids: tuple[int, ...] = ()
    channel: str | None = None
    detail: str = ""
    notices: int = 0  # subscriber notices queued

    @property
    def link(self) -> str | None:
        return message_link(self.channel, self.message_ids[0]) if self.message_ids else None


def message_link(channel: str | None, message_id: int) -> str | None:
    """A t.me link to a channel message: public channels by name, private ones by id."""
    if not channel:
        return None
    if channel.startswith("@"):
        return f"https://t.me/{channel[1:]}/{message_id}"
    digits = channel.removeprefix("-100") if channel.startswith("-100") else None
    return f"https://t.me/c/{digits}/{message_id}" if digits else None


@dataclass(frozen=True)
class Rendered:
    """What a post consists of: the text messages, then the chart with its caption. Stored on
    the post's row once rendered (`stored`/`from_row`), so every send uses the same parts."""

    messages: tuple[str, ...]
    chart: bytes
    caption: str
    titles: tuple[str, str]  # the report's bold title in Swedish and in English
    municipality: str

    @property
    def parts(self) -> int:
        return len(self.messages) + 1

    def title(self, lang: str) -> str:
        return self.titles[1] if lang == "en" else self.titles[0]

    def stored(self) -> dict[str, Any]:
        """The row's `rendering` (the chart goes in its own column)."""
        return {
            "messages": list(self.messages),
            "caption": self.caption,
            "titles": list(self.titles),
            "municipality": self.municipality,
        }

    @classmethod
    def from_row(cls, row: ProgressPost) -> Rendered | None:
        data, chart = row.rendering, row.chart
        if not data or chart is None:
            return None
        sv, en = (str(t) for t in data["titles"])
        return cls(
            tuple(str(m) for m in data["messages"]),
            bytes(chart),
            str(data["caption"]),
            (sv, en),
            str(data["municipality"]),
        )


async def sync_channels(session: AsyncSession, channels: Mapping[str, str]) -> list[str]:
    """Write the configured channels onto the municipalities; returns names not found."""
    from storage.catalogue import municipality_by_name

    unknown: list[str] = []
    for name, channel in channels.items():
        municipality = await municipality_by_name(session, name)
        if municipality is None:
            unknown.append(name)
        elif municipality.channel != channel:
            municipality.channel = channel
    await session.flush()
    return unknown


async def tell_admins(
    session: AsyncSession,
    municipality_id: int,
    key: str,
    text: str,
    now: datetime,
    buttons: Sequence[tuple[str, str]] = (),
    *,
    english: str | None = None,
) -> int:
    """Queue one notice per admin of the municipality (idempotent per `key`); admins whose
    Telegram is English get `english` when it is given."""
    admins = await access.admins_with_language(session, municipality_id)
    if not admins:
        log.warning("municipality %s has no admin to tell about %s", municipality_id, key)

    def text_for(language: str | None) -> str:
        english_reader = (language or "").lower().startswith("en")
        return english if english is not None and english_reader else text

    return await outbox_store.enqueue(
        session,
        [
            outbox_store.Outgoing(f"{key}:{uid}", uid, text_for(language), tuple(buttons))
            for uid, language in admins
        ],
        now,
    )


# --- claiming ----------------------------------------------------------------------------


def lease_end(row: ProgressPost) -> datetime | None:
    """When the claim on `row` runs out unless renewed (None: nobody holds it)."""
    if row.lease_until is not None:
        return row.lease_until
    return row.claimed_at + LEASE if row.claimed_at is not None else None


def lease_held(row: ProgressPost, now: datetime) -> bool:
    """Someone holds a live claim on the post."""
    end = lease_end(row)
    return row.status is PostStatus.CLAIMED and end is not None and end > now


def _is(column: Any, value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value  # type: ignore[no-any-return]


def _unchanged(row: ProgressPost) -> list[ColumnElement[bool]]:
    """The row is still as read: nobody claimed, renewed or settled it since."""
    return [
        ProgressPost.id == row.id,
        ProgressPost.status == row.status,
        _is(ProgressPost.claimed_by, row.claimed_by),
        _is(ProgressPost.claimed_at, row.claimed_at),
        _is(ProgressPost.lease_until, row.lease_until),
    ]


@dataclass
class Claim:
    post_id: int
    sent: list[int] = field(default_factory=list)
    rendered: Rendered | None = None


async def claim_post(
    session: AsyncSession,
    municipality_id: int,
    channel: str,
    period_key: str,
    *,
    due: datetime | None,
    me: str,
    now: datetime,
    lease_now: datetime,
    allow: frozenset[PostStatus],
) -> Claim | PostOutcome:
    """Claim the post before anything is rendered: a post taken, sent or settled costs no
    rendering. A claim taken over brings the parts stored by the first claimer. `now` dates
    the claim (the tick's time); `lease_now` is the clock's time now, which leases are measured
    by (a long tick's start is minutes old by its last post)."""
    insert = insert_for(session)
    created = await session.execute(
        insert(ProgressPost)
        .values(
            municipality_id=municipality_id,
            channel=channel,
            period_key=period_key,
            kind=KIND,
            status=PostStatus.CLAIMED,
            claimed_by=me,
            claimed_at=now,
            lease_until=lease_now + LEASE,
            parts=0,
            due_at=due,
            message_ids=[],
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["municipality_id", "channel", "period_key", "kind"])
    )
    row = await session.scalar(
        select(ProgressPost).where(
            ProgressPost.municipality_id == municipality_id,
            ProgressPost.channel == channel,
            ProgressPost.period_key == period_key,
            ProgressPost.kind == KIND,
        )
    )
    assert row is not None
    sent = [int(m) for m in row.message_ids or []]
    if getattr(created, "rowcount", 0) == 1:
        return Claim(row.id, sent)
    if row.status is PostStatus.SENT:
        return PostOutcome("already", row.id, tuple(sent), channel)
    if row.status is PostStatus.AMBIGUOUS:
        return PostOutcome("ambiguous", row.id, tuple(sent), channel, row.error or "")
    if row.status is PostStatus.SKIPPED and row.status not in allow:
        return PostOutcome("skipped", row.id, tuple(sent), channel, row.error or "")
    if row.status is PostStatus.FAILED and row.status not in allow:
        return PostOutcome("failed", row.id, tuple(sent), channel, row.error or "")
    if lease_held(row, lease_now):
        return PostOutcome("busy", row.id, tuple(sent), channel)
    if row.status is PostStatus.CLAIMED and row.sending_part is not None:
        # The claimer died while Telegram had a message of ours in hand.
        taken = await session.execute(
            update(ProgressPost)
            .where(*_unchanged(row))
            .values(
                status=PostStatus.AMBIGUOUS,
                lease_until=None,
                error=f"avbröts medan del {row.sending_part + 1} av {row.parts} skickades",
            )
        )
        if getattr(taken, "rowcount", 0) != 1:
            return PostOutcome("busy", row.id, tuple(sent), channel)
        return PostOutcome("ambiguous", row.id, tuple(sent), channel, "new")
    # A lease run out with nothing in flight, or a failure to retry: take it over.
    taken = await session.execute(
        update(ProgressPost)
        .where(*_unchanged(row))
        .values(
            status=PostStatus.CLAIMED,
            claimed_by=me,
            claimed_at=now,
            lease_until=lease_now + LEASE,
            sending_part=None,
            error=None,
        )
    )
    if getattr(taken, "rowcount", 0) != 1:
        return PostOutcome("busy", row.id, tuple(sent), channel)
    if row.status is not PostStatus.CLAIMED and not sent:
        # A failed or skipped post published again by hand, none of it out: today's figures.
        return Claim(row.id, sent)
    # A resume (or "skicka igen"): the parts of the one rendering, some of which are out.
    return Claim(row.id, sent, Rendered.from_row(row))


# --- the claimed post's storage operations -----------------------------------------------


async def store_rendering(
    db: Database, post_id: int, me: str, rendered: Rendered, lease_until: datetime
) -> bool:
    """Store the post's parts with the claim (and renew the lease); False when `me` no longer
    holds the claim."""
    async with db.transaction() as session:
        stored = await session.execute(
            update(ProgressPost)
            .where(
                ProgressPost.id == post_id,
                ProgressPost.status == PostStatus.CLAIMED,
                ProgressPost.claimed_by == me,
            )
            .values(
                rendering=rendered.stored(),
                chart=rendered.chart,
                parts=rendered.parts,
                lease_until=lease_until,
            )
        )
    return getattr(stored, "rowcount", 0) == 1


async def renew_lease(db: Database, post_id: int, me: str, until: datetime, **values: Any) -> bool:
    """Extend the claim of `me` to `until`, with `values` written in the same statement; False
    when the post is no longer claimed by `me`."""
    async with db.transaction() as session:
        renewed = await session.execute(
            update(ProgressPost)
            .where(
                ProgressPost.id == post_id,
                ProgressPost.status == PostStatus.CLAIMED,
                ProgressPost.claimed_by == me,
            )
            .values(lease_until=until, **values)
        )
    return getattr(renewed, "rowcount", 0) == 1


async def release_claim(db: Database, post_id: int, me: str, error: str) -> None:
    """Give the claim back with nothing in flight: the next attempt carries on from the part
    not yet sent."""
    async with db.transaction() as session:
        await session.execute(
            update(ProgressPost)
            .where(ProgressPost.id == post_id, ProgressPost.claimed_by == me)
            .values(
                sending_part=None,
                claimed_at=None,
                claimed_by=None,
                lease_until=None,
                error=error[:500],
            )
        )


# --- what the scheduler reads and records -------------------------------------------------


async def channels(session: AsyncSession) -> list[tuple[int, str, str]]:
    """(id, name, channel) of every municipality with a channel, by name."""
    rows = await session.execute(
        select(Municipality.id, Municipality.name, Municipality.channel)
        .where(Municipality.channel.is_not(None))
        .order_by(Municipality.name)
    )
    return [(int(mid), str(name), str(channel)) for mid, name, channel in rows]


async def posts_by_key(session: AsyncSession) -> dict[tuple[int, str, str], ProgressPost]:
    """Every progress post by (municipality, channel, period), without its stored parts."""
    return {
        (row.municipality_id, row.channel, row.period_key): row
        for row in await session.scalars(
            select(ProgressPost)
            .options(defer(ProgressPost.chart), defer(ProgressPost.rendering))
            .where(ProgressPost.kind == KIND)
        )
    }


async def approvals_by_key(session: AsyncSession) -> dict[tuple[int, str], PostApproval]:
    """Every approval request by (municipality, period)."""
    return {
        (row.municipality_id, row.period_key): row
        for row in await session.scalars(select(PostApproval).where(PostApproval.kind == KIND))
    }


async def record_unsent(
    session: AsyncSession,
    mid: int,
    channel: str,
    key: str,
    due: datetime,
    now: datetime,
    status: PostStatus,
    error: str,
) -> bool:
    """Record a post that is not sent (missed, skipped) with the admins told; False when the
    post has a row already."""
    insert = insert_for(session)
    result = await session.execute(
        insert(ProgressPost)
        .values(
            municipality_id=mid,
            channel=channel,
            period_key=key,
            kind=KIND,
            status=status,
            due_at=due,
            parts=0,
            message_ids=[],
            error=error,
            created_at=now,
            admins_told_at=now,
        )
        .on_conflict_do_nothing(index_elements=["municipality_id", "channel", "period_key", "kind"])
    )
    return getattr(result, "rowcount", 0) == 1


async def open_approval(
    session: AsyncSession, mid: int, period_key: str, due: datetime, now: datetime
) -> int | None:
    """Create the approval request of a post; its id, or None when it was asked before (so the
    request goes out once)."""
    insert = insert_for(session)
    result = await session.execute(
        insert(PostApproval)
        .values(municipality_id=mid, period_key=period_key, kind=KIND, due_at=due, asked_at=now)
        .on_conflict_do_nothing(index_elements=["municipality_id", "period_key", "kind"])
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    return await session.scalar(
        select(PostApproval.id).where(
            PostApproval.municipality_id == mid,
            PostApproval.period_key == period_key,
            PostApproval.kind == KIND,
        )
    )


async def mark_held_told(
    session: AsyncSession, approval_id: int, now: datetime
) -> PostApproval | None:
    """Note that the admins were told a post waits for their answer; None when they were told
    before or the request is answered."""
    row = await session.get(PostApproval, approval_id)
    if row is None or row.held_told_at is not None or row.decision is not None:
        return None
    row.held_told_at = now
    return row
