"""The daily post, answers by button and modal, the reveal, and mentions, through discord.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from tests.discord import payloads
from tests.discord.harness import DiscordBot, custom_ids, text_of

ROLE = payloads.Role(700000000000000099, "study-group")


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # a Monday, after 09:00 UTC
    return clock


async def posted(bot: DiscordBot, **options) -> dict:
    """Schedule 09:00 UTC daily and let the next day's post go out."""
    reply = await bot.command(
        "schedule", "admin", admin=True, time="09:00", timezone="UTC", **options
    )
    assert "Scheduled" in reply.text, reply.text
    await bot.advance(timedelta(days=1))
    return bot.posts()[-1]


async def letters(bot: DiscordBot) -> tuple[str, str]:
    """The right letter of the current question and a wrong one."""
    right = (await bot.current()).question.correct_letter
    assert right is not None
    return right, next(letter for letter in "ABCD" if letter != right)


def button(post: dict, letter: str) -> str:
    return next(item for item in custom_ids(post) if item.endswith(f":{letter}"))


async def test_the_daily_post_is_an_embed_with_a_to_d_and_a_write_button(bot):
    post = await posted(bot)
    current = await bot.current()
    embed = post["embeds"][0]
    assert embed["title"] == "Question of the day · Day 1"
    assert current.question.prompt in embed["description"]
    assert {"Difficulty", "Topics"} <= {field["name"] for field in embed["fields"]}
    assert custom_ids(post) == [
        *(f"qotd:answer:{current.post.id}:{letter}" for letter in "ABCD"),
        f"qotd:write:{current.post.id}",
    ]
    assert post["_pings"] == {"everyone": [], "roles": [], "users": []}


async def test_a_right_pick_gets_private_feedback_with_the_why_and_the_streak(bot):
    post = await posted(bot)
    right, _ = await letters(bot)
    reply = await bot.click(post, button(post, right), "alice")
    assert reply.ephemeral
    assert "Right!" in reply.text
    assert "streak 1" in reply.text
    assert reply.state.acked == 5  # deferred before the core was asked


async def test_a_wrong_pick_is_told_the_right_answer_and_a_second_pick_is_refused(bot):
    post = await posted(bot)
    right, wrong = await letters(bot)
    reply = await bot.click(post, button(post, wrong), "bob")
    assert "Not quite" in reply.text
    assert f"The answer is {right}." in reply.text
    again = await bot.click(post, button(post, right), "bob")
    assert "already picked" in again.text
    assert again.ephemeral


async def test_a_written_answer_is_sent_through_the_modal(bot):
    post = await posted(bot)
    reply = await bot.write(post, "alice", "Regularise: it trades variance for bias.")
    assert "saved" in reply.text
    assert reply.ephemeral


async def test_the_reveal_replies_to_the_post_with_results_and_closes_it(bot):
    post = await posted(bot)
    right, wrong = await letters(bot)
    await bot.click(post, button(post, right), "alice")
    await bot.click(post, button(post, wrong), "bob")
    await bot.write(post, "carol", "Shrink the weights")
    await bot.advance(timedelta(hours=9))
    [reveal] = bot.reveals()
    assert str(reveal["message_reference"]["message_id"]) == post["id"]
    text = text_of(reveal)
    assert text.startswith("Answer · Day 1")
    assert "Shrink the weights" in text
    assert "3 answered · 50% correct · fastest correct: Alice" in text
    assert "Shrink the weights" in text
    closed = bot.fake.messages[int(post["id"])]
    assert closed["embeds"][0]["title"].endswith("· closed")
    assert all(child["disabled"] for row in closed["components"] for child in row["components"])
    late = await bot.click(closed, button(closed, right), "dave")
    assert "closed" in late.text


async def test_member_text_in_the_reveal_is_escaped_and_pings_nobody(bot):
    post = await posted(bot)
    await bot.write(
        post, "mallory", "@everyone look <@&700000000000000099> <@123456789012345678> **bold**"
    )
    await bot.advance(timedelta(hours=9))
    body = "\n".join(text_of(message) for message in bot.reveals())
    assert "@everyone" not in body
    assert "@\u200beveryone" in body
    assert "\\*\\*bold\\*\\*" in body
    assert all(
        message["_pings"] == {"everyone": [], "roles": [], "users": []}
        for message in bot.fake.created
    )


async def test_long_written_answers_are_split_over_follow_ups_never_rejected(bot):
    post = await posted(bot)
    for name in ("ann", "ben", "cat"):
        await bot.write(post, name, ("a long considered answer " * 200)[:4000])
    await bot.advance(timedelta(hours=9))
    messages = bot.reveals()
    assert len(messages) >= 2  # 12000 characters need more than one message
    assert all(
        str(message["message_reference"]["message_id"]) == post["id"] for message in messages
    )
    total = "".join(text_of(message) for message in messages)
    assert total.count("a long considered answer") >= 3 * 150


async def test_the_configured_role_is_the_only_mention(bot):
    post = await posted(bot, role=ROLE)
    assert post["content"] == f"<@&{ROLE.id}>"
    assert post["_pings"]["roles"] == [str(ROLE.id)]


async def test_everyone_cannot_be_the_role_to_mention(bot):
    everyone = payloads.Role(payloads.GUILD_ID, "@everyone")
    reply = await bot.command(
        "schedule", "admin", admin=True, time="09:00", timezone="UTC", role=everyone
    )
    assert "never pings @everyone" in reply.text


async def test_with_a_thread_the_reveal_goes_in_the_thread(bot):
    post = await posted(bot, thread=True)
    [thread] = bot.fake.threads.values()
    assert thread["parent_id"] == post["channel_id"]
    assert thread["name"].startswith("Day 1 · ")
    await bot.advance(timedelta(hours=9))
    [reveal] = bot.reveals()
    assert reveal["channel_id"] == thread["id"]
    assert "in the thread" in text_of(bot.fake.messages[int(post["id"])])


async def test_buttons_keep_working_after_a_restart(bot):
    post = await posted(bot)
    right, _ = await letters(bot)
    await bot.restart()
    reply = await bot.click(post, button(post, right), "alice")
    assert "Right!" in reply.text
    written = await bot.write(post, "alice", "Still here after the restart")
    assert "saved" in written.text


async def test_today_shows_the_open_question_with_its_buttons(bot):
    await posted(bot)
    reply = await bot.command("today", "erin")
    assert reply.ephemeral
    assert "Day 1 · open" in reply.text
    right, _ = await letters(bot)
    answered = await bot.click(reply.last, button(reply.last, right), "erin")
    assert "Right!" in answered.text


async def test_an_admin_can_post_now_and_reveal_now(bot):
    await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")
    reply = await bot.command("post-now", "admin", admin=True)
    assert "Posted day 1" in reply.text
    assert len(bot.posts()) == 1
    revealed = await bot.command("reveal-now", "admin", admin=True)
    assert "Revealed" in revealed.text
    assert text_of(bot.fake.created[-1]).startswith("Answer · Day 1")
