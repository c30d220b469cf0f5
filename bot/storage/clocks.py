"""Saved clocks: the instant a controlled clock (the console's) had reached."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.tables import clocks


class ClockRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, name: str) -> datetime | None:
        """The saved instant of clock `name`, or None when it was never saved."""
        saved: datetime | None = await self._connection.scalar(
            select(clocks.c.now).where(clocks.c.name == name)
        )
        return saved

    async def save(self, name: str, instant: datetime) -> datetime:
        """Save `instant` unless the clock is already later; returns the saved instant."""
        saved = await self.get(name)
        if saved is None:
            await self._connection.execute(clocks.insert().values(name=name, now=instant))
            return instant
        if instant > saved:
            await self._connection.execute(
                update(clocks).where(clocks.c.name == name).values(now=instant)
            )
            return instant
        return saved
