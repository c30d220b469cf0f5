"""Invariant 10: nothing waits forever. A hung tick is cut off and the next one runs; each
completed tick is recorded for health checks and `qotd status`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from datetime import timedelta

from bot.errors import StorageUnavailable
from bot.operations import format_workers
from bot.ports import OutgoingPost, SentPost
from bot.scheduler import Heartbeat
from bot.services import reports
from bot.services.pulse import Pulse
from tests.fakes import RecordingChat
from tests.integration.helpers import subscribe
from tests.processes import deadline


class HangingChat(RecordingChat):
    """A platform that accepts the connection and never answers."""

    async def send_question(self, post: OutgoingPost) -> SentPost:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_a_completed_tick_is_recorded_for_health_and_status(core, clock, chat):
    core = replace(core, pulse=Pulse("host-a:101", timedelta(seconds=30), clock.now()))
    heartbeat = Heartbeat(core, chat.chats, 30)
    clock.advance(timedelta(seconds=30))
    assert await heartbeat.beat() is not None
    assert core.pulse.last_tick_at == clock.now()
    ticks = await reports.worker_ticks(core)
    assert ticks == [("host-a:101", clock.now())]
    clock.advance(timedelta(seconds=90))
    assert format_workers(ticks, clock.now()).splitlines()[1].endswith("(90 s ago)")


async def test_a_hung_tick_is_cut_off_and_the_next_tick_runs(core, clock, channel, caplog):
    await subscribe(core, channel)
    clock.advance(timedelta(hours=3))  # 09:00 in Berlin has passed: a post is due
    core = replace(core, pulse=Pulse("host-a:101", timedelta(seconds=30), clock.now()))
    hanging = HangingChat("test")
    heartbeat = Heartbeat(core, hanging.chats, 30)
    heartbeat._deadline = 0.5  # the production limit is minutes; the rule is the same
    async with deadline(10, "the hung tick to be cut off"):
        assert await heartbeat.beat() is None
    assert "tick did not finish within 0.5s" in caplog.text
    assert core.pulse.last_tick_at is None  # a cut-off tick is not a completed one
    working = RecordingChat("test")
    clock.advance(core.lease + timedelta(seconds=1))  # the hung attempt's lease runs out
    assert (await Heartbeat(core, working.chats, 30).beat()) is not None
    assert len(working.posts) == 1


async def test_a_tick_the_database_does_not_answer_is_a_warning_not_a_bug(
    core, clock, chat, caplog, monkeypatch
):
    @contextlib.asynccontextmanager
    async def unreachable():
        raise StorageUnavailable(timed_out=True)
        yield

    monkeypatch.setattr(core.storage, "read", unreachable)
    with caplog.at_level(logging.WARNING):
        assert await Heartbeat(core, chat.chats, 30).beat() is None
    [record] = [record for record in caplog.records if record.name == "bot.scheduler"]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "did not answer in time" in record.getMessage()
