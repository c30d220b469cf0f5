"""Revealing posts whose reveal time has come: take the lease, resume after any messages of
the reveal already on the platform, re-check the lease, send, record."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from bot.domain.post import Duty, Post
from bot.ports import (
    Chat,
    ChatError,
    FindsSent,
    OutgoingReveal,
    Results,
    WrittenAnswer,
)
from bot.services.context import Core
from bot.services.posting import leases
from bot.services.posting.fanout import FanOut
from bot.shards import served_shards

log = logging.getLogger(__name__)


async def reveal_due_posts(core: Core, chats: Mapping[str, Chat]) -> int:
    """Reveal every post whose reveal time has passed, including ones missed while down (of
    a platform this process runs some shards of, only posts of groups on them)."""
    async with core.storage.read() as uow:
        due = await uow.posts.due_reveals(chats.keys(), core.clock.now(), served_shards(chats))
    async with FanOut(core.send_concurrency) as reveals:
        for post in due:
            await reveals.add(reveal_post(core, chats, post))
    return reveals.done


async def reveal_post(core: Core, chats: Mapping[str, Chat], post: Post) -> bool:
    if core.pulse.stopping:
        return False
    now = core.clock.now()
    async with core.storage.write() as uow:
        subscription = await uow.subscriptions.get(post.subscription_id)
        if subscription is None or subscription.paused:
            return False
        lease = await uow.posts.take_lease(post.id, Duty.REVEAL, now + core.lease, now)
        if lease is None:
            return False
        leases.taken(core, lease)
        answered, picked, correct = await uow.answers.results(post.id)
        answers = await uow.answers.for_post(post.id)
    post = lease.post
    question = await leases.question_or_give_up(core, lease, subscription)
    if question is None:
        return False
    fastest = next((answer.name for answer in answers if answer.correct), None)
    written = tuple(
        WrittenAnswer(answer.name, answer.written, answer.id)
        for answer in answers
        if answer.written
    )
    reveal = OutgoingReveal(
        post_id=post.id,
        channel=subscription.channel,
        question=question,
        day_number=post.day_number or 0,
        message_ref=post.message_ref,
        thread_ref=post.thread_ref,
        results=Results(answered, picked, correct, fastest, written),
        credit=core.group_packs.credit(question.id),
        votes_open=_votes_open(core, written),
    )
    chat = chats[subscription.channel.platform]
    try:
        # Earlier attempts may have put some or all of the reveal's messages on the platform:
        # start after the last one found there (or recorded as sent), never send one twice.
        first_part = post.reveal_parts_sent
        if lease.look_first and isinstance(chat, FindsSent):
            first_part = max(first_part, await chat.find_reveal(reveal))
        if not await leases.still_held(core, lease):
            return False
        async with leases.fenced(core, lease):
            with core.metrics.timing_send(chat.platform, "reveal"):
                await chat.send_reveal(replace(reveal, first_part=first_part))
    except ChatError as error:
        await leases.fail(
            core, lease, subscription, error.reason, error.permanent, error.parts_sent
        )
        return False
    except Exception as error:
        log.exception("revealing post=%s failed", post.id)
        await leases.fail(
            core, lease, subscription, f"unexpected error: {type(error).__name__}", False
        )
        return False
    async with core.storage.write() as uow:
        now = core.clock.now()
        recorded = await uow.posts.mark_revealed(lease, now)
        if recorded and reveal.votes_open:
            await uow.votes.open(post.id, now + core.vote_window)
    if not recorded:
        leases.lost(core, lease)
        return False
    core.metrics.reveal_made(subscription.channel.platform, post.reveal_at, now)
    log.info(
        "revealed post=%s group=%s channel=%s subscription=%s",
        post.id,
        subscription.channel.group_id,
        subscription.channel.channel_id,
        subscription.id,
    )
    return True


def _votes_open(core: Core, written: tuple[WrittenAnswer, ...]) -> bool:
    """Votes need someone else's answer to pick (two at least) and a vote window."""
    return len(written) >= 2 and core.vote_window > timedelta(0)
