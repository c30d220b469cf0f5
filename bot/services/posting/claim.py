"""Claiming due posts: a post row for every scheduled day now due, inserted under its unique
(subscription, local date) key before anything is sent."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from bot.domain.post import Post, PostStatus
from bot.domain.subscription import Subscription
from bot.errors import DayTaken, QotdError, StorageConflict
from bot.services.context import Core
from bot.services.posting import leases
from bot.services.rotation import take_next_question

log = logging.getLogger(__name__)


LOOKBACK = timedelta(days=8)


async def claim_due_posts(core: Core, platforms: Iterable[str]) -> tuple[int, int]:
    """Insert a post row for every scheduled day now due; returns (claimed, missed)."""
    now = core.clock.now()
    async with core.storage.read() as uow:
        subscriptions = await uow.subscriptions.active(platforms)
        taken = await uow.posts.dates_since(
            (subscription.id for subscription in subscriptions),
            (now - LOOKBACK - timedelta(days=1)).date(),
        )
    claimed = missed = 0
    for subscription in subscriptions:
        for day in _due_days(subscription, now):
            if (subscription.id, day) in taken:
                continue
            scheduled = subscription.schedule.post_at(day)
            if now - scheduled > core.grace:
                missed += await _record_missed(core, subscription, day, now)
            else:
                claimed += await _claim(core, subscription, day, now)
    return claimed, missed


def _due_days(subscription: Subscription, now: datetime) -> list[date]:
    """Scheduled local days whose post time has come, since the schedule became active."""
    schedule = subscription.schedule
    since = max(subscription.active_since or now, now - LOOKBACK)
    days = schedule.post_days_between(schedule.local_date(since), schedule.local_date(now))
    return [day for day in days if since <= schedule.post_at(day) <= now]


async def _claim(core: Core, subscription: Subscription, day: date, now: datetime) -> int:
    try:
        async with core.storage.write() as uow:
            question = await take_next_question(core, uow, subscription, now, "posted")
            await uow.posts.claim(
                subscription.id,
                day,
                question.id,
                subscription.schedule.post_at(day),
                subscription.schedule.reveal_at(day),
                now,
            )
    except (DayTaken, StorageConflict):
        return 0  # another worker claimed this day first; the rotation step is undone with it
    except QotdError as error:
        await leases.record_subscription_error(core, subscription.id, error.message)
        return 0
    log.info(
        "claimed post group=%s channel=%s subscription=%s date=%s question=%s",
        subscription.channel.group_id,
        subscription.channel.channel_id,
        subscription.id,
        day,
        question.id,
    )
    return 1


async def _record_missed(core: Core, subscription: Subscription, day: date, now: datetime) -> int:
    scheduled = subscription.schedule.post_at(day)
    try:
        async with core.storage.write() as uow:
            await uow.posts.claim(
                subscription.id, day, "", scheduled, scheduled, now, status=PostStatus.MISSED
            )
    except (DayTaken, StorageConflict):
        return 0
    log.warning(
        "skipped post subscription=%s channel=%s date=%s: it was due at %s, more than the "
        "%s grace window ago (the bot was not running)",
        subscription.id,
        subscription.channel.channel_id,
        day,
        scheduled.isoformat(),
        core.grace,
    )
    return 1


async def claimed_posts(core: Core, platforms: Iterable[str]) -> list[Post]:
    async with core.storage.read() as uow:
        return await uow.posts.claimed(platforms, core.clock.now())
