"""fencing tokens on post leases, a sending state, and each worker's last tick

Revision ID: b7c1d2e3f4a5
Revises: a095b30be8d6
Create Date: 2026-11-28 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b7c1d2e3f4a5"
down_revision = "a095b30be8d6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("lease_token", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("reveal_attempts", sa.Integer(), nullable=False, server_default="0")
        )
    # A claimed post that was tried before may have reached the platform: it is now `sending`,
    # so whoever takes it up looks on the platform before sending again; likewise a reveal
    # that was started counts as one attempt.
    op.execute("UPDATE posts SET status = 'sending' WHERE status = 'claimed' AND attempts > 0")
    op.execute("UPDATE posts SET reveal_attempts = 1 WHERE status = 'revealing'")
    op.create_table(
        "workers",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("last_tick_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_workers")),
    )


def downgrade() -> None:
    op.drop_table("workers")
    op.execute("UPDATE posts SET status = 'claimed' WHERE status = 'sending'")
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("reveal_attempts")
        batch.drop_column("lease_token")
