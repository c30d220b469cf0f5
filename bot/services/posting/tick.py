"""One scheduler beat, and when the next one is due."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from bot.ports import Chat
from bot.services.context import Core
from bot.services.nudges import next_reminder_at, send_due_nudges
from bot.services.posting.claim import Missed, claim_due_posts, claimed_posts
from bot.services.posting.fanout import FanOut
from bot.services.posting.reveal import reveal_due_posts
from bot.services.posting.send import send_claimed, send_post
from bot.services.votes import close_due_votes
from bot.shards import served_shards


@dataclass(frozen=True, slots=True)
class TickReport:
    posted: int = 0
    revealed: int = 0
    missed: int = 0
    failed: int = 0
    nudged: int = 0


async def tick(
    core: Core, chats: Mapping[str, Chat], *, meanwhile_every: float | None = None
) -> TickReport:
    """One scheduler beat: make due reveals, then claim due posts and send them, then send
    due reminders.

    Reveals go first, so a subscription's answer is out before its next question (a post
    whose previous answer is not out yet also waits for it in `send_post`). Beats do not
    overlap, so while a long wave of posts is still going out (10,000 channels at Discord's
    pace take minutes), the reveals and reminders that fall due meanwhile are made every
    `meanwhile_every` seconds (default: the beat's interval) instead of after the wave.
    """
    revealed = await reveal_due_posts(core, chats)
    await close_due_votes(core)
    nudged = 0
    every = core.pulse.interval.total_seconds() if meanwhile_every is None else meanwhile_every
    wave = asyncio.create_task(_post_wave(core, chats))
    try:
        while not (await asyncio.wait({wave}, timeout=every))[0]:
            revealed += await reveal_due_posts(core, chats)
            nudged += await send_due_nudges(core, chats)
    finally:
        if not wave.done():  # a meanwhile duty failed: the wave stops with the beat
            wave.cancel()
            with suppress(asyncio.CancelledError):
                await wave
    posted, failed, missed = wave.result()
    nudged += await send_due_nudges(core, chats)
    return TickReport(posted=posted, revealed=revealed, missed=missed, failed=failed, nudged=nudged)


async def _post_wave(core: Core, chats: Mapping[str, Chat]) -> tuple[int, int, int]:
    """Claim and send every due post: (posted, failed, missed)."""
    missed = 0
    tried: set[int] = set()
    shards = served_shards(chats)  # a process running some shards sends only their posts
    async with FanOut(core.send_concurrency) as sends:
        async for due in claim_due_posts(core, chats.keys(), shards):
            if isinstance(due, Missed):
                missed += 1
                continue
            tried.add(due.lease.post.id)
            await sends.add(send_claimed(core, chats, due))
        # Then what earlier ticks left: posts that waited for a reveal, or whose worker
        # failed or died. A post that failed in this tick waits for the next one.
        for post in await claimed_posts(core, chats.keys(), shards):
            if post.id not in tried:
                await sends.add(send_post(core, chats, post))
    return sends.done, sends.failed, missed


async def next_wakeup(core: Core, platforms: Iterable[str], after: datetime) -> datetime | None:
    """The next instant strictly after `after` when something is due: a post, a reveal or a
    member's reminder."""
    platforms = list(platforms)
    async with core.storage.read() as uow:
        subscriptions = await uow.subscriptions.active(platforms)
        next_reveal = await uow.posts.next_reveal_after(platforms, after)
        reminders = await uow.cards.nudges(platforms)
    candidates = [subscription.schedule.next_post_at(after) for subscription in subscriptions]
    candidates += [next_reminder_at(row, after) for row in reminders]
    if next_reveal is not None:
        candidates.append(next_reveal)
    return min(candidates, default=None)
