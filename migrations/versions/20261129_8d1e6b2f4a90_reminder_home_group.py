"""the group a reminder was set in, whose bot token can send it

Revision ID: 8d1e6b2f4a90
Revises: 7c05025b53db
Create Date: 2026-11-29 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "8d1e6b2f4a90"
down_revision = "7c05025b53db"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place (never batch mode: copying a table drops and recreates it).
    op.add_column("nudges", sa.Column("home_group", sa.String(64), nullable=True))


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("ALTER TABLE nudges DROP COLUMN home_group")  # SQLite 3.35 and later
    else:
        op.drop_column("nudges", "home_group")
