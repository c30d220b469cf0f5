"""Operator reports: every subscription's state, and a group's data for export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.domain.post import Post
from bot.domain.scoring import Streak
from bot.domain.subscription import Subscription
from bot.errors import QotdError
from bot.services.boards import live_streak
from bot.services.context import Core
from bot.storage.tables import answers, members, posts, scores, streaks, subscriptions


@dataclass(frozen=True, slots=True)
class SubscriptionReport:
    subscription: Subscription
    next_post_at: datetime | None
    last_post: Post | None


async def all_subscriptions(core: Core) -> list[SubscriptionReport]:
    """Every subscription with its next post, last post and last error (for `qotd status`)."""
    now = core.clock.now()
    reports = []
    async with core.storage.read() as uow:
        for subscription in await uow.subscriptions.all():
            last = await uow.posts.latest(subscription.id)
            upcoming = None if subscription.paused else subscription.schedule.next_post_at(now)
            reports.append(SubscriptionReport(subscription, upcoming, last))
    return reports


def parse_group(text: str) -> tuple[str, str]:
    """`discord:1234` or `slack:T0123` -> (platform, external id)."""
    platform, _, external = text.partition(":")
    if not platform or not external:
        raise QotdError(
            f"Name the group as platform:id, such as discord:123456789 or slack:T0123 (not {text!r})."
        )
    return platform, external


async def export_group(core: Core, group: str) -> dict[str, list[dict[str, Any]]]:
    """A group's answers, streaks and all-time leaderboard as plain rows."""
    platform, external = parse_group(group)
    now = core.clock.now()
    async with core.storage.read() as uow:
        group_id = await uow.members.find_group(platform, external)
        if group_id is None:
            raise QotdError(f"No group {group!r} is known to this database.")
        connection = uow.connection
        answer_rows = await connection.execute(
            select(
                subscriptions.c.channel_id,
                posts.c.local_date,
                posts.c.question_id,
                members.c.external_id.label("member_id"),
                members.c.name.label("member_name"),
                answers.c.choice,
                answers.c.correct,
                answers.c.written,
                answers.c.points,
                answers.c.answered_at,
            )
            .join(posts, posts.c.id == answers.c.post_id)
            .join(subscriptions, subscriptions.c.id == posts.c.subscription_id)
            .join(members, members.c.id == answers.c.member_id)
            .where(subscriptions.c.group_id == group_id)
            .order_by(posts.c.local_date, answers.c.answered_at)
        )
        streak_rows = list(
            await connection.execute(
                select(
                    streaks.c.subscription_id,
                    subscriptions.c.channel_id,
                    members.c.external_id.label("member_id"),
                    members.c.name.label("member_name"),
                    streaks.c.current,
                    streaks.c.best,
                    streaks.c.last_day,
                )
                .join(subscriptions, subscriptions.c.id == streaks.c.subscription_id)
                .join(members, members.c.id == streaks.c.member_id)
                .where(subscriptions.c.group_id == group_id)
                .order_by(subscriptions.c.channel_id, streaks.c.best.desc())
            )
        )
        latest = {
            subscription_id: await uow.posts.latest_visible(subscription_id)
            for subscription_id in sorted({row.subscription_id for row in streak_rows})
        }
        board_rows = await connection.execute(
            select(
                members.c.external_id.label("member_id"),
                members.c.name.label("member_name"),
                scores.c.points,
            )
            .join(members, members.c.id == scores.c.member_id)
            .where(scores.c.scope == f"g{group_id}", scores.c.period == "all")
            .order_by(scores.c.points.desc())
        )
        return {
            "answers": [_plain(row._mapping) for row in answer_rows],
            "streaks": [_streak_row(row, latest, now) for row in streak_rows],
            "leaderboard": [_plain(row._mapping) for row in board_rows],
        }


def _streak_row(row: Any, latest: dict[int, Post | None], now: datetime) -> dict[str, Any]:
    """A stored streak as members see it: broken by a post revealed without their answer."""
    stored = Streak(row.current, row.best, row.last_day)
    streak = live_streak(stored, latest[row.subscription_id], now)
    return {
        "channel_id": row.channel_id,
        "member_id": row.member_id,
        "member_name": row.member_name,
        "current": streak.current,
        "best": streak.best,
    }


def _plain(row: Any) -> dict[str, Any]:
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in row.items()
    }


async def worker_ticks(core: Core) -> list[tuple[str, datetime]]:
    """Every worker that has ticked, with its last completed tick, most recent first."""
    async with core.storage.read() as uow:
        return await uow.workers.last_ticks()
