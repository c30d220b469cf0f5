"""Posting due questions and revealing answers: exactly once per subscription and local day.

Every step is driven by database state, so a restart, a crash mid-send or a second worker
picks up where things stand: a post row is claimed under its unique (subscription, local
date) key before anything is sent, and sending takes a short lease on the row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError

from bot.domain.identity import ChannelRef
from bot.domain.post import Post, PostStatus
from bot.domain.subscription import Subscription
from bot.errors import NoOpenPost, QotdError
from bot.ports import (
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
    """One scheduler beat: claim due posts, send claimed ones, make due reveals."""
    _, missed = await claim_due_posts(core, chats.keys())
    posted = failed = 0
    for post in await _claimed_posts(core, chats.keys()):
        outcome = await send_post(core, chats, post)
        posted += outcome is True
        failed += outcome is False
    revealed = await reveal_due_posts(core, chats)
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
        if not await uow.posts.take_lease(post.id, PostStatus.CLAIMED, now + core.lease, now):
            return None
        day_number = await uow.posts.visible_count(subscription.id) + 1
    chat = chats[subscription.channel.platform]
    question = core.library.pack(subscription.pack).by_id.get(post.question_id)
    if question is None:
        await _fail(
            core,
            post,
            subscription,
            f"question {post.question_id!r} is no longer in the pack",
            True,
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
    found = await _already_sent(core, chat, post, subscription, outgoing)
    if found is False:
        return False
    if found is not None:
        await _record_posted(core, post, subscription, found, day_number, reveal_at)
        log.info("post=%s was already on the platform; recorded it without sending again", post.id)
        return True
    if now - post.scheduled_at > core.grace:
        async with core.storage.write() as uow:
            await uow.posts.abandon(post.id, "not sent within the grace window")
        log.warning(
            "gave up post=%s subscription=%s: past the grace window", post.id, subscription.id
        )
        return False
    try:
        sent = await chat.send_question(outgoing)
    except ChatError as error:
        await _fail(core, post, subscription, error.reason, error.permanent)
        return False
    except Exception as error:  # a front-end bug must not stop the other channels' posts
        log.exception("sending post=%s failed", post.id)
        await _fail(core, post, subscription, f"unexpected error: {type(error).__name__}", False)
        return False
    await _record_posted(core, post, subscription, sent, day_number, reveal_at)
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
    core: Core, chat: Chat, post: Post, subscription: Subscription, outgoing: OutgoingPost
) -> SentPost | Literal[False] | None:
    """On a retry, the platform's copy of this post if it has one; False if looking failed."""
    if post.attempts == 0 or not isinstance(chat, FindsSent):
        return None
    try:
        return await chat.find_question(outgoing)
    except ChatError as error:
        await _fail(core, post, subscription, error.reason, error.permanent)
        return False


async def _record_posted(
    core: Core,
    post: Post,
    subscription: Subscription,
    sent: SentPost,
    day_number: int,
    reveal_at: datetime,
) -> None:
    async with core.storage.write() as uow:
        await uow.posts.mark_posted(
            post.id, sent.message_ref, sent.thread_ref, day_number, reveal_at, core.clock.now()
        )
        await uow.subscriptions.record_error(subscription.id, None, core.clock.now())


async def _fail(
    core: Core, post: Post, subscription: Subscription, reason: str, permanent: bool
) -> None:
    now = core.clock.now()
    async with core.storage.write() as uow:
        await uow.posts.release(post.id, reason)
        await uow.subscriptions.record_error(subscription.id, reason, now)
        if permanent:
            await uow.subscriptions.set_paused(subscription.id, True, reason, now)
    log.warning(
        "post=%s group=%s subscription=%s channel=%s failed%s: %s",
        post.id,
        subscription.channel.group_id,
        subscription.id,
        subscription.channel.channel_id,
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
        if subscription is None or not await uow.posts.take_lease(
            post.id, PostStatus.REVEALING, now + core.lease, now
        ):
            return False
        answered, picked, correct = await uow.answers.results(post.id)
        answers = await uow.answers.for_post(post.id)
    question = core.library.pack(subscription.pack).by_id.get(post.question_id)
    if question is None:
        async with core.storage.write() as uow:
            await uow.posts.mark_revealed(post.id, now)
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
        # A reveal already in progress was interrupted: do not post it twice.
        already = (
            post.status is PostStatus.REVEALING
            and isinstance(chat, FindsSent)
            and await chat.find_reveal(reveal)
        )
        if not already:
            await chat.send_reveal(reveal)
    except ChatError as error:
        await _fail(core, post, subscription, error.reason, error.permanent)
        return False
    except Exception as error:
        log.exception("revealing post=%s failed", post.id)
        await _fail(core, post, subscription, f"unexpected error: {type(error).__name__}", False)
        return False
    async with core.storage.write() as uow:
        await uow.posts.mark_revealed(post.id, core.clock.now())
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
        today = subscription.schedule.local_date(now)
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
    """An admin closes the open question early and reveals it."""
    now = core.clock.now()
    async with core.storage.write() as uow:
        subscription = await admin_subscription(uow, channel, actor, "reveal the answer early")
        post = await uow.posts.latest_visible(subscription.id)
        if post is None or post.status is not PostStatus.POSTED:
            raise NoOpenPost()
        await uow.posts.close_now(post.id, now)
    async with core.storage.read() as uow:
        closed = await uow.posts.get(post.id)
    assert closed is not None
    await reveal_post(core, chats, closed)
    return closed


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
