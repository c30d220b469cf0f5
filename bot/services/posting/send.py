"""Sending a claimed post: under its send lease, look on the platform when an earlier attempt
may have reached it, re-check the lease, send, record."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from bot.domain.post import Duty, Lease, Post, PostStatus
from bot.domain.subscription import Subscription
from bot.ports import (
    Chat,
    ChatError,
    FindsSent,
    OutgoingPost,
    SentPost,
)
from bot.services.context import Core
from bot.services.posting import leases
from bot.services.posting.claim import Claimed, ready_to_send

log = logging.getLogger(__name__)


async def send_post(core: Core, chats: Mapping[str, Chat], post: Post) -> bool | None:
    """Take the send lease on a claimed post nobody holds, and send it. True when sent,
    False when it failed, None when not ours to send."""
    if core.pulse.stopping:
        return None
    now = core.clock.now()
    async with core.storage.write() as uow:
        subscription = await uow.subscriptions.get(post.subscription_id)
        if subscription is None or subscription.paused:
            return None
        if await uow.posts.unrevealed_before(subscription.id, post.local_date) is not None:
            return None  # the previous day's answer goes out first (a later tick sends this)
        lease = await uow.posts.take_lease(post.id, Duty.SEND, now + core.lease, now)
        if lease is None:
            return None
        leases.taken(core, lease)
        claimed = await ready_to_send(uow, lease, subscription)
    return await send_claimed(core, chats, claimed)


async def send_claimed(core: Core, chats: Mapping[str, Chat], claimed: Claimed) -> bool | None:
    """Send a post whose send lease this worker holds: look on the platform first when an
    earlier attempt may have reached it, re-check the lease, send, record."""
    lease, subscription, day_number = claimed.lease, claimed.subscription, claimed.day_number
    now = core.clock.now()
    post = lease.post
    chat = chats[subscription.channel.platform]
    question = await leases.question_or_give_up(core, lease, subscription)
    if question is None:
        return False
    reveal_at = now + (post.reveal_at - post.scheduled_at)
    best = claimed.best_answer  # an earlier day's best answer, if not credited yet
    outgoing = OutgoingPost(
        post_id=post.id,
        channel=subscription.channel,
        question=question,
        day_number=day_number,
        reveal_at=reveal_at,
        timezone=subscription.schedule.timezone,
        mention=subscription.mention,
        thread=subscription.thread,
        credit=core.group_packs.credit(question.id),
        best_answer=best[1] if best else None,
    )
    shown = best[0] if best else None
    # An earlier attempt may have reached the platform before its worker died: look first.
    found = await _already_sent(core, chat, lease, subscription, outgoing)
    if found is False:
        return False
    if found is not None:
        await _record_posted(core, lease, subscription, found, day_number, reveal_at, shown)
        log.info("post=%s was already on the platform; recorded it without sending again", post.id)
        return True
    if now - post.scheduled_at > core.grace:
        await leases.give_up(core, lease, PostStatus.MISSED, "not sent within the grace window")
        return False
    if not await leases.still_held(core, lease):
        return None
    try:
        async with leases.fenced(core, lease):
            with core.metrics.timing_send(chat.platform, "post"):
                sent = await chat.send_question(outgoing)
    except ChatError as error:
        await leases.fail(core, lease, subscription, error.reason, error.permanent)
        return False
    except Exception as error:  # a front-end bug must not stop the other channels' posts
        log.exception("sending post=%s failed", post.id)
        await leases.fail(
            core, lease, subscription, f"unexpected error: {type(error).__name__}", False
        )
        return False
    if not await _record_posted(core, lease, subscription, sent, day_number, reveal_at, shown):
        return None
    log.info(
        "posted post=%s group=%s subscription=%s channel=%s question=%s day=%s",
        post.id,
        subscription.channel.group_id,
        subscription.id,
        subscription.channel.channel_id,
        question.id,
        day_number,
    )
    return True


async def _already_sent(
    core: Core, chat: Chat, lease: Lease, subscription: Subscription, outgoing: OutgoingPost
) -> SentPost | Literal[False] | None:
    """On a retry, the platform's copy of this post if it has one; False if looking failed."""
    if not lease.look_first or not isinstance(chat, FindsSent):
        return None
    try:
        return await chat.find_question(outgoing)
    except ChatError as error:
        await leases.fail(core, lease, subscription, error.reason, error.permanent)
        return False


async def _record_posted(
    core: Core,
    lease: Lease,
    subscription: Subscription,
    sent: SentPost,
    day_number: int,
    reveal_at: datetime,
    credit_shown: int | None = None,
) -> bool:
    now = core.clock.now()
    async with core.storage.write() as uow:
        recorded = await uow.posts.mark_posted(
            lease, sent.message_ref, sent.thread_ref, day_number, reveal_at, now
        )
        if recorded:
            await uow.subscriptions.record_error(subscription.id, None, now)
            # Members keeping a streak here may now have it at risk: look at their reminders.
            await uow.cards.look_at_streak_nudges(subscription.id, now)
            if credit_shown is not None:
                await uow.votes.credit_shown(credit_shown)
    if not recorded:
        leases.lost(core, lease)
        return False
    core.metrics.post_made(subscription.channel.platform, lease.post.scheduled_at, now)
    return True
