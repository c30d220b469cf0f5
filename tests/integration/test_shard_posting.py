"""Discord shards split across processes on one database: each process claims, posts and
reveals only for guilds on its own shards, every guild's post and reveal is made exactly
once, and a process killed mid-wave is taken over by its restart, never by another shard's."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from bot.bootstrap import build_core
from bot.config import Settings
from bot.domain.identity import ChannelRef, MemberRef
from bot.ports import OutgoingPost, OutgoingReveal, SentPost
from bot.services import nudges, posting
from bot.shards import Shards
from bot.storage.shards import served
from bot.storage.tables import groups
from tests.conftest import FIXTURES
from tests.fakes import RecordingChat
from tests.integration.helpers import subscribe
from tests.processes import deadline

GUILDS = 20
COUNT = 2
BEFORE = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # every guild's post time (UTC)
# Reveals come eight hours after each post went out; by then even a post a killed process
# left for its restart (sent a minute late) is due.
REVEAL = NINE + timedelta(hours=8, minutes=2)


def guild_id(number: int) -> int:
    """A Discord-like guild id: a snowflake timestamp in 2023 (shard by number parity at a
    count of 2), with low bits that play no part in the shard."""
    return ((250_000_000_000 + number) << 22) | (number * 7919 % (1 << 22))


def guilds() -> list[ChannelRef]:
    return [ChannelRef("discord", str(guild_id(n)), f"study-{n}") for n in range(GUILDS)]


def shard_of(guild: str) -> int:
    """Discord's formula, written out here on its own: (guild_id >> 22) % shard_count."""
    return (int(guild) >> 22) % COUNT


class ShardProcess:
    """One process's Discord Chat: it runs `shards` and sends to the one shared platform
    (`platform` records every message, whoever sent it). A process may be `killed` at its
    send number `die_at`: that send, and every later one, hangs until the process is gone."""

    def __init__(
        self, platform: RecordingChat, shards: Shards, *, die_at: int | None = None
    ) -> None:
        self.platform_chat = platform
        self.shards = shards
        self.die_at = die_at
        self.attempts = 0
        self.sent: list[str] = []  # guild ids of what this process posted and revealed
        self.hung = asyncio.Event()

    @property
    def platform(self) -> str:
        return "discord"

    async def _send_or_hang(self) -> None:
        self.attempts += 1
        if self.die_at is not None and self.attempts >= self.die_at:
            self.hung.set()
            await asyncio.Event().wait()  # the process is killed here

    async def send_question(self, post: OutgoingPost) -> SentPost:
        await self._send_or_hang()
        self.sent.append(post.channel.group_id)
        return await self.platform_chat.send_question(post)

    async def send_reveal(self, reveal: OutgoingReveal) -> None:
        await self._send_or_hang()
        if reveal.first_part < self.platform_chat.reveal_parts:  # else already all out
            self.sent.append(reveal.channel.group_id)
        await self.platform_chat.send_reveal(reveal)

    async def find_question(self, post: OutgoingPost) -> SentPost | None:
        return await self.platform_chat.find_question(post)

    async def find_reveal(self, reveal: OutgoingReveal) -> int:
        return await self.platform_chat.find_reveal(reveal)

    @property
    def chats(self) -> dict[str, ShardProcess]:
        return {"discord": self}


def half(shard: int) -> Shards:
    return Shards(COUNT, frozenset({shard}))


def worker(database, clock, library):
    settings = Settings(content_dir=FIXTURES / "packs", default_pack="sample", lease_seconds=60)
    return build_core(settings, database, clock=clock, library=library)


async def twenty_guilds_due_at_nine(core, clock) -> None:
    clock.set(BEFORE)
    for channel in guilds():
        await subscribe(core, channel, "09:00", "UTC")
    clock.set(NINE)


def assert_each_guild_once_by_its_own_shard(platform_sends, processes) -> None:
    """Every guild got exactly one message of the kind, sent by a process on its shard."""
    per_guild = Counter(platform_sends)
    assert per_guild == Counter({channel.group_id: 1 for channel in guilds()}), per_guild
    for process in processes:
        assert all(shard_of(guild) in process.shards.ids for guild in process.sent), (
            process.shards,
            process.sent,
        )


async def test_the_guilds_split_evenly_over_two_shards():
    assert Counter(shard_of(channel.group_id) for channel in guilds()) == {0: 10, 1: 10}


async def test_two_processes_on_half_the_shards_each_post_and_reveal_every_guild_once(
    database, clock, library
):
    platform = RecordingChat("discord")
    first, second = worker(database, clock, library), worker(database, clock, library)
    processes = [ShardProcess(platform, half(0)), ShardProcess(platform, half(1))]
    await twenty_guilds_due_at_nine(first, clock)

    async with deadline(60, "both processes' nine o'clock ticks"):
        reports = await asyncio.gather(
            posting.tick(first, processes[0].chats), posting.tick(second, processes[1].chats)
        )

    assert [report.posted for report in reports] == [10, 10]
    assert_each_guild_once_by_its_own_shard(
        [post.channel.group_id for post in platform.posts], processes
    )

    clock.set(REVEAL)
    for process in processes:
        process.sent.clear()
    async with deadline(60, "both processes' reveal ticks"):
        reports = await asyncio.gather(
            posting.tick(first, processes[0].chats), posting.tick(second, processes[1].chats)
        )

    assert [report.revealed for report in reports] == [10, 10]
    assert_each_guild_once_by_its_own_shard(
        [reveal.channel.group_id for reveal in platform.reveals], processes
    )


