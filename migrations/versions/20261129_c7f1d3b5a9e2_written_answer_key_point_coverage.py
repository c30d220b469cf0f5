"""which key points each written answer covered, for stats and review

Revision ID: c7f1d3b5a9e2
Revises: b9e4c2a7d5f1
Create Date: 2026-11-29 05:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c7f1d3b5a9e2"
down_revision = "b9e4c2a7d5f1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place (never batch mode: copying `answers` would cascade to the votes on them).
    op.add_column("answers", sa.Column("key_points_covered", sa.Integer(), nullable=True))
    op.add_column("answers", sa.Column("key_points_missed", sa.String(64), nullable=True))


def downgrade() -> None:
    for column in ("key_points_missed", "key_points_covered"):
        if op.get_context().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE answers DROP COLUMN {column}")  # SQLite 3.35 and later
        else:
            op.drop_column("answers", column)
