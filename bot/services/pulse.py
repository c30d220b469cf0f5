"""Whether this worker's scheduler is alive: the last tick it completed, and when that is
too long ago for a health check to call the worker healthy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# A worker whose last completed tick is older than this many tick intervals is unhealthy:
# one slow tick is normal, several missed in a row mean it hangs or cannot reach its database.
STALE_AFTER_TICKS = 4


@dataclass
class Pulse:
    """This worker's scheduler: when it started (None while it runs none) and last ticked."""

    worker: str
    interval: timedelta
    started_at: datetime | None = None
    last_tick_at: datetime | None = None

    def start(self, at: datetime) -> None:
        self.started_at = at

    def beat(self, at: datetime) -> None:
        self.last_tick_at = at

    def stale(self, now: datetime) -> bool:
        """No tick completed within the last few intervals (counted from the start at first);
        never for a process that runs no scheduler."""
        since = self.last_tick_at or self.started_at
        return since is not None and now - since > self.interval * STALE_AFTER_TICKS
