"""Discord shards split across processes: the sharding formula, the settings that choose a
process's shards, and the front end and Chat they configure."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import discord
import pytest

from adapters.discord import create_front_end
from adapters.discord.chat import DiscordChat
from adapters.discord.client import ShardedQotdClient
from bot.bootstrap import build_core
from bot.config import Settings, load_settings
from bot.domain.identity import ChannelRef
from bot.errors import QotdError
from bot.services import posting
from bot.shards import Shards, parse_shards, served_shards
from tests.conftest import FIXTURES
from tests.discord.harness import DiscordBot, settings
from tests.fakes import RecordingChat
from tests.integration.helpers import subscribe
from tests.processes import deadline

# A real guild id (the discord.py server) and its snowflake timestamp (id >> 22): the
# milliseconds from Discord's epoch (2015) to the server's creation.
GUILD = 336642139381301249
CREATED = datetime(2017, 7, 17, 22, 55, 40, 537000, tzinfo=UTC)
TIMESTAMP = (CREATED - datetime(2015, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def core_settings() -> Settings:
    return Settings(content_dir=FIXTURES / "packs", default_pack="sample", review_fuzz=False)


def guild_on(timestamp: int) -> int:
    """A guild id with this snowflake timestamp (and arbitrary low bits)."""
    return (timestamp << 22) | 0x2A_5F3


def test_a_guild_is_on_the_shard_of_its_snowflake_timestamp_modulo_the_count():
    assert GUILD >> 22 == TIMESTAMP
    assert Shards.all_of(16).shard_of(GUILD) == TIMESTAMP % 16 == 9
    assert Shards.all_of(1).shard_of(GUILD) == 0
    # The low 22 bits (worker, process, increment) never move a guild to another shard.
    assert {Shards.all_of(5).shard_of((TIMESTAMP << 22) | low) for low in (0, 1, 2**22 - 1)} == {
        TIMESTAMP % 5
    }


def test_a_process_holds_only_the_guilds_on_its_shards():
    shards = Shards(4, frozenset({1, 2}))
    held = [timestamp for timestamp in range(12) if shards.holds(guild_on(timestamp))]
    assert held == [1, 2, 5, 6, 9, 10]
    assert not shards.covers_all
    assert Shards.all_of(4).covers_all


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("0-3", {0, 1, 2, 3}),
        ("0,1,2,3", {0, 1, 2, 3}),
        ("5", {5}),
        (" 0-1, 4 ,6-7 ", {0, 1, 4, 6, 7}),
        ("2,2,1-2", {1, 2}),
    ],
)
def test_shard_ids_are_read_as_ids_and_inclusive_ranges(text, ids):
    assert parse_shards(text, 8) == Shards(8, frozenset(ids))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0-8", "shard id 8 is not below the shard count 8"),
        ("9", "shard id 9 is not below the shard count 8"),
        ("0-99999999999", "not below the shard count 8"),  # refused before it is spelled out
        ("3-1", "runs backwards"),
        ("one", "not a shard id or range"),
        ("-1", "not a shard id or range"),
        ("0-", "not a shard id or range"),
        (",", "at least one shard id"),
    ],
)
def test_bad_shard_ids_say_what_is_wrong(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_shards(text, 8)


def test_a_shard_set_must_lie_within_its_count():
    with pytest.raises(ValueError, match="not below the shard count 2"):
        Shards(2, frozenset({0, 2}))
    with pytest.raises(ValueError, match="at least one shard"):
        Shards(2, frozenset())


def test_without_shard_ids_a_process_runs_every_shard():
    assert Settings(discord_shards=4).discord_shard_set == Shards.all_of(4)
    assert Settings().discord_shard_set is None


def test_the_shard_ids_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("QOTD_DISCORD_SHARDS", "8")
    monkeypatch.setenv("QOTD_DISCORD_SHARD_IDS", "4-7")
    loaded = load_settings()
    assert loaded.discord_shard_set == Shards(8, frozenset({4, 5, 6, 7}))
    assert loaded.discord_shard_ids == "4,5,6,7"


@pytest.mark.parametrize(
    ("environment", "fragment"),
    [
        ({"QOTD_DISCORD_SHARD_IDS": "0-1"}, "set QOTD_DISCORD_SHARDS to the total shard count"),
        (
            {"QOTD_DISCORD_SHARDS": "2", "QOTD_DISCORD_SHARD_IDS": "1-2"},
            "shard id 2 is not below the shard count 2",
        ),
        ({"QOTD_DISCORD_SHARDS": "2", "QOTD_DISCORD_SHARD_IDS": "half"}, "not a shard id"),
    ],
)
def test_bad_shard_settings_are_one_clear_line_naming_the_setting(
    monkeypatch, environment, fragment
):
    monkeypatch.delenv("QOTD_DISCORD_SHARDS", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(QotdError, match="QOTD_DISCORD_SHARD_IDS") as raised:
        load_settings()
    assert fragment in raised.value.message
    assert "\n" not in raised.value.message


def test_a_process_connects_only_its_shards_and_its_chat_knows_them(core):
    front = create_front_end(core, settings(discord_shards=4, discord_shard_ids="2-3"))
    assert isinstance(front.client, ShardedQotdClient)
    assert isinstance(front.client, discord.AutoShardedClient)
    assert front.client.shard_count == 4
    assert front.client.shard_ids == [2, 3]
    assert front.chat.shards == Shards(4, frozenset({2, 3}))
    assert served_shards({"discord": front.chat}) == {"discord": Shards(4, frozenset({2, 3}))}


def test_an_unsharded_process_and_one_running_every_shard_serve_every_guild(core):
    unsharded = create_front_end(core, settings())
    everything = create_front_end(core, settings(discord_shards=4))
    assert unsharded.chat.shards is None
    assert everything.client.shard_ids == [0, 1, 2, 3]
    assert served_shards({"discord": unsharded.chat}) == {}
    assert served_shards({"discord": everything.chat}) == {}


def test_chats_without_shards_are_served_whole():
    partial = DiscordChat(
        discord.Client(intents=discord.Intents.none()), shards=Shards(2, frozenset({0}))
    )
    chats = {"discord": partial, "slack": RecordingChat("slack")}
    assert served_shards(chats) == {"discord": Shards(2, frozenset({0}))}


async def test_two_front_ends_on_half_the_shards_each_post_only_to_their_own_servers(
    core, fake, clock, database, library
):
    """Two real discord.py front ends, each running one of two shards, on one database."""
    second_core = build_core(core_settings(), database, clock=clock, library=library)
    processes = [
        DiscordBot(process_core, fake, settings(discord_shards=2, discord_shard_ids=str(shard)))
        for shard, process_core in enumerate((core, second_core))
    ]
    servers = [ChannelRef("discord", str(guild_on(TIMESTAMP + n)), str(900 + n)) for n in range(20)]
    first_half = {c.channel_id for c in servers if Shards.all_of(2).shard_of(int(c.group_id)) == 0}
    assert len(first_half) == 10
    clock.set(datetime(2026, 3, 2, 7, 30, tzinfo=UTC))
    for server in servers:
        await subscribe(core, server, "08:00", "UTC")
    try:
        for bot in processes:
            await bot.start()
        clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
        async with deadline(60, "shard 0's posts"):
            assert (await posting.tick(core, processes[0].chats)).posted == 10
        assert messages_per_channel(fake, servers) == {
            c.channel_id: int(c.channel_id in first_half) for c in servers
        }
        async with deadline(60, "shard 1's posts"):
            assert (await posting.tick(second_core, processes[1].chats)).posted == 10
        assert messages_per_channel(fake, servers) == {c.channel_id: 1 for c in servers}

        clock.set(datetime(2026, 3, 2, 16, 1, tzinfo=UTC))
        async with deadline(60, "both shards' reveals"):
            reports = await asyncio.gather(
                *(posting.tick(bot.core, bot.chats) for bot in processes)
            )
        assert [report.revealed for report in reports] == [10, 10]
        assert messages_per_channel(fake, servers) == {c.channel_id: 2 for c in servers}
    finally:
        for bot in processes:
            await bot.close()


def messages_per_channel(fake, servers) -> dict[str, int]:
    """How many messages each server's study channel holds."""
    return {c.channel_id: len(fake.channel_messages(int(c.channel_id))) for c in servers}
