"""Votes for the most helpful written answer of a post, and the credit that follows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.identity import ChannelRef
from bot.storage.sql import insert_ignore
from bot.storage.tables import answers, groups, members, posts, subscriptions, votes


@dataclass(frozen=True, slots=True)
class VoteTarget:
    """A written answer someone wants to vote for, with where its post lives."""

    answer_id: int
    post_id: int
    author_id: int
    author_name: str
    written: bool
    channel: ChannelRef
    votes_close_at: datetime | None
    day_number: int


@dataclass(frozen=True, slots=True)
class Tally:
    answer_id: int
    member_id: int
    name: str
    votes: int


class VoteRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def open(self, post_id: int, close_at: datetime) -> None:
        await self._connection.execute(
            update(posts).where(posts.c.id == post_id).values(votes_close_at=close_at)
        )

    async def target(self, answer_id: int) -> VoteTarget | None:
        row = (
            await self._connection.execute(
                select(
                    answers.c.id,
                    answers.c.post_id,
                    answers.c.member_id,
                    answers.c.written,
                    members.c.name,
                    groups.c.platform,
                    groups.c.external_id,
                    subscriptions.c.channel_id,
                    posts.c.votes_close_at,
                    posts.c.day_number,
                )
                .join(members, members.c.id == answers.c.member_id)
                .join(posts, posts.c.id == answers.c.post_id)
                .join(subscriptions, subscriptions.c.id == posts.c.subscription_id)
                .join(groups, groups.c.id == subscriptions.c.group_id)
                .where(answers.c.id == answer_id)
            )
        ).first()
        if row is None:
            return None
        return VoteTarget(
            row.id,
            row.post_id,
            row.member_id,
            row.name,
            row.written is not None,
            ChannelRef(row.platform, row.external_id, row.channel_id),
            row.votes_close_at,
            row.day_number or 0,
        )

    async def add(self, post_id: int, voter_id: int, answer_id: int, now: datetime) -> bool:
        """One vote per member per post: False when they voted already."""
        result = await self._connection.execute(
            insert_ignore(self._connection, votes).values(
                post_id=post_id, voter_id=voter_id, answer_id=answer_id, created_at=now
            )
        )
        return bool(result.rowcount)

    async def closing(self, now: datetime, limit: int) -> list[int]:
        """Posts whose votes have closed and are not counted yet (an index range scan)."""
        rows = await self._connection.scalars(
            select(posts.c.id)
            .where(posts.c.votes_close_at <= now)
            .order_by(posts.c.votes_close_at)
            .limit(limit)
        )
        return list(rows)

    async def close(self, post_id: int) -> bool:
        """Take the counting of a post's votes; False when another worker took it."""
        result = await self._connection.execute(
            update(posts)
            .where(posts.c.id == post_id, posts.c.votes_close_at.is_not(None))
            .values(votes_close_at=None)
        )
        return bool(result.rowcount)

    async def tally(self, post_id: int) -> list[Tally]:
        rows = await self._connection.execute(
            select(
                votes.c.answer_id,
                answers.c.member_id,
                members.c.name,
                func.count().label("votes"),
            )
            .join(answers, answers.c.id == votes.c.answer_id)
            .join(members, members.c.id == answers.c.member_id)
            .where(votes.c.post_id == post_id)
            .group_by(votes.c.answer_id, answers.c.member_id, members.c.name)
        )
        return [Tally(row.answer_id, row.member_id, row.name, int(row.votes)) for row in rows]

    async def crown(self, post_id: int, answer_ids: Sequence[int], credit: str) -> None:
        await self._connection.execute(
            update(answers).where(answers.c.id.in_(list(answer_ids))).values(best=True)
        )
        await self._connection.execute(
            update(posts).where(posts.c.id == post_id).values(best_credit=credit)
        )

    async def credit_to_show(self, subscription_id: int) -> tuple[int, str] | None:
        """The latest best-answer credit of the subscription not shown in a post yet."""
        row = (
            await self._connection.execute(
                select(posts.c.id, posts.c.best_credit)
                .where(
                    posts.c.subscription_id == subscription_id,
                    posts.c.best_credit.is_not(None),
                    posts.c.best_credit_shown.is_(False),
                )
                .order_by(posts.c.local_date.desc())
                .limit(1)
            )
        ).first()
        return (row.id, row.best_credit) if row else None

    async def credit_shown(self, post_id: int) -> None:
        await self._connection.execute(
            update(posts).where(posts.c.id == post_id).values(best_credit_shown=True)
        )

    async def best_count(self, member_id: int) -> int:
        value = await self._connection.scalar(
            select(func.count()).where(answers.c.member_id == member_id, answers.c.best.is_(True))
        )
        return int(value or 0)
