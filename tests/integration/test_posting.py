"""Invariants 1, 2 and 7: one post per subscription per scheduled local day, whatever happens."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.bootstrap import build_core
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.post import Duty, PostStatus
from bot.ports import ChatError, OutgoingPost, OutgoingReveal, Results
from bot.services import posting, subscriptions
from bot.storage.tables import posts
from tests.conftest import FIXTURES, member
from tests.fakes import RecordingChat, claimed_by_a_dying_worker
from tests.integration.helpers import ADMIN, run_until, subscribe


async def post_rows(core) -> list:
    async with core.storage.read() as uow:
        return list(await uow.connection.execute(select(posts).order_by(posts.c.local_date)))


async def test_a_week_of_ticks_posts_once_per_scheduled_day(core, clock, chat, channel):
    await subscribe(core, channel, days="mon-fri")
    await run_until(core, clock, chat, clock.now() + timedelta(days=7))
    days = [post.reveal_at.astimezone(UTC).date() for post in chat.posts]
    assert len(chat.posts) == 5
    assert len(set(days)) == 5
    assert all(date.weekday() < 5 for date in days)
    assert len(chat.reveals) == 5


async def test_the_post_goes_out_at_the_local_post_time(core, clock, chat, channel):
    await subscribe(core, channel, post_time="09:00", timezone="America/New_York")
    # 13:59 UTC is 08:59 in New York (EST): not yet.
    clock.set(datetime(2026, 3, 2, 13, 59, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    assert chat.posts == []
    clock.set(datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1


async def test_spring_forward_day_posts_once_at_the_shifted_time(core, clock, chat, channel):
    # Europe/Berlin skips 02:00-03:00 on 2026-03-29; a 02:30 post happens at 03:30 CEST.
    clock.set(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    await subscribe(core, channel, post_time="02:30", reveal="after 6h")
    await run_until(
        core, clock, chat, datetime(2026, 3, 30, 12, 0, tzinfo=UTC), step=timedelta(minutes=10)
    )
    rows = await post_rows(core)
    assert [row.local_date for row in rows] == [date(2026, 3, 29), date(2026, 3, 30)]
    assert rows[0].scheduled_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert len(chat.posts) == 2


async def test_fall_back_day_posts_once_despite_the_repeated_hour(core, clock, chat, channel):
    # 02:30 happens twice in Berlin on 2026-10-25; the first one counts, and only once.
    clock.set(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    await subscribe(core, channel, post_time="02:30", reveal="after 6h")
    await run_until(
        core, clock, chat, datetime(2026, 10, 26, 12, 0, tzinfo=UTC), step=timedelta(minutes=10)
    )
    rows = await post_rows(core)
    assert [row.local_date for row in rows] == [date(2026, 10, 25), date(2026, 10, 26)]
    assert rows[0].scheduled_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert len(chat.posts) == 2


async def test_a_clock_jumping_back_does_not_post_the_day_again(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    clock.set(datetime(2026, 3, 2, 8, 5, tzinfo=UTC))  # NTP correction backwards
    await posting.tick(core, chat.chats)
    clock.set(datetime(2026, 3, 2, 8, 40, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1


async def test_a_restart_within_the_grace_window_posts_late(core, clock, chat, channel):
    await subscribe(core, channel)  # 09:00 Berlin = 08:00 UTC
    clock.set(datetime(2026, 3, 2, 13, 0, tzinfo=UTC))  # the bot was down until 5 h later
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1
    # The answer window keeps its length: 8 h from the late post.
    assert chat.posts[0].reveal_at == datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


async def test_a_restart_after_the_grace_window_skips_and_logs(core, clock, chat, channel, caplog):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))  # 7 h late; grace is 6 h
    await posting.tick(core, chat.chats)
    assert chat.posts == []
    rows = await post_rows(core)
    assert [row.status for row in rows] == [PostStatus.MISSED.value]
    assert "skipped post" in caplog.text


async def test_a_reveal_missed_while_down_is_made_on_start(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    clock.set(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))  # down across the 16:00 reveal
    restarted = RecordingChat("test")
    await posting.tick(core, restarted.chats)
    assert len(restarted.reveals) == 1
    assert restarted.posts == []


async def test_a_claimed_but_unsent_post_is_retried_and_sent_once(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    chat.fail_with = ChatError("503 from the platform", permanent=False)
    await posting.tick(core, chat.chats)
    rows = await post_rows(core)
    # Still to be sent, lease given back: the next attempt looks on the platform first.
    assert rows[0].status == PostStatus.SENDING.value
    assert rows[0].lease_until is None
    assert rows[0].last_error == "503 from the platform"
    chat.fail_with = None
    clock.advance(timedelta(minutes=1))
    await posting.tick(core, chat.chats)
    clock.advance(timedelta(minutes=1))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1
    assert (await post_rows(core))[0].status == PostStatus.POSTED.value


async def test_a_crash_after_claiming_is_recovered_once_the_lease_expires(
    core, clock, chat, channel
):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    # A worker claimed the post with its lease and died before sending.
    assert len(await claimed_by_a_dying_worker(core, ["test"])) == 1
    await posting.tick(core, chat.chats)
    assert chat.posts == []  # the lease still holds
    clock.advance(core.lease + timedelta(seconds=1))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1


async def test_a_missing_permission_pauses_the_subscription_with_a_reason(
    core, clock, chat, channel
):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    chat.fail_with = ChatError("missing permission: Send Messages in #general", permanent=True)
    await posting.tick(core, chat.chats)
    status = await subscriptions.channel_status(core, channel)
    assert status.subscription.paused
    assert status.subscription.pause_reason == "missing permission: Send Messages in #general"
    assert status.subscription.last_error == "missing permission: Send Messages in #general"
    chat.fail_with = None
    await run_until(core, clock, chat, clock.now() + timedelta(days=2))
    assert chat.posts == []  # paused: nothing more until an admin resumes


async def test_a_front_end_bug_is_recorded_and_does_not_stop_other_channels(
    core, clock, chat, channel
):
    other = channel.__class__("test", "group-2", "channel-9")
    await subscribe(core, channel)
    await subscribe(core, other)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    calls = {"n": 0}
    original = chat.send_question

    async def flaky(post):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("renderer bug")
        return await original(post)

    chat.send_question = flaky  # type: ignore[method-assign]
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1
    await posting.tick(core, chat.chats)
    clock.advance(core.lease + timedelta(seconds=1))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 2


async def test_paused_days_are_not_made_up_after_resume(core, clock, chat, channel):
    await subscribe(core, channel)
    await subscriptions.pause(core, channel, ADMIN)
    await run_until(core, clock, chat, datetime(2026, 3, 4, 8, 30, tzinfo=UTC))
    await subscriptions.resume(core, channel, ADMIN)
    await posting.tick(core, chat.chats)
    assert chat.posts == []
    await run_until(core, clock, chat, datetime(2026, 3, 5, 8, 30, tzinfo=UTC))
    assert len(chat.posts) == 1


async def test_two_workers_sharing_the_database_post_each_day_once(database, library, channel):
    clock = ManualClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    settings = Settings(content_dir=FIXTURES / "packs", default_pack="sample")
    first = build_core(settings, database, clock=clock, library=library)
    second = build_core(settings, database, clock=clock, library=library)
    await subscribe(first, channel)
    chat_one, chat_two = RecordingChat("test"), RecordingChat("test")
    for _ in range(4 * 24 * 2):  # four days of ticks every 30 minutes
        clock.advance(timedelta(minutes=30))
        await asyncio.gather(
            posting.tick(first, chat_one.chats), posting.tick(second, chat_two.chats)
        )
    assert len(chat_one.posts) + len(chat_two.posts) == 4
    assert len(chat_one.reveals) + len(chat_two.reveals) == 4
    async with first.storage.read() as uow:
        count = await uow.connection.scalar(select(func.count()).select_from(posts))
    assert count == 4


async def test_post_now_posts_today_once(core, clock, chat, channel):
    await subscribe(core, channel)
    post = await posting.post_now(core, chat.chats, channel, ADMIN)
    assert post.status is PostStatus.POSTED
    clock.set(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1


async def test_post_now_needs_an_admin(core, chat, channel):
    import pytest

    from bot.errors import PermissionDenied
    from bot.services.access import Actor

    await subscribe(core, channel)
    with pytest.raises(PermissionDenied):
        await posting.post_now(core, chat.chats, channel, Actor(member("mallory")))
    assert chat.posts == []


async def test_a_worker_killed_after_sending_does_not_cause_a_duplicate(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    # The doomed worker claims the post with its lease and reaches the platform, then dies
    # before recording.
    [dying] = await claimed_by_a_dying_worker(core, ["test"])
    row = dying.lease.post
    outgoing = OutgoingPost(
        row.id, channel, chat.posts_question(row.question_id, core), 1, row.reveal_at, "UTC"
    )
    await chat.send_question(outgoing)
    clock.advance(core.lease + timedelta(seconds=1))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1
    assert (await post_rows(core))[0].status == PostStatus.POSTED.value


async def test_a_worker_killed_mid_reveal_does_not_reveal_twice(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    clock.set(chat.posts[-1].reveal_at)
    async with core.storage.read() as uow:
        due = await uow.posts.due_reveals(["test"], clock.now())
    # This worker sends the reveal and dies before recording it.
    async with core.storage.write() as uow:
        assert await uow.posts.take_lease(
            due[0].id, Duty.REVEAL, clock.now() + core.lease, clock.now()
        )
    crashed = RecordingChat("test")
    await posting.reveal_post(core, crashed.chats, due[0])  # lease is held: nothing happens
    assert crashed.reveals == []
    reveal = OutgoingReveal(
        due[0].id, channel, chat.posts[-1].question, 1, None, None, Results(0, 0, 0, None)
    )
    chat.send_reveal_part(reveal, 0)  # the dead worker's reveal reached the platform
    clock.advance(core.lease + timedelta(seconds=1))
    await posting.tick(core, chat.chats)
    assert len(chat.reveals) == 1
    assert (await post_rows(core))[0].status == PostStatus.REVEALED.value


async def test_a_post_found_on_the_platform_after_the_grace_window_is_recorded_not_missed(
    core, clock, chat, channel
):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    [dying] = await claimed_by_a_dying_worker(core, ["test"])
    row = dying.lease.post
    outgoing = OutgoingPost(
        row.id, channel, chat.posts_question(row.question_id, core), 1, row.reveal_at, "UTC"
    )
    await chat.send_question(outgoing)
    clock.advance(core.grace + timedelta(hours=1))  # down for hours: 15:01 UTC
    assert clock.now() < row.reveal_at  # 16:00 UTC (17:00 in Berlin): not revealed yet
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1
    assert chat.reveals == []
    assert (await post_rows(core))[0].status == PostStatus.POSTED.value
