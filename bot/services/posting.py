"""Posting due questions and revealing answers: exactly once per subscription and local day.

Every step is driven by database state, so a restart, a crash mid-send or a second worker
picks up where things stand: a post row is claimed under its unique (subscription, local
date) key before anything is sent, and sending takes a short lease on the row.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError

from bot.domain.identity import ChannelRef
from bot.domain.post import Duty, Lease, Post, PostStatus
from bot.domain.subscription import Subscription
from bot.errors import NoOpenPost, QotdError
from bot.ports import (
    SEND_FENCE,
    Chat,
    ChatError,
    FindsSent,
    OutgoingPost,
    OutgoingReveal,
    Results,
    SentPost,
    WrittenAnswer,
)
from bot.services.access import Actor, admin_subscription
from bot.services.context import Core
from bot.services.nudges import next_reminder_at, send_due_nudges
from bot.services.rotation import take_next_question

log = logging.getLogger(__name__)

# How far back a tick looks for scheduled days without a post row (to post late or log).
LOOKBACK = timedelta(days=8)


@dataclass(frozen=True, slots=True)
class TickReport:
    posted: int = 0
    revealed: int = 0
    missed: int = 0
    failed: int = 0
    nudged: int = 0


async def tick(core: Core, chats: Mapping[str, Chat]) -> TickReport:
    """One scheduler beat: make due reveals, then claim due posts and send them.

    Reveals go first, so a subscription's answer is out before its next question (a post
    whose previous answer is not out yet also waits for it in `send_post`).
    """
    revealed = await reveal_due_posts(core, chats)
    _, missed = await claim_due_posts(core, chats.keys())
    posted = failed = 0
    for post in await _claimed_posts(core, chats.keys()):
        outcome = await send_post(core, chats, post)
        posted += outcome is True
        failed += outcome is False
    nudged = await send_due_nudges(core, chats)
    return TickReport(posted=posted, revealed=revealed, missed=missed, failed=failed, nudged=nudged)


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
            post_id = await uow.posts.claim(
                subscription.id,
                day,
                question.id,
                subscription.schedule.post_at(day),
                subscription.schedule.reveal_at(day),
                now,
            )
            if post_id is None:
                # Another worker claimed this day first; undo the rotation step with it.
                raise _AlreadyClaimed()
    except _AlreadyClaimed:
        return 0
    except IntegrityError:
        return 0
    except QotdError as error:
        await _record_subscription_error(core, subscription.id, error.message)
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


class _AlreadyClaimed(Exception):
    pass


async def _record_missed(core: Core, subscription: Subscription, day: date, now: datetime) -> int:
    scheduled = subscription.schedule.post_at(day)
    async with core.storage.write() as uow:
        inserted = await uow.posts.claim(
            subscription.id, day, "", scheduled, scheduled, now, status=PostStatus.MISSED
        )
    if inserted is not None:
        log.warning(
            "skipped post subscription=%s channel=%s date=%s: it was due at %s, more than the "
            "%s grace window ago (the bot was not running)",
            subscription.id,
            subscription.channel.channel_id,
            day,
            scheduled.isoformat(),
            core.grace,
        )
    return int(inserted is not None)


async def _claimed_posts(core: Core, platforms: Iterable[str]) -> list[Post]:
    async with core.storage.read() as uow:
        return await uow.posts.claimed(platforms, core.clock.now())


async def send_post(core: Core, chats: Mapping[str, Chat], post: Post) -> bool | None:
    """Send one claimed post. True when sent, False when it failed, None when not ours to send."""
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
        day_number = await uow.posts.visible_count(subscription.id) + 1
    post = lease.post
    chat = chats[subscription.channel.platform]
    question = core.library.pack(subscription.pack).by_id.get(post.question_id)
    if question is None:
        await _give_up(
            core,
            lease,
            PostStatus.FAILED,
            f"question {post.question_id!r} is no longer in the pack",
        )
        return False
    reveal_at = now + (post.reveal_at - post.scheduled_at)
    outgoing = OutgoingPost(
        post_id=post.id,
        channel=subscription.channel,
        question=question,
        day_number=day_number,
        reveal_at=reveal_at,
        timezone=subscription.schedule.timezone,
        mention=subscription.mention,
        thread=subscription.thread,
    )
    # An earlier attempt may have reached the platform before its worker died: look first.
    found = await _already_sent(core, chat, lease, subscription, outgoing)
    if found is False:
        return False
    if found is not None:
        await _record_posted(core, lease, subscription, found, day_number, reveal_at)
        log.info("post=%s was already on the platform; recorded it without sending again", post.id)
        return True
    if now - post.scheduled_at > core.grace:
        await _give_up(core, lease, PostStatus.MISSED, "not sent within the grace window")
        return False
    if not await _still_held(core, lease):
        return None
    try:
        async with _fenced(core, lease):
            sent = await chat.send_question(outgoing)
    except ChatError as error:
        await _fail(core, lease, subscription, error.reason, error.permanent)
        return False
    except Exception as error:  # a front-end bug must not stop the other channels' posts
        log.exception("sending post=%s failed", post.id)
        await _fail(core, lease, subscription, f"unexpected error: {type(error).__name__}", False)
        return False
    if not await _record_posted(core, lease, subscription, sent, day_number, reveal_at):
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


async def _still_held(core: Core, lease: Lease) -> bool:
    """The fencing check just before a send: a worker that stalled past its lease (a pause,
    a frozen container, a long event-loop block) must not send over the one that took over."""
    async with core.storage.read() as uow:
        held = await uow.posts.holds(lease, core.clock.now())
    if not held:
        log.warning(
            "post=%s: lost the %s lease before sending; another worker took it over",
            lease.post.id,
            lease.duty,
        )
    return held


@asynccontextmanager
async def _fenced(core: Core, lease: Lease) -> AsyncIterator[None]:
    """Let the front end's own retries re-check the lease before each retry (see SEND_FENCE)."""
    token = SEND_FENCE.set(lambda: _still_held(core, lease))
    try:
        yield
    finally:
        SEND_FENCE.reset(token)


