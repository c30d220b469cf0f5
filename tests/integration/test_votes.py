"""The group's best answer: votes after the reveal, counted once when they close, with
bonus points, a credit in the next post and a line in stats (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.identity import ChannelRef
from bot.domain.periods import Period, Scope
from bot.errors import NotThisChannel
from bot.services import answers, boards, posting, votes
from bot.services.answers import AnswerRequest
from bot.services.votes import VoteRefused
from tests.conftest import member
from tests.integration.helpers import pass_time, subscribe

MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


async def revealed_with_answers(core, clock, chat, channel, *writers: str):
    """Day 1 posted, written answers from `writers`, revealed; their answer ids by name."""
    clock.set(MONDAY)
    await subscribe(core, channel, "08:00", "UTC", reveal="after 1h")
    await pass_time(core, clock, chat, MONDAY + timedelta(hours=1, minutes=30))
    post_id = chat.posts[-1].post_id
    for name in writers:
        await answers.submit(
            core, AnswerRequest(post_id, member(name), channel, written=f"{name}'s take on it")
        )
    await pass_time(core, clock, chat, MONDAY + timedelta(hours=2, minutes=30))
    return {item.member_name.lower(): item.answer_id for item in chat.reveals[-1].results.written}


async def points(core, channel, name: str) -> int:
    board = await boards.leaderboard(core, channel, member(name), Period.ALL, Scope.GROUP)
    return board.me.points


async def test_one_vote_each_not_for_one_s_own_and_only_from_the_post_s_channel(
    core, clock, chat, channel
):
    ids = await revealed_with_answers(core, clock, chat, channel, "ada", "bo")
    assert "Ada's answer" in await votes.vote(core, channel, member("cy"), ids["ada"])
    with pytest.raises(VoteRefused, match="already voted"):
        await votes.vote(core, channel, member("cy"), ids["bo"])
    with pytest.raises(VoteRefused, match="your own answer"):
        await votes.vote(core, channel, member("ada"), ids["ada"])
    elsewhere = ChannelRef(channel.platform, channel.group_id, "other")
    with pytest.raises(NotThisChannel):
        await votes.vote(core, elsewhere, member("dee"), ids["bo"])
    for forged in (0, -1, 10**19, 987654):
        with pytest.raises(VoteRefused):
            await votes.vote(core, channel, member("dee"), forged)


async def test_the_most_voted_answer_earns_its_bonus_once_and_is_credited_next_day(
    core, clock, chat, channel
):
    ids = await revealed_with_answers(core, clock, chat, channel, "ada", "bo")
    before = await points(core, channel, "ada")
    await votes.vote(core, channel, member("cy"), ids["ada"])
    await votes.vote(core, channel, member("bo"), ids["ada"])
    await votes.vote(core, channel, member("ada"), ids["bo"])
    clock.advance(core.vote_window)
    # Two workers counting at once: the bonus is paid exactly once.
    counted = await asyncio.gather(votes.close_due_votes(core), votes.close_due_votes(core))
    assert sum(counted) == 1
    assert await points(core, channel, "ada") == before + core.points.best_answer
    with pytest.raises(VoteRefused, match="closed"):
        await votes.vote(core, channel, member("dee"), ids["bo"])
    await pass_time(core, clock, chat, MONDAY + timedelta(days=1, hours=1, minutes=30))
    assert chat.posts[-1].best_answer == "Day 1: Ada (2 votes)"
    await pass_time(core, clock, chat, MONDAY + timedelta(days=2, hours=1, minutes=30))
    assert chat.posts[-1].best_answer is None  # credited once
    stats = await boards.member_stats(core, member("ada"))
    assert (
        stats.best_answers == 1
        and (await boards.member_stats(core, member("bo"))).best_answers == 0
    )


async def test_a_tie_shares_the_best_answer(core, clock, chat, channel):
    ids = await revealed_with_answers(core, clock, chat, channel, "ada", "bo")
    await votes.vote(core, channel, member("cy"), ids["ada"])
    await votes.vote(core, channel, member("dee"), ids["bo"])
    clock.advance(core.vote_window)
    await posting.tick(core, chat.chats)  # the beat counts closed votes
    assert await points(core, channel, "bo") == await points(core, channel, "ada")
    await pass_time(core, clock, chat, MONDAY + timedelta(days=1, hours=1, minutes=30))
    assert chat.posts[-1].best_answer == "Day 1: Ada and Bo (1 vote each)"


async def test_no_votes_without_two_written_answers_or_with_votes_turned_off(
    core, clock, chat, channel
):
    ids = await revealed_with_answers(core, clock, chat, channel, "ada")
    with pytest.raises(VoteRefused, match="closed"):
        await votes.vote(core, channel, member("bo"), ids["ada"])


async def test_votes_turned_off_open_nothing(core, clock, chat, channel):
    quiet = replace(core, vote_window=timedelta(0))
    ids = await revealed_with_answers(quiet, clock, chat, channel, "ada", "bo")
    with pytest.raises(VoteRefused, match="closed"):
        await votes.vote(quiet, channel, member("cy"), ids["ada"])
