"""votes for the most helpful written answer of a post, and its credit

Revision ID: b9e4c2a7d5f1
Revises: a8d2f4b6c1e3
Create Date: 2026-11-29 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b9e4c2a7d5f1"
down_revision = "a8d2f4b6c1e3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place (never batch mode here: copying `posts` would drop the old table, and
    # every answer of every post would go with it).
    op.add_column("posts", sa.Column("votes_close_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("posts", sa.Column("best_credit", sa.Text(), nullable=True))
    op.add_column(
        "posts",
        sa.Column("best_credit_shown", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_posts_votes_close_at", "posts", ["votes_close_at"])
    op.add_column(
        "answers", sa.Column("best", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "votes",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name="fk_votes_post_id_posts", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["voter_id"], ["members.id"], name="fk_votes_voter_id_members", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["answers.id"], name="fk_votes_answer_id_answers", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("post_id", "voter_id", name="pk_votes"),
    )


def downgrade() -> None:
    op.drop_table("votes")
    op.drop_index("ix_posts_votes_close_at", table_name="posts")
    # Dropped in place: batch mode would copy `posts` and `answers`, and dropping the old
    # copy would cascade to every row that refers to them.
    for table, column in (
        ("answers", "best"),
        ("posts", "best_credit_shown"),
        ("posts", "best_credit"),
        ("posts", "votes_close_at"),
    ):
        if op.get_context().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # SQLite 3.35 and later
        else:
            op.drop_column(table, column)