async def _already_sent(
    core: Core, chat: Chat, lease: Lease, subscription: Subscription, outgoing: OutgoingPost
) -> SentPost | Literal[False] | None:
    """On a retry, the platform's copy of this post if it has one; False if looking failed."""
    if not lease.look_first or not isinstance(chat, FindsSent):
        return None
    try:
        return await chat.find_question(outgoing)
    except ChatError as error:
        await _fail(core, lease, subscription, error.reason, error.permanent)
        return False


async def _record_posted(
    core: Core,
    lease: Lease,
    subscription: Subscription,
    sent: SentPost,
    day_number: int,
    reveal_at: datetime,
) -> bool:
    now = core.clock.now()
    async with core.storage.write() as uow:
        recorded = await uow.posts.mark_posted(
            lease, sent.message_ref, sent.thread_ref, day_number, reveal_at, now
        )
        if recorded:
            await uow.subscriptions.record_error(subscription.id, None, now)
    if not recorded:
        _lost(lease)
    return recorded


async def _give_up(core: Core, lease: Lease, status: PostStatus, reason: str) -> None:
    async with core.storage.write() as uow:
        if not await uow.posts.abandon(lease, status, reason):
            _lost(lease)
            return
    log.warning(
        "gave up post=%s subscription=%s (%s): %s",
        lease.post.id,
        lease.post.subscription_id,
        status,
        reason,
    )


def _lost(lease: Lease) -> None:
    log.warning(
        "post=%s: the %s lease was lost before its result was recorded; the new holder "
        "looks on the platform before it sends",
        lease.post.id,
        lease.duty,
    )


