"""catalogue version, bumped by triggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose every change makes cached catalogues stale, and those where only some columns
# matter (a municipality's data_updated_at moves with every logged activity).
WHOLE = ("pledge_sets", "focus_areas", "pledges", "coverage_items", "memberships")
COLUMNS = {"municipalities": "name", "reporters": "telegram_user_id"}
BUMP = "UPDATE catalogue_version SET version = version + 1"


def _triggers(postgresql: bool) -> list[tuple[str, str, str]]:
    """(trigger name, table, event) for every trigger this migration creates."""
    out: list[tuple[str, str, str]] = []
    events = (
        ("INSERT", "UPDATE", "DELETE", "TRUNCATE") if postgresql else ("INSERT", "UPDATE", "DELETE")
    )
    for table in (*WHOLE, *COLUMNS):
        for event in events:
            if event == "UPDATE" and table in COLUMNS:
                event = f"UPDATE OF {COLUMNS[table]}"
            out.append((f"tr_{table}_catalogue_{event.split()[0].lower()}", table, event))
    return out


def upgrade() -> None:
    op.create_table(
        "catalogue_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_version")),
    )
    op.execute("INSERT INTO catalogue_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for name, table, event in _triggers(postgresql=True):
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version()"
            )
    else:
        for name, table, event in _triggers(postgresql=False):
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {BUMP}; END")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, _event in _triggers(postgresql):
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgresql else f"DROP TRIGGER {name}")
    if postgresql:
        op.execute("DROP FUNCTION bump_catalogue_version()")
    op.drop_table("catalogue_version")
