"""The database schema: SQLAlchemy Core tables. Alembic's target_metadata is `metadata`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator

# Stable constraint names make SQLite batch migrations and PostgreSQL drops predictable.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; the core uses aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


groups = Table(
    "groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # Where new question suggestions are announced to the group's admins (none: nowhere).
    Column("review_channel_id", String(64)),
    # Grows with every change to the group's own questions: a worker reloads its copy of
    # them when the number it holds is behind.
    Column("questions_version", Integer, nullable=False, default=0, server_default="0"),
    UniqueConstraint("platform", "external_id", name="uq_groups_platform_external_id"),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("name", String(100), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("platform", "external_id", name="uq_members_platform_external_id"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("channel_id", String(64), nullable=False),
    Column("pack", String(64), nullable=False),
    Column("post_time", String(5), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("days", String(32), nullable=False),
    Column("reveal_after_minutes", Integer),
    Column("reveal_at", String(5)),
    Column("difficulties", String(64), nullable=False, default=""),
    Column("topics", Text, nullable=False, default=""),
    Column("mention", String(64)),
    Column("thread", Boolean, nullable=False, default=False),
    Column("paused", Boolean, nullable=False, default=False),
    Column("pause_reason", Text),
    Column("last_error", Text),
    Column("last_error_at", UtcDateTime),
    Column("admins", Text, nullable=False, default=""),
    Column("cycle", Integer, nullable=False, default=0),
    # Where questions come from: 0 the shipped pack only, 1 the group's own questions only,
    # N (2 or more) one group question every N posts (the rest from the shipped pack).
    Column("group_every", Integer, nullable=False, default=0, server_default="0"),
    # Scheduled days before this instant are never posted late: set when the schedule is
    # created or changed and when the subscription resumes.
    Column("active_since", UtcDateTime, nullable=False),
    # Scheduled days whose post instant is at or after this are still to be claimed; a tick
    # reads only subscriptions where it has passed. Moved on after each day is claimed, and
    # set back to `active_since` whenever the settings change (the next tick works it out).
    Column("next_post_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("group_id", "channel_id", name="uq_subscriptions_group_id_channel_id"),
    Index("ix_subscriptions_paused_next_post_at", "paused", "next_post_at"),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subscription_id", ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
    Column("local_date", Date, nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("scheduled_at", UtcDateTime, nullable=False),
    Column("reveal_at", UtcDateTime, nullable=False),
    Column("day_number", Integer),
    Column("claimed_at", UtcDateTime),
    Column("lease_until", UtcDateTime),
    # The fencing token: grows with every lease taken on the post, and every transition
    # after a send is a compare-and-set on it.
    Column("lease_token", Integer, nullable=False, default=0, server_default="0"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("reveal_attempts", Integer, nullable=False, default=0, server_default="0"),
    # A reveal too long for one message goes out as several; a retry resumes after these.
    Column("reveal_parts_sent", Integer, nullable=False, default=0, server_default="0"),
    Column("message_ref", String(128)),
    Column("thread_ref", String(128)),
    Column("posted_at", UtcDateTime),
    Column("revealed_at", UtcDateTime),
    Column("last_error", Text),
    # Votes for the most helpful written answer close then (set at the reveal; cleared when
    # the best answer is worked out, exactly once), and the credit a later post shows.
    Column("votes_close_at", UtcDateTime),
    Column("best_credit", Text),
    Column("best_credit_shown", Boolean, nullable=False, default=False, server_default=false()),
    # The key that makes posting exactly-once: one row per subscription and local date,
    # inserted before anything is sent.
    UniqueConstraint("subscription_id", "local_date", name="uq_posts_subscription_id_local_date"),
    Index("ix_posts_status_reveal_at", "status", "reveal_at"),
    Index("ix_posts_votes_close_at", "votes_close_at"),
)

# A group's own questions: the same fields as a pack's, kept as the pack file's JSON. The
# stored `question_id` ("g<group>.<id>") is what posts, answers and cards refer to; a
# retired question stays so they still can.
group_questions = Table(
    "group_questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("slug", String(48), nullable=False),
    Column("question_id", String(64), nullable=False, unique=True),
    Column("body", Text, nullable=False),
    Column("credit_name", String(100)),
    Column("credit_member_id", ForeignKey("members.id", ondelete="SET NULL")),
    Column("retired_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("group_id", "slug", name="uq_group_questions_group_id_slug"),
)

# A member's suggested question, waiting for an admin (or accepted or declined).
suggestions = Table(
    "suggestions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("channel_id", String(64), nullable=False),
    Column("draft", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text),
    Column("question_id", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime),
    Index("ix_suggestions_group_id_status", "group_id", "status", "id"),
    Index("ix_suggestions_member_id_created_at", "member_id", "created_at"),
)

rotation = Table(
    "rotation",
    metadata,
    Column("subscription_id", ForeignKey("subscriptions.id", ondelete="CASCADE"), primary_key=True),
    Column("cycle", Integer, primary_key=True),
    Column("question_id", String(64), primary_key=True),
    Column("reason", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
)

queued = Table(
    "queued_questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subscription_id", ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("queued_at", UtcDateTime, nullable=False),
    UniqueConstraint("subscription_id", "question_id", name="uq_queued_questions_subscription_id"),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("choice", String(1)),
    Column("correct", Boolean),
    Column("written", Text),
    Column("points", Integer, nullable=False, default=0),
    Column("answered_at", UtcDateTime, nullable=False),
    Column("written_at", UtcDateTime),
    # After the reveal a member rates their own written answer against the reference
    # (1 Again .. 4 Easy); that rating is the answer's spaced-repetition review.
    Column("self_rating", Integer),
    # Voted the most helpful written answer of its post (ties share it).
    Column("best", Boolean, nullable=False, default=False, server_default=false()),
    # How many of the question's key points the written answer covered, and the numbers of
    # those it missed ("2,4"), as the local matcher judged when it arrived.
    Column("key_points_covered", Integer),
    Column("key_points_missed", String(64)),
    # One answer per member per post: double clicks and races meet this key.
    UniqueConstraint("post_id", "member_id", name="uq_answers_post_id_member_id"),
    Index("ix_answers_member_id", "member_id"),
)

# One vote per member per post, for someone else's written answer.
votes = Table(
    "votes",
    metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("voter_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("answer_id", ForeignKey("answers.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# Points per (scope, period, member), kept up to date as answers arrive so that a
# leaderboard is an index range scan rather than an aggregate over every answer.
# scope: "g<group id>" or "s<subscription id>"; period: "all", "w2026-47" or "m2026-11".
scores = Table(
    "scores",
    metadata,
    Column("scope", String(24), primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("points", Integer, nullable=False),
    # The top of a board is the end of this index, read backwards: no sort, ties included.
    Index("ix_scores_board", "scope", "period", "points", "member_id"),
)

# How many members of each board hold each points value, kept with `scores`: a member's rank
# is one more than the members above them, summed over the few values above their points,
# whether the board has a hundred members or a million.
score_counts = Table(
    "score_counts",
    metadata,
    Column("scope", String(24), primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("points", Integer, primary_key=True),
    Column("members", Integer, nullable=False),
)

# Each member's streak per subscription, advanced as answers arrive. Streaks count posts by
# their day number (posts actually made), so days without a post never break one.
streaks = Table(
    "streaks",
    metadata,
    Column("subscription_id", ForeignKey("subscriptions.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("current", Integer, nullable=False),
    Column("best", Integer, nullable=False),
    Column("last_day", Integer, nullable=False),
)

quizzes = Table(
    "quizzes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("pack", String(64), nullable=False),
    Column("question_ids", Text, nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("correct", Integer, nullable=False, default=0),
    # "quiz" (chosen by topic and difficulty) or "review" (chosen by due date)
    Column("kind", String(8), nullable=False, server_default="quiz"),
    Column("started_at", UtcDateTime, nullable=False),
    # When the current question was shown: a quick right answer counts as Easy.
    Column("shown_at", UtcDateTime),
    Column("finished_at", UtcDateTime),
)

quiz_answers = Table(
    "quiz_answers",
    metadata,
    Column("quiz_id", ForeignKey("quizzes.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("choice", String(1), nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("answered_at", UtcDateTime, nullable=False),
    Index("ix_quiz_answers_member_id", "member_id"),
)


# A member's spaced-repetition card for one question (FSRS state), and every review of it.
cards = Table(
    "cards",
    metadata,
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("question_id", String(64), primary_key=True),
    Column("state", Integer, nullable=False),
    Column("step", Integer),
    Column("stability", Float),
    Column("difficulty", Float),
    Column("due", UtcDateTime, nullable=False),
    Column("last_review", UtcDateTime),
    Column("reviews", Integer, nullable=False, default=0),
    Column("lapses", Integer, nullable=False, default=0),
    Index("ix_cards_member_id_due", "member_id", "due"),
)

review_log = Table(
    "review_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("rating", Integer, nullable=False),
    # daily, quiz, review or written; `first` marks a card's first review (not a recall)
    Column("source", String(8), nullable=False),
    Column("first", Boolean, nullable=False),
    Column("reviewed_at", UtcDateTime, nullable=False),
    Index("ix_review_log_member_id_reviewed_at", "member_id", "reviewed_at"),
)

# Opt-in daily private reminders: at most one a day, at a local time the member chose.
nudges = Table(
    "nudges",
    metadata,
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("remind_at", String(5), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("last_sent_on", Date),
    Column("created_at", UtcDateTime, nullable=False),
    # When the reminder is next looked at: its time today, or, when it had nothing to say,
    # the next moment that could change that (a card falling due, a post in a channel where
    # the member keeps a streak), or tomorrow's time. A tick reads only the reminders due.
    Column("next_check_at", UtcDateTime, nullable=False),
    # The group (Slack workspace, Discord server) the reminder was set in: installed in many
    # Slack workspaces, its token is the one that can send the member a private message.
    Column("home_group", String(64)),
    Index("ix_nudges_next_check_at", "next_check_at"),
)

# Each worker's last completed tick, for `qotd status` and health checks.
workers = Table(
    "workers",
    metadata,
    Column("name", String(128), primary_key=True),
    Column("last_tick_at", UtcDateTime, nullable=False),
)

# Clocks the product controls itself (the console's), saved so a restart resumes where the
# last session stopped instead of going back to the wall clock.
clocks = Table(
    "clocks",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("now", UtcDateTime, nullable=False),
)

# Slack installations for distribution to many workspaces: the tables of slack_sdk's SQLAlchemy
# installation and OAuth state stores (adapters/slack/installations.py), which read and write
# them with their own table objects. Written out here so the migrations and this schema stay
# one; their datetimes are naive UTC, as the stores write them.


def _slack_bot_columns() -> list[Column[Any]]:
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("client_id", String(32), nullable=False),
        Column("app_id", String(32), nullable=False),
        Column("enterprise_id", String(32)),
        Column("enterprise_name", String(200)),
    ]


def _slack_bot_token_columns() -> list[Column[Any]]:
    return [
        Column("bot_token", String(200)),
        Column("bot_id", String(32)),
        Column("bot_user_id", String(32)),
        Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", String(200)),
        Column("bot_token_expires_at", DateTime),
    ]


slack_installations = Table(
    "slack_installations",
    metadata,
    *_slack_bot_columns(),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_slack_bot_token_columns(),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_bots = Table(
    "slack_bots",
    metadata,
    *_slack_bot_columns(),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_slack_bot_token_columns(),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
