"""a progress post keeps its rendered parts and a lease renewed while it is sent

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("progress_posts") as batch:
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("rendering", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("chart", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("progress_posts") as batch:
        batch.drop_column("chart")
        batch.drop_column("rendering")
        batch.drop_column("lease_until")
