"""when each reminder is next looked at, so a tick reads only the reminders due

Revision ID: f6c1a3e9d4b8
Revises: e5b0f2d8c3a7
Create Date: 2026-11-29 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f6c1a3e9d4b8"
down_revision = "e5b0f2d8c3a7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nudges") as batch:
        batch.add_column(sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE nudges SET next_check_at = created_at")  # looked at on the next tick
    with op.batch_alter_table("nudges") as batch:
        batch.alter_column(
            "next_check_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch.create_index("ix_nudges_next_check_at", ["next_check_at"])


def downgrade() -> None:
    with op.batch_alter_table("nudges") as batch:
        batch.drop_index("ix_nudges_next_check_at")
        batch.drop_column("next_check_at")
