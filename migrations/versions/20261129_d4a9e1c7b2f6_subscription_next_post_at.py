"""when each subscription's next post is due, so a tick reads only what is due

Revision ID: d4a9e1c7b2f6
Revises: c8e2f0a1b9d3
Create Date: 2026-11-29 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d4a9e1c7b2f6"
down_revision = "c8e2f0a1b9d3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("next_post_at", sa.DateTime(timezone=True), nullable=True))
    # From the instant the schedule became active: the next tick works out each
    # subscription's days (claiming none twice: the posts' unique key still decides).
    op.execute("UPDATE subscriptions SET next_post_at = active_since")
    with op.batch_alter_table("subscriptions") as batch:
        batch.alter_column("next_post_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.create_index("ix_subscriptions_paused_next_post_at", ["paused", "next_post_at"])


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_index("ix_subscriptions_paused_next_post_at")
        batch.drop_column("next_post_at")
