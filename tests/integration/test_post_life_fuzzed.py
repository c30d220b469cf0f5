"""Invariant 9, fuzzed: two workers share one database and one platform while hypothesis
throws transient and permanent send failures (also part-way through a three-message reveal),
workers that die holding a lease (before, after or part-way through what the platform took),
workers that stall past their lease right after taking it, pauses and resumes, and clock
jumps at them. However it goes, no post or reveal message reaches the platform twice, every
post that went out is revealed exactly once and completely, and each reveal comes before the
subscription's next post."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.bootstrap import build_core
from bot.config import Settings
from bot.domain.identity import ChannelRef
from bot.ports import ChatError, OutgoingPost, OutgoingReveal, SentPost
from bot.services import posting, subscriptions
from tests.conftest import FIXTURES
from tests.fakes import PartWay, RecordingChat
from tests.integration.helpers import ADMIN, subscribe
from tests.processes import deadline

CHANNELS = itertools.count(1)
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

PARTS = 3  # messages per reveal, as a long reveal takes

STEP = st.one_of(
    st.tuples(st.just("tick"), st.integers(1, 600), st.booleans()),  # minutes; both workers?
    st.tuples(st.just("fail"), st.sampled_from(["post", "reveal"]), st.booleans()),  # permanent?
    st.tuples(st.just("fail-part-way"), st.integers(1, PARTS), st.booleans()),  # parts out first
    st.tuples(st.just("die"), st.integers(0, PARTS), st.none()),  # messages the platform took
    st.tuples(st.just("stall"), st.none(), st.none()),  # past the lease, then resumes
    st.tuples(st.just("jump"), st.integers(1, 30), st.none()),  # hours
    st.tuples(st.just("resume"), st.none(), st.none()),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=3, max_size=25))
# A reveal that fails once must be taken up again (it stays `revealing`, lease given back).
@example(
    steps=[
        ("jump", 3, None),
        ("tick", 1, False),
        ("fail", "reveal", False),
        ("jump", 21, None),
        ("tick", 1, False),
    ]
)
# A worker dies after the platform took its post: the next one must look, not resend.
@example(steps=[("jump", 3, None), ("die", 1, None), ("tick", 2, True), ("tick", 2, True)])
# ... and likewise for a reveal, and for one cut off after its first message.
@example(steps=[("jump", 3, None), ("tick", 1, False), ("jump", 21, None), ("die", 3, None)])
@example(steps=[("jump", 3, None), ("tick", 1, False), ("jump", 21, None), ("die", 1, None)])
# A reveal that fails after its first message resumes at the second.
@example(
    steps=[
        ("jump", 3, None),
        ("tick", 1, False),
        ("fail-part-way", 1, False),
        ("jump", 21, None),
        ("tick", 1, False),
    ]
)
# A worker stalls right after taking its lease; the other takes over: only one sends.
@example(steps=[("jump", 3, None), ("stall", None, None)])
@example(steps=[("jump", 3, None), ("tick", 1, False), ("jump", 21, None), ("stall", None, None)])
async def test_every_day_ends_with_one_post_and_one_reveal_in_order(
    database, library, clock, steps
):
    config = Settings(content_dir=FIXTURES / "packs", default_pack="sample", lease_seconds=60)
    workers = [build_core(config, database, clock=clock, library=library) for _ in range(2)]
    channel = ChannelRef("test", "fuzz", f"channel-{next(CHANNELS)}")
    platform = RecordingChat("test", reveal_parts=PARTS)  # the one platform both send to
    clock.set(START)  # each example starts alike (the previous one's channel is gone)
    await subscribe(workers[0], channel, reveal="after 20h")
    try:
        for step in steps:
            await play(workers, platform, clock, channel, step)
        # Heal: no more failures, the schedule resumed, and time enough to finish everything.
        platform.post_failures.clear()
        platform.reveal_failures.clear()
        await subscriptions.resume(workers[0], channel, ADMIN)
        for _ in range(48):  # two days of hourly ticks: every due answer goes out
            clock.advance(timedelta(hours=1))
            await posting.tick(workers[0], platform.chats)
        await check(workers[0], platform, channel, clock.now())
    finally:
        await subscriptions.unsubscribe(workers[0], channel, ADMIN)


async def play(workers, platform, clock, channel, step) -> None:
    kind, first, second = step
    if kind == "tick":
        clock.advance(timedelta(minutes=first))
        running = workers if second else workers[:1]
        await asyncio.gather(*(posting.tick(worker, platform.chats) for worker in running))
    elif kind == "jump":
        clock.advance(timedelta(hours=first))
    elif kind == "fail":
        failures = platform.post_failures if first == "post" else platform.reveal_failures
        failures.append(ChatError("injected", permanent=second))
    elif kind == "fail-part-way":
        platform.reveal_failures.append(PartWay(first, ChatError("injected", permanent=second)))
    elif kind == "resume":
        await subscriptions.resume(workers[0], channel, ADMIN)
    elif kind == "stall":
        await stall_past_the_lease(workers, platform, clock)
    else:
        await die_at_the_next_send(workers[1], platform, taken=first)


class Killed(BaseException):
    """The worker's process is gone: nothing after this point runs (not even error handling)."""


