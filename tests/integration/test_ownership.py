"""Invariant 13: every action carries the workspace/guild and channel it came from, and the
core refuses it on a post, review, quiz or schedule that belongs elsewhere."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.identity import MAX_ROW_ID, ChannelRef
from bot.errors import NoOpenPost, NotSubscribed, NotThisChannel, PermissionDenied, QuizNotFound
from bot.services import answers, members, posting, quiz, review, subscriptions
from bot.services.access import Actor
from bot.services.answers import AnswerRequest
from bot.storage.tables import answers as answers_table
from tests.conftest import member
from tests.integration.helpers import ADMIN, subscribe

# Another study group, and another channel of the same group.
ELSEWHERE = ChannelRef("test", "group-2", "channel-9")


async def two_posts(core, clock, chat, channel, other: ChannelRef) -> tuple[int, int]:
    """Both channels scheduled and posted once: (this channel's post, the other's post)."""
    await subscribe(core, channel)
    await subscribe(core, other)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    ids = {post.channel: post.post_id for post in chat.posts}
    return ids[channel], ids[other]


async def stored_answers(core) -> int:
    async with core.storage.read() as uow:
        return int(await uow.connection.scalar(select(func.count()).select_from(answers_table)))


def same_group_other_channel(channel: ChannelRef) -> ChannelRef:
    return ChannelRef(channel.platform, channel.group_id, "channel-2")


@pytest.mark.parametrize("other", ["another group", "another channel of the group"])
async def test_a_pick_or_written_answer_from_another_channel_is_refused_and_records_nothing(
    core, clock, chat, channel, other
):
    there = ELSEWHERE if other == "another group" else same_group_other_channel(channel)
    _, theirs = await two_posts(core, clock, chat, channel, there)
    with pytest.raises(NotThisChannel, match="belongs to another channel"):
        await answers.submit(core, AnswerRequest(theirs, member("mallory"), channel, choice="A"))
    with pytest.raises(NotThisChannel):
        await answers.submit(core, AnswerRequest(theirs, member("mallory"), channel, written="x"))
    assert await stored_answers(core) == 0
    # From its own channel the same post takes answers.
    await answers.submit(core, AnswerRequest(theirs, member("ana"), there, written="mine"))
    assert await stored_answers(core) == 1


async def test_the_same_channel_id_in_another_group_or_platform_is_another_channel(
    core, clock, chat, channel
):
    ours, _ = await two_posts(core, clock, chat, channel, ELSEWHERE)
    for forged in (
        ChannelRef(channel.platform, "group-2", channel.channel_id),
        ChannelRef("other", channel.group_id, channel.channel_id),
    ):
        with pytest.raises(NotThisChannel):
            await answers.submit(core, AnswerRequest(ours, member("ana"), forged, written="x"))
    assert await stored_answers(core) == 0


async def test_a_forged_or_out_of_range_post_id_in_a_batch_spoils_no_other_answer(
    core, clock, chat, channel
):
    ours, theirs = await two_posts(core, clock, chat, channel, ELSEWHERE)
    requests = [
        AnswerRequest(ours, member("ana"), channel, written="kept"),
        AnswerRequest(theirs, member("mallory"), channel, written="forged"),
        AnswerRequest(MAX_ROW_ID + 1, member("mallory"), channel, written="too big"),
        AnswerRequest(10**25, member("mallory"), channel, written="far too big"),
        AnswerRequest(-1, member("mallory"), channel, written="negative"),
        AnswerRequest(ours, member("bo"), channel, written="kept too"),
    ]
    results = await asyncio.gather(
        *(answers.submit(core, request) for request in requests), return_exceptions=True
    )
    assert [type(result).__name__ for result in results] == [
        "AnswerReceipt",
        "NotThisChannel",
        "NoOpenPost",
        "NoOpenPost",
        "NoOpenPost",
        "AnswerReceipt",
    ]
    assert await stored_answers(core) == 2


async def test_a_written_answer_is_rated_only_from_its_post_s_channel(core, clock, chat, channel):
    ours, _ = await two_posts(core, clock, chat, channel, ELSEWHERE)
    await answers.submit(core, AnswerRequest(ours, member("ana"), channel, written="attempt"))
    clock.advance(timedelta(hours=9))
    await posting.tick(core, chat.chats)  # the reveal
    with pytest.raises(NotThisChannel):
        await review.rate_written(core, member("ana"), ELSEWHERE, ours, "easy")
    with pytest.raises(NoOpenPost):
        await review.rate_written(core, member("ana"), channel, 10**25, "easy")
    # The refused ratings left the answer unrated: the real one is taken.
    rating = await review.rate_written(core, member("ana"), channel, ours, "hard")
    assert rating.name == "HARD"


async def test_a_quiz_or_review_is_only_its_member_s(core):
    mine = await quiz.start_quiz(core, member("ana"), count=2)
    for forged in (mine.quiz_id, 10**25, 0, -5):
        with pytest.raises(QuizNotFound):
            await quiz.answer_quiz(core, member("mallory"), forged, "A", 0)
        with pytest.raises(QuizNotFound):
            await quiz.stop_quiz(core, member("mallory"), forged)
    session = await review.start_review(core, member("bo"), count=1)
    with pytest.raises(QuizNotFound):
        await quiz.answer_quiz(core, member("ana"), session.quiz_id, "A", 0)
    # Ana's quiz is untouched by all of that.
    feedback = await quiz.answer_quiz(core, member("ana"), mine.quiz_id, "A", mine.position)
    assert feedback.next is not None and feedback.next.position == 1


async def test_a_schedule_is_read_or_changed_only_from_its_own_channel(core, clock, chat, channel):
    await subscribe(core, ELSEWHERE)
    theirs = (await subscriptions.channel_status(core, ELSEWHERE)).subscription
    with pytest.raises(NotThisChannel):
        await subscriptions.channel_status(core, channel, subscription_id=theirs.id)
    # An admin of another group in a channel with the same id pauses nothing of theirs.
    same_id = ChannelRef(ELSEWHERE.platform, "group-1", ELSEWHERE.channel_id)
    with pytest.raises(NotSubscribed):
        await subscriptions.pause(core, same_id, ADMIN)
    assert not (await subscriptions.channel_status(core, ELSEWHERE)).subscription.paused


async def test_forget_me_takes_the_member_off_every_admin_list(core, channel):
    await subscribe(core, channel)
    await subscribe(core, ELSEWHERE)
    await subscriptions.set_admins(core, channel, ADMIN, ["ana", "anabel"])
    await subscriptions.set_admins(core, ELSEWHERE, ADMIN, ["ana"])
    ana = Actor(member("ana"))
    await subscriptions.pause(core, channel, ana)  # a listed admin may
    # Ana never answered anything: her id is stored only in the admin lists.
    assert await members.forget_member(core, member("ana")) is True
    assert (await subscriptions.channel_status(core, channel)).subscription.admins == {"anabel"}
    assert (await subscriptions.channel_status(core, ELSEWHERE)).subscription.admins == set()
    with pytest.raises(PermissionDenied):
        await subscriptions.resume(core, channel, ana)
    assert await members.forget_member(core, member("ana")) is False
