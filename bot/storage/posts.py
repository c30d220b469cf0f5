"""Posts: claimed under their unique key, then posted, then revealed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.post import Post, PostStatus
from bot.storage.sql import insert_ignore
from bot.storage.tables import groups, posts, subscriptions

VISIBLE = [status.value for status in PostStatus if status.visible]


class PostRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, post_id: int) -> Post | None:
        row = (await self._connection.execute(select(posts).where(posts.c.id == post_id))).first()
        return _post(row) if row else None

    async def dates_since(
        self, subscription_ids: Iterable[int], first: date
    ) -> set[tuple[int, date]]:
        """The (subscription, local date) keys that already have a post row."""
        ids = list(subscription_ids)
        if not ids:
            return set()
        rows = await self._connection.execute(
            select(posts.c.subscription_id, posts.c.local_date).where(
                posts.c.subscription_id.in_(ids), posts.c.local_date >= first
            )
        )
        return {(row.subscription_id, row.local_date) for row in rows}

    async def claim(
        self,
        subscription_id: int,
        local_date: date,
        question_id: str,
        scheduled_at: datetime,
        reveal_at: datetime,
        now: datetime,
        status: PostStatus = PostStatus.CLAIMED,
    ) -> int | None:
        """Insert the post row under its unique key; None when the day is taken already."""
        result = await self._connection.execute(
            insert_ignore(self._connection, posts).values(
                subscription_id=subscription_id,
                local_date=local_date,
                question_id=question_id,
                status=status.value,
                scheduled_at=scheduled_at,
                reveal_at=reveal_at,
                claimed_at=now,
                attempts=0,
            )
        )
        if not result.rowcount:
            return None
        return await self._connection.scalar(
            select(posts.c.id).where(
                posts.c.subscription_id == subscription_id, posts.c.local_date == local_date
            )
        )

    async def take_lease(
        self, post_id: int, status: PostStatus, until: datetime, now: datetime
    ) -> bool:
        """Take the right to send a claimed post (or its reveal) until `until`.

        A compare-and-set on the row, so of several workers exactly one wins, and a worker
        that died mid-send gives the post back when its lease runs out.
        """
        free = or_(posts.c.lease_until.is_(None), posts.c.lease_until < now)
        if status is PostStatus.CLAIMED:
            condition = and_(posts.c.status == PostStatus.CLAIMED.value, free)
            values: dict[str, Any] = {"lease_until": until, "attempts": posts.c.attempts + 1}
        else:
            condition = or_(
                posts.c.status == PostStatus.POSTED.value,
                and_(posts.c.status == PostStatus.REVEALING.value, free),
            )
            values = {"status": PostStatus.REVEALING.value, "lease_until": until}
        result = await self._connection.execute(
            update(posts).where(posts.c.id == post_id, condition).values(values)
        )
        return bool(result.rowcount)

    async def release(self, post_id: int, error: str | None) -> None:
        await self._connection.execute(
            update(posts).where(posts.c.id == post_id).values(lease_until=None, last_error=error)
        )

    async def mark_posted(
        self,
        post_id: int,
        message_ref: str,
        thread_ref: str | None,
        day_number: int,
        reveal_at: datetime,
        now: datetime,
    ) -> None:
        await self._connection.execute(
            update(posts)
            .where(posts.c.id == post_id)
            .values(
                status=PostStatus.POSTED.value,
                message_ref=message_ref,
                thread_ref=thread_ref,
                day_number=day_number,
                reveal_at=reveal_at,
                posted_at=now,
                lease_until=None,
                last_error=None,
            )
        )

    async def mark_revealed(self, post_id: int, now: datetime) -> None:
        await self._connection.execute(
            update(posts)
            .where(posts.c.id == post_id)
            .values(
                status=PostStatus.REVEALED.value, revealed_at=now, lease_until=None, last_error=None
            )
        )

    async def close_now(self, post_id: int, now: datetime) -> None:
        """Move an open post's reveal time to now (an admin's early reveal)."""
        await self._connection.execute(
            update(posts)
            .where(
                posts.c.id == post_id,
                posts.c.status == PostStatus.POSTED.value,
                posts.c.reveal_at > now,
            )
            .values(reveal_at=now)
        )

    async def abandon(self, post_id: int, error: str) -> None:
        """A claimed post that can no longer be made in time: recorded as missed."""
        await self._connection.execute(
            update(posts)
            .where(posts.c.id == post_id, posts.c.status == PostStatus.CLAIMED.value)
            .values(status=PostStatus.MISSED.value, lease_until=None, last_error=error)
        )

    async def claimed(self, platforms: Iterable[str], now: datetime) -> list[Post]:
        """Claimed posts not being sent by anyone right now, oldest first."""
        return await self._list(
            and_(
                posts.c.status == PostStatus.CLAIMED.value,
                or_(posts.c.lease_until.is_(None), posts.c.lease_until < now),
            ),
            platforms,
        )

    async def due_reveals(self, platforms: Iterable[str], now: datetime) -> list[Post]:
        return await self._list(
            and_(
                posts.c.reveal_at <= now,
                or_(
                    posts.c.status == PostStatus.POSTED.value,
                    and_(posts.c.status == PostStatus.REVEALING.value, posts.c.lease_until < now),
                ),
            ),
            platforms,
        )

    async def _list(self, condition: Any, platforms: Iterable[str]) -> list[Post]:
        rows = await self._connection.execute(
            select(posts)
            .join(subscriptions, subscriptions.c.id == posts.c.subscription_id)
            .join(groups, groups.c.id == subscriptions.c.group_id)
            .where(condition, groups.c.platform.in_(list(platforms)))
            .order_by(posts.c.scheduled_at, posts.c.id)
        )
        return [_post(row) for row in rows]

    async def latest_visible(self, subscription_id: int) -> Post | None:
        row = (
            await self._connection.execute(
                select(posts)
                .where(posts.c.subscription_id == subscription_id, posts.c.status.in_(VISIBLE))
                .order_by(posts.c.local_date.desc())
                .limit(1)
            )
        ).first()
        return _post(row) if row else None

    async def latest(self, subscription_id: int) -> Post | None:
        row = (
            await self._connection.execute(
                select(posts)
                .where(posts.c.subscription_id == subscription_id)
                .order_by(posts.c.local_date.desc())
                .limit(1)
            )
        ).first()
        return _post(row) if row else None

    async def visible_count(self, subscription_id: int) -> int:
        value = await self._connection.scalar(
            select(func.count()).where(
                posts.c.subscription_id == subscription_id, posts.c.status.in_(VISIBLE)
            )
        )
        return int(value or 0)

    async def next_reveal_after(self, platforms: Iterable[str], after: datetime) -> datetime | None:
        earliest: datetime | None = await self._connection.scalar(
            select(func.min(posts.c.reveal_at))
            .join(subscriptions, subscriptions.c.id == posts.c.subscription_id)
            .join(groups, groups.c.id == subscriptions.c.group_id)
            .where(
                posts.c.status.in_([PostStatus.POSTED.value, PostStatus.REVEALING.value]),
                posts.c.reveal_at > after,
                groups.c.platform.in_(list(platforms)),
            )
        )
        return earliest


def _post(row: Row[Any]) -> Post:
    return Post(
        id=row.id,
        subscription_id=row.subscription_id,
        local_date=row.local_date,
        question_id=row.question_id,
        status=PostStatus(row.status),
        scheduled_at=row.scheduled_at,
        reveal_at=row.reveal_at,
        day_number=row.day_number,
        message_ref=row.message_ref,
        thread_ref=row.thread_ref,
        posted_at=row.posted_at,
        revealed_at=row.revealed_at,
        attempts=row.attempts,
        last_error=row.last_error,
    )
