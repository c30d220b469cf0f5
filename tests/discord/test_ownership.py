"""Invariant 13 on Discord: a click or modal acts for the guild and channel Discord says it
came from, never for the post its custom_id names; a custom_id that does not parse gets a
clear private reply; and the Write button refuses before its modal opens when the post is not
this channel's open post."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.discord import PLATFORM
from bot.clock import ManualClock
from bot.domain.identity import MemberRef
from tests.discord import payloads
from tests.discord.harness import DiscordBot, Reply, custom_ids

OTHER_CHANNEL = 700000000000000003  # another channel of the same guild
OTHER_GUILD = 710000000000000001
OTHER_GUILD_CHANNEL = 710000000000000002
ELSEWHERE = {
    "another channel": {"channel_id": OTHER_CHANNEL},
    "another guild": {"channel_id": OTHER_GUILD_CHANNEL, "guild_id": OTHER_GUILD},
}
STALE = "That button is out of date or not one of ours."


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return clock


async def schedule(bot: DiscordBot, **where: Any) -> None:
    payload = payloads.slash(
        "schedule", "admin", payloads.ADMIN, time="09:00", timezone="UTC", **where
    )
    reply = await bot.send(payload)
    assert "Scheduled" in reply.text, reply.text


async def posts_here_and_there(bot: DiscordBot, elsewhere: str) -> tuple[dict, dict]:
    """This channel's post and the other place's post, one day after scheduling both."""
    await schedule(bot)
    await schedule(bot, **ELSEWHERE[elsewhere])
    await bot.advance(timedelta(days=1))
    return bot.posts()[-1], bot.posts(ELSEWHERE[elsewhere]["channel_id"])[-1]


async def answer_there(bot: DiscordBot, there: dict, elsewhere: str, who: str) -> Reply:
    """A written answer to the other place's post, sent from that place."""
    return await bot.send(
        payloads.modal_submit(
            f"qotd:written:{post_id_of(there)}",
            {"answer": f"{who}'s answer"},
            who,
            **ELSEWHERE[elsewhere],
        )
    )


def with_button(message: dict, custom_id: str) -> dict:
    """The message as a forged client could present it: its first button's id replaced."""
    forged = copy.deepcopy(message)
    forged["components"][0]["components"][0]["custom_id"] = custom_id
    return forged


async def click_forged(bot: DiscordBot, message: dict, custom_id: str, who: str) -> Reply:
    return await bot.send(payloads.click(with_button(message, custom_id), custom_id, who))


def post_id_of(message: dict) -> int:
    """The post id of a daily post's message, from its qotd:write:<post> button."""
    return int(custom_ids(message)[-1].rsplit(":", 1)[-1])


async def answers_to(bot: DiscordBot, message: dict) -> list:
    async with bot.core.storage.read() as uow:
        return await uow.answers.for_post(post_id_of(message))


@pytest.mark.parametrize("elsewhere", ELSEWHERE)
async def test_a_click_here_on_a_button_naming_a_post_elsewhere_is_refused(bot, elsewhere):
    here, there = await posts_here_and_there(bot, elsewhere)
    theirs = f"qotd:answer:{post_id_of(there)}:A"

    reply = await click_forged(bot, here, theirs, "mallory")

    assert "That question belongs to another channel." in reply.text
    assert reply.ephemeral
    assert await answers_to(bot, there) == []
    # Where its post is, the post takes answers.
    own = await answer_there(bot, there, elsewhere, "ana")
    assert "belongs to another channel" not in own.text
    assert len(await answers_to(bot, there)) == 1


@pytest.mark.parametrize("elsewhere", ELSEWHERE)
async def test_a_written_answer_modal_naming_a_post_elsewhere_is_refused(bot, elsewhere):
    here, there = await posts_here_and_there(bot, elsewhere)
    post_id = post_id_of(there)

    reply = await bot.send(
        payloads.modal_submit(
            f"qotd:written:{post_id}", {"answer": "forged"}, "mallory", int(here["channel_id"])
        )
    )

    assert "That question belongs to another channel." in reply.text
    assert await answers_to(bot, there) == []


