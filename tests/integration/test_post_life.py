"""Invariant 9: every scheduled day ends with one post and one complete reveal, in order,
through failed sends, lost leases and stale copies of a post (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.domain.post import Duty, PostStatus
from bot.ports import ChatError, OutgoingPost, OutgoingReveal, Results
from bot.services import posting, subscriptions
from bot.services.posting import leases
from tests.fakes import PartWay, RecordingChat, claimed_by_a_dying_worker
from tests.integration.helpers import ADMIN, pass_time, subscribe
from tests.processes import deadline

MONDAY_9 = datetime(2026, 3, 2, 8, 1, tzinfo=UTC)  # 09:01 in Berlin


async def statuses(core) -> list[PostStatus]:
    async with core.storage.read() as uow:
        post = await uow.posts.latest(1)
    assert post is not None
    return [post.status]


async def posted(core, clock, chat, channel) -> None:
    await subscribe(core, channel)
    clock.set(MONDAY_9)
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1


async def test_a_reveal_that_fails_once_is_made_on_the_next_tick(core, clock, chat, channel):
    await posted(core, clock, chat, channel)
    chat.reveal_failures.append(ChatError("503 from the platform", permanent=False))
    clock.set(chat.posts[0].reveal_at)
    await posting.tick(core, chat.chats)
    assert chat.reveals == []
    assert await statuses(core) == [PostStatus.REVEALING]
    clock.advance(timedelta(seconds=30))
    await posting.tick(core, chat.chats)
    assert [reveal.post_id for reveal in chat.reveals] == [chat.posts[0].post_id]
    assert await statuses(core) == [PostStatus.REVEALED]


async def test_a_reveal_refused_for_a_missing_permission_is_made_after_resume(
    core, clock, chat, channel
):
    await posted(core, clock, chat, channel)
    chat.reveal_failures.append(ChatError("missing permission", permanent=True))
    clock.set(chat.posts[0].reveal_at)
    await posting.tick(core, chat.chats)
    status = await subscriptions.channel_status(core, channel)
    assert status.subscription.paused
    clock.advance(timedelta(minutes=5))
    await posting.tick(core, chat.chats)
    assert chat.reveals == []  # paused: nothing is retried
    await subscriptions.resume(core, channel, ADMIN)
    await posting.tick(core, chat.chats)
    assert len(chat.reveals) == 1
    assert await statuses(core) == [PostStatus.REVEALED]


async def test_reveal_now_retries_a_reveal_that_failed(core, clock, chat, channel):
    await posted(core, clock, chat, channel)
    chat.reveal_failures.append(ChatError("503 from the platform", permanent=False))
    clock.set(chat.posts[0].reveal_at)
    await posting.tick(core, chat.chats)
    revealed = await posting.reveal_now(core, chat.chats, channel, ADMIN)
    assert revealed.status is PostStatus.REVEALED
    assert len(chat.reveals) == 1


async def test_a_worker_holding_a_stale_copy_looks_before_it_sends(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(MONDAY_9)
    # The claiming worker dies before sending; worker A lists the post once its lease ran out.
    [claimed] = await claimed_by_a_dying_worker(core, ["test"])
    assert not claimed.lease.look_first  # a fresh claim was never sent
    clock.advance(core.lease + timedelta(seconds=1))
    async with core.storage.read() as uow:
        [stale] = await uow.posts.claimed(["test"], clock.now())
    # Worker B takes it, reaches the platform, and dies before recording anything.
    async with core.storage.write() as uow:
        lease = await uow.posts.take_lease(
            stale.id, Duty.SEND, clock.now() + core.lease, clock.now()
        )
    assert lease is not None
    question = chat.posts_question(stale.question_id, core)
    await chat.send_question(OutgoingPost(stale.id, channel, question, 1, stale.reveal_at, "UTC"))
    clock.advance(core.lease + timedelta(seconds=1))
    # Worker A resumes with its copy from before B's attempt: the lease it takes counts B's
    # attempt, so it finds B's message instead of sending again.
    assert await posting.send_post(core, chat.chats, stale) is True
    assert len(chat.posts) == 1
    assert await statuses(core) == [PostStatus.POSTED]


async def test_a_worker_that_stalls_past_its_lease_does_not_send(core, clock, channel):
    await subscribe(core, channel)
    clock.set(MONDAY_9)
    await claimed_by_a_dying_worker(core, ["test"])
    clock.advance(core.lease + timedelta(seconds=1))  # the claimer's lease runs out
    chat = RecordingChat("test")
    stalled = asyncio.Event()
    resume = asyncio.Event()
    real_holds = leases.still_held

    async def stall_once(core_, lease):  # worker A freezes right after taking its lease
        if not stalled.is_set():
            stalled.set()
            await resume.wait()
        return await real_holds(core_, lease)

    leases.still_held = stall_once  # type: ignore[assignment]
    try:
        async with core.storage.read() as uow:
            [post] = await uow.posts.claimed(["test"], clock.now())
        worker_a = asyncio.create_task(posting.send_post(core, chat.chats, post))
        async with deadline(10, "worker A to reach its fencing check"):
            await stalled.wait()
        clock.advance(core.lease + timedelta(seconds=1))
        # Worker B takes the expired lease, looks (nothing there), sends and records.
        assert await posting.send_post(core, chat.chats, post) is True
        resume.set()
        assert await worker_a is None  # fenced off: it neither sends nor records
    finally:
        leases.still_held = real_holds  # type: ignore[assignment]
    assert len(chat.posts) == 1
    assert await statuses(core) == [PostStatus.POSTED]


async def test_a_lost_lease_cannot_record_over_the_new_holder(core, clock, channel):
    await subscribe(core, channel)
    clock.set(MONDAY_9)
    [claimed] = await claimed_by_a_dying_worker(core, ["test"])
    first, post = claimed.lease, claimed.lease.post
    clock.advance(core.lease + timedelta(seconds=1))
    async with core.storage.write() as uow:
        second = await uow.posts.take_lease(
            post.id, Duty.SEND, clock.now() + core.lease, clock.now()
        )
    assert first is not None and second is not None and second.token > first.token
    async with core.storage.write() as uow:
        assert not await uow.posts.mark_posted(
            first, "msg-old", None, 1, post.reveal_at, clock.now()
        )
        assert not await uow.posts.release(first, "late failure")
        assert await uow.posts.mark_posted(second, "msg-new", None, 1, post.reveal_at, clock.now())
        fresh = await uow.posts.get(post.id)
    assert fresh is not None and fresh.message_ref == "msg-new"


async def test_a_reveal_at_the_post_time_goes_out_before_the_next_post(core, clock, chat, channel):
    await subscribe(core, channel, post_time="09:00", reveal="at 09:00")
    clock.set(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    await pass_time(core, clock, chat, clock.now() + timedelta(days=3))
    kinds = [kind for kind, _ in chat.events]
    assert kinds[:5] == ["post", "reveal", "post", "reveal", "post"]


async def test_after_downtime_the_old_reveal_goes_out_before_the_new_post(
    core, clock, chat, channel
):
    await posted(core, clock, chat, channel)
    clock.set(MONDAY_9 + timedelta(days=1))  # down until 09:01 the next morning
    await posting.tick(core, chat.chats)
    assert chat.events == [
        ("post", chat.posts[0].post_id),
        ("reveal", chat.posts[0].post_id),
        ("post", chat.posts[1].post_id),
    ]


async def test_a_new_post_waits_while_the_previous_reveal_keeps_failing(core, clock, chat, channel):
    await posted(core, clock, chat, channel)
    chat.reveal_failures.extend(ChatError("503", permanent=False) for _ in range(3))
    clock.set(MONDAY_9 + timedelta(days=1))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1  # day 2 waits for day 1's answer
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        await posting.tick(core, chat.chats)
    assert [kind for kind, _ in chat.events] == ["post", "reveal", "post"]


async def revealing(core, clock, chat, channel, failure) -> int:
    """Day 1 posted, then its three-message reveal fails as `failure` says; the post id."""
    chat.reveal_parts = 3
    await posted(core, clock, chat, channel)
    chat.reveal_failures.append(failure)
    clock.set(chat.posts[0].reveal_at)
    await posting.tick(core, chat.chats)
    assert await statuses(core) == [PostStatus.REVEALING]
    return chat.posts[0].post_id


async def test_a_reveal_that_fails_part_way_resumes_at_the_first_part_not_sent(
    core, clock, chat, channel
):
    post_id = await revealing(
        core, clock, chat, channel, PartWay(1, ChatError("503", permanent=False))
    )
    async with core.storage.read() as uow:
        row = await uow.posts.get(post_id)
    assert row is not None and row.reveal_parts_sent == 1
    clock.advance(timedelta(seconds=30))
    await posting.tick(core, chat.chats)
    assert chat.reveal_messages == [(post_id, 0), (post_id, 1), (post_id, 2)]
    assert await statuses(core) == [PostStatus.REVEALED]


async def test_a_part_way_reveal_resumes_from_the_record_when_the_platform_cannot_be_searched(
    core, clock, channel
):
    class CannotLook(RecordingChat):
        async def find_reveal(self, reveal):  # no history scope: nothing can be found
            return 0

    chat = CannotLook("test")
    post_id = await revealing(
        core, clock, chat, channel, PartWay(2, ChatError("503", permanent=False))
    )
    clock.advance(timedelta(seconds=30))
    await posting.tick(core, chat.chats)
    assert chat.reveal_messages == [(post_id, 0), (post_id, 1), (post_id, 2)]


async def test_a_worker_killed_part_way_through_a_reveal_is_resumed_after_the_last_part_found(
    core, clock, chat, channel
):
    chat.reveal_parts = 3
    await posted(core, clock, chat, channel)
    [post] = chat.posts
    clock.set(post.reveal_at)
    async with core.storage.write() as uow:  # worker B takes the reveal ...
        row = await uow.posts.get(post.post_id)
        lease = await uow.posts.take_lease(
            post.post_id, Duty.REVEAL, clock.now() + core.lease, clock.now()
        )
    assert row is not None and lease is not None
    reveal = OutgoingReveal(
        post.post_id,
        channel,
        post.question,
        1,
        row.message_ref,
        None,
        Results(0, 0, 0, None),
    )
    chat.send_reveal_part(reveal, 0)  # ... gets two messages out, and dies unrecorded
    chat.send_reveal_part(reveal, 1)
    clock.advance(core.lease + timedelta(seconds=1))
    await posting.tick(core, chat.chats)
    assert chat.reveal_messages == [(post.post_id, 0), (post.post_id, 1), (post.post_id, 2)]
    assert await statuses(core) == [PostStatus.REVEALED]


async def test_a_worker_paused_inside_a_transaction_does_not_hold_up_the_others(
    core, clock, chat, channel, database
):
    if database.is_sqlite:
        pytest.skip("row locks and lock_timeout are PostgreSQL's (SQLite has one writer)")
    await subscribe(core, channel)
    clock.set(MONDAY_9)
    await claimed_by_a_dying_worker(core, ["test"])
    clock.advance(core.lease + timedelta(seconds=1))  # free to take again, but:
    async with database.engine.connect() as paused:
        # A worker froze inside a write transaction that locked the post's row.
        await paused.begin()
        await paused.execute(text("SELECT id FROM posts FOR UPDATE"))
        async with deadline(30, "the tick to give up on the locked post"):
            report = await posting.tick(core, chat.chats)
        assert report.posted == 0 and chat.posts == []  # left to its holder, not waited on
        await paused.rollback()
    await posting.tick(core, chat.chats)  # the paused worker's session ended: taken up again
    assert len(chat.posts) == 1
