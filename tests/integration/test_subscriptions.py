"""Invariants 3 and 6: a fair no-repeat rotation, and admin actions checked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.schedule import Schedule
from bot.errors import (
    BadSchedule,
    NoQuestions,
    NotSubscribed,
    PermissionDenied,
    QotdError,
    UnknownQuestion,
)
from bot.services import posting, subscriptions
from bot.services.access import Actor
from tests.conftest import member
from tests.integration.helpers import ADMIN, pass_time, subscribe

MEMBER = Actor(member("mallory"))


async def test_no_question_repeats_until_the_pack_is_exhausted(core, clock, chat, channel, library):
    await subscribe(core, channel)
    size = len(library.pack("sample"))
    await pass_time(core, clock, chat, clock.now() + timedelta(days=size * 2))
    ids = [post.question.id for post in chat.posts]
    assert len(ids) == size * 2
    assert sorted(ids[:size]) == sorted(
        question.id for question in library.pack("sample").questions
    )
    assert sorted(ids[size:]) == sorted(ids[:size])
    assert ids[:size] != ids[size:]  # each cycle has its own shuffle


async def test_filters_limit_the_rotation(core, clock, chat, channel):
    await subscribe(core, channel, difficulties=["beginner"], topics=["evaluation", "career"])
    await pass_time(core, clock, chat, clock.now() + timedelta(days=6))
    assert chat.posts
    for post in chat.posts:
        assert post.question.difficulty == "beginner"
        assert {"evaluation", "career"} & set(post.question.topics)


async def test_a_queued_question_comes_next_and_does_not_repeat_in_the_cycle(
    core, clock, chat, channel
):
    await subscribe(core, channel)
    await subscriptions.queue_question(core, channel, ADMIN, "sample-7")
    with pytest.raises(QotdError, match="already queued"):
        await subscriptions.queue_question(core, channel, ADMIN, "sample-7")
    await pass_time(core, clock, chat, clock.now() + timedelta(days=9))
    ids = [post.question.id for post in chat.posts]
    assert ids[0] == "sample-7"
    assert ids.count("sample-7") == 1


async def test_skipping_moves_the_rotation_on(core, clock, chat, channel):
    await subscribe(core, channel)
    skipped = await subscriptions.skip_next(core, channel, ADMIN)
    await pass_time(core, clock, chat, clock.now() + timedelta(days=8))
    ids = [post.question.id for post in chat.posts]
    assert skipped.id not in ids
    assert len(set(ids)) == len(ids) == 8


async def test_queueing_an_unknown_question_is_a_clear_error(core, channel):
    await subscribe(core, channel)
    with pytest.raises(UnknownQuestion, match="no-such-question"):
        await subscriptions.queue_question(core, channel, ADMIN, "no-such-question")


@pytest.mark.parametrize(
    "action",
    [
        lambda core, channel: subscriptions.pause(core, channel, MEMBER),
        lambda core, channel: subscriptions.resume(core, channel, MEMBER),
        lambda core, channel: subscriptions.skip_next(core, channel, MEMBER),
        lambda core, channel: subscriptions.queue_question(core, channel, MEMBER, "sample-1"),
        lambda core, channel: subscriptions.unsubscribe(core, channel, MEMBER),
        lambda core, channel: subscriptions.schedule_channel(
            core, channel, MEMBER, Schedule.parse("10:00", "UTC")
        ),
    ],
)
async def test_admin_actions_refuse_members_without_permission(core, channel, action):
    await subscribe(core, channel)
    with pytest.raises(PermissionDenied, match="Only admins"):
        await action(core, channel)
    status = await subscriptions.channel_status(core, channel)
    assert not status.subscription.paused
    assert status.queued == ()


async def test_a_member_listed_as_channel_admin_may_act(core, channel):
    await subscribe(core, channel)
    await subscriptions.set_admins(core, channel, ADMIN, ["mallory"])
    await subscriptions.pause(core, channel, MEMBER)
    assert (await subscriptions.channel_status(core, channel)).subscription.paused


async def test_an_unknown_topic_or_an_empty_filter_is_refused_and_nothing_changes(core, channel):
    await subscribe(core, channel)
    with pytest.raises(BadSchedule, match="Unknown topic"):
        await subscribe(core, channel, post_time="10:00", topics=["astrology"])
    with pytest.raises(NoQuestions):
        await subscribe(
            core, channel, post_time="10:00", difficulties=["advanced"], topics=["career"]
        )
    status = await subscriptions.channel_status(core, channel)
    assert status.subscription.schedule.post_time.hour == 9


async def test_rescheduling_replaces_the_schedule(core, clock, chat, channel):
    await subscribe(core, channel)
    await subscribe(core, channel, post_time="18:30", timezone="Asia/Tokyo", days="sat,sun")
    status = await subscriptions.channel_status(core, channel)
    assert status.subscription.schedule.describe() == "18:30 Asia/Tokyo weekends, reveal after 8h"
    assert status.next_post_at is not None
    assert status.next_post_at.astimezone(status.subscription.schedule.tz).weekday() == 5


async def test_unsubscribing_stops_posts(core, clock, chat, channel):
    await subscribe(core, channel)
    await subscriptions.unsubscribe(core, channel, ADMIN)
    await pass_time(core, clock, chat, clock.now() + timedelta(days=2))
    assert chat.posts == []
    with pytest.raises(NotSubscribed):
        await subscriptions.channel_status(core, channel)


async def test_status_shows_the_last_error(core, clock, chat, channel):
    from bot.ports import ChatError

    await subscribe(core, channel)
    chat.fail_with = ChatError("channel was deleted", permanent=True)
    await pass_time(core, clock, chat, clock.now() + timedelta(hours=3))
    status = await subscriptions.channel_status(core, channel)
    assert status.subscription.last_error == "channel was deleted"
    assert status.subscription.paused
    resumed = await subscriptions.resume(core, channel, ADMIN)
    assert not resumed.subscription.paused
    assert resumed.subscription.last_error is None
    await posting.tick(core, chat.chats)
