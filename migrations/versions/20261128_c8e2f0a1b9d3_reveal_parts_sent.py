"""how many messages of a post's reveal are on the platform

Revision ID: c8e2f0a1b9d3
Revises: b7c1d2e3f4a5
Create Date: 2026-11-28 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c8e2f0a1b9d3"
down_revision = "b7c1d2e3f4a5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(
            sa.Column("reveal_parts_sent", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("reveal_parts_sent")
