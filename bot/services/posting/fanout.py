"""Sending many posts or reveals at once, a bounded number in flight.

Each front end's client paces its own requests by the platform's rate limits (discord.py's
global and per-route buckets; slack_sdk's retry after a 429), so the core only bounds how
many sends one worker has open at a time and counts what came of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass, field
from types import TracebackType


@dataclass
class FanOut:
    """`async with FanOut(limit) as fan: await fan.add(send(...))`; on leaving, every send
    has finished and `done` / `failed` count the sends that returned True / False."""

    limit: int
    done: int = 0
    failed: int = 0
    _slots: asyncio.Semaphore = field(init=False)
    _group: asyncio.TaskGroup = field(init=False)

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.limit)
        self._group = asyncio.TaskGroup()

    async def __aenter__(self) -> FanOut:
        await self._group.__aenter__()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            await self._group.__aexit__(kind, error, trace)
        except BaseExceptionGroup as failures:
            # The first error as it was raised: a tick's callers handle errors by type (the
            # database did not answer, the worker is stopping); the group cancelled the rest.
            raise failures.exceptions[0] from None

    async def add(self, send: Awaitable[bool | None]) -> None:
        """Start `send` once a slot is free, and let it begin before the caller goes on (so
        the first post of a wave leaves while the next ones are being claimed)."""
        try:
            await self._slots.acquire()
        except BaseException:  # cancelled while waiting (a worker cut off on its way out)
            if isinstance(send, Coroutine):
                send.close()  # never started: nothing of it ran
            raise
        self._group.create_task(self._run(send))
        await asyncio.sleep(0)

    async def _run(self, send: Awaitable[bool | None]) -> None:
        try:
            outcome = await send
        finally:
            self._slots.release()
        self.done += outcome is True
        self.failed += outcome is False
