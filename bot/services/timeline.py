"""Moving a controlled clock: every post, reveal and reminder on the way happens at its instant.

The console, and the tests that drive the front ends, move time by hand. Jumping straight to
the target would let one jump carry a post and its reveal together, or send a reminder hours
late; instead the clock stops at each wake-up on the way and the scheduler ticks there, as it
would have if the time had passed for real.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import MovableClock
from bot.ports import Chat
from bot.services.context import Core
from bot.services.posting import TickReport, next_wakeup, tick

# `next` looks this far ahead for something to happen before saying nothing is scheduled.
NEXT_HORIZON = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class Stop:
    """One tick on the way, and what it did."""

    at: datetime
    report: TickReport

    @property
    def events(self) -> tuple[str, ...]:
        """What happened, in words: `post`, `reveal`, `reminder`, `missed post`, `failed post`."""
        counts = (
            (self.report.posted, "post"),
            (self.report.revealed, "reveal"),
            (self.report.nudged, "reminder"),
            (self.report.missed, "missed post"),
            (self.report.failed, "failed post"),
        )
        return tuple(name for count, name in counts if count)


async def advance_to(
    core: Core, chats: Mapping[str, Chat], clock: MovableClock, target: datetime
) -> list[Stop]:
    """Move the clock to `target`, ticking at every wake-up on the way; the stops that did
    something, in order."""
    stops = [await _tick_at(core, chats, clock, clock.now())]  # anything due this instant
    while True:
        wake = await next_wakeup(core, chats.keys(), clock.now())
        if wake is None or wake > target:
            break
        stops.append(await _tick_at(core, chats, clock, wake))
    last = await _tick_at(core, chats, clock, max(target, clock.now()))
    return [stop for stop in [*stops, last] if stop.events]


async def next_event(
    core: Core,
    chats: Mapping[str, Chat],
    clock: MovableClock,
    horizon: timedelta = NEXT_HORIZON,
) -> Stop | None:
    """Jump to the next wake-up (a post, a reveal or a reminder check) and tick there; None,
    with the clock unmoved, when nothing is due within `horizon`. Something due at this very
    instant (a schedule set at its post time) counts as the next event."""
    now = await _tick_at(core, chats, clock, clock.now())
    if now.events:
        return now
    wake = await next_wakeup(core, chats.keys(), clock.now())
    if wake is None or wake > clock.now() + horizon:
        return None
    return await _tick_at(core, chats, clock, wake)


async def _tick_at(
    core: Core, chats: Mapping[str, Chat], clock: MovableClock, instant: datetime
) -> Stop:
    clock.advance_to(instant)
    return Stop(clock.now(), await tick(core, chats))


async def saved_clock(core: Core, name: str) -> datetime | None:
    """Where a controlled clock stood when it was last saved."""
    async with core.storage.read() as uow:
        return await uow.clocks.get(name)


async def save_clock(core: Core, name: str, instant: datetime) -> datetime:
    """Save a controlled clock's instant; a saved clock never goes back."""
    async with core.storage.write() as uow:
        return await uow.clocks.save(name, instant)
