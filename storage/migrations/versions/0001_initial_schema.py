"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 13:54:24.876220
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "police_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_police_areas")),
        sa.UniqueConstraint("name", name=op.f("uq_police_areas_name")),
    )
    op.create_table(
        "processed_updates",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_processed_updates")),
    )
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_updates_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "reporters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column(
            "organisation",
            sa.Enum(
                "polisen",
                "kommunen",
                name="organisation",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=True,
        ),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporters")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_reporters_telegram_user_id")),
    )
    op.create_table(
        "municipalities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("police_area_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["police_area_id"],
            ["police_areas.id"],
            name=op.f("fk_municipalities_police_area_id_police_areas"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities")),
        sa.UniqueConstraint("name", name=op.f("uq_municipalities_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_municipalities_slug")),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_feedback_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_feedback_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "reporter",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column(
            "organisation",
            sa.Enum(
                "polisen",
                "kommunen",
                name="organisation",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=True,
        ),
        sa.Column("created_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_invites_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invites_code_hash")),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "reporter",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_memberships_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["reporters.id"],
            name=op.f("fk_memberships_reporter_id_reporters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "reporter_id", "municipality_id", name=op.f("uq_memberships_reporter_id")
        ),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_memberships_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "pledge_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "period_end IS NULL OR period_end >= period_start",
            name=op.f("ck_pledge_sets_period_order"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_pledge_sets_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_sets")),
    )
    with op.batch_alter_table("pledge_sets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pledge_sets_municipality_period", ["municipality_id", "period_start"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pledge_sets_source_hash"), ["source_hash"], unique=False
        )

    op.create_table(
        "progress_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "claimed",
                "sent",
                "ambiguous",
                "skipped",
                "failed",
                name="post_status",
                native_enum=False,
                create_constraint=True,
                length=13,
            ),
            nullable=False,
        ),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_ids", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_progress_posts_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_posts")),
        sa.UniqueConstraint(
            "municipality_id",
            "channel",
            "period_key",
            "kind",
            name=op.f("uq_progress_posts_municipality_id"),
        ),
    )
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_subscribers_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscribers")),
        sa.UniqueConstraint("chat_id", "municipality_id", name=op.f("uq_subscribers_chat_id")),
    )
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscribers_chat_id"), ["chat_id"], unique=False)

    op.create_table(
        "focus_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_set_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_set_id"],
            ["pledge_sets.id"],
            name=op.f("fk_focus_areas_pledge_set_id_pledge_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_areas")),
    )
    with op.batch_alter_table("focus_areas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_focus_areas_pledge_set_id"), ["pledge_set_id"], unique=False
        )

    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("focus_area_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("short_name", sa.String(length=80), nullable=False),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column(
            "responsible",
            sa.Enum(
                "polisen",
                "kommunen",
                "båda",
                name="responsible",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("target_count", sa.Integer(), nullable=True),
        sa.Column("target_at_least", sa.Boolean(), nullable=False),
        sa.Column("target_per", sa.String(length=16), nullable=True),
        sa.Column("target_unit", sa.String(length=80), nullable=True),
        sa.Column("target_coverage", sa.String(length=200), nullable=True),
        sa.Column("status_override", sa.String(length=32), nullable=True),
        sa.Column("status_override_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "target_per IS NULL OR target_per IN ('year', 'half_year', 'tertial', 'quarter', 'term', 'month', 'week', 'period')",
            name=op.f("ck_pledges_target_per"),
        ),
        sa.CheckConstraint(
            "target_count IS NULL OR target_count > 0", name=op.f("ck_pledges_target_count")
        ),
        sa.ForeignKeyConstraint(
            ["focus_area_id"],
            ["focus_areas.id"],
            name=op.f("fk_pledges_focus_area_id_focus_areas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_pledges_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
    )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledges_focus_area_id"), ["focus_area_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pledges_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "coverage_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_coverage_items_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_items")),
        sa.UniqueConstraint("pledge_id", "name", name=op.f("uq_coverage_items_pledge_id")),
    )
    op.create_table(
        "result_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_result_notes_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_notes")),
        sa.UniqueConstraint(
            "pledge_id",
            "window_start",
            "window_end",
            "position",
            name=op.f("uq_result_notes_pledge_id"),
        ),
    )
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=True),
        sa.Column("coverage_item_id", sa.Integer(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("place_public", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("photo_file_id", sa.String(length=200), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "telegram",
                "import",
                "example",
                name="activity_source",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_activities_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["coverage_item_id"],
            ["coverage_items.id"],
            name=op.f("fk_activities_coverage_item_id_coverage_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_activities_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_activities_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["reporters.id"],
            name=op.f("fk_activities_reporter_id_reporters"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint(
            "source_chat_id", "source_message_id", name=op.f("uq_activities_source_chat_id")
        ),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activities_municipality_day", ["municipality_id", "occurred_on"], unique=False
        )
        batch_op.create_index(
            "ix_activities_pledge_day", ["pledge_id", "occurred_on"], unique=False
        )
        batch_op.create_index(
            "ix_activities_reporter_created", ["reporter_id", "created_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_reporter_created")
        batch_op.drop_index("ix_activities_pledge_day")
        batch_op.drop_index("ix_activities_municipality_day")

    op.drop_table("activities")
    op.drop_table("result_notes")
    op.drop_table("coverage_items")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledges_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_focus_area_id"))

    op.drop_table("pledges")
    with op.batch_alter_table("focus_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_focus_areas_pledge_set_id"))

    op.drop_table("focus_areas")
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscribers_chat_id"))

    op.drop_table("subscribers")
    op.drop_table("progress_posts")
    with op.batch_alter_table("pledge_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_sets_source_hash"))
        batch_op.drop_index("ix_pledge_sets_municipality_period")

    op.drop_table("pledge_sets")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_municipality_id"))

    op.drop_table("memberships")
    op.drop_table("invites")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_chat_id"))

    op.drop_table("feedback")
    op.drop_table("municipalities")
    op.drop_table("reporters")
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_updates_received_at"))

    op.drop_table("processed_updates")
    op.drop_table("police_areas")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
