"""members per points value of each board, so a rank does not count rows

Revision ID: e5b0f2d8c3a7
Revises: d4a9e1c7b2f6
Create Date: 2026-11-29 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e5b0f2d8c3a7"
down_revision = "d4a9e1c7b2f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "score_counts",
        sa.Column("scope", sa.String(length=24), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "period", "points", name=op.f("pk_score_counts")),
    )
    op.execute(
        "INSERT INTO score_counts (scope, period, points, members) "
        "SELECT scope, period, points, COUNT(*) FROM scores GROUP BY scope, period, points"
    )
    with op.batch_alter_table("scores") as batch:
        batch.drop_index("ix_scores_board")
        batch.create_index("ix_scores_board", ["scope", "period", "points", "member_id"])


def downgrade() -> None:
    with op.batch_alter_table("scores") as batch:
        batch.drop_index("ix_scores_board")
        batch.create_index("ix_scores_board", ["scope", "period", "points"])
    op.drop_table("score_counts")
