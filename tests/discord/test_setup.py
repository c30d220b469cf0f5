"""Setting up: the invite URL, command sync to a dev guild, sharding, and the front end."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import discord
import pytest

from adapters.discord import create_front_end
from adapters.discord.admin_commands import FORUM
from adapters.discord.client import ShardedQotdClient
from adapters.discord.dev_guild import clear_guild_commands
from adapters.discord.invite import invite_url, permissions
from bot.config import Settings
from bot.errors import QotdError
from bot.services import subscriptions
from tests.discord import payloads
from tests.discord.harness import CHANNEL, DiscordBot, settings


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_the_invite_url_uses_the_app_id_scopes_and_minimal_permissions():
    url = invite_url(Settings(discord_app_id=1234567890123))
    params = query(url)
    assert params["client_id"] == ["1234567890123"]
    assert params["scope"] == ["bot applications.commands"]
    assert params["permissions"] == [str(permissions().value)]
    granted = discord.Permissions(int(params["permissions"][0]))
    assert granted.send_messages and granted.embed_links and granted.create_public_threads
    assert not granted.administrator and not granted.mention_everyone and not granted.manage_guild


def test_the_invite_asks_for_exactly_the_permissions_the_bot_uses():
    used = {
        "view_channel": "see the channel",
        "send_messages": "post the question and the reveal",
        "embed_links": "questions, answers and replies are embeds",
        "attach_files": "the progress card and the weekly-points chart",
        "read_message_history": "find what a crashed attempt already sent",
        "create_public_threads": "the discussion thread",
        "send_messages_in_threads": "the reveal in the thread",
    }
    assert permissions() == discord.Permissions(**dict.fromkeys(used, True))
    assert permissions().value == (
        (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 35) | (1 << 38)
    )


def test_the_invite_url_reads_the_app_id_from_the_token():
    first = base64.b64encode(b"987654321098765432").decode().rstrip("=")
    url = invite_url(Settings(discord_token=f"{first}.abc.def"))  # type: ignore[arg-type]
    assert query(url)["client_id"] == ["987654321098765432"]


def test_the_invite_url_without_app_id_or_token_says_what_to_set(monkeypatch):
    for name in ("QOTD_DISCORD_TOKEN", "DISCORD_TOKEN", "QOTD_DISCORD_APP_ID"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(QotdError, match="QOTD_DISCORD_APP_ID"):
        invite_url(Settings(_env_file=None))  # type: ignore[call-arg]
    with pytest.raises(QotdError, match="does not look like a bot token"):
        invite_url(Settings(_env_file=None, discord_token="not-a-token"))  # type: ignore[call-arg]


def test_shards_use_the_auto_sharded_client(core):
    front = create_front_end(core, settings(discord_shards=3))
    assert isinstance(front.client, ShardedQotdClient)
    assert isinstance(front.client, discord.AutoShardedClient)
    assert front.client.shard_count == 3
    assert front.chat.platform == "discord"


async def test_commands_sync_to_the_dev_guild_when_set(core, fake):
    bot = DiscordBot(core, fake, settings(discord_dev_guild=4242))
    await bot.start()
    await bot.close()
    assert "4242" in fake.commands
    assert fake.commands["4242"][0]["name"] == "qotd"
    assert fake.commands["4242"][0]["contexts"] == [0]  # servers only


async def test_a_dev_guild_copy_of_the_commands_can_be_cleared(core, fake):
    bot = DiscordBot(core, fake, settings(discord_dev_guild=4242))
    await bot.start()
    await bot.close()
    assert fake.commands["4242"]

    await clear_guild_commands(settings(), 4242)

    assert fake.commands["4242"] == []
    assert "global" not in fake.commands  # global commands are left alone


async def test_scheduling_from_a_thread_schedules_its_parent_channel(bot):
    payload = payloads.slash("schedule", "admin", payloads.ADMIN, time="09:00", timezone="UTC")
    thread_id = payloads.CHANNEL_ID + 100

    reply = await bot.send(payloads.in_thread(payload, thread_id, payloads.CHANNEL_ID))

    assert "Scheduled" in reply.text
    status = await subscriptions.channel_status(bot.core, CHANNEL)
    assert status.subscription.channel == CHANNEL


async def test_a_forum_post_cannot_be_scheduled(bot):
    payload = payloads.slash("schedule", "admin", payloads.ADMIN, time="09:00", timezone="UTC")
    forum_post = payloads.FORUM_ID + 100

    reply = await bot.send(payloads.in_thread(payload, forum_post, payloads.FORUM_ID))

    assert FORUM in reply.text and reply.ephemeral
