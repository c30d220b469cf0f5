"""A worker told to stop takes no new lease, lets the sends it started finish (or cuts them
off at its deadline), and gives back every lease it holds, so another worker takes the work
over at once instead of when the leases run out."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.domain.identity import ChannelRef
from bot.ports import OutgoingPost, SentPost
from bot.scheduler import Heartbeat
from bot.services import posting
from bot.services.pulse import Pulse
from bot.storage.tables import posts
from tests.fakes import RecordingChat
from tests.integration.helpers import subscribe
from tests.processes import deadline

CHANNELS = 6
NINE_BERLIN = datetime(2026, 3, 2, 8, 1, tzinfo=UTC)


class GatedChat(RecordingChat):
    """Each question send waits at a gate, as a request on the wire would."""

    def __init__(self) -> None:
        super().__init__("test")
        self.gate = asyncio.Event()
        self.in_flight = 0
        self.cut_off = 0  # sends cancelled while on the wire
        self.started = asyncio.Condition()

    async def send_question(self, post: OutgoingPost) -> SentPost:
        async with self.started:
            self.in_flight += 1
            self.started.notify_all()
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cut_off += 1
            raise
        return await super().send_question(post)


async def due_channels(core, clock) -> None:
    for number in range(CHANNELS):
        await subscribe(core, ChannelRef("test", "g", f"c{number}"))
    clock.set(NINE_BERLIN)


def worker(core, name: str, concurrency: int = 2):
    return replace(core, send_concurrency=concurrency, pulse=Pulse(name, timedelta(seconds=30)))


async def held_leases(core) -> list[int]:
    async with core.storage.read() as uow:
        rows = await uow.connection.execute(
            select(posts.c.id).where(posts.c.lease_until.is_not(None))
        )
        return [row.id for row in rows]


async def until_in_flight(chat: GatedChat, count: int) -> None:
    async with deadline(10, f"{count} sends to be under way"), chat.started:
        await chat.started.wait_for(lambda: chat.in_flight >= count)


async def test_a_stopping_worker_finishes_its_sends_and_leaves_the_rest_to_another(core, clock):
    await due_channels(core, clock)
    chat = GatedChat()
    first = worker(core, "a")
    heartbeat = Heartbeat(first, chat.chats, 30)
    beat = asyncio.create_task(heartbeat.beat())
    await until_in_flight(chat, 2)
    draining = asyncio.create_task(heartbeat.drain(deadline=30))
    await asyncio.sleep(0)
    assert first.pulse.stopping
    chat.gate.set()  # the sends under way reach the platform
    async with deadline(10, "the stopping worker to finish"):
        await draining
    assert beat.done()
    sent_by_first = {post.post_id for post in chat.posts}
    assert 2 <= len(sent_by_first) < CHANNELS  # what was under way, and no new wave
    assert await held_leases(core) == []

    # Another worker, at the same minute (no lease has run out), makes the rest.
    await posting.tick(worker(core, "b"), chat.chats)
    made = [post.post_id for post in chat.posts]
    assert len(made) == len(set(made)) == CHANNELS


async def test_sends_cut_off_at_the_deadline_are_given_back_and_made_once_elsewhere(core, clock):
    await due_channels(core, clock)
    stuck = GatedChat()  # its gate never opens: a platform that stopped answering
    first = worker(core, "a")
    heartbeat = Heartbeat(first, stuck.chats, 30)
    beat = asyncio.create_task(heartbeat.beat())
    await until_in_flight(stuck, 2)
    async with deadline(10, "the stopping worker to cut its sends off"):
        await heartbeat.drain(deadline=0.1)
    assert beat.done()
    assert stuck.posts == []
    assert await held_leases(core) == []

    healthy = RecordingChat("test")
    await posting.tick(worker(core, "b"), healthy.chats)
    assert sorted(post.channel.channel_id for post in healthy.posts) == [
        f"c{number}" for number in range(CHANNELS)
    ]


async def test_a_stopping_worker_takes_no_new_beat(core, clock, chat):
    await due_channels(core, clock)
    first = worker(core, "a")
    heartbeat = Heartbeat(first, chat.chats, 30)
    await heartbeat.drain(deadline=1)
    assert await heartbeat.beat() is None
    assert chat.posts == []
    async with core.storage.read() as uow:
        assert await uow.connection.scalar(select(posts.c.id)) is None  # nothing claimed


async def test_a_beat_fired_by_the_scheduler_finishes_its_sends_when_the_worker_stops(core, clock):
    await due_channels(core, clock)
    chat = GatedChat()
    first = worker(core, "a")
    heartbeat = Heartbeat(first, chat.chats, 0.05)  # APScheduler fires it, as in `qotd run`
    heartbeat.start()
    try:
        await until_in_flight(chat, 2)
        draining = asyncio.create_task(heartbeat.drain(deadline=30))
        for _ in range(20):  # time for anything the stop sets off on the loop to happen
            await asyncio.sleep(0)
        assert not draining.done()
        chat.gate.set()
        async with deadline(10, "the stopping worker to finish"):
            await draining
    finally:
        heartbeat.stop()
    assert chat.cut_off == 0 and len(chat.posts) >= 2  # the sends under way went out
    assert await held_leases(core) == []
