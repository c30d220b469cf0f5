"""Posts: claimed under their unique key, then posted, then revealed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, case, func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.post import HOLDS_LATER_DAYS, TAKEN_FROM, TAKEN_TO, Duty, Lease, Post, PostStatus
from bot.errors import DayTaken
from bot.shards import Shards
from bot.storage.database import is_lock_timeout
from bot.storage.shards import served
from bot.storage.sql import insert_ignore
from bot.storage.tables import groups, posts, subscriptions

VISIBLE = [status.value for status in PostStatus if status.visible]


class PostRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, post_id: int) -> Post | None:
        row = (await self._connection.execute(select(posts).where(posts.c.id == post_id))).first()
        return _post(row) if row else None

    async def dates_of(self, subscription_id: int, first: date) -> set[date]:
        """The local dates from `first` on that already have a post row."""
        rows = await self._connection.scalars(
            select(posts.c.local_date).where(
                posts.c.subscription_id == subscription_id, posts.c.local_date >= first
            )
        )
        return set(rows)

    async def claim(
        self,
        subscription_id: int,
        local_date: date,
        question_id: str,
        scheduled_at: datetime,
        reveal_at: datetime,
        now: datetime,
        status: PostStatus = PostStatus.CLAIMED,
    ) -> Post:
        """Insert the post row under its unique key; DayTaken when the day has one already."""
        return _post(
            await self._insert(
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

    async def claim_to_send(
        self,
        subscription_id: int,
        local_date: date,
        question_id: str,
        scheduled_at: datetime,
        reveal_at: datetime,
        now: datetime,
        until: datetime,
    ) -> Lease:
        """Insert the post row with the first send lease already taken, in one statement:
        the claiming worker sends at once, without reading the row back or racing anyone
        for it. DayTaken when the day has a row already."""
        row = await self._insert(
            subscription_id=subscription_id,
            local_date=local_date,
            question_id=question_id,
            status=TAKEN_TO[Duty.SEND].value,
            scheduled_at=scheduled_at,
            reveal_at=reveal_at,
            claimed_at=now,
            attempts=1,
            lease_until=until,
            lease_token=1,
        )
        return Lease(Duty.SEND, _post(row), row.lease_token, row.attempts, until)

    async def _insert(self, **values: Any) -> Row[Any]:
        result = await self._connection.execute(
            insert_ignore(self._connection, posts).values(**values).returning(*posts.c)
        )
        row = result.first()
        if row is None:
            raise DayTaken()
        return row

    async def take_lease(
        self, post_id: int, duty: Duty, until: datetime, now: datetime
    ) -> Lease | None:
        """Take the right to do `duty` on a post until `until`; None when it is not ours.

        One compare-and-set statement that also returns the row as it now is, so of several
        workers exactly one wins, and the winner decides from fresh state (not from the copy
        it listed) whether an earlier attempt may already be on the platform.
        """
        counter = posts.c.attempts if duty is Duty.SEND else posts.c.reveal_attempts
        statement = (
            update(posts)
            .where(posts.c.id == post_id, _free_for(duty, now))
            .values(
                {
                    "status": TAKEN_TO[duty].value,
                    "lease_until": until,
                    "lease_token": posts.c.lease_token + 1,
                    counter.key: counter + 1,
                }
            )
            .returning(*posts.c)
        )
        if self._connection.dialect.name == "sqlite":  # one writer at a time: no row locks
            row = (await self._connection.execute(statement)).first()
        else:
            try:  # a savepoint, so a lock timeout leaves the transaction usable
                async with self._connection.begin_nested():
                    row = (await self._connection.execute(statement)).first()
            except DBAPIError as error:
                if is_lock_timeout(error):
                    return None  # a stalled worker holds the row in an open transaction
                raise
        if row is None:
            return None
        attempt = row.attempts if duty is Duty.SEND else row.reveal_attempts
        return Lease(duty, _post(row), row.lease_token, attempt, until)

    async def holds(self, lease: Lease, now: datetime) -> bool:
        """Whether `lease` is still the post's current lease and has not run out."""
        held = await self._connection.scalar(
            select(posts.c.id).where(
                _held(lease),
                posts.c.status == TAKEN_TO[lease.duty].value,
                posts.c.lease_until > now,
            )
        )
        return held is not None

    async def release(self, lease: Lease, error: str | None, parts_sent: int = 0) -> bool:
        """Give the lease back after a failure: the post stays in its working state for the
        next attempt, which looks on the platform first. `parts_sent` counts the messages of
        a several-message reveal that did go out, so the next attempt starts after them."""
        parts = posts.c.reveal_parts_sent
        return await self._finish(
            lease,
            {
                "lease_until": None,
                "last_error": error,
                "reveal_parts_sent": case((parts < parts_sent, parts_sent), else_=parts),
            },
        )

    async def mark_posted(
        self,
        lease: Lease,
        message_ref: str,
        thread_ref: str | None,
        day_number: int,
        reveal_at: datetime,
        now: datetime,
    ) -> bool:
        return await self._finish(
            lease,
            {
                "status": PostStatus.POSTED.value,
                "message_ref": message_ref,
                "thread_ref": thread_ref,
                "day_number": day_number,
                "reveal_at": reveal_at,
                "posted_at": now,
                "lease_until": None,
                "last_error": None,
            },
        )

    async def mark_revealed(self, lease: Lease, now: datetime) -> bool:
        return await self._finish(
            lease,
            {
                "status": PostStatus.REVEALED.value,
                "revealed_at": now,
                "lease_until": None,
                "last_error": None,
            },
        )

    async def abandon(self, lease: Lease, status: PostStatus, error: str) -> bool:
        """A post that will not be made: `missed` (past the grace window) or `failed`."""
        return await self._finish(
            lease, {"status": status.value, "lease_until": None, "last_error": error}
        )

    async def _finish(self, lease: Lease, values: dict[str, Any]) -> bool:
        """A transition after a send: only the holder of the current lease may record it."""
        result = await self._connection.execute(
            update(posts)
            .where(_held(lease), posts.c.status == TAKEN_TO[lease.duty].value)
            .values(values)
        )
        return bool(result.rowcount)

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

    async def claimed(
        self, platforms: Iterable[str], now: datetime, shards: Mapping[str, Shards] | None = None
    ) -> list[Post]:
        """Posts to send that nobody holds a lease on, oldest first (of a sharded platform,
        only those of groups on `shards`)."""
        return await self._list(_free_for(Duty.SEND, now), platforms, shards)

    async def due_reveals(
        self, platforms: Iterable[str], now: datetime, shards: Mapping[str, Shards] | None = None
    ) -> list[Post]:
        """Posts whose reveal is due and that nobody holds a lease on, oldest first (of a
        sharded platform, only those of groups on `shards`)."""
        return await self._list(
            and_(posts.c.reveal_at <= now, _free_for(Duty.REVEAL, now)), platforms, shards
        )

    async def unrevealed_before(self, subscription_id: int, local_date: date) -> Post | None:
        """An earlier post of the subscription whose answer is not out yet (it goes first),
        whether or not it is on the platform yet."""
        row = (
            await self._connection.execute(
                select(posts)
                .where(
                    posts.c.subscription_id == subscription_id,
                    posts.c.local_date < local_date,
                    posts.c.status.in_([status.value for status in HOLDS_LATER_DAYS]),
                )
                .order_by(posts.c.local_date)
                .limit(1)
            )
        ).first()
        return _post(row) if row else None

    async def _list(
        self, condition: Any, platforms: Iterable[str], shards: Mapping[str, Shards] | None
    ) -> list[Post]:
        rows = await self._connection.execute(
            select(posts)
            .join(subscriptions, subscriptions.c.id == posts.c.subscription_id)
            .join(groups, groups.c.id == subscriptions.c.group_id)
            .where(
                condition,
                served(groups.c.platform, groups.c.external_id, platforms, shards),
                subscriptions.c.paused.is_(False),  # resume takes them up again
            )
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
        reveal_parts_sent=row.reveal_parts_sent,
    )


def _lease_free(now: datetime) -> Any:
    return or_(posts.c.lease_until.is_(None), posts.c.lease_until < now)


def _free_for(duty: Duty, now: datetime) -> Any:
    """Posts a worker may take a lease on for `duty` (see bot.domain.post.may_take)."""
    start, working = TAKEN_FROM[duty]
    return and_(
        # Said once more as one IN, so SQLite reads ix_posts_status_reveal_at (it does not for
        # an OR of statuses) and a tick reads the posts in play, not every subscription's.
        posts.c.status.in_([start.value, working.value]),
        or_(posts.c.status == start.value, _lease_free(now)),
    )


def _held(lease: Lease) -> Any:
    return and_(posts.c.id == lease.post.id, posts.c.lease_token == lease.token)
