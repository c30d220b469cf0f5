"""This worker's scheduler state: when it started and last completed a tick (read by health
checks, metrics and `qotd status`), whether it is stopping, and the leases it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.post import Lease


@dataclass
class Pulse:
    """This worker's scheduler: when it started (None while it runs none) and last ticked."""

    worker: str
    interval: timedelta
    started_at: datetime | None = None
    last_tick_at: datetime | None = None
    # Set when the worker is shutting down: from then on it takes no new lease (no post,
    # reveal or reminder is started), while sends already under way finish.
    stopping: bool = False
    # The leases this worker took that may not have run out yet, by (post, duty): what a
    # stopping worker gives back so another takes the work over at once.
    leases: dict[tuple[int, str], Lease] = field(default_factory=dict)

    def start(self, at: datetime) -> None:
        self.started_at = at

    def beat(self, at: datetime) -> None:
        self.last_tick_at = at
