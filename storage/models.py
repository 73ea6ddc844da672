"""Typed SQLAlchemy 2 models for Löftesboten.

Names follow the glossary in DESIGN.md (Swedish term -> code name). Every timestamp is stored
timezone-aware in UTC; calendar days (when something was done, a period's start and end) are
plain dates. Telegram ids are 64-bit. Enumerations are stored as short strings with a CHECK
constraint so that SQLite and PostgreSQL behave alike.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored in UTC.

    SQLite forgets the zone, so values read back are normalised to UTC; naive values are refused
    on the way in, which keeps local times from sneaking into storage.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Responsible(enum.StrEnum):
    POLICE = "polisen"
    MUNICIPALITY = "kommunen"
    BOTH = "båda"


class Organisation(enum.StrEnum):
    POLICE = "polisen"
    MUNICIPALITY = "kommunen"


class Role(enum.StrEnum):
    REPORTER = "reporter"
    ADMIN = "admin"


class PostStatus(enum.StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    AMBIGUOUS = "ambiguous"
    SKIPPED = "skipped"
    FAILED = "failed"


class ActivitySource(enum.StrEnum):
    TELEGRAM = "telegram"
    IMPORT = "import"
    EXAMPLE = "example"


TARGET_PERS = ("year", "half_year", "tertial", "quarter", "term", "month", "week", "period")


def _enum(cls: type[enum.StrEnum], name: str) -> SAEnum:
    return SAEnum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in cls) + 4,
        values_callable=lambda members: [m.value for m in members],
    )


def _now() -> datetime:
    # Column defaults are the one place a wall clock is read outside the Clock object:
    # services pass explicit times where it matters (tests freeze those).
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[int]: JSON(),
    }


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=_now)


class PoliceArea(Timestamped, Base):
    """Lokalpolisområde."""

    __tablename__ = "police_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="police_area", lazy="raise"
    )


class Municipality(Timestamped, Base):
    """Kommun."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    police_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("police_areas.id", ondelete="SET NULL")
    )
    # The public channel: a numeric chat id or an @username, as given in the configuration.
    channel: Mapped[str | None] = mapped_column(String(64))
    # When an activity of this municipality was last logged, changed or removed.
    data_updated_at: Mapped[datetime | None] = mapped_column()

    police_area: Mapped[PoliceArea | None] = relationship(
        back_populates="municipalities", lazy="raise"
    )
    pledge_sets: Mapped[list[PledgeSet]] = relationship(back_populates="municipality", lazy="raise")


class PledgeSet(Timestamped, Base):
    """Medborgarlöfte: one published set of pledges for a period."""

    __tablename__ = "pledge_sets"
    __table_args__ = (
        CheckConstraint("period_end IS NULL OR period_end >= period_start", name="period_order"),
        Index("ix_pledge_sets_municipality_period", "municipality_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE")
    )
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)  # None: "tills vidare"
    source: Mapped[str] = mapped_column(String(500))
    # Hash of the imported text, so that importing the same page twice changes nothing.
    source_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    published_on: Mapped[date | None] = mapped_column(Date)

    municipality: Mapped[Municipality] = relationship(back_populates="pledge_sets", lazy="raise")
    focus_areas: Mapped[list[FocusArea]] = relationship(
        back_populates="pledge_set", lazy="raise", order_by="FocusArea.position"
    )


