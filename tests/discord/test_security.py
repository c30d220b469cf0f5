"""Security on Discord: a dead token stops only this front end, with one line naming the
setting; the token never reaches a log, a reply or a message; and no member can answer,
rate or delete for another."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime, timedelta

import pytest

from adapters.discord import create_front_end
from adapters.discord.client import TokenRejected
from bot.clock import ManualClock
from bot.services import answers
from qotd import app
from tests.discord import payloads
from tests.discord.fake_api import APP_ID
from tests.discord.harness import DiscordBot, custom_ids, settings, text_of
from tests.fakes import RecordingChat

# The first part of a bot token is the (public) application id; the rest is the secret.
SECRET = "MTA5.Gq7xZb.s3cr3t-PART-that-must-never-leak_0123456789"
APP_PART = base64.b64encode(str(APP_ID).encode()).decode().rstrip("=")
LIVE_TOKEN = f"{APP_PART}.{SECRET}"
DEAD_TOKEN = f"{APP_PART}.DEAD.{SECRET[::-1]}"


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return clock


async def test_a_dead_token_stops_the_front_end_with_one_line_naming_the_setting(core, fake):
    bot = DiscordBot(core, fake, settings(discord_token=DEAD_TOKEN))
    with pytest.raises(TokenRejected) as raised:
        await bot.start()
    await bot.close()
    message = str(raised.value)
    assert "QOTD_DISCORD_TOKEN" in message and "401" in message
    assert SECRET[::-1] not in message and DEAD_TOKEN not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


async def test_the_runner_keeps_other_front_ends_when_discord_s_token_is_dead(core, fake, caplog):
    caplog.set_level(logging.DEBUG)
    front = create_front_end(core, settings(discord_token=DEAD_TOKEN))
    slack = RecordingChat("slack")
    chats = {"discord": front.chat, "slack": slack}
    try:
        assert await app._supervise("discord", front, chats) is False
    finally:
        await front.close()
    assert chats == {"slack": slack}  # the other front end's chat keeps its scheduler
    [line] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "the discord front end stopped" in line.getMessage()
    assert "QOTD_DISCORD_TOKEN" in line.getMessage()
    assert SECRET[::-1] not in caplog.text


async def test_the_token_never_reaches_a_log_a_reply_or_a_message(core, fake, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    fake.token = LIVE_TOKEN
    bot = DiscordBot(core, fake, settings(discord_token=LIVE_TOKEN))
    await bot.start()
    try:
        await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")
        await bot.advance(timedelta(days=1))
        post = bot.posts()[-1]
        await bot.click(post, custom_ids(post)[0], "alice")
        await bot.write(post, "bob", "my answer")
        await bot.command("stats", "alice")
        await bot.command("remind", "alice", time="nonsense")
        await bot.command("review", "carol", count=1)
        fake.refuse(payloads.CHANNEL_ID, 403, 50013, "Missing Permissions")
        await bot.command("reveal-now", "admin", admin=True)  # a failure from Discord
        fake.refusals.clear()

        async def broken(core, request):
            raise RuntimeError("database on fire")

        monkeypatch.setattr(answers, "submit", broken)  # a bug: the generic error path
        await bot.click(post, custom_ids(post)[1], "dave")
        await bot.advance(timedelta(days=1))
    finally:
        await bot.close()
    replies = [text_of(m) for state in fake.interactions.values() for m in state.replies]
    sent = [repr(request.body) + request.path for request in fake.requests]
    assert any("Sorry, that failed on our side" in text for text in replies)
    assert any("Missing Permissions" in text for text in replies)
    for where in (caplog.text, "\n".join(replies), "\n".join(sent)):
        assert SECRET not in where
        assert LIVE_TOKEN not in where


async def schedule_and_post(bot: DiscordBot) -> dict:
    await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")
    await bot.advance(timedelta(days=1))
    return bot.posts()[-1]


async def test_a_member_cannot_answer_another_member_s_quiz_or_review(bot):
    for command in ("quiz", "review"):
        start = await bot.command(command, "alice", count=2)
        letter = next(item for item in custom_ids(start.last) if item.endswith(":A"))
        intruder = await bot.click(start.last, letter, "mallory")
        assert "quiz" in intruder.text.lower() and "2/2" not in intruder.text
        stop = next(item for item in custom_ids(start.last) if "-stop:" in item)
        assert "stopped" not in (await bot.click(start.last, stop, "mallory")).text
        own = await bot.click(start.last, letter, "alice")
        assert "2/2" in own.text  # alice's session was untouched


async def test_a_member_cannot_rate_or_delete_another_member_s_answer(bot):
    post = await schedule_and_post(bot)
    await bot.write(post, "alice", "alice's answer")
    await bot.advance(timedelta(hours=9))
    reveal = bot.reveals()[0]
    good = next(item for item in custom_ids(reveal) if item.endswith(":good"))
    assert "no unrated written answer" in (await bot.click(reveal, good, "mallory")).text
    assert "Nothing was stored" in (await bot.command("forget-me", "mallory")).text
    assert "Rated **good**" in (await bot.click(reveal, good, "alice")).text
    stats = await bot.command("stats", "alice")
    assert "1 written" in stats.text
