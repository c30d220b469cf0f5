"""The group's best answer on Discord through discord.py: a vote button under each written
answer of the reveal, one vote each and never for one's own, only from the post's channel,
still working after a restart; when votes close, the winner's points and the next post's
"Best answer of" line."""

from __future__ import annotations

import copy
import dataclasses
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.discord import limits, votes
from bot.clock import ManualClock
from tests.discord import payloads
from tests.discord.harness import DiscordBot, Reply, settings, text_of

OTHER_CHANNEL = 700000000000000003
OTHER_GUILD = 710000000000000001
OTHER_GUILD_CHANNEL = 710000000000000002
ELSEWHERE = {
    "another channel": {"channel_id": OTHER_CHANNEL},
    "another guild": {"channel_id": OTHER_GUILD_CHANNEL, "guild_id": OTHER_GUILD},
}
NO_PINGS = {"everyone": [], "roles": [], "users": []}
COUNTED = "Vote counted for"


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # a Monday, after 09:00 UTC
    return clock


async def revealed(bot: DiscordBot, *writers: str) -> dict[str, Any]:
    """Post a question, let each of `writers` send a written answer, reveal it; the reveal's
    message that carries the vote buttons."""
    reply = await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")
    assert "Scheduled" in reply.text, reply.text
    await bot.advance(timedelta(days=1))
    post = bot.posts()[-1]
    for who in writers:
        written = await bot.write(post, who, f"{who} would regularise the weights.")
        assert "saved" in written.text, written.text
    await bot.advance(timedelta(hours=9))
    return bot.reveals()[-1]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """The message's vote buttons: custom_id by label."""
    return {
        child["label"]: child["custom_id"]
        for row in message.get("components") or []
        for child in row["components"]
        if child["custom_id"].startswith("qotd:vote:")
    }


async def vote(bot: DiscordBot, message: dict[str, Any], for_name: str, who: str) -> Reply:
    return await bot.click(message, buttons(message)[f"Vote: {for_name}"], who)


async def until_the_next_post(bot: DiscordBot) -> dict[str, Any]:
    """Move on to 10:00 the next day, past the vote window and the next post (not its
    reveal, which closes it); that post as first sent."""
    now = bot.core.clock.now()
    await bot.advance(now.replace(hour=10) + timedelta(days=1) - now)
    assert bot.core.clock.now() >= now + bot.core.vote_window  # revealed before `now`
    return next(
        message
        for message in reversed(bot.fake.created)
        if (message["embeds"] or [{}])[0].get("title", "").startswith("Question of the day")
    )


async def points(bot: DiscordBot, who: str) -> int:
    """The member's all-time points on the channel's board, as they read it."""
    board = await bot.command("leaderboard", who, period="all", scope="channel")
    found = re.search(r"with (\d+) points?", board.text)
    return int(found[1]) if found else 0


async def test_each_written_answer_gets_a_vote_button_under_the_reveal(bot):
    message = await revealed(bot, "ana", "bob")

    assert list(buttons(message)) == ["Vote: Ana", "Vote: Bob"]
    assert "Most helpful? Vote for one answer" in text_of(message)
    # The rating buttons keep their own row; the votes go on the rows below it.
    rows = [[child["custom_id"] for child in row["components"]] for row in message["components"]]
    assert all(item.startswith("qotd:rate:") for item in rows[0])
    assert all(item.startswith("qotd:vote:") for item in rows[1])


async def test_a_member_votes_for_someone_elses_answer_privately(bot):
    message = await revealed(bot, "ana", "bob")

    reply = await vote(bot, message, "Ana", "carol")

    assert f"{COUNTED} Ana's answer" in reply.text
    assert reply.ephemeral
    assert reply.state.acked == 5  # deferred before the core was asked


async def test_a_member_cannot_vote_for_their_own_answer(bot):
    message = await revealed(bot, "ana", "bob")

    reply = await vote(bot, message, "Ana", "ana")

    assert "You cannot vote for your own answer" in reply.text
    assert reply.ephemeral
    assert COUNTED in (await vote(bot, message, "Bob", "ana")).text  # someone else's counts