async def test_a_rating_button_naming_a_post_elsewhere_is_refused(bot):
    here, there = await posts_here_and_there(bot, "another guild")
    post_id = post_id_of(there)
    await answer_there(bot, there, "another guild", "ana")
    await bot.advance(timedelta(hours=9))

    forged = await click_forged(bot, here, f"qotd:rate:{post_id}:good", "ana")

    assert "That question belongs to another channel." in forged.text
    async with bot.core.storage.read() as uow:
        member_id = await uow.members.find_member(MemberRef(PLATFORM, str(payloads.user_id("ana"))))
        assert (await uow.answers.get(post_id, member_id)).self_rating is None


@pytest.mark.parametrize(
    "custom_id",
    [
        "qotd:answer:1234567890123456789012345:A",  # a post id past 64 bits
        "qotd:answer:abc:A",
        "qotd:answer:1:Z",
        "qotd:write:99999999999999999999",
        "qotd:rate:18446744073709551616:good",
        "qotd:quiz:1:12345:A",
        "qotd:review-stop:-1",
        "qotd:something-new:1",
    ],
)
async def test_a_button_id_that_does_not_parse_gets_a_clear_private_reply(bot, custom_id):
    await schedule(bot)
    await bot.advance(timedelta(days=1))

    reply = await click_forged(bot, bot.posts()[-1], custom_id, "mallory")

    assert reply.text == STALE
    assert reply.ephemeral


@pytest.mark.parametrize("custom_id", ["qotd:written:1234567890123456789012345", "qotd:written:x"])
async def test_a_modal_id_that_does_not_parse_gets_a_clear_private_reply(bot, custom_id):
    reply = await bot.send(payloads.modal_submit(custom_id, {"answer": "text"}, "mallory"))

    assert reply.text == STALE
    assert reply.ephemeral


# The Write button checks the post before it opens the modal: nobody types an answer that
# would then be refused.


def write_button(message: dict) -> str:
    return next(item for item in custom_ids(message) if item.startswith("qotd:write:"))


def assert_refused_without_a_modal(reply: Reply, says: str) -> None:
    assert reply.state.modal is None, reply.state.modal
    assert says in reply.text
    assert reply.ephemeral


async def test_write_on_a_revealed_post_is_refused_before_the_modal_opens(bot):
    await schedule(bot)
    await bot.advance(timedelta(days=1))
    shown = await bot.command("today", "ana")  # a private copy whose buttons stay enabled
    await bot.advance(timedelta(hours=9))  # revealed

    reply = await bot.click(shown.last, write_button(shown.last), "ana")

    assert_refused_without_a_modal(reply, "Answers for this question are closed")


async def test_write_on_an_unknown_post_is_refused_before_the_modal_opens(bot):
    await schedule(bot)
    await bot.advance(timedelta(days=1))

    reply = await click_forged(bot, bot.posts()[-1], "qotd:write:999999", "ana")

    assert_refused_without_a_modal(reply, "Answers for this question are closed")


@pytest.mark.parametrize("elsewhere", ELSEWHERE)
async def test_write_naming_a_post_elsewhere_is_refused_before_the_modal_opens(bot, elsewhere):
    here, there = await posts_here_and_there(bot, elsewhere)

    reply = await click_forged(bot, here, write_button(there), "mallory")

    assert_refused_without_a_modal(reply, "Answers for this question are closed")
    assert await answers_to(bot, there) == []


async def test_a_second_written_answer_is_refused_before_the_modal_opens(bot):
    await schedule(bot)
    await bot.advance(timedelta(days=1))
    post = bot.posts()[-1]
    assert "Written answer saved" in (await bot.write(post, "ana", "my answer")).text

    again = await bot.click(post, write_button(post), "ana")

    assert_refused_without_a_modal(again, "You already sent a written answer")
    opened = await bot.click(post, write_button(post), "bob")  # others still can
    assert opened.state.modal is not None
