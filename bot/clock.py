"""Where the core gets the time: an injected clock, never the wall clock directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...


class MovableClock(Clock, Protocol):
    """A clock the console's `advance` (and tests) can move forward."""

    def advance_to(self, instant: datetime) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told: tests and the console's `advance` use it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def advance_to(self, instant: datetime) -> datetime:
        """Move forward to `instant` (never backwards)."""
        self._now = max(self._now, instant.astimezone(UTC))
        return self._now


class OffsetClock:
    """The real time moved forward by an offset: the console's `advance` uses it."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = timedelta()

    def now(self) -> datetime:
        return self._base.now() + self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta():
            raise ValueError("the clock only moves forward")
        self._offset += delta
        return self.now()

    def advance_to(self, instant: datetime) -> datetime:
        return self.advance(max(instant - self.now(), timedelta()))
