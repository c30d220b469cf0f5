"""Invariant 9, fuzzed: two workers share one database and one platform while hypothesis
throws transient and permanent send failures, workers that die holding a lease (before or
after the platform took the message), pauses and resumes, and clock jumps at them. However
it goes, no post or reveal reaches the platform twice, every post that went out is revealed
exactly once, and each reveal comes before the subscription's next post."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.bootstrap import build_core
from bot.config import Settings
from bot.domain.identity import ChannelRef
from bot.domain.post import Duty
from bot.ports import ChatError, OutgoingPost, OutgoingReveal, SentPost
from bot.services import posting, subscriptions
from tests.conftest import FIXTURES
from tests.fakes import RecordingChat
from tests.integration.helpers import ADMIN, subscribe

CHANNELS = itertools.count(1)
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

STEP = st.one_of(
    st.tuples(st.just("tick"), st.integers(1, 600), st.booleans()),  # minutes; both workers?
    st.tuples(st.just("fail"), st.sampled_from(["post", "reveal"]), st.booleans()),  # permanent?
    st.tuples(st.just("die"), st.none(), st.booleans()),  # after the platform took it?
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
@example(steps=[("jump", 3, None), ("die", None, True), ("tick", 2, True), ("tick", 2, True)])
# ... and likewise for a reveal.
@example(
    steps=[
        ("jump", 3, None),
        ("tick", 1, False),
        ("jump", 21, None),
        ("die", Duty.REVEAL, True),
        ("tick", 2, True),
    ]
)
async def test_every_day_ends_with_one_post_and_one_reveal_in_order(
    database, library, clock, steps
):
    config = Settings(content_dir=FIXTURES / "packs", default_pack="sample", lease_seconds=60)
    workers = [build_core(config, database, clock=clock, library=library) for _ in range(2)]
    channel = ChannelRef("test", "fuzz", f"channel-{next(CHANNELS)}")
    platform = RecordingChat("test")  # the one platform both workers send to
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
    elif kind == "resume":
        await subscriptions.resume(workers[0], channel, ADMIN)
    else:
        await die_at_the_next_send(workers[1], platform, sent=second)


class Killed(BaseException):
    """The worker's process is gone: nothing after this point runs (not even error handling)."""


class DyingChat:
    """The platform as seen by a worker that is killed at its next send, just after the
    platform took the message (`sent`) or just before."""

    def __init__(self, platform: RecordingChat, *, sent: bool) -> None:
        self.platform_chat = platform
        self.sent = sent
        self.platform = platform.platform

    async def send_question(self, post: OutgoingPost) -> SentPost:
        if self.sent:
            await self.platform_chat.send_question(post)
        raise Killed

    async def send_reveal(self, reveal: OutgoingReveal) -> None:
        if self.sent:
            await self.platform_chat.send_reveal(reveal)
        raise Killed

    async def find_question(self, post: OutgoingPost) -> SentPost | None:
        return await self.platform_chat.find_question(post)

    async def find_reveal(self, reveal: OutgoingReveal) -> bool:
        return await self.platform_chat.find_reveal(reveal)


async def die_at_the_next_send(worker, platform, *, sent: bool) -> None:
    """A worker runs the real tick and is killed at its first send, holding that lease."""
    with contextlib.suppress(Killed):
        await posting.tick(worker, {"test": DyingChat(platform, sent=sent)})


async def _subscription_id(uow, channel) -> int:
    subscription = await uow.subscriptions.for_channel(channel)
    assert subscription is not None
    return subscription.id


async def check(core, platform, channel, now) -> None:
    posted = Counter(post.post_id for post in platform.posts)
    revealed = Counter(reveal.post_id for reveal in platform.reveals)
    assert all(count == 1 for count in posted.values()), f"a post went out twice: {posted}"
    assert all(count == 1 for count in revealed.values()), f"a reveal went out twice: {revealed}"
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
