"""The worker's side of a lease on a post: the fencing check before a send, and the
transitions after one (given back after a failure, given up for good), each a compare-and-set
on the lease's token."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.domain.post import Duty, Lease, PostStatus
from bot.domain.question import Question
from bot.domain.subscription import Subscription
from bot.ports import SEND_FENCE
from bot.services.context import Core
from bot.services.group_packs import group_of

log = logging.getLogger(__name__)
# Leases kept for giving back before those that ran out are forgotten (see `taken`).
KEPT_LEASES = 512


async def still_held(core: Core, lease: Lease) -> bool:
    """The fencing check just before a send: a worker that stalled past its lease (a pause,
    a frozen container, a long event-loop block) must not send over the one that took over."""
    async with core.storage.read() as uow:
        held = await uow.posts.holds(lease, core.clock.now())
    if not held:
        core.metrics.lease_lost()
        log.warning(
            "post=%s: lost the %s lease before sending; another worker took it over",
            lease.post.id,
            lease.duty,
        )
    return held


@asynccontextmanager
async def fenced(core: Core, lease: Lease) -> AsyncIterator[None]:
    """Let the front end's own retries re-check the lease before each retry (see SEND_FENCE)."""
    token = SEND_FENCE.set(lambda: still_held(core, lease))
    try:
        yield
    finally:
        SEND_FENCE.reset(token)


async def give_up(core: Core, lease: Lease, status: PostStatus, reason: str) -> None:
    async with core.storage.write() as uow:
        if not await uow.posts.abandon(lease, status, reason):
            lost(core, lease)
            return
    log.warning(
        "gave up post=%s subscription=%s (%s): %s",
        lease.post.id,
        lease.post.subscription_id,
        status,
        reason,
    )


async def question_or_give_up(
    core: Core, lease: Lease, subscription: Subscription
) -> Question | None:
    """The question the post carries; a post whose question left the pack can never be
    made, so it is given up as failed (None)."""
    question_id = lease.post.question_id
    if group_of(question_id) is not None:
        async with core.storage.read() as uow:
            await core.group_packs.load_for(uow, [question_id])
    question = core.question(subscription.pack, question_id)
    if question is None:
        await give_up(
            core, lease, PostStatus.FAILED, f"question {question_id!r} is no longer in the pack"
        )
    return question


def taken(core: Core, lease: Lease) -> None:
    """Count a lease this worker took and keep it until it runs out (see `give_back_held`).

    Called inside the transaction that takes it, before its commit: a worker cut off while
    committing may hold a lease the database has, and must still know to give it back (one
    whose transaction rolled back matches no row when given back)."""
    core.metrics.lease_taken()
    held = core.pulse.leases
    if len(held) >= KEPT_LEASES:  # forget those that ran out: nobody needs them given back
        now = core.clock.now()
        for key in [key for key, kept in held.items() if kept.until <= now]:
            del held[key]
    held[(lease.post.id, lease.duty.value)] = lease


async def give_back_held(core: Core) -> int:
    """A stopping worker gives back every lease it may still hold, so another worker takes
    the post or reveal over at once instead of after the lease runs out. A lease whose work
    was recorded, or that another worker took over, is left alone (compare-and-set on the
    token). The next holder looks on the platform first, as after any interrupted attempt."""
    held = list(core.pulse.leases.values())
    core.pulse.leases.clear()
    if not held:
        return 0
    released = 0
    async with core.storage.write() as uow:
        for lease in held:
            released += await uow.posts.release(lease, "the worker stopped before finishing")
    if released:
        log.warning("gave back %s leases on the way out; another worker takes them over", released)
    return released


def lost(core: Core, lease: Lease) -> None:
    core.metrics.lease_lost()
    log.warning(
        "post=%s: the %s lease was lost before its result was recorded; the new holder "
        "looks on the platform before it sends",
        lease.post.id,
        lease.duty,
    )


async def fail(
    core: Core,
    lease: Lease,
    subscription: Subscription,
    reason: str,
    permanent: bool,
    parts_sent: int = 0,
) -> None:
    """A failed send or reveal: the post stays in its working state with the lease given
    back, so the next tick (or `resume`, when a permanent failure paused the subscription)
    takes it up again, looking on the platform first."""
    platform = subscription.channel.platform
    if lease.duty is Duty.SEND:
        core.metrics.post_failed(platform)
    else:
        core.metrics.reveal_failed(platform)
    now = core.clock.now()
    async with core.storage.write() as uow:
        if not await uow.posts.release(lease, reason, parts_sent):
            lost(core, lease)
            return
        await uow.subscriptions.record_error(subscription.id, reason, now)
        if permanent:
            await uow.subscriptions.set_paused(subscription.id, True, reason, now)
    log.warning(
        "post=%s group=%s subscription=%s channel=%s %s failed%s: %s",
        lease.post.id,
        subscription.channel.group_id,
        subscription.id,
        subscription.channel.channel_id,
        lease.duty,
        " (paused)" if permanent else "",
        reason,
    )


async def record_subscription_error(core: Core, subscription_id: int, error: str) -> None:
    async with core.storage.write() as uow:
        await uow.subscriptions.record_error(subscription_id, error, core.clock.now())
    log.warning("subscription=%s: %s", subscription_id, error)
