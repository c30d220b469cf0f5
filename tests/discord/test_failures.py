"""Platform failures: a 403 or a deleted channel pauses the subscription with a reason the
admin sees; server errors are retried; rate limits are waited out and never exceeded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.discord.chat import DiscordChat
from bot.clock import ManualClock
from bot.domain.identity import ChannelRef
from bot.ports import OutgoingPost
from tests.discord import payloads


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return clock


async def schedule(bot):
    await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")


async def test_a_403_on_post_pauses_the_subscription_and_status_says_why(bot, fake):
    await schedule(bot)
    fake.refuse(payloads.CHANNEL_ID, 403, 50013, "Missing Permissions")
    await bot.advance(timedelta(days=1))
    assert bot.posts() == []
    status = await bot.command("status", "admin", admin=True)
    assert "Paused" in status.text
    assert "403 Missing Permissions" in status.text
    assert "Send Messages" in status.text


async def test_post_now_tells_the_admin_when_discord_refuses(bot, fake):
    await schedule(bot)
    fake.refuse(payloads.CHANNEL_ID, 403, 50001, "Missing Access")
    reply = await bot.command("post-now", "admin", admin=True)
    assert "Could not post" in reply.text
    assert "Missing Access" in reply.text


async def test_a_deleted_channel_pauses_the_subscription(bot, fake):
    await schedule(bot)
    fake.refuse(payloads.CHANNEL_ID, 404, 10003, "Unknown Channel")
    await bot.advance(timedelta(days=1))
    status = await bot.command("status", "admin", admin=True)
    assert "is gone or hidden" in status.text


async def test_a_server_error_is_retried_on_the_next_tick(bot, fake):
    await schedule(bot)
    fake.refuse(payloads.CHANNEL_ID, 503, 0, "Service Unavailable")
    await bot.advance(timedelta(days=1))
    assert bot.posts() == []
    status = await bot.command("status", "admin", admin=True)
    assert "Paused" not in status.text
    assert "503" in status.text
    fake.refusals.clear()
    await bot.tick()
    assert len(bot.posts()) == 1


async def test_a_429_is_waited_out_and_the_post_still_goes(bot, fake, caplog):
    await schedule(bot)
    fake.rate_limits.append(0.05)
    await bot.advance(timedelta(days=1))
    assert len(bot.posts()) == 1
    statuses = [r.status for r in fake.requests if r.path.endswith("/messages")]
    assert statuses == [429, 200]  # one refusal, one retry: the post was not sent twice
    assert not fake.rate_limits  # the fake handed out its Retry-After...
    waits = [r.getMessage() for r in caplog.records if "responded with 429" in r.getMessage()]
    assert len(waits) == 1 and waits[0].endswith("Retrying in 0.05 seconds.")  # ...honoured


async def test_the_fan_out_stays_under_the_global_rate_limit(bot, fake, library):
    fake.limit_rate(10)
    chat = DiscordChat(bot.client, per_second=8)
    question = library.pack("sample").questions[0]
    posts = [
        OutgoingPost(
            post_id=number,
            channel=ChannelRef("discord", str(payloads.GUILD_ID), str(700000000000001000 + number)),
            question=question,
            day_number=1,
            reveal_at=datetime(2026, 3, 3, 17, 0, tzinfo=UTC),
            timezone="UTC",
        )
        for number in range(14)
    ]
    for post in posts:
        await chat.send_question(post)
    assert len(fake.created) == 14
    assert [r.status for r in fake.requests if r.path.endswith("/messages")] == [200] * 14
    assert fake.violations == []  # the fake counts each second's requests against its limit


async def test_reveal_now_tells_the_admin_when_discord_refuses_the_answer(bot, fake):
    await schedule(bot)
    await bot.advance(timedelta(days=1))
    fake.refuse(payloads.CHANNEL_ID, 403, 50013, "Missing Permissions")
    reply = await bot.command("reveal-now", "admin", admin=True)
    assert "could not be posted yet" in reply.text
    assert "Missing Permissions" in reply.text
