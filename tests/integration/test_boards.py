"""Streaks over scheduled posts, leaderboards with the asker's own rank, stats, forget-me."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.console import render
from bot.domain.periods import Period, Scope
from bot.errors import NotSubscribed
from bot.services import answers, boards, members, posting
from bot.services.answers import AnswerRequest
from tests.conftest import member
from tests.integration.helpers import run_until, subscribe


async def answer_today(core, chat, who: str, correct: bool = True) -> None:
    question = chat.posts[-1].question
    if not question.has_choices:
        await answers.submit(
            core,
            AnswerRequest(
                chat.posts[-1].post_id, member(who), chat.posts[-1].channel, written="my answer"
            ),
        )
        return
    letter = (
        question.correct_letter
        if correct
        else next(c for c in "ABCD" if c != question.correct_letter)
    )
    await answers.submit(
        core,
        AnswerRequest(chat.posts[-1].post_id, member(who), chat.posts[-1].channel, choice=letter),
    )


async def next_post(core, clock, chat) -> None:
    before = len(chat.posts)
    while len(chat.posts) == before:
        clock.advance(timedelta(hours=1))
        await posting.tick(core, chat.chats)


async def test_a_streak_survives_a_weekend_without_posts(core, clock, chat, channel):
    await subscribe(core, channel, days="mon-fri")
    for _ in range(6):  # Mon..Fri, then the next Monday
        await next_post(core, clock, chat)
        await answer_today(core, chat, "ana")
    streak = await boards.member_streak(core, channel, member("ana"))
    assert (streak.current, streak.best) == (6, 6)


async def test_a_streak_survives_a_day_the_bot_was_down(core, clock, chat, channel):
    await subscribe(core, channel)
    await next_post(core, clock, chat)
    await answer_today(core, chat, "ana")
    clock.advance(timedelta(days=1, hours=12))  # the next day's post is missed entirely
    await posting.tick(core, chat.chats)
    await next_post(core, clock, chat)
    await answer_today(core, chat, "ana")
    assert (await boards.member_streak(core, channel, member("ana"))).current == 2


async def test_a_post_closed_unanswered_breaks_the_streak(core, clock, chat, channel):
    await subscribe(core, channel)
    await next_post(core, clock, chat)
    await answer_today(core, chat, "ana")
    await next_post(core, clock, chat)  # not answered
    assert (await boards.member_streak(core, channel, member("ana"))).current == 1  # still open
    await run_until(core, clock, chat, chat.posts[-1].reveal_at + timedelta(minutes=1))
    assert (await boards.member_streak(core, channel, member("ana"))).current == 0
    await next_post(core, clock, chat)
    await answer_today(core, chat, "ana")
    streak = await boards.member_streak(core, channel, member("ana"))
    assert (streak.current, streak.best) == (1, 1)


async def test_the_leaderboard_ranks_by_points_and_shows_my_rank_outside_the_top(
    core, clock, chat, channel
):
    await subscribe(core, channel)
    await next_post(core, clock, chat)
    for index in range(12):
        await answer_today(core, chat, f"top{index:02d}", correct=True)
    await answer_today(core, chat, "me", correct=False)
    board = await boards.leaderboard(
        core, channel, member("me"), Period.WEEK, Scope.GROUP, limit=10
    )
    assert len(board.entries) == 10
    assert {entry.rank for entry in board.entries} == {1}  # equal points share rank 1
    assert board.me is not None and board.me.rank == 13 and board.members == 13


async def test_week_month_and_all_time_boards_reset_at_their_boundaries(core, clock, chat, channel):
    await subscribe(core, channel)
    await next_post(core, clock, chat)  # Monday 2 March
    await answer_today(core, chat, "ana")
    clock.set(datetime(2026, 3, 9, 7, 30, tzinfo=UTC))  # next Monday, before the post
    await posting.tick(core, chat.chats)
    week = await boards.leaderboard(core, channel, member("ana"), Period.WEEK)
    month = await boards.leaderboard(core, channel, member("ana"), Period.MONTH)
    ever = await boards.leaderboard(core, channel, member("ana"), Period.ALL)
    assert week.entries == ()
    assert [entry.name for entry in month.entries] == ["Ana"]
    assert [entry.name for entry in ever.entries] == ["Ana"]


async def test_a_channel_board_counts_only_that_channel(core, clock, chat, channel):
    other = channel.__class__(channel.platform, channel.group_id, "channel-2")
    await subscribe(core, channel)
    await subscribe(core, other)
    await next_post(core, clock, chat)
    first, second = chat.posts[-2], chat.posts[-1]
    await answers.submit(
        core, AnswerRequest(first.post_id, member("ana"), first.channel, written="my answer")
    )
    await answers.submit(
        core, AnswerRequest(second.post_id, member("bo"), second.channel, written="my answer")
    )
    group = await boards.leaderboard(core, channel, member("ana"), Period.ALL, Scope.GROUP)
    here = await boards.leaderboard(core, channel, member("ana"), Period.ALL, Scope.CHANNEL)
    assert len(group.entries) == 2
    assert [entry.name for entry in here.entries] == ["Ana"]


async def test_stats_count_daily_answers_and_accuracy_by_topic(core, clock, chat, channel):
    await subscribe(core, channel)
    await next_post(core, clock, chat)
    await answer_today(core, chat, "ana", correct=True)
    stats = await boards.member_stats(core, member("ana"), channel)
    topic = chat.posts[-1].question.topics[0]
    assert (stats.daily_answers, stats.daily_picks, stats.daily_correct) == (1, 1, 1)
    assert [(item.topic, item.answered, item.correct) for item in stats.topics] == [(topic, 1, 1)]


async def test_forget_me_removes_every_row_of_the_member(core, clock, chat, channel):
    await subscribe(core, channel)
    await next_post(core, clock, chat)
    await answer_today(core, chat, "ana")
    await answer_today(core, chat, "bo")
    assert await members.forget_member(core, member("ana")) is True
    board = await boards.leaderboard(core, channel, member("ana"), Period.ALL)
    assert [entry.name for entry in board.entries] == ["Bo"]
    assert (board.me.rank, board.me.points) == (None, 0)
    stats = await boards.member_stats(core, member("ana"))
    assert stats.daily_answers == 0
    assert await members.forget_member(core, member("ana")) is False


async def test_a_leaderboard_in_a_channel_without_a_schedule_says_so(core, channel):
    with pytest.raises(NotSubscribed):
        await boards.leaderboard(core, channel, member("ana"))


async def test_a_member_without_points_still_gets_their_own_line(core, clock, chat, channel):
    await subscribe(core, channel)
    await next_post(core, clock, chat)
    await answer_today(core, chat, "ana")
    board = await boards.leaderboard(core, channel, member("newcomer"), Period.WEEK)
    assert [entry.name for entry in board.entries] == ["Ana"]
    assert (board.me.rank, board.me.name, board.me.points) == (None, "Newcomer", 0)
    assert boards.own_rank(board) == (
        "you: — not ranked yet (0 points this week): answer a daily question to get on the board"
    )


async def test_a_member_with_points_only_last_week_is_unranked_this_week(
    core, clock, chat, channel
):
    await subscribe(core, channel)
    await next_post(core, clock, chat)  # Monday 2 March
    await answer_today(core, chat, "ana")
    clock.set(datetime(2026, 3, 9, 7, 30, tzinfo=UTC))  # the next Monday, before its post
    week = await boards.leaderboard(core, channel, member("ana"), Period.WEEK)
    ever = await boards.leaderboard(core, channel, member("ana"), Period.ALL)
    assert (week.me.rank, week.me.points) == (None, 0)
    assert boards.own_rank(ever) == f"you: #1 of 1 with {ever.me.points} points"
    assert ever.me.points > 0


async def test_the_console_board_always_shows_the_askers_line(core, clock, chat, channel):
    await subscribe(core, channel)
    await next_post(core, clock, chat)
    await answer_today(core, chat, "ana")
    await answer_today(core, chat, "bo", correct=False)
    newcomer = render.leaderboard(await boards.leaderboard(core, channel, member("newcomer")))
    assert newcomer.splitlines()[-1] == (
        "  ... you: — not ranked yet (0 points this week): answer a daily question to get on "
        "the board"
    )
    leader = render.leaderboard(await boards.leaderboard(core, channel, member("ana")))
    assert leader.splitlines()[-1].startswith("  ... you: #1 of 2 with ")
