"""Each worker's last completed tick: `qotd status` lists them, health checks read them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.sql import upsert
from bot.storage.tables import workers


class WorkerRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def ticked(self, name: str, at: datetime) -> None:
        await upsert(self._connection, workers, ["name"], [{"name": name, "last_tick_at": at}])

    async def last_ticks(self) -> list[tuple[str, datetime]]:
        rows = await self._connection.execute(
            select(workers.c.name, workers.c.last_tick_at).order_by(workers.c.last_tick_at.desc())
        )
        return [(row.name, row.last_tick_at) for row in rows]
