"""Spaced repetition on Discord: `/qotd review`, rating a written answer after the reveal,
daily reminders by direct message, and the stats and leaderboard pictures."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import discord
import pytest

from bot.clock import ManualClock
from bot.domain.identity import MemberRef
from bot.domain.question import Question
from bot.services import progress
from bot.services.review import review_stats
from tests.discord import payloads
from tests.discord.harness import CHANNEL, DiscordBot, Reply, custom_ids, text_of

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return clock


def shown_question(bot: DiscordBot, message: dict) -> Question:
    """The pack question a quiz or review message shows."""
    text = text_of(message)
    pack = bot.core.library.pack(bot.core.default_pack)
    return next(question for question in pack.questions if question.prompt.strip() in text)


def alice(bot: DiscordBot) -> MemberRef:
    return MemberRef("discord", str(payloads.user_id("alice")), "Alice")


def button(message: dict, ending: str) -> str:
    return next(item for item in custom_ids(message) if item.endswith(ending))


async def review_all_wrong(bot: DiscordBot, who: str, count: int) -> Reply:
    """Run a review session, answering every question wrongly (so each is due again soon)."""
    reply = await bot.command("review", who, count=count)
    message = reply.last
    for _ in range(count):
        right = shown_question(bot, message).correct_letter
        wrong = next(letter for letter in "ABCD" if letter != right)
        reply = await bot.click(message, button(message, f":{wrong}"), who)
        message = reply.last
    return reply


def attachments(bot: DiscordBot, message: dict) -> dict[str, bytes]:
    return {item["filename"]: bot.fake.files[int(item["id"])] for item in message["attachments"]}


async def test_a_review_is_a_private_session_labelled_review_that_reschedules_cards(bot):
    start = await bot.command("review", "alice", count=2)
    assert start.ephemeral
    assert "Review 1/2" in start.text
    assert all(
        item.startswith(("qotd:review:", "qotd:review-stop:")) for item in custom_ids(start.last)
    )
    step = await bot.click(start.last, button(start.last, ":A"), "alice")
    assert "Review 2/2" in step.text
    done = await bot.click(step.last, button(step.last, ":B"), "alice")
    assert "Review done:" in done.text
    assert "comes back for review" in done.text
    assert (await review_stats(bot.core, alice(bot))).cards == 2


async def test_a_review_survives_a_restart_and_can_be_stopped(bot):
    start = await bot.command("review", "alice", count=3)
    await bot.restart()
    step = await bot.click(start.last, button(start.last, ":A"), "alice")
    assert "Review 2/3" in step.text
    stop = next(item for item in custom_ids(step.last) if item.startswith("qotd:review-stop:"))
    stopped = await bot.click(step.last, stop, "alice")
    assert "Review stopped" in stopped.text


async def posted_and_revealed(bot: DiscordBot, writers: tuple[str, ...]) -> dict:
    await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")
    await bot.advance(timedelta(days=1))
    post = bot.posts()[-1]
    for name in writers:
        await bot.write(post, name, f"{name}'s answer: bias against variance")
    await bot.advance(timedelta(hours=9))
    return bot.reveals()[0]


async def test_writers_rate_their_answer_with_buttons_on_the_reveal(bot):
    reveal = await posted_and_revealed(bot, ("alice", "carol"))
    post_id = (await bot.current()).post.id
    # (The vote buttons for the most helpful answer follow: see test_votes.)
    assert [i for i in custom_ids(reveal) if not i.startswith("qotd:vote:")] == [
        f"qotd:rate:{post_id}:{r}" for r in ("again", "hard", "good", "easy")
    ]
    assert reveal["embeds"][0]["url"].endswith(f"/{bot.posts()[-1]['id']}")
    rated = await bot.click(reveal, button(reveal, ":good"), "alice")
    assert rated.ephemeral
    assert "Rated **good**" in rated.text
    again = await bot.click(reveal, button(reveal, ":easy"), "alice")
    assert "no unrated written answer" in again.text
    await bot.restart()
    assert "Rated **easy**" in (await bot.click(reveal, button(reveal, ":easy"), "carol")).text


async def test_a_member_who_wrote_nothing_cannot_rate_and_a_reveal_without_writers_has_no_buttons(
    bot,
):
    reveal = await posted_and_revealed(bot, ("alice",))
    refused = await bot.click(reveal, button(reveal, ":good"), "bob")
    assert "no unrated written answer" in refused.text
    assert refused.ephemeral
    await bot.advance(timedelta(days=1))
    await bot.advance(timedelta(hours=9))
    assert custom_ids(bot.reveals()[-1]) == []


async def test_a_reminder_is_a_direct_message_when_reviews_are_due(bot):
    await review_all_wrong(bot, "alice", 2)
    reply = await bot.command("remind", "alice", time="11:00", timezone="Europe/London")
    assert "Every day at 11:00 Europe/London" in reply.text
    await bot.advance(timedelta(hours=2))
    [dm] = bot.fake.dm_messages(payloads.user_id("alice"))
    assert "review" in dm["content"] and "/qotd review" in dm["content"]
    assert dm["_pings"] == {"everyone": [], "roles": [], "users": []}
    off = await bot.command("remind", "alice", time="off")
    assert "Reminders are off" in off.text
    await bot.advance(timedelta(days=1))
    assert len(bot.fake.dm_messages(payloads.user_id("alice"))) == 1


async def test_a_reminder_names_the_channel_whose_streak_is_at_risk(bot):
    await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")
    await bot.advance(timedelta(days=1))
    first = bot.posts()[-1]
    await bot.click(first, custom_ids(first)[0], "dana")
    await bot.command("remind", "dana", time="12:00", timezone="UTC")
    await bot.advance(timedelta(days=1, hours=3))  # the next post is out, not yet answered
    tuesday, wednesday = [dm["content"] for dm in bot.fake.dm_messages(payloads.user_id("dana"))]
    assert "streak" not in tuesday  # Tuesday's question was answered by 12:00
    assert (
        f"Your 1-day streak in <#{payloads.CHANNEL_ID}> ends unless you answer today's question"
        in wednesday
    )


async def test_closed_dms_cost_the_day_s_reminder_and_nothing_else(bot, fake, caplog):
    await review_all_wrong(bot, "alice", 1)
    await bot.command("remind", "alice", time="11:00", timezone="UTC")
    fake.refuse(payloads.user_id("alice"), 403, 50007, "Cannot send messages to this user")
    await bot.advance(timedelta(hours=2))
    assert bot.fake.dm_messages(payloads.user_id("alice")) == []
    assert "closed their DMs" in caplog.text
    assert "Review 1/1" in (await bot.command("review", "alice", count=1)).text


async def test_a_bad_reminder_time_is_explained(bot):
    reply = await bot.command("remind", "alice", time="25:99")
    assert reply.ephemeral
    assert "25:99" in reply.text
    zone = await bot.command("remind", "alice", time="08:00", timezone="Mars/Olympus")
    assert "Mars/Olympus" in zone.text


async def test_stats_shows_the_text_with_review_stats_and_the_progress_card(bot):
    await review_all_wrong(bot, "alice", 2)
    reply = await bot.command("stats", "alice")
    assert reply.ephemeral
    assert "Quiz answers: 2" in reply.text
    assert "Reviews due today: 2 (cards: 2)" in reply.text
    files = attachments(bot, reply.last)
    assert list(files) == ["progress.png"]
    assert files["progress.png"].startswith(PNG)
    assert reply.last["embeds"][0]["image"]["url"] == "attachment://progress.png"
    assert reply.last["attachments"][0]["description"] == "Answers per day and accuracy by topic"


async def test_the_leaderboard_chart_has_the_same_numbers_as_its_text(bot):
    await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")
    await bot.advance(timedelta(days=1))
    post = bot.posts()[-1]
    await bot.click(post, custom_ids(post)[0], "alice")
    reply = await bot.command("leaderboard", "alice", chart=True)
    points = await progress.weekly_points(bot.core, CHANNEL)
    for label, value in points.weeks:
        assert f"`{label}` {value}" in reply.text
    assert sum(value for _, value in points.weeks) > 0
    assert attachments(bot, reply.last)["weekly-points.png"].startswith(PNG)
    plain = await bot.command("leaderboard", "alice")
    assert plain.last["attachments"] == []


async def test_a_picture_over_the_upload_limit_is_left_out_with_a_note(bot):
    payload = payloads.slash("stats", "alice")
    payload["attachment_size_limit"] = 1000
    reply = await bot.send(payload)
    assert reply.last["attachments"] == []
    assert "over this server's upload limit" in reply.text
    assert "Daily answers" in reply.text


async def test_a_picture_is_left_out_with_a_note_where_the_bot_may_not_attach_files(bot):
    payload = payloads.slash("stats", "alice")
    without = payloads.BOT_PERMISSIONS.value & ~discord.Permissions(attach_files=True).value
    payload["app_permissions"] = str(without)
    reply = await bot.send(payload)
    assert reply.last["attachments"] == []
    assert "needs the bot's Attach Files permission" in reply.text
    assert "Daily answers" in reply.text


async def test_help_lists_review_remind_and_rating(bot):
    text = (await bot.command("help", "alice")).text
    assert (
        "/qotd review" in text and "/qotd remind" in text and "Again / Hard / Good / Easy" in text
    )


async def test_the_fake_refuses_uploads_over_discord_s_limits(bot, fake):
    channel = bot.client.get_partial_messageable(payloads.CHANNEL_ID)
    eleven = [discord.File(io.BytesIO(PNG), filename=f"{n}.png") for n in range(11)]
    with pytest.raises(discord.HTTPException):
        await channel.send(files=eleven)
    fake.file_limit = 4
    with pytest.raises(discord.HTTPException):
        await channel.send(file=discord.File(io.BytesIO(PNG), filename="big.png"))
    assert any("11 attachments" in problem for problem in fake.violations)
    assert any("big.png has 8 bytes" in problem for problem in fake.violations)
    fake.violations.clear()  # refused on purpose