class FocusArea(Base):
    """Fokusområde."""

    __tablename__ = "focus_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_set_id: Mapped[int] = mapped_column(
        ForeignKey("pledge_sets.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    pledge_set: Mapped[PledgeSet] = relationship(back_populates="focus_areas", lazy="raise")
    pledges: Mapped[list[Pledge]] = relationship(
        back_populates="focus_area", lazy="raise", order_by="Pledge.position"
    )


class Pledge(Timestamped, Base):
    """Löfte, with its target (mål) kept in the target_* columns."""

    __tablename__ = "pledges"
    __table_args__ = (
        CheckConstraint(
            "target_per IS NULL OR target_per IN ('" + "', '".join(TARGET_PERS) + "')",
            name="target_per",
        ),
        CheckConstraint("target_count IS NULL OR target_count > 0", name="target_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    focus_area_id: Mapped[int] = mapped_column(
        ForeignKey("focus_areas.id", ondelete="CASCADE"), index=True
    )
    # Denormalised so that per-municipality reads need no four-table join.
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str] = mapped_column(String(80))
    synonyms: Mapped[list[str]] = mapped_column(default=list)
    responsible: Mapped[Responsible] = mapped_column(_enum(Responsible, "responsible"))
    target_count: Mapped[int | None] = mapped_column(Integer)
    target_at_least: Mapped[bool] = mapped_column(Boolean, default=True)
    target_per: Mapped[str | None] = mapped_column(String(16))
    target_unit: Mapped[str | None] = mapped_column(String(80))
    target_coverage: Mapped[str | None] = mapped_column(String(200))
    # An admin may override the computed status, with a reason.
    status_override: Mapped[str | None] = mapped_column(String(32))
    status_override_reason: Mapped[str | None] = mapped_column(Text)

    focus_area: Mapped[FocusArea] = relationship(back_populates="pledges", lazy="raise")
    coverage_items: Mapped[list[CoverageItem]] = relationship(
        back_populates="pledge", lazy="raise", order_by="CoverageItem.position"
    )


class CoverageItem(Base):
    """One item of a coverage target's list (a school, a boende, a village)."""

    __tablename__ = "coverage_items"
    __table_args__ = (UniqueConstraint("pledge_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # An item taken off the list keeps its row (activities point at it) but no longer counts.
    removed_at: Mapped[datetime | None] = mapped_column()

    pledge: Mapped[Pledge] = relationship(back_populates="coverage_items", lazy="raise")


class Reporter(Timestamped, Base):
    """Rapportör: a Telegram user allowed to log activities (or to administer)."""

    __tablename__ = "reporters"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    # Internal only; never shown in public output.
    display_name: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[Organisation | None] = mapped_column(_enum(Organisation, "organisation"))
    language: Mapped[str | None] = mapped_column(String(8))
    paused_until: Mapped[date | None] = mapped_column(Date)

    memberships: Mapped[list[Membership]] = relationship(back_populates="reporter", lazy="raise")


class Membership(Timestamped, Base):
    """A reporter's role in one municipality. Revoking keeps the row for the audit trail."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("reporter_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("reporters.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    # The organisation the reporter reports for in this municipality (an invite says it); None
    # falls back to the reporter's own.
    organisation: Mapped[Organisation | None] = mapped_column(_enum(Organisation, "organisation"))
    revoked_at: Mapped[datetime | None] = mapped_column()

    reporter: Mapped[Reporter] = relationship(back_populates="memberships", lazy="raise")
    municipality: Mapped[Municipality] = relationship(lazy="raise")


class Invite(Timestamped, Base):
    """Inbjudan: a one-time deep-link code. Only its SHA-256 hash is stored."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE")
    )
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    organisation: Mapped[Organisation | None] = mapped_column(_enum(Organisation, "organisation"))
    created_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    used_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[datetime | None] = mapped_column()


class Activity(Timestamped, Base):
    """Aktivitet / insats: something done, counted against a pledge (or extra, when pledge is None).

    Internal fields (reporter, note, exact place) never reach public output; `place_public`
    says whether an admin marked the place as fit to show.
    """

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("count >= 0", name="count_not_negative"),
        CheckConstraint(
            "occurred_until IS NULL OR occurred_until >= occurred_on", name="span_order"
        ),
        UniqueConstraint("source_chat_id", "source_message_id"),
        Index("ix_activities_pledge_day", "pledge_id", "occurred_on"),
        Index("ix_activities_municipality_day", "municipality_id", "occurred_on"),
        Index("ix_activities_reporter_created", "reporter_id", "created_at"),
        # Covers the citizen overview: day totals and latest day per pledge, index only.
        Index(
            "ix_activities_overview",
            "municipality_id",
            "pledge_id",
            "occurred_on",
            "count",
            "deleted_at",
        ),
        # Covers visits per list item (schools, villages…), index only; partial, so only the
        # activities that name an item carry it.
        Index(
            "ix_activities_coverage",
            "pledge_id",
            "occurred_on",
            "coverage_item_id",
            "count",
            "deleted_at",
            sqlite_where=text("coverage_item_id IS NOT NULL"),
            postgresql_where=text("coverage_item_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE")
    )
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"))
    coverage_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("coverage_items.id", ondelete="SET NULL")
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("reporters.id", ondelete="SET NULL"))
    occurred_on: Mapped[date] = mapped_column(Date)
    # Set when only a span is known (an imported page says "under 2019", not the day): the
    # activity happened on some day from `occurred_on` to `occurred_until`. Shown as the span.
    occurred_until: Mapped[date | None] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=1)
    place: Mapped[str | None] = mapped_column(String(200))
    place_public: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[ActivitySource] = mapped_column(_enum(ActivitySource, "activity_source"))
    # The Telegram message that created it, so that an edit updates this row.
    source_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime | None] = mapped_column()
    deleted_at: Mapped[datetime | None] = mapped_column()


