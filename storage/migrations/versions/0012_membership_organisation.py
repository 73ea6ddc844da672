"""the organisation a reporter reports for, per membership

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


BUMP = "UPDATE catalogue_version SET version = version + 1"


def _sqlite_triggers_again() -> None:
    """SQLite's batch mode rebuilds the table, which drops its triggers (see 0007): every
    change to a membership makes cached catalogues stale."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in ("INSERT", "UPDATE", "DELETE"):
        name = f"tr_memberships_catalogue_{event.lower()}"
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON memberships BEGIN {BUMP}; END")


def upgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(
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
            )
        )
    op.execute(
        "UPDATE memberships SET organisation = (SELECT reporters.organisation FROM reporters "
        "WHERE reporters.id = memberships.reporter_id)"
    )
    _sqlite_triggers_again()


def downgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.drop_column("organisation")
    _sqlite_triggers_again()
