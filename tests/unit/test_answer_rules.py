"""The answering rules on an in-memory unit of work (no database): one pick and one written
answer per member per post, none after the reveal or from another channel, points to the
group's and the channel's boards, a streak per scheduled post. The same rules run against
SQLite and PostgreSQL in tests/integration/test_answers.py."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.identity import ChannelRef
from bot.domain.schedule import Schedule
from bot.domain.subscription import Subscription
from bot.errors import AlreadyAnswered, AnswersClosed, NoOpenPost, NotThisChannel
from bot.services import answers, posting
from bot.services.answers import AnswerRequest
from tests.conftest import member
from tests.memory import memory_core

MONDAY_9 = datetime(2026, 3, 2, 9, 1, tzinfo=UTC)
CHANNEL = ChannelRef("test", "group-1", "channel-1")


@pytest.fixture
def core(clock, library):
    core = memory_core(clock, library)
    core.storage.state.subscriptions[1] = Subscription(  # 09:00 UTC daily, reveal 8 h later
        1,
        CHANNEL,
        Schedule.parse("09:00", "UTC", "daily", "after 8h"),
        "sample",
        active_since=MONDAY_9 - timedelta(hours=3),
    )
    return core


async def open_post(core, clock, chat) -> int:
    clock.set(clock.now() if chat.posts else MONDAY_9)
    await posting.tick(core, chat.chats)
    assert chat.posts[-1].question.has_choices
    return chat.posts[-1].post_id


def pick(post_id: int, name: str, letter: str, channel: ChannelRef = CHANNEL) -> AnswerRequest:
    return AnswerRequest(post_id, member(name), channel, choice=letter)


def wrong(question) -> str:
    return next(letter for letter in "ABCD" if letter != question.correct_letter)


async def test_a_pick_scores_on_the_group_and_channel_boards_and_starts_a_streak(core, clock, chat):
    post_id = await open_post(core, clock, chat)
    question = chat.posts[-1].question
    receipt = await answers.submit(core, pick(post_id, "ana", question.correct_letter))
    points = core.points.for_choice(question.difficulty, True)
    assert (receipt.correct, receipt.points, receipt.streak) == (True, points, 1)
    scores = core.storage.state.scores
    assert {scope for scope, _, _ in scores} == {"g1", "s1"}
    assert set(scores.values()) == {points}


async def test_a_second_pick_is_refused_and_the_first_stands(core, clock, chat):
    post_id = await open_post(core, clock, chat)
    question = chat.posts[-1].question
    await answers.submit(core, pick(post_id, "ana", wrong(question)))
    with pytest.raises(AlreadyAnswered, match="already picked"):
        await answers.submit(core, pick(post_id, "ana", question.correct_letter))
    [row] = core.storage.state.answers.values()
    assert row["choice"] == wrong(question) and row["correct"] is False


async def test_ten_clicks_at_once_record_one_answer_and_score_once(core, clock, chat):
    post_id = await open_post(core, clock, chat)
    question = chat.posts[-1].question
    request = pick(post_id, "ana", question.correct_letter)
    results = await asyncio.gather(
        *(answers.submit(core, request) for _ in range(10)), return_exceptions=True
    )
    assert sum(not isinstance(result, Exception) for result in results) == 1
    assert sum(isinstance(result, AlreadyAnswered) for result in results) == 9
    assert len(core.storage.state.answers) == 1
    assert set(core.storage.state.scores.values()) == {
        core.points.for_choice(question.difficulty, True)
    }


async def test_a_written_answer_then_a_pick_fill_one_row_and_each_counts_once(core, clock, chat):
    post_id = await open_post(core, clock, chat)
    written = AnswerRequest(post_id, member("ana"), CHANNEL, written="Shrinks the weights.")
    await answers.submit(core, written)
    await answers.submit(core, pick(post_id, "ana", "A"))
    with pytest.raises(AlreadyAnswered, match="written answer"):
        await answers.submit(core, written)
    [row] = core.storage.state.answers.values()
    assert row["written"] == "Shrinks the weights." and row["choice"] == "A"
    question = chat.posts[-1].question
    expected = core.points.written + core.points.for_choice(
        question.difficulty, question.correct_letter == "A"
    )
    assert row["points"] == expected


async def test_answers_close_at_the_reveal_time(core, clock, chat):
    post_id = await open_post(core, clock, chat)
    clock.set(chat.posts[-1].reveal_at)
    with pytest.raises(AnswersClosed):
        await answers.submit(core, pick(post_id, "ana", "A"))
    assert core.storage.state.answers == {}


async def test_a_post_is_answered_only_from_its_own_channel(core, clock, chat):
    post_id = await open_post(core, clock, chat)
    elsewhere = ChannelRef("test", "group-1", "channel-2")
    with pytest.raises(NotThisChannel):
        await answers.submit(core, pick(post_id, "ana", "A", elsewhere))
    with pytest.raises(NoOpenPost):
        await answers.submit(core, pick(post_id + 100, "ana", "A"))
    assert core.storage.state.answers == {}


async def test_a_streak_counts_consecutive_scheduled_posts_and_breaks_on_a_skipped_one(
    core, clock, chat
):
    streaks = []
    for day in range(4):
        clock.set(MONDAY_9 + timedelta(days=day))
        await posting.tick(core, chat.chats)
        if day == 2:
            continue  # ana misses Wednesday's question
        post_id = chat.posts[-1].post_id
        written = AnswerRequest(post_id, member("ana"), CHANNEL, written=f"Day {day}'s answer")
        receipt = await answers.submit(core, written)
        streaks.append((receipt.streak, receipt.best_streak))
        clock.advance(timedelta(hours=8))
        await posting.tick(core, chat.chats)  # the reveal
    assert streaks == [(1, 1), (2, 2), (1, 2)]


async def test_the_reveal_reports_the_answers_given(core, clock, chat):
    post_id = await open_post(core, clock, chat)
    question = chat.posts[-1].question
    await answers.submit(core, pick(post_id, "slow", wrong(question)))
    clock.advance(timedelta(minutes=1))
    await answers.submit(core, pick(post_id, "quick", question.correct_letter))
    await answers.submit(
        core, AnswerRequest(post_id, member("writer"), CHANNEL, written="An essay")
    )
    clock.set(chat.posts[-1].reveal_at)
    await posting.tick(core, chat.chats)
    results = chat.reveals[-1].results
    assert (results.answered, results.picked, results.correct) == (3, 2, 1)
    assert results.fastest_correct == "Quick"