class Draft(Timestamped, Base):
    """A reporter's message the bot could not read with certainty, waiting for a pick.

    It holds what was read (count, day, place, note, photo) and the pledges offered; the
    activity is only written when the reporter picks one. With `activity_id` set, the pick
    changes that activity instead (an edited message that became ambiguous).
    """

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("reporters.id", ondelete="CASCADE"))
    municipality_ids: Mapped[list[int]] = mapped_column(default=list)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer, default=1)
    occurred_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    pledge_ids: Mapped[list[int]] = mapped_column(default=list)
    # What is still to be asked, in order: "municipality" (the text names a kommun the
    # reporter does not report for), "pledge", "count", "day". Without "pledge", the pledge
    # is pledge_ids[0] (none: an extra activity in municipality_ids[0]).
    doubts: Mapped[list[str]] = mapped_column(default=list)
    # The words of the message that named no pledge: learnt for the pledge the reporter picks.
    words: Mapped[str | None] = mapped_column(String(200))


class ChatSetting(Base):
    """What the bot remembers about a chat: its municipality. /glom deletes it."""

    __tablename__ = "chat_settings"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=_now)
    # The chat's last message or button press; retention forgets chats idle for a year.
    last_seen_at: Mapped[datetime | None] = mapped_column()


class InboxUpdate(Base):
    """An update from Telegram, stored before Telegram is told it arrived, and processed from
    here: a crash loses nothing that was acknowledged. `key` is the update's content key (see
    ProcessedUpdate), so a redelivery is stored once. Rows are kept at least seven days."""

    __tablename__ = "inbox"
    __table_args__ = (
        Index("ix_inbox_pending", "done_at", "id"),
        # Rows that failed (waiting for a retry, or given up): few, counted for /metrics.
        Index(
            "ix_inbox_errors",
            "done_at",
            sqlite_where=text("error IS NOT NULL"),
            postgresql_where=text("error IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    update_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=_now, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)


class ChatState(Base):
    """What the bot is waiting for from one user: a place, a count, a date, a list…

    Kept in the database rather than in memory so that a restart, or another instance behind
    the load balancer, still knows what the next message answers.
    """

    __tablename__ = "chat_states"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    expires_at: Mapped[datetime] = mapped_column()


class ResultNote(Timestamped, Base):
    """Resultattext: the narrative result for a pledge and a window of time."""

    __tablename__ = "result_notes"
    __table_args__ = (UniqueConstraint("pledge_id", "window_start", "window_end", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"))
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    count: Mapped[int | None] = mapped_column(Integer)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(500))


class Subscriber(Timestamped, Base):
    """Prenumerant: a citizen chat that wants a municipality's progress posts."""

    __tablename__ = "subscribers"
    __table_args__ = (UniqueConstraint("chat_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE")
    )
    language: Mapped[str | None] = mapped_column(String(8))


class ProgressPost(Timestamped, Base):
    """Lägesrapport: one post for (municipality, channel, period, kind), sent at most once."""

    __tablename__ = "progress_posts"
    __table_args__ = (UniqueConstraint("municipality_id", "channel", "period_key", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(64))
    period_key: Mapped[str] = mapped_column(String(16))  # e.g. "2026-Q3"
    kind: Mapped[str] = mapped_column(String(32))  # e.g. "quarterly"
    status: Mapped[PostStatus] = mapped_column(_enum(PostStatus, "post_status"))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    message_ids: Mapped[list[str]] = mapped_column(default=list)
    error: Mapped[str | None] = mapped_column(Text)
    # When the schedule wanted it out (None for a post published by hand).
    due_at: Mapped[datetime | None] = mapped_column()
    # How many messages the post has; `message_ids` holds those Telegram accepted so far.
    parts: Mapped[int] = mapped_column(Integer, default=0)
    # Set (to the part's index) while a send call is in flight: if the process dies then, nobody
    # knows whether Telegram took the message, and the post becomes AMBIGUOUS, not sent again.
    sending_part: Mapped[int | None] = mapped_column(Integer)
    # When admins were told that the post is ambiguous or failed.
    admins_told_at: Mapped[datetime | None] = mapped_column()
    # The claim is a lease: the claimer renews it while it sends (also while it waits out a
    # 429), and only a lease run out lets another process take the post over.
    lease_until: Mapped[datetime | None] = mapped_column()
    # The post as rendered once, when first claimed: its texts and the chart's caption and
    # titles (`rendering`), and the chart's PNG. A resume sends these, never a new rendering.
    rendering: Mapped[dict[str, Any] | None] = mapped_column()
    chart: Mapped[bytes | None] = mapped_column(LargeBinary)


class PostSchedule(Base):
    """When a municipality's progress post goes out, whether admins approve it first, and when
    its reporters are reminded. A municipality without a row has the defaults."""

    __tablename__ = "post_schedules"

    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True
    )
    # "quarter" (default), "tertial", "half_year", "year", "month" or "off".
    every: Mapped[str] = mapped_column(String(16), default="quarter")
    post_time: Mapped[str] = mapped_column(String(5), default="09:00")  # local HH:MM
    approval: Mapped[bool] = mapped_column(Boolean, default=False)
    approval_hours: Mapped[int] = mapped_column(Integer, default=48)
    unanswered: Mapped[str] = mapped_column(String(8), default="publish")  # "publish" | "hold"
    # Remind reporters of pledges with no activity for this many weeks (and those behind pace);
    # 0 turns reminders off for the municipality.
    reminder_weeks: Mapped[int] = mapped_column(Integer, default=3)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime | None] = mapped_column()
    updated_by_user_id: Mapped[int | None] = mapped_column(BigInteger)


class PostApproval(Base):
    """Admins' decision on one scheduled post: asked, then publish or skip, with a comment."""

    __tablename__ = "post_approvals"
    __table_args__ = (UniqueConstraint("municipality_id", "period_key", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE")
    )
    period_key: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column()
    asked_at: Mapped[datetime] = mapped_column()
    decision: Mapped[str | None] = mapped_column(String(8))  # "publish" | "skip"
    decided_by_user_id: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)
    held_told_at: Mapped[datetime | None] = mapped_column()


class OutboxMessage(Base):
    """A message waiting to be sent at Telegram's pace (subscriber notices, reminders, notices
    to admins). `key` makes enqueueing idempotent: the same notice is never queued twice.

    status: "pending" -> "sending" (a send call in flight) -> "sent"; a row found "sending"
    after a restart becomes "ambiguous" and is not sent again; "failed" when Telegram refuses
    for good (the chat blocked the bot, the chat is gone).
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    # Link buttons, one per row: [[label, url], ...].
    buttons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    sent_at: Mapped[datetime | None] = mapped_column()
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)


class Feedback(Timestamped, Base):
    """Synpunkt: citizen input for the next medborgardialog."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(Text)
    handled_at: Mapped[datetime | None] = mapped_column()


class AuditEntry(Base):
    """Audit trail: who did what to which row, and when. Rows are only ever added."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=_now, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(40))  # "reporter", "admin", "cli", "system"
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CatalogueVersion(Base):
    """One row whose number grows whenever something a reporter's messages are read against
    changes: municipalities' names, pledge sets, focus areas, pledges, list items, reporters'
    user ids and memberships. Database triggers (migration 0007) bump it, whoever writes, so
    every instance can keep those tables in memory and know when its copy is stale."""

    __tablename__ = "catalogue_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class ProcessedUpdate(Base):
    """A Telegram update we have handled, keyed by its content rather than its update_id.

    update_id restarts at a random value after a week without updates, so "greater than the last
    one" cannot de-duplicate; the key (chat + message id, callback id, …) can. Kept for at least
    seven days.
    """

    __tablename__ = "processed_updates"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(default=_now, index=True)
    processed_at: Mapped[datetime | None] = mapped_column()
    payload: Mapped[dict[str, Any] | None] = mapped_column()


class SendBudget(Base):
    """The bot's send budget as a token bucket that every process of the bot draws from
    (`storage.budget`): `tokens` as of `stamp` (seconds since the epoch, the database's clock).
    Tokens below zero are sends already booked for the near future."""

    __tablename__ = "send_budget"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    stamp: Mapped[float] = mapped_column(Float)
