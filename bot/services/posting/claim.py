"""Claiming due posts: a post row for every scheduled day now due, inserted under its unique
(subscription, local date) key before anything is sent.

A day whose post may go out at once is claimed with its first send lease in the same
statement, so the claiming worker sends it straight away; one that must wait (the previous
day's answer is not out yet) is claimed without a lease and sent by a later tick.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.post import Lease, Post, PostStatus
from bot.domain.subscription import Subscription
from bot.errors import DayTaken, QotdError, StorageConflict
from bot.services.context import Core
from bot.services.posting import leases
from bot.services.rotation import take_next_question
from bot.shards import Shards
from bot.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


LOOKBACK = timedelta(days=8)
DUE_PAGE = 100  # due subscriptions read at a time


@dataclass(frozen=True, slots=True)
class Claimed:
    """A post claimed with its send lease, and what sending it needs."""

    lease: Lease
    subscription: Subscription
    day_number: int
    # An earlier day's best answer not credited in a post yet: (that post's id, the credit).
    best_answer: tuple[int, str] | None = None


async def ready_to_send(uow: UnitOfWork, lease: Lease, subscription: Subscription) -> Claimed:
    """A send lease with what sending needs, read in the transaction that took the lease: the
    post's day number counts the subscription's visible posts before it."""
    day_number = await uow.posts.visible_count(subscription.id) + 1
    best = await uow.votes.credit_to_show(subscription.id)
    return Claimed(lease, subscription, day_number, best)


@dataclass(frozen=True, slots=True)
class Missed:
    """A scheduled day recorded as missed: it came due longer than the grace window ago."""

    subscription: Subscription
    day: date


async def claim_due_posts(
    core: Core, platforms: Iterable[str], shards: Mapping[str, Shards] | None = None
) -> AsyncIterator[Claimed | Missed]:
    """Claim every scheduled day now due, one at a time, yielding each as it is claimed (so
    the caller sends the first post of a wave before the last is claimed) or recorded as
    missed. Days another worker claimed first, and days that must wait, yield nothing.

    Only subscriptions whose next post time has passed are read, so an idle tick costs the
    same with ten subscriptions or a hundred thousand; of a sharded platform, only those of
    groups on this process's `shards`.
    """
    now = core.clock.now()
    platforms = list(platforms)
    async for subscription in _due_subscriptions(core, platforms, now, shards):
        days = _due_days(subscription, now)
        if len(days) > 1:  # catching up (downtime, changed settings): skip what is claimed
            async with core.storage.read() as uow:
                taken = await uow.posts.dates_of(subscription.id, days[0])
            days = [day for day in days if day not in taken]
        settled = True
        for day in days:
            if core.pulse.stopping:
                return  # the next worker's tick claims what is left
            if now - subscription.schedule.post_at(day) > core.grace:
                if await _record_missed(core, subscription, day, now):
                    yield Missed(subscription, day)
                continue
            outcome = await _claim(core, subscription, day, now)
            if isinstance(outcome, Claimed):
                yield outcome
            settled = settled and outcome is not _FAILED
        if settled and subscription.next_post_at is not None:
            # (A day whose claim failed stays due and is tried again on the next tick.)
            async with core.storage.write() as uow:
                await uow.subscriptions.move_next_post(
                    subscription.id,
                    subscription.next_post_at,
                    subscription.schedule.next_post_at(now),
                )


async def _due_subscriptions(
    core: Core, platforms: list[str], now: datetime, shards: Mapping[str, Shards] | None
) -> AsyncIterator[Subscription]:
    """The due subscriptions a page at a time, so a wave of ten thousand neither sits in
    memory at once nor holds the event loop while it is read."""
    after: tuple[datetime, int] | None = None
    while True:
        async with core.storage.read() as uow:
            page = await uow.subscriptions.due_to_post(platforms, now, after, DUE_PAGE, shards)
        for subscription in page:
            yield subscription
        if len(page) < DUE_PAGE:
            return
        last = page[-1]
        assert last.next_post_at is not None
        after = (last.next_post_at, last.id)


def _due_days(subscription: Subscription, now: datetime) -> list[date]:
    """Scheduled local days whose post time has come and that are still to be claimed."""
    schedule = subscription.schedule
    # The mark is never before `active_since` (settings changes and resumes set both).
    since = max(subscription.next_post_at or subscription.active_since or now, now - LOOKBACK)
    days = schedule.post_days_between(schedule.local_date(since), schedule.local_date(now))
    return [day for day in days if since <= schedule.post_at(day) <= now]


# A claim that could not be made (say, the pack has no question left): the day stays due.
_FAILED = object()


async def _claim(
    core: Core, listed: Subscription, day: date, now: datetime
) -> Claimed | object | None:
    """The day claimed with its send lease; None when there is nothing for this worker to
    send (claimed by another, or claimed to wait for a reveal); _FAILED when it could not be
    claimed at all."""
    schedule = listed.schedule
    try:
        async with core.storage.write() as uow:
            subscription = await uow.subscriptions.get(listed.id)
            if subscription is None or subscription.paused:
                return _FAILED  # changed since it was listed: the next tick works it out
            question = await take_next_question(core, uow, subscription, now, "posted")
            key = (
                subscription.id,
                day,
                question.id,
                schedule.post_at(day),
                schedule.reveal_at(day),
            )
            if await uow.posts.unrevealed_before(subscription.id, day) is not None:
                # The previous day's answer goes out first: claim the day, send it later.
                await uow.posts.claim(*key, now)
                claimed = None
            else:
                lease = await uow.posts.claim_to_send(*key, now, now + core.lease)
                leases.taken(core, lease)
                claimed = await ready_to_send(uow, lease, subscription)
    except (DayTaken, StorageConflict):
        return None  # another worker claimed this day first; the rotation step is undone with it
    except QotdError as error:
        await leases.record_subscription_error(core, listed.id, error.message)
        return _FAILED
    log.info(
        "claimed post group=%s channel=%s subscription=%s date=%s question=%s",
        subscription.channel.group_id,
        subscription.channel.channel_id,
        subscription.id,
        day,
        question.id,
    )
    return claimed


async def _record_missed(core: Core, subscription: Subscription, day: date, now: datetime) -> bool:
    scheduled = subscription.schedule.post_at(day)
    try:
        async with core.storage.write() as uow:
            await uow.posts.claim(
                subscription.id, day, "", scheduled, scheduled, now, status=PostStatus.MISSED
            )
    except (DayTaken, StorageConflict):
        return False
    log.warning(
        "skipped post subscription=%s channel=%s date=%s: it was due at %s, more than the "
        "%s grace window ago (the bot was not running)",
        subscription.id,
        subscription.channel.channel_id,
        day,
        scheduled.isoformat(),
        core.grace,
    )
    return True


async def claimed_posts(
    core: Core, platforms: Iterable[str], shards: Mapping[str, Shards] | None = None
) -> list[Post]:
    """Claimed posts nobody holds a lease on: waiting for an earlier reveal, or left by a
    worker that failed, died or stalled."""
    async with core.storage.read() as uow:
        return await uow.posts.claimed(platforms, core.clock.now(), shards)