async def test_a_second_vote_is_refused(bot):
    message = await revealed(bot, "ana", "bob")
    assert COUNTED in (await vote(bot, message, "Ana", "carol")).text

    again = await vote(bot, message, "Bob", "carol")

    assert "You already voted on Day 1's answers." in again.text
    assert again.ephemeral


async def test_a_vote_button_still_works_after_a_restart(bot):
    message = await revealed(bot, "ana", "bob")

    await bot.restart()

    assert f"{COUNTED} Bob's answer" in (await vote(bot, message, "Bob", "carol")).text


@pytest.mark.parametrize("elsewhere", ELSEWHERE)
async def test_a_vote_from_another_guild_or_channel_is_refused(bot, elsewhere):
    message = await revealed(bot, "ana", "bob")
    where = ELSEWHERE[elsewhere]
    shown_there = {**copy.deepcopy(message), "channel_id": str(where["channel_id"])}
    custom_id = buttons(message)["Vote: Ana"]

    reply = await bot.send(
        payloads.click(
            shown_there, custom_id, "mallory", guild_id=where.get("guild_id", payloads.GUILD_ID)
        )
    )

    assert "That vote belongs to another channel." in reply.text
    assert reply.ephemeral
    # Nothing was counted: the member's vote from the post's channel is their first.
    assert COUNTED in (await vote(bot, message, "Ana", "mallory")).text


async def test_a_single_written_answer_gets_no_vote_button(bot):
    # The core opens no votes when there is no one else's answer to pick.
    message = await revealed(bot, "ana")

    assert buttons(message) == {}
    assert "Most helpful?" not in text_of(message)


async def test_with_no_vote_window_the_reveal_has_no_vote_buttons(core, fake):
    quiet = DiscordBot(
        dataclasses.replace(core, vote_window=timedelta(0)), fake, settings(vote_hours=0)
    )
    await quiet.start()
    try:
        message = await revealed(quiet, "ana", "bob")
    finally:
        await quiet.close()

    assert buttons(message) == {}
    assert "Most helpful?" not in text_of(message)


async def test_when_votes_close_the_winner_earns_points_and_the_next_post_credits_them(bot):
    winner = "Ana **Star** @everyone"  # a display name as typed: Markdown and a ping
    message = await revealed(bot, winner, "bob")
    assert COUNTED in (await vote(bot, message, winner, "carol")).text
    before = await points(bot, winner)

    post = await until_the_next_post(bot)

    late = await vote(bot, message, "Bob", "dave")
    assert "Voting on Day 1's answers is closed." in late.text
    assert await points(bot, winner) == before + bot.core.points.best_answer
    assert post["embeds"][0]["title"] == "Question of the day · Day 2"
    shown = limits.escape(winner)
    assert shown != winner
    assert f"Best answer of Day 1: {shown} (1 vote)" in text_of(post)
    assert post["_pings"] == NO_PINGS


async def test_the_longest_names_and_more_answers_than_buttons_stay_within_discords_limits(bot):
    # Names as long as the core keeps them (100 characters), and more answers than buttons.
    names = [f"Member {index:02d} " + "w" * 90 for index in range(votes.MOST + 2)]
    message = await revealed(bot, *names)

    shown = buttons(message)
    assert len(shown) == votes.MOST
    assert all(len(label) <= limits.BUTTON_LABEL for label in shown)
    assert f"Votes are for the first {votes.MOST} answers." in text_of(message)
    assert len(message["components"]) <= 5
    # Two answers with a vote each share the credit: the next post names both.
    first, second = list(shown.values())[:2]
    assert COUNTED in (await bot.click(message, first, "carol")).text
    assert COUNTED in (await bot.click(message, second, "dave")).text
    post = text_of(await until_the_next_post(bot))
    assert "Best answer of Day 1: Member 00" in post
    assert "Member 01" in post
    # The fake checks every limit of every message (the `fake` fixture fails on a breach).
    assert bot.fake.violations == []


def test_a_label_is_clipped_to_discords_limit():
    assert votes.label("Ada") == "Vote: Ada"
    assert len(votes.label("x" * 200)) == limits.BUTTON_LABEL
