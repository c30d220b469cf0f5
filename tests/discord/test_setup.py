"""Setting up: the invite URL, command sync to a dev guild, sharding, and the front end."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import discord
import pytest

from adapters.discord import create_front_end
from adapters.discord.client import ShardedQotdClient
from adapters.discord.invite import invite_url, permissions
from bot.config import Settings
from bot.errors import QotdError
from tests.discord.harness import DiscordBot, settings


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
