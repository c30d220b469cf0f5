"""An admin's early post and early reveal."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.identity import ChannelRef
from bot.domain.post import Post, PostStatus
from bot.errors import NoOpenPost, QotdError
from bot.ports import Chat
from bot.services.access import Actor, admin_subscription
from bot.services.context import Core
from bot.services.posting import leases
from bot.services.posting.claim import ready_to_send
from bot.services.posting.reveal import reveal_post
from bot.services.posting.send import send_claimed
from bot.services.rotation import take_next_question


async def post_now(
    core: Core, chats: Mapping[str, Chat], channel: ChannelRef, actor: Actor
) -> Post:
    """An admin's test post: today's question now, if today has none yet."""
    now = core.clock.now()
    async with core.storage.write() as uow:
        subscription = await admin_subscription(uow, channel, actor, "post a question now")
        if subscription.paused:
            raise QotdError("The schedule is paused: `resume` it first.")
        today = subscription.schedule.local_date(now)
        if await uow.posts.unrevealed_before(subscription.id, today) is not None:
            raise QotdError(
                "The last question's answer is not out yet: reveal it first (`reveal`)."
            )
        question = await take_next_question(core, uow, subscription, now, "posted")
        window = subscription.schedule.reveal_at(today) - subscription.schedule.post_at(today)
        lease = await uow.posts.claim_to_send(
            subscription.id, today, question.id, now, now + window, now, now + core.lease
        )
        leases.taken(core, lease)
        claimed = await ready_to_send(uow, lease, subscription)
    sent = await send_claimed(core, chats, claimed)
    async with core.storage.read() as uow:
        after = await uow.posts.get(lease.post.id)
    assert after is not None
    if sent is not True:
        raise QotdError(f"Could not post: {after.last_error or 'unknown error'}")
    return after


async def reveal_now(
    core: Core, chats: Mapping[str, Chat], channel: ChannelRef, actor: Actor
) -> Post:
    """An admin closes the open question early and reveals it (or retries a reveal that
    failed); returns the post as it stands afterwards."""
    now = core.clock.now()
    async with core.storage.write() as uow:
        subscription = await admin_subscription(uow, channel, actor, "reveal the answer early")
        post = await uow.posts.latest_visible(subscription.id)
        if post is None or not post.unrevealed:
            raise NoOpenPost()
        await uow.posts.close_now(post.id, now)
        post = await uow.posts.get(post.id)
    assert post is not None
    revealed = await reveal_post(core, chats, post)
    async with core.storage.read() as uow:
        after = await uow.posts.get(post.id)
    assert after is not None
    if not revealed and after.status is not PostStatus.REVEALED:
        raise QotdError(
            "The question is closed, but its answer could not be posted yet: "
            f"{after.last_error or 'another worker is revealing it right now'}"
        )
    return after