async def test_a_process_killed_mid_wave_is_taken_over_by_its_restart_not_by_another_shard(
    database, clock, library
):
    platform = RecordingChat("discord")
    doomed, other = worker(database, clock, library), worker(database, clock, library)
    dying = ShardProcess(platform, half(0), die_at=4)  # three posts out, then killed
    healthy = ShardProcess(platform, half(1))
    await twenty_guilds_due_at_nine(doomed, clock)

    doomed_tick = asyncio.create_task(posting.tick(doomed, dying.chats))
    async with deadline(60, "the doomed process to hang at its fourth send"):
        await asyncio.gather(dying.hung.wait(), posting.tick(other, healthy.chats))
    doomed_tick.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await doomed_tick
    assert len(dying.sent) == 3

    # The other shard's process ticks on past the dead one's leases: none of its posts.
    clock.advance(timedelta(seconds=61))
    await posting.tick(other, healthy.chats)
    assert len(platform.posts) == 3 + 10

    restarted = ShardProcess(platform, half(0))
    async with deadline(60, "the restarted process's tick"):
        report = await posting.tick(worker(database, clock, library), restarted.chats)
    assert report.posted == 7
    assert_each_guild_once_by_its_own_shard(
        [post.channel.group_id for post in platform.posts], [dying, healthy, restarted]
    )

    clock.set(REVEAL)
    healthy.sent.clear()
    restarted.sent.clear()
    async with deadline(60, "both processes' reveal ticks"):
        await asyncio.gather(
            posting.tick(worker(database, clock, library), restarted.chats),
            posting.tick(other, healthy.chats),
        )
    assert_each_guild_once_by_its_own_shard(
        [reveal.channel.group_id for reveal in platform.reveals], [healthy, restarted]
    )


async def test_a_reveal_left_by_a_process_killed_mid_reveal_waits_for_its_own_shard(
    database, clock, library
):
    platform = RecordingChat("discord")
    first, second = worker(database, clock, library), worker(database, clock, library)
    await twenty_guilds_due_at_nine(first, clock)
    await asyncio.gather(
        posting.tick(first, ShardProcess(platform, half(0)).chats),
        posting.tick(second, ShardProcess(platform, half(1)).chats),
    )
    clock.set(REVEAL)
    dying = ShardProcess(platform, half(0), die_at=6)  # five reveals out, then killed
    doomed_tick = asyncio.create_task(posting.tick(first, dying.chats))
    async with deadline(60, "the doomed process to hang at its sixth reveal"):
        await dying.hung.wait()
    doomed_tick.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await doomed_tick

    clock.advance(timedelta(seconds=61))
    healthy = ShardProcess(platform, half(1))
    await posting.tick(second, healthy.chats)
    assert len(platform.reveals) == 5 + 10

    restarted = ShardProcess(platform, half(0))
    await posting.tick(worker(database, clock, library), restarted.chats)
    assert len(restarted.sent) == 5
    assert_each_guild_once_by_its_own_shard(
        [reveal.channel.group_id for reveal in platform.reveals], [dying, healthy, restarted]
    )


async def test_a_process_running_every_shard_posts_to_every_guild(database, clock, library):
    platform = RecordingChat("discord")
    core = worker(database, clock, library)
    everything = ShardProcess(platform, Shards.all_of(COUNT))
    await twenty_guilds_due_at_nine(core, clock)
    report = await posting.tick(core, everything.chats)
    assert report.posted == GUILDS
    assert Counter(post.channel.group_id for post in platform.posts) == Counter(
        channel.group_id for channel in guilds()
    )


async def test_other_platforms_are_served_whole_beside_a_sharded_one(database, clock, library):
    core = worker(database, clock, library)
    slack = RecordingChat("slack")
    await twenty_guilds_due_at_nine(core, clock)
    clock.set(BEFORE)
    await subscribe(core, ChannelRef("slack", "T0123ABC", "C1"), "09:00", "UTC")
    clock.set(NINE)
    discord = ShardProcess(RecordingChat("discord"), half(1))
    report = await posting.tick(core, {"discord": discord, "slack": slack})
    assert report.posted == 10 + 1
    assert [post.channel.group_id for post in slack.posts] == ["T0123ABC"]


async def test_the_shard_query_agrees_with_the_formula_for_any_snowflake(database, core):
    generator = random.Random(17)
    ids = [generator.randrange(1 << 22, 1 << 63) for _ in range(300)] + [(1 << 63) - 1]
    async with core.storage.write() as uow:
        await uow.connection.execute(
            insert(groups),
            [
                {"platform": "discord", "external_id": str(value), "created_at": NINE}
                for value in ids
            ],
        )
    for count, mine in ((1, {0}), (3, {1}), (7, {0, 4, 6}), (1000, {999, 17})):
        shards = Shards(count, frozenset(mine))
        condition = served(
            groups.c.platform, groups.c.external_id, ["discord"], {"discord": shards}
        )
        async with core.storage.read() as uow:
            rows = await uow.connection.execute(select(groups.c.external_id).where(condition))
            found = {int(external_id) for (external_id,) in rows}
        assert found == {value for value in ids if shards.holds(value)}, count


async def test_a_process_looks_only_at_the_reminders_of_members_on_its_shards(core, clock):
    members = [MemberRef("discord", str(guild_id(n)), f"m{n}") for n in range(6)]
    for member in members:
        await nudges.set_reminder(core, member, "08:00", "UTC")
    for shard in range(COUNT):
        async with core.storage.read() as uow:
            rows = await uow.cards.due_nudges(["discord"], NINE, {"discord": half(shard)})
        assert sorted(row.external_id for row in rows) == sorted(
            member.member_id for member in members if shard_of(member.member_id) == shard
        )
