"""an activity known only as a span of days (a year a follow-up page reports on)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 17:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("occurred_until", sa.Date(), nullable=True))
        batch.create_check_constraint(
            "span_order", "occurred_until IS NULL OR occurred_until >= occurred_on"
        )


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_constraint("span_order", type_="check")
        batch.drop_column("occurred_until")
