"""The heartbeat: APScheduler fires a tick; the tick asks the services what is due.

The schedule itself lives in the database, not in APScheduler, so the job store stays in
memory and nothing is pickled or shared between processes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.ports import Chat
from bot.services.context import Core
from bot.services.posting import TickReport, tick

log = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, core: Core, chats: Mapping[str, Chat], interval_seconds: float) -> None:
        self._core = core
        self._chats = chats
        self._interval = interval_seconds
        self._scheduler = AsyncIOScheduler(timezone="UTC")

    def start(self) -> None:
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

    async def beat(self) -> TickReport | None:
        """One tick. Errors are logged here and never stop the heartbeat."""
        try:
            report = await tick(self._core, self._chats)
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