class DyingChat:
    """The platform as seen by a worker that is killed at its next send, after the platform
    took `taken` messages of it (0: killed just before; a post is one message)."""

    def __init__(self, platform: RecordingChat, *, taken: int) -> None:
        self.platform_chat = platform
        self.taken = taken
        self.platform = platform.platform

    async def send_question(self, post: OutgoingPost) -> SentPost:
        if self.taken:
            await self.platform_chat.send_question(post)
        raise Killed

    async def send_reveal(self, reveal: OutgoingReveal) -> None:
        for part in range(reveal.first_part, min(reveal.first_part + self.taken, PARTS)):
            self.platform_chat.send_reveal_part(reveal, part)
        raise Killed

    async def find_question(self, post: OutgoingPost) -> SentPost | None:
        return await self.platform_chat.find_question(post)

    async def find_reveal(self, reveal: OutgoingReveal) -> int:
        return await self.platform_chat.find_reveal(reveal)


async def die_at_the_next_send(worker, platform, *, taken: int) -> None:
    """A worker runs the real tick and is killed at its first send, holding that lease."""
    with contextlib.suppress(Killed):
        await posting.tick(worker, {"test": DyingChat(platform, taken=taken)})


class StallingStorage:
    """A worker's storage that freezes the worker right after a unit of work in which it
    took a lease commits (a container freeze, a VM migration, a long GC pause) until
    `thaw` is set, with `stalled` set while it is frozen."""

    def __init__(self, storage) -> None:
        self.inner = storage
        self.stalled = asyncio.Event()
        self.thaw = asyncio.Event()

    def read(self):
        return self.inner.read()

    @contextlib.asynccontextmanager
    async def write(self):
        async with self.inner.write() as uow:
            take = uow.posts.take_lease
            leases = []

            async def taking(*args, **kwargs):
                lease = await take(*args, **kwargs)
                leases.append(lease)
                return lease

            uow.posts.take_lease = taking
            yield uow
        if any(leases) and not self.stalled.is_set():
            self.stalled.set()
            await self.thaw.wait()


async def stall_past_the_lease(workers, platform, clock) -> None:
    """Worker 1 stalls right after taking a lease; the lease runs out, worker 0 takes the
    post over, then worker 1 thaws and carries on with what it was doing."""
    storage = StallingStorage(workers[1].storage)
    stalling, other = replace(workers[1], storage=storage), workers[0]
    ticking = asyncio.create_task(posting.tick(stalling, platform.chats))
    stalled = asyncio.create_task(storage.stalled.wait())
    try:
        async with deadline(30, "the stalling worker to take a lease or finish its tick"):
            await asyncio.wait({ticking, stalled}, return_when=asyncio.FIRST_COMPLETED)
        if stalled.done():
            clock.advance(stalling.lease + timedelta(seconds=1))
            await posting.tick(other, platform.chats)
            storage.thaw.set()
        async with deadline(30, "the thawed worker to finish its tick"):
            await ticking
    finally:
        stalled.cancel()


async def _subscription_id(uow, channel) -> int:
    subscription = await uow.subscriptions.for_channel(channel)
    assert subscription is not None
    return subscription.id


async def check(core, platform, channel, now) -> None:
    posted = Counter(post.post_id for post in platform.posts)
    revealed = Counter(reveal.post_id for reveal in platform.reveals)
    messages = Counter(platform.reveal_messages)
    assert all(count == 1 for count in posted.values()), f"a post went out twice: {posted}"
    assert all(count == 1 for count in messages.values()), f"a reveal message twice: {messages}"
    for post_id in revealed:  # complete, and in order
        parts = [part for sent, part in platform.reveal_messages if sent == post_id]
        assert parts == list(range(PARTS)), (post_id, parts)
    async with core.storage.read() as uow:
        subscription_id = await _subscription_id(uow, channel)
        rows = [await uow.posts.get(post_id) for post_id in posted]
    rows = [row for row in rows if row is not None and row.subscription_id == subscription_id]
    # Every post that reached the platform is recorded, and its answer is out once due.
    assert set(revealed) <= set(posted), (posted, revealed)
    for row in rows:  # the last tick was at `now`; ticks come hourly
        if row.reveal_at <= now - timedelta(hours=1):
            assert row.status.value == "revealed" and row.id in revealed, row
        elif row.reveal_at > now:
            assert row.status.value == "posted" and row.id not in revealed, row
    # One post per local day, and each reveal before the next post.
    assert len({row.local_date for row in rows}) == len(rows)
    order = [(kind, post_id) for kind, post_id in platform.events if post_id in posted]
    for earlier, later in itertools.pairwise(sorted(rows, key=lambda row: row.local_date)):
        assert order.index(("reveal", earlier.id)) < order.index(("post", later.id)), order
