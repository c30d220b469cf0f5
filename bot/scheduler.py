"""The heartbeat: APScheduler fires a tick; the tick asks the services what is due.

The schedule itself lives in the database, not in APScheduler, so the job store stays in
memory and nothing is pickled or shared between processes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.errors import StorageUnavailable
from bot.ports import Chat
from bot.services.context import Core
from bot.services.posting import TickReport, tick
from bot.services.posting.leases import give_back_held

log = logging.getLogger(__name__)
TICK_DEADLINE_S = 600.0
# How long a cut-off beat gets to unwind (its sends are cancelled) before leases are given back.
CANCEL_GRACE_S = 5.0


class Heartbeat:
    def __init__(self, core: Core, chats: Mapping[str, Chat], interval_seconds: float) -> None:
        self._core = core
        self._chats = chats
        self._interval = interval_seconds
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        # A tick that hangs would block every later one (they never overlap): past this it is
        # cut off. Every database call and send has its own shorter limit; this is the last.
        self._deadline = max(TICK_DEADLINE_S, interval_seconds * 4)
        self._beat: asyncio.Task[object] | None = None  # the beat under way, if any

    def start(self) -> None:
        self._core.pulse.start(self._core.clock.now())
        self._scheduler.add_job(
            self.beat,
            "interval",
            seconds=self._interval,
            id="qotd-tick",
            max_instances=1,  # a slow tick is never overlapped by the next one
            coalesce=True,
            misfire_grace_time=None,
        )
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def drain(self, deadline: float) -> None:
        """Stop for good: no new beat, no new lease; the beat under way finishes the sends it
        started, for at most `deadline` seconds (then it is cancelled); then every lease
        still held is given back, so another worker takes the work over at once."""
        self._core.pulse.stopping = True
        # Pause, not shut down: shutting APScheduler down cancels the beat under way at once
        # (its executor cancels every running job), which would cut off the sends it started.
        if self._scheduler.running:
            self._scheduler.pause()
        beat = self._beat
        if beat is not None and not beat.done():
            finished, _ = await asyncio.wait({beat}, timeout=deadline)
            if not finished:
                log.warning("sends still under way after %ss on the way out: cut off", deadline)
                beat.cancel()
                await asyncio.wait({beat}, timeout=CANCEL_GRACE_S)
        self.stop()
        await give_back_held(self._core)

    async def beat(self) -> TickReport | None:
        """One tick, under a deadline. Errors are logged here and never stop the heartbeat."""
        if self._core.pulse.stopping:
            return None
        self._beat = asyncio.current_task()
        try:
            async with asyncio.timeout(self._deadline):
                with self._core.metrics.timing_tick():
                    report = await tick(self._core, self._chats)
                await self._record_pulse()
        except TimeoutError:
            log.error(
                "tick did not finish within %ss; the next tick will try again", self._deadline
            )
            return None
        except StorageUnavailable as error:  # not a bug: the database did not answer
            log.warning("tick stopped: %s The next tick will try again.", error.message)
            return None
        except Exception:
            log.exception("tick failed; the next tick will try again")
            return None
        if report.posted or report.revealed or report.missed or report.failed:
            log.info(
                "tick: posted=%d revealed=%d missed=%d failed=%d",
                report.posted,
                report.revealed,
                report.missed,
                report.failed,
            )
        return report

    async def _record_pulse(self) -> None:
        pulse = self._core.pulse
        now = self._core.clock.now()
        pulse.beat(now)
        async with self._core.storage.write() as uow:
            await uow.workers.ticked(pulse.worker, now)
