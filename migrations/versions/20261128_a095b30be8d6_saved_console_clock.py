"""saved console clock

Revision ID: a095b30be8d6
Revises: 821fd60be146
Create Date: 2026-11-28 19:07:56.660835
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a095b30be8d6"
down_revision = "821fd60be146"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clocks",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("now", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_clocks")),
    )


def downgrade() -> None:
    op.drop_table("clocks")
