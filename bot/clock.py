"""Where the core gets the time: an injected clock, never the wall clock directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...


class MovableClock(Clock, Protocol):
    """A clock the console's `advance` and `next` (and tests) move forward."""

    def advance_to(self, instant: datetime) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told: the console and the tests use it."""

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


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with its offset (`2026-03-02T08:00Z`, `...T09:00+01:00`), in UTC."""
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text[:40]!r} is not an ISO 8601 instant such as 2026-03-02T08:00Z"
        ) from None
    if instant.tzinfo is None:
        raise ValueError(
            f"{text[:40]!r} has no UTC offset: add Z or +01:00, as in 2026-03-02T08:00Z"
        )
    return instant.astimezone(UTC)