async def _fail(
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
    now = core.clock.now()
    async with core.storage.write() as uow:
        if not await uow.posts.release(lease, reason, parts_sent):
            _lost(lease)
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


async def _record_subscription_error(core: Core, subscription_id: int, error: str) -> None:
    async with core.storage.write() as uow:
        await uow.subscriptions.record_error(subscription_id, error, core.clock.now())
    log.warning("subscription=%s: %s", subscription_id, error)


async def reveal_due_posts(core: Core, chats: Mapping[str, Chat]) -> int:
    """Reveal every post whose reveal time has passed, including ones missed while down."""
    async with core.storage.read() as uow:
        due = await uow.posts.due_reveals(chats.keys(), core.clock.now())
    revealed = 0
    for post in due:
        revealed += await reveal_post(core, chats, post)
    return revealed


async def reveal_post(core: Core, chats: Mapping[str, Chat], post: Post) -> bool:
    now = core.clock.now()
    async with core.storage.write() as uow:
        subscription = await uow.subscriptions.get(post.subscription_id)
        if subscription is None or subscription.paused:
            return False
        lease = await uow.posts.take_lease(post.id, Duty.REVEAL, now + core.lease, now)
        if lease is None:
            return False
        answered, picked, correct = await uow.answers.results(post.id)
        answers = await uow.answers.for_post(post.id)
    post = lease.post
    question = core.library.pack(subscription.pack).by_id.get(post.question_id)
    if question is None:
        await _give_up(
            core,
            lease,
            PostStatus.FAILED,
            f"question {post.question_id!r} is no longer in the pack",
        )
        return False
    fastest = next((answer.name for answer in answers if answer.correct), None)
    written = tuple(
        WrittenAnswer(answer.name, answer.written) for answer in answers if answer.written
    )
    reveal = OutgoingReveal(
        post_id=post.id,
        channel=subscription.channel,
        question=question,
        day_number=post.day_number or 0,
        message_ref=post.message_ref,
        thread_ref=post.thread_ref,
        results=Results(answered, picked, correct, fastest, written),
    )
    chat = chats[subscription.channel.platform]
    try:
        # Earlier attempts may have put some or all of the reveal's messages on the platform:
        # start after the last one found there (or recorded as sent), never send one twice.
        first_part = post.reveal_parts_sent
        if lease.look_first and isinstance(chat, FindsSent):
            first_part = max(first_part, await chat.find_reveal(reveal))
        if not await _still_held(core, lease):
            return False
        async with _fenced(core, lease):
            await chat.send_reveal(replace(reveal, first_part=first_part))
    except ChatError as error:
        await _fail(core, lease, subscription, error.reason, error.permanent, error.parts_sent)
        return False
    except Exception as error:
        log.exception("revealing post=%s failed", post.id)
        await _fail(core, lease, subscription, f"unexpected error: {type(error).__name__}", False)
        return False
    async with core.storage.write() as uow:
        recorded = await uow.posts.mark_revealed(lease, core.clock.now())
    if not recorded:
        _lost(lease)
        return False
    log.info(
        "revealed post=%s group=%s channel=%s subscription=%s",
        post.id,
        subscription.channel.group_id,
        subscription.channel.channel_id,
        subscription.id,
    )
    return True


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
        post_id = await uow.posts.claim(subscription.id, today, question.id, now, now + window, now)
        if post_id is None:
            raise QotdError("Today's question is already out (one per day): see it with `today`.")
        post = await uow.posts.get(post_id)
    assert post is not None
    sent = await send_post(core, chats, post)
    async with core.storage.read() as uow:
        after = await uow.posts.get(post_id)
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


async def next_wakeup(core: Core, platforms: Iterable[str], after: datetime) -> datetime | None:
    """The next instant strictly after `after` when something is due: a post, a reveal or a
    member's reminder."""
    platforms = list(platforms)
    async with core.storage.read() as uow:
        subscriptions = await uow.subscriptions.active(platforms)
        next_reveal = await uow.posts.next_reveal_after(platforms, after)
        reminders = await uow.cards.nudges(platforms)
    candidates = [subscription.schedule.next_post_at(after) for subscription in subscriptions]
    candidates += [next_reminder_at(row, after) for row in reminders]
    if next_reveal is not None:
        candidates.append(next_reveal)
    return min(candidates, default=None)
