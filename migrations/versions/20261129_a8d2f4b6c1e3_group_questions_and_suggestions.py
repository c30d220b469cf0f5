"""a group's own questions, members' suggestions, and where a schedule draws from

Revision ID: a8d2f4b6c1e3
Revises: f6c1a3e9d4b8
Create Date: 2026-11-29 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a8d2f4b6c1e3"
down_revision = "f6c1a3e9d4b8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("review_channel_id", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("questions_version", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("group_every", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "group_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(48), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("credit_name", sa.String(100), nullable=True),
        sa.Column("credit_member_id", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name="fk_group_questions_group_id_groups",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["credit_member_id"],
            ["members.id"],
            name="fk_group_questions_credit_member_id_members",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_group_questions"),
        sa.UniqueConstraint("group_id", "slug", name="uq_group_questions_group_id_slug"),
        sa.UniqueConstraint("question_id", name="uq_group_questions_question_id"),
    )
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("question_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_suggestions_group_id_groups", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_suggestions_member_id_members",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_suggestions"),
    )
    op.create_index("ix_suggestions_group_id_status", "suggestions", ["group_id", "status", "id"])
    op.create_index(
        "ix_suggestions_member_id_created_at", "suggestions", ["member_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_suggestions_member_id_created_at", table_name="suggestions")
    op.drop_index("ix_suggestions_group_id_status", table_name="suggestions")
    op.drop_table("suggestions")
    op.drop_table("group_questions")
    # Dropped in place: batch mode would copy `groups` and `subscriptions`, and dropping the
    # old copy would cascade to every row that refers to them.
    for table, column in (
        ("subscriptions", "group_every"),
        ("groups", "questions_version"),
        ("groups", "review_channel_id"),
    ):
        if op.get_context().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # SQLite 3.35 and later
        else:
            op.drop_column(table, column)
