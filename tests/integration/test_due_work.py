"""A tick reads only the subscriptions whose next post time has passed: each subscription
keeps that instant, moved on as its days are claimed and set back when its settings change,
without ever costing a post or making one twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import Connection, select

from bot.domain.identity import ChannelRef
from bot.ports import OutgoingPost, OutgoingReveal, SentPost
from bot.services import posting, subscriptions
from bot.services.posting import claim
from bot.storage.database import alembic_config
from bot.storage.tables import subscriptions as subscriptions_table
from tests.fakes import RecordingChat
from tests.integration.helpers import ADMIN, subscribe

BEFORE_NINE = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # 08:30 in Berlin
NINE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
TOMORROW_NINE = NINE + timedelta(days=1)


def channels(count: int) -> list[ChannelRef]:
    return [ChannelRef("test", "group-1", f"channel-{number}") for number in range(count)]


async def due(core, now: datetime) -> list[int]:
    async with core.storage.read() as uow:
        return [item.id for item in await uow.subscriptions.due_to_post(["test"], now)]


async def marks(core) -> list[datetime]:
    async with core.storage.read() as uow:
        return [item.next_post_at for item in await uow.subscriptions.all()]


async def test_after_a_wave_nothing_is_due_until_the_next_post_time(core, clock, chat):
    clock.set(BEFORE_NINE)
    for channel in channels(12):
        await subscribe(core, channel)
    clock.set(NINE)
    report = await posting.tick(core, chat.chats)
    assert report.posted == 12
    assert await marks(core) == [TOMORROW_NINE] * 12
    assert await due(core, NINE + timedelta(minutes=1)) == []
    assert await due(core, TOMORROW_NINE - timedelta(microseconds=1)) == []
    assert len(await due(core, TOMORROW_NINE)) == 12


async def test_a_schedule_change_after_the_post_makes_it_due_without_a_second_post(
    core, clock, chat, channel
):
    clock.set(NINE + timedelta(minutes=1))
    await subscribe(core, channel)  # 09:00 today has passed when it is set
    await posting.tick(core, chat.chats)
    assert chat.posts == []
    clock.set(NINE + timedelta(minutes=30))
    await subscribe(core, channel, post_time="09:45")
    assert await due(core, clock.now()) != []  # changed settings: worked out on the next tick
    clock.set(NINE + timedelta(minutes=45))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1
    await subscribe(core, channel, post_time="10:15")  # changed again, after today's post
    clock.set(NINE + timedelta(hours=1, minutes=15))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1  # one post per local day, whatever the schedule says
    assert await marks(core) == [TOMORROW_NINE + timedelta(hours=1, minutes=15)]


async def test_a_settings_change_after_the_listing_is_not_overwritten(core, clock, channel):
    clock.set(BEFORE_NINE)
    await subscribe(core, channel)
    clock.set(NINE)
    async with core.storage.read() as uow:
        [listed] = await uow.subscriptions.due_to_post(["test"], clock.now())
    await subscriptions.pause(core, channel, ADMIN)
    await subscriptions.resume(core, channel, ADMIN)  # resets the mark to now
    async with core.storage.write() as uow:
        assert listed.next_post_at is not None
        await uow.subscriptions.move_next_post(listed.id, listed.next_post_at, TOMORROW_NINE)
    assert await marks(core) == [NINE]


async def test_downtime_is_caught_up_from_the_mark(core, clock, chat, channel):
    clock.set(BEFORE_NINE)
    await subscribe(core, channel)
    clock.set(NINE)
    await posting.tick(core, chat.chats)
    # Down for two days; back within the grace window of the third day's post.
    clock.set(NINE + timedelta(days=2, minutes=5))
    report = await posting.tick(core, chat.chats)
    assert (report.missed, report.posted) == (1, 1)  # day 2 missed; day 3 posted
    assert await marks(core) == [NINE + timedelta(days=3)]


async def test_the_upgrade_sets_the_mark_of_existing_subscriptions(database, core, clock, channel):
    clock.set(BEFORE_NINE)
    await subscribe(core, channel)

    def downgrade_then_upgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "c8e2f0a1b9d3")
        command.upgrade(alembic_config(connection), "head")

    async with database.engine.begin() as connection:
        await connection.run_sync(downgrade_then_upgrade)
        marks_after = (await connection.execute(select(subscriptions_table.c.next_post_at))).all()
    assert [mark for (mark,) in marks_after] == [BEFORE_NINE]


async def test_a_wave_larger_than_a_page_is_read_page_by_page_and_posted_whole(
    core, clock, chat, monkeypatch
):
    monkeypatch.setattr(claim, "DUE_PAGE", 5)
    clock.set(BEFORE_NINE)
    for channel in channels(12):
        await subscribe(core, channel)
    clock.set(NINE)
    report = await posting.tick(core, chat.chats)
    assert report.posted == 12
    assert sorted(post.channel.channel_id for post in chat.posts) == sorted(
        channel.channel_id for channel in channels(12)
    )


class HeldChat(RecordingChat):
    """Posts to the `held` channel wait until the test lets them go: a wave still going out."""

    def __init__(self, platform_name: str, held: str) -> None:
        super().__init__(platform_name)
        self.held = held
        self.release = asyncio.Event()
        self.revealed = asyncio.Event()

    async def send_question(self, post: OutgoingPost) -> SentPost:
        if post.channel.channel_id == self.held:
            await asyncio.wait_for(self.release.wait(), timeout=30)
        return await super().send_question(post)

    async def send_reveal(self, reveal: OutgoingReveal) -> None:
        await super().send_reveal(reveal)
        self.revealed.set()


async def test_a_reveal_falling_due_during_a_long_wave_is_made_meanwhile(core, clock, channel):
    chat = HeldChat(channel.platform, "slow")
    clock.set(datetime(2026, 3, 2, 7, 30, tzinfo=UTC))
    await subscribe(core, channel, "08:00", "UTC", reveal="after 1h")  # revealed at 09:00
    await subscribe(core, ChannelRef(channel.platform, channel.group_id, "slow"), "08:59", "UTC")
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    assert len(chat.posts) == 1 and not chat.reveals

    clock.set(datetime(2026, 3, 2, 8, 59, tzinfo=UTC))
    beat = asyncio.create_task(posting.tick(core, chat.chats, meanwhile_every=0.01))
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # the reveal falls due mid-wave
    await asyncio.wait_for(chat.revealed.wait(), timeout=30)
    assert not beat.done() and [p.channel.channel_id for p in chat.posts] == ["channel-1"]
    chat.release.set()
    report = await asyncio.wait_for(beat, 30)
    assert (report.posted, report.revealed) == (1, 1)
