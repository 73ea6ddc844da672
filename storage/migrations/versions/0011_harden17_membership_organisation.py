"""the organisation a reporter reports for, per membership

Revision ID: 0011_harden17
Revises: 0010
Create Date: 2026-12-04 18:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_harden17"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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


def downgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.drop_column("organisation")
