"""The posting rules on an in-memory unit of work (no database): one post and one complete
reveal per scheduled day, in order, through failures, lost leases and downtime. The same
rules run against SQLite and PostgreSQL in tests/integration/test_post_life.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.identity import ChannelRef
from bot.domain.post import PostStatus
from bot.domain.schedule import Schedule
from bot.domain.subscription import Subscription
from bot.errors import StorageUnavailable
from bot.ports import ChatError
from bot.services import posting
from bot.services.posting import claim
from tests.fakes import PartWay, claimed_by_a_dying_worker
from tests.memory import MemoryPosts, memory_core

MONDAY_6 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
MONDAY_9 = datetime(2026, 3, 2, 8, 1, tzinfo=UTC)  # 09:01 in Berlin
CHANNEL = ChannelRef("test", "group-1", "channel-1")


@pytest.fixture
def core(clock, library):
    core = memory_core(clock, library)
    core.storage.state.subscriptions[1] = Subscription(  # 09:00 Berlin daily, reveal 8 h later
        1,
        CHANNEL,
        Schedule.parse("09:00", "Europe/Berlin", "daily", "after 8h"),
        "sample",
        active_since=MONDAY_6,
    )
    return core


async def status(core) -> PostStatus:
    async with core.storage.read() as uow:
        post = await uow.posts.latest(1)
    assert post is not None
    return post.status


async def posted(core, clock, chat) -> None:
    clock.set(MONDAY_9)
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1


async def test_a_due_post_is_sent_once_however_many_ticks_see_it(core, clock, chat):
    await posted(core, clock, chat)
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1
    assert await status(core) is PostStatus.POSTED


async def test_the_reveal_comes_at_its_time_and_only_once(core, clock, chat):
    await posted(core, clock, chat)
    clock.set(chat.posts[0].reveal_at - timedelta(minutes=1))
    await posting.tick(core, chat.chats)
    assert chat.reveals == []
    clock.set(chat.posts[0].reveal_at)
    await posting.tick(core, chat.chats)
    await posting.tick(core, chat.chats)
    assert [reveal.post_id for reveal in chat.reveals] == [chat.posts[0].post_id]
    assert await status(core) is PostStatus.REVEALED


async def test_a_reveal_that_fails_once_is_made_on_the_next_tick(core, clock, chat):
    await posted(core, clock, chat)
    chat.reveal_failures.append(ChatError("503 from the platform", permanent=False))
    clock.set(chat.posts[0].reveal_at)
    await posting.tick(core, chat.chats)
    assert chat.reveals == [] and await status(core) is PostStatus.REVEALING
    clock.advance(timedelta(seconds=30))
    await posting.tick(core, chat.chats)
    assert len(chat.reveals) == 1 and await status(core) is PostStatus.REVEALED


async def test_a_permanent_failure_pauses_and_waits_for_resume(core, clock, chat):
    chat.post_failures.append(ChatError("missing permission", permanent=True))
    clock.set(MONDAY_9)
    await posting.tick(core, chat.chats)
    assert core.storage.state.subscriptions[1].paused
    clock.advance(timedelta(minutes=5))
    await posting.tick(core, chat.chats)
    assert chat.posts == []
    async with core.storage.write() as uow:
        await uow.subscriptions.set_paused(1, False, None, clock.now())
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1 and await status(core) is PostStatus.POSTED


async def test_after_downtime_the_old_reveal_goes_out_before_the_new_post(core, clock, chat):
    await posted(core, clock, chat)
    clock.set(MONDAY_9 + timedelta(days=1))  # down until 09:01 the next morning
    await posting.tick(core, chat.chats)
    assert [kind for kind, _ in chat.events] == ["post", "reveal", "post"]


async def test_a_day_missed_past_the_grace_window_is_recorded_not_sent(core, clock, chat):
    clock.set(MONDAY_9 + core.grace + timedelta(minutes=1))
    await posting.tick(core, chat.chats)
    assert chat.posts == []
    assert await status(core) is PostStatus.MISSED


async def test_a_lost_lease_can_neither_send_nor_record(core, clock, chat):
    clock.set(MONDAY_9)
    [claimed] = await claimed_by_a_dying_worker(core, ["test"])
    first, post = claimed.lease, claimed.lease.post
    clock.advance(core.lease + timedelta(seconds=1))
    assert await posting.send_post(core, chat.chats, post) is True  # the new holder sends
    async with core.storage.write() as uow:
        assert first is not None
        assert not await uow.posts.holds(first, clock.now())
        assert not await uow.posts.mark_posted(first, "old", None, 1, post.reveal_at, clock.now())
    assert len(chat.posts) == 1


async def test_a_reveal_that_fails_part_way_resumes_at_the_first_part_not_sent(core, clock, chat):
    chat.reveal_parts = 3
    await posted(core, clock, chat)
    post_id = chat.posts[0].post_id
    chat.reveal_failures.append(PartWay(2, ChatError("503", permanent=False)))
    clock.set(chat.posts[0].reveal_at)
    await posting.tick(core, chat.chats)
    clock.advance(timedelta(seconds=30))
    await posting.tick(core, chat.chats)
    assert chat.reveal_messages == [(post_id, 0), (post_id, 1), (post_id, 2)]
    assert await status(core) is PostStatus.REVEALED


async def test_a_day_another_worker_claimed_first_leaves_the_rotation_as_it_was(core, clock):
    clock.set(MONDAY_9)
    async with core.storage.write() as uow:  # the other worker won the race for today
        await uow.posts.claim(1, MONDAY_9.date(), "sample-1", MONDAY_9, MONDAY_9, MONDAY_9)
    subscription = core.storage.state.subscriptions[1]
    # This worker listed the day before that claim landed, and tries to claim it too.
    assert await claim._claim(core, subscription, MONDAY_9.date(), clock.now()) is None
    assert core.storage.state.used == {}  # the question it drew went back with the rollback


async def test_a_post_whose_question_left_the_pack_fails_for_good_and_is_not_sent(
    core, clock, chat
):
    clock.set(MONDAY_9)
    async with core.storage.write() as uow:  # claimed with a question since removed
        await uow.posts.claim(
            1,
            MONDAY_9.date(),
            "removed-question",
            MONDAY_9,
            MONDAY_9 + timedelta(hours=8),
            clock.now(),
        )
    await posting.tick(core, chat.chats)
    clock.advance(timedelta(minutes=5))
    await posting.tick(core, chat.chats)
    assert chat.posts == []
    async with core.storage.read() as uow:
        post = await uow.posts.latest(1)
    assert post is not None and post.status is PostStatus.FAILED
    assert "no longer in the pack" in (post.last_error or "")


async def test_a_claimed_post_is_leased_in_the_same_step_and_nobody_else_may_send_it(
    core, clock, chat
):
    clock.set(MONDAY_9)
    [claimed] = await claimed_by_a_dying_worker(core, ["test"])
    assert claimed.lease.post.status is PostStatus.SENDING
    assert claimed.lease.attempt == 1 and not claimed.lease.look_first
    assert claimed.day_number == 1
    async with core.storage.read() as uow:
        assert await uow.posts.claimed(["test"], clock.now()) == []  # not listed while held
    assert await posting.send_post(core, chat.chats, claimed.lease.post) is None
    await posting.tick(core, chat.chats)
    assert chat.posts == []  # the claimer's lease still holds


async def test_the_first_post_of_a_wave_goes_out_before_the_rest_are_claimed(core, clock, chat):
    first = core.storage.state.subscriptions[1]
    for number in range(2, 6):
        channel = ChannelRef("test", f"group-{number}", f"channel-{number}")
        core.storage.state.subscriptions[number] = Subscription(
            number, channel, first.schedule, "sample", active_since=MONDAY_6
        )
    rows_at_send: list[int] = []
    send = chat.send_question

    async def counting(post):
        rows_at_send.append(len(core.storage.state.posts))
        return await send(post)

    chat.send_question = counting  # type: ignore[method-assign]
    clock.set(MONDAY_9)
    report = await posting.tick(core, chat.chats)
    assert report.posted == 5
    assert rows_at_send == [1, 2, 3, 4, 5]  # each post is sent as soon as it is claimed


async def test_an_error_inside_a_concurrent_send_reaches_the_caller_as_raised(
    core, clock, chat, monkeypatch
):
    async def unreachable(*args, **kwargs):
        raise StorageUnavailable(timed_out=True)

    monkeypatch.setattr(MemoryPosts, "mark_posted", unreachable)
    clock.set(MONDAY_9)
    with pytest.raises(StorageUnavailable):  # as raised, not inside an exception group
        await posting.tick(core, chat.chats)
