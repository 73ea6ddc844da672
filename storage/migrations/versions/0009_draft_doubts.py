"""drafts remember what is still to be asked: the pledge, the count, the day, the kommun

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("doubts", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("words", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("words")
        batch_op.drop_column("doubts")
