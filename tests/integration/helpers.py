"""Small steps the integration tests share."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import ManualClock
from bot.domain.identity import ChannelRef
from bot.domain.schedule import Schedule
from bot.services import posting, subscriptions, timeline
from bot.services.access import Actor
from bot.services.context import Core
from tests.conftest import member
from tests.fakes import RecordingChat

ADMIN = Actor(member("admin"), is_admin=True)


async def subscribe(
    core: Core,
    channel: ChannelRef,
    post_time: str = "09:00",
    timezone: str = "Europe/Berlin",
    days: str = "daily",
    reveal: str = "after 8h",
    **options: object,
) -> None:
    schedule = Schedule.parse(post_time, timezone, days, reveal)
    await subscriptions.schedule_channel(core, channel, ADMIN, schedule, **options)  # type: ignore[arg-type]


async def run_until(
    core: Core,
    clock: ManualClock,
    chat: RecordingChat,
    until: datetime,
    step: timedelta = timedelta(minutes=30),
) -> None:
    """Tick every `step` until `until`, the way the heartbeat would: for tests of what many
    repeated ticks must not do (post twice, skip a day)."""
    while clock.now() < until:
        clock.advance(min(step, until - clock.now()))
        await posting.tick(core, chat.chats)


async def pass_time(core: Core, clock: ManualClock, chat: RecordingChat, until: datetime) -> None:
    """Let time pass until `until`, ticking only where something falls due."""
    await timeline.advance_to(core, chat.chats, clock, until)
