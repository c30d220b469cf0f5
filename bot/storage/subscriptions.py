"""Subscriptions, their rotation state and admin-queued questions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Row, delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.identity import ChannelRef
from bot.domain.question import Difficulty
from bot.domain.schedule import DAY_NAMES, RevealRule, Schedule, parse_days
from bot.domain.subscription import QuestionFilter, Subscription
from bot.shards import Shards
from bot.storage.shards import served
from bot.storage.sql import insert_ignore
from bot.storage.tables import groups, queued, rotation, subscriptions

_COLUMNS = (*subscriptions.c, groups.c.platform, groups.c.external_id.label("group_external_id"))


class SubscriptionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    def _select(self) -> Any:
        return select(*_COLUMNS).join(groups, groups.c.id == subscriptions.c.group_id)

    async def get(self, subscription_id: int) -> Subscription | None:
        row = (
            await self._connection.execute(
                self._select().where(subscriptions.c.id == subscription_id)
            )
        ).first()
        return _subscription(row) if row else None

    async def for_channel(self, channel: ChannelRef) -> Subscription | None:
        row = (
            await self._connection.execute(
                self._select().where(
                    groups.c.platform == channel.platform,
                    groups.c.external_id == channel.group_id,
                    subscriptions.c.channel_id == channel.channel_id,
                )
            )
        ).first()
        return _subscription(row) if row else None

    async def active(self, platforms: Iterable[str]) -> list[Subscription]:
        rows = await self._connection.execute(
            self._select()
            .where(groups.c.platform.in_(list(platforms)), subscriptions.c.paused.is_(False))
            .order_by(subscriptions.c.id)
        )
        return [_subscription(row) for row in rows]

    async def due_to_post(
        self,
        platforms: Iterable[str],
        now: datetime,
        after: tuple[datetime, int] | None = None,
        limit: int = 500,
        shards: Mapping[str, Shards] | None = None,
    ) -> list[Subscription]:
        """Subscriptions with a scheduled day still to claim whose post time has come (or
        whose settings changed since the last tick): an indexed read of what is due only, a
        page at a time in (next post, id) order after `after`; of a sharded platform, only
        those of groups on `shards`."""
        statement = self._select().where(
            subscriptions.c.paused.is_(False),
            subscriptions.c.next_post_at <= now,
            served(groups.c.platform, groups.c.external_id, platforms, shards),
        )
        if after is not None:
            statement = statement.where(
                tuple_(subscriptions.c.next_post_at, subscriptions.c.id) > tuple_(*after)
            )
        rows = await self._connection.execute(
            statement.order_by(subscriptions.c.next_post_at, subscriptions.c.id).limit(limit)
        )
        return [_subscription(row) for row in rows]

    async def move_next_post(self, subscription_id: int, seen: datetime, to: datetime) -> None:
        """Every scheduled day before `to` is claimed (or missed): move the mark on from
        `seen`, the value this worker listed. A compare-and-set, so neither a settings change
        since the listing nor another worker's progress is overwritten."""
        await self._connection.execute(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id, subscriptions.c.next_post_at == seen)
            .values(next_post_at=to)
        )

    async def for_group(self, platform: str, group_id: str) -> list[Subscription]:
        rows = await self._connection.execute(
            self._select()
            .where(groups.c.platform == platform, groups.c.external_id == group_id)
            .order_by(subscriptions.c.id)
        )
        return [_subscription(row) for row in rows]

    async def all(self) -> list[Subscription]:
        rows = await self._connection.execute(self._select().order_by(subscriptions.c.id))
        return [_subscription(row) for row in rows]

    async def save(self, group_id: int, subscription: Subscription, now: datetime) -> int:
        """Create the channel's subscription or replace its settings; returns its id."""
        values = _values(subscription) | {"updated_at": now}
        existing = await self._connection.scalar(
            select(subscriptions.c.id).where(
                subscriptions.c.group_id == group_id,
                subscriptions.c.channel_id == subscription.channel.channel_id,
            )
        )
        if existing is not None:
            await self._connection.execute(
                update(subscriptions).where(subscriptions.c.id == existing).values(values)
            )
            return int(existing)
        new_id = await self._connection.scalar(
            subscriptions.insert()
            .returning(subscriptions.c.id)
            .values(
                values
                | {
                    "group_id": group_id,
                    "channel_id": subscription.channel.channel_id,
                    "created_at": now,
                }
            )
        )
        return int(new_id)

    async def set_paused(
        self, subscription_id: int, paused: bool, reason: str | None, now: datetime
    ) -> None:
        values: dict[str, Any] = {"paused": paused, "pause_reason": reason, "updated_at": now}
        if not paused:
            values["active_since"] = values["next_post_at"] = now
        await self._connection.execute(
            update(subscriptions).where(subscriptions.c.id == subscription_id).values(values)
        )

    async def remove_admin(self, platform: str, member_id: str, now: datetime) -> int:
        """Take a member off the admin list of every subscription of the platform; returns
        how many lists named them."""
        rows = await self._connection.execute(
            select(subscriptions.c.id, subscriptions.c.admins)
            .join(groups, groups.c.id == subscriptions.c.group_id)
            .where(
                groups.c.platform == platform,
                subscriptions.c.admins.contains(member_id, autoescape=True),
            )
        )
        changed = 0
        for row in list(rows):
            admins = _split(row.admins)
            if member_id not in admins:
                continue  # the id is only part of another member's id
            await self._connection.execute(
                update(subscriptions)
                .where(subscriptions.c.id == row.id)
                .values(admins=",".join(sorted(admins - {member_id})), updated_at=now)
            )
            changed += 1
        return changed

    async def record_error(self, subscription_id: int, error: str | None, now: datetime) -> None:
        await self._connection.execute(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id)
            .values(last_error=error, last_error_at=now if error else None)
        )

    async def set_group_every(self, subscription_id: int, every: int, now: datetime) -> None:
        await self._connection.execute(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id)
            .values(group_every=every, updated_at=now)
        )

    async def delete(self, subscription_id: int) -> None:
        await self._connection.execute(
            delete(subscriptions).where(subscriptions.c.id == subscription_id)
        )

    async def cycle(self, subscription_id: int) -> int:
        value = await self._connection.scalar(
            select(subscriptions.c.cycle).where(subscriptions.c.id == subscription_id)
        )
        return int(value or 0)

    async def set_cycle(self, subscription_id: int, cycle: int) -> None:
        await self._connection.execute(
            update(subscriptions).where(subscriptions.c.id == subscription_id).values(cycle=cycle)
        )

    async def used_in_cycle(self, subscription_id: int, cycle: int) -> set[str]:
        rows = await self._connection.scalars(
            select(rotation.c.question_id).where(
                rotation.c.subscription_id == subscription_id, rotation.c.cycle == cycle
            )
        )
        return set(rows)

    async def mark_used(
        self, subscription_id: int, cycle: int, question_id: str, reason: str, now: datetime
    ) -> None:
        await self._connection.execute(
            insert_ignore(self._connection, rotation).values(
                subscription_id=subscription_id,
                cycle=cycle,
                question_id=question_id,
                reason=reason,
                at=now,
            )
        )

    async def enqueue(self, subscription_id: int, question_id: str, now: datetime) -> bool:
        """Queue a question for the next post; False when it is queued already."""
        result = await self._connection.execute(
            insert_ignore(self._connection, queued).values(
                subscription_id=subscription_id, question_id=question_id, queued_at=now
            )
        )
        return bool(result.rowcount)

    async def queued(self, subscription_id: int) -> list[str]:
        rows = await self._connection.scalars(
            select(queued.c.question_id)
            .where(queued.c.subscription_id == subscription_id)
            .order_by(queued.c.id)
        )
        return list(rows)

    async def dequeue(self, subscription_id: int, question_id: str) -> None:
        await self._connection.execute(
            delete(queued).where(
                queued.c.subscription_id == subscription_id, queued.c.question_id == question_id
            )
        )

    async def count(self) -> int:
        return int(
            await self._connection.scalar(select(func.count()).select_from(subscriptions)) or 0
        )


