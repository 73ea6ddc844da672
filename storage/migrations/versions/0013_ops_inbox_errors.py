"""partial index of inbox rows with an error, for the metrics' given-up and retrying counts

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 07:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("error IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_inbox_errors",
        "inbox",
        ["done_at"],
        unique=False,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_inbox_errors", table_name="inbox")
