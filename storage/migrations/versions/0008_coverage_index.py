"""partial covering index for visits per list item

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 19:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["pledge_id", "occurred_on", "coverage_item_id", "count", "deleted_at"]
WHERE = sa.text("coverage_item_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_activities_coverage",
        "activities",
        COLUMNS,
        unique=False,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_activities_coverage", table_name="activities")