def _values(subscription: Subscription) -> dict[str, Any]:
    schedule = subscription.schedule
    reveal = schedule.reveal
    return {
        "pack": subscription.pack,
        "post_time": f"{schedule.post_time:%H:%M}",
        "timezone": schedule.timezone,
        "days": ",".join(DAY_NAMES[day] for day in sorted(schedule.days)),
        "reveal_after_minutes": int(reveal.after.total_seconds() // 60) if reveal.after else None,
        "reveal_at": f"{reveal.at:%H:%M}" if reveal.at else None,
        "difficulties": ",".join(sorted(subscription.filter.difficulties)),
        "topics": ",".join(sorted(subscription.filter.topics)),
        "mention": subscription.mention,
        "thread": subscription.thread,
        "paused": subscription.paused,
        "pause_reason": subscription.pause_reason,
        "admins": ",".join(sorted(subscription.admins)),
        "group_every": subscription.group_every,
        "active_since": subscription.active_since,
        # Changed settings: the next tick works out the days from the active instant on.
        "next_post_at": subscription.active_since,
    }


def _split(text: str) -> frozenset[str]:
    return frozenset(part for part in text.split(",") if part)


def _subscription(row: Row[Any]) -> Subscription:
    if row.reveal_after_minutes is not None:
        reveal = RevealRule(after=timedelta(minutes=row.reveal_after_minutes))
    else:
        reveal = RevealRule(at=time.fromisoformat(row.reveal_at))
    return Subscription(
        id=row.id,
        channel=ChannelRef(row.platform, row.group_external_id, row.channel_id),
        schedule=Schedule(
            time.fromisoformat(row.post_time), row.timezone, parse_days(row.days), reveal
        ),
        pack=row.pack,
        filter=QuestionFilter(
            difficulties=frozenset(Difficulty(value) for value in _split(row.difficulties)),
            topics=_split(row.topics),
        ),
        mention=row.mention,
        thread=row.thread,
        paused=row.paused,
        pause_reason=row.pause_reason,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        admins=_split(row.admins),
        active_since=row.active_since,
        next_post_at=row.next_post_at,
        created_at=row.created_at,
        group_every=row.group_every,
        group_id=row.group_id,
    )
