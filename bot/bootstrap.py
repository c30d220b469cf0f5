"""The composition root: builds the core from settings, with real or test parts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content.loader import Library, load_library
from bot.services.answers import record_batch
from bot.services.context import Core
from bot.storage.database import Database
from bot.storage.group_commit import GroupCommit
from bot.storage.unit_of_work import Storage


def build_core(
    settings: Settings,
    database: Database,
    *,
    clock: Clock | None = None,
    library: Library | None = None,
) -> Core:
    core = Core(
        storage=Storage(database),
        clock=clock or SystemClock(),
        library=library or load_library(settings.content_dir),
        points=settings.points,
        grace=timedelta(hours=settings.grace_hours),
        default_pack=settings.default_pack,
        default_timezone=settings.default_timezone,
        max_written_chars=settings.max_written_chars,
        quiz_size=settings.quiz_size,
    )
    core.library.pack(settings.default_pack)  # fail at start, not at the first post
    core.answer_queue = GroupCommit(lambda requests: record_batch(core, requests))
    return core


@asynccontextmanager
async def open_core(
    settings: Settings, *, clock: Clock | None = None, library: Library | None = None
) -> AsyncIterator[Core]:
    """Open the database, migrate it, and yield a ready core; closes everything on exit."""
    database = Database(settings.database_url, schema=settings.database_schema)
    try:
        await database.upgrade()
        yield build_core(settings, database, clock=clock, library=library)
    finally:
        await database.dispose()
