"""Whether this worker is healthy: its scheduler ticks, its database answers, and every
front end it runs is connected. `/healthz` answers with this, on every HTTP server qotd runs."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.metrics import tick_age
from bot.services.context import Core

log = logging.getLogger(__name__)

# One slow tick is normal; this many intervals without one mean the scheduler hangs or
# cannot reach its database.
HEALTHY_WITHIN_TICKS = 3
# A database that takes longer than this to answer `SELECT 1` is as good as down.
DATABASE_DEADLINE_S = 2.0


@dataclass(frozen=True, slots=True)
class Health:
    # "ok", "stalled", "stopping" (a worker shutting down, so a load balancer sends its
    # requests elsewhere), or "off" in a process that runs no scheduler (the console ticks as
    # its own clock moves).
    scheduler: str
    database: str  # "ok" or "unavailable"
    front_ends: dict[str, str]  # by name: "connected" or "disconnected"
    last_tick: datetime | None

    @property
    def failed(self) -> list[str]:
        """The checks that failed, such as `["scheduler", "front_end:slack"]`."""
        failed = [
            check
            for check, bad in (
                ("scheduler", self.scheduler in ("stalled", "stopping")),
                ("database", self.database != "ok"),
            )
            if bad
        ]
        failed += [
            f"front_end:{name}" for name, state in self.front_ends.items() if state != "connected"
        ]
        return failed

    @property
    def ok(self) -> bool:
        return not self.failed

    def body(self) -> dict[str, object]:
        """The JSON `/healthz` answers with."""
        return {
            "ok": self.ok,
            "failed": self.failed,
            "scheduler": self.scheduler,
            "last_tick": self.last_tick.isoformat() if self.last_tick else None,
            "database": self.database,
            "front_ends": self.front_ends,
        }


async def check_health(core: Core) -> Health:
    """Run every check; a failing one is logged (with what failed, never a secret)."""
    health = Health(
        scheduler=_scheduler(core),
        database=await _database(core),
        front_ends={
            name: "connected" if front_end.connected else "disconnected"
            for name, front_end in core.metrics.front_ends.items()
        },
        last_tick=core.pulse.last_tick_at,
    )
    if health.scheduler == "stalled":
        log.warning("health check: no tick completed since %s", health.last_tick or "the start")
    for name, state in health.front_ends.items():
        if state != "connected":
            log.warning("health check: the %s front end is not connected", name)
    return health


def _scheduler(core: Core) -> str:
    if core.pulse.stopping:
        return "stopping"
    age = tick_age(core.pulse, core.clock.now())
    if age is None:
        return "off"
    return "stalled" if age > core.pulse.interval * HEALTHY_WITHIN_TICKS else "ok"


async def _database(core: Core) -> str:
    try:
        async with asyncio.timeout(DATABASE_DEADLINE_S), core.storage.read() as uow:
            await uow.connection.execute(select(1))
    except Exception as error:  # any failure means "not healthy"; only its kind is logged
        log.warning("health check: the database did not answer: %s", type(error).__name__)
        return "unavailable"
    return "ok"
