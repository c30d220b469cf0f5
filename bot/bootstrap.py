"""The composition root: builds the core from settings, with real or test parts."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from datetime import timedelta

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content.loader import Library, load_library
from bot.errors import AnswerNotSaved
from bot.logs import worker_id
from bot.metrics import Metrics
from bot.services.cards import new_scheduler
from bot.services.context import Core
from bot.services.feedback import WrittenFeedback
from bot.services.grader import RemoteGrader
from bot.services.group_packs import GroupPacks
from bot.services.pulse import Pulse
from bot.storage.database import Database
from bot.storage.group_commit import GroupCommit
from bot.storage.process_lock import ProcessLock, sqlite_file
from bot.storage.startup import connect_with_retry
from bot.storage.unit_of_work import Storage

# A member is told within this many seconds of answering whether the answer was stored; one
# that takes longer (a database that stopped answering) is reported as not saved.
ANSWER_DEADLINE_S = 8.0


def build_core(
    settings: Settings,
    database: Database,
    *,
    clock: Clock | None = None,
    library: Library | None = None,
) -> Core:
    """The core over an open database; real parts unless a test passes its own."""
    return core_over(settings, Storage(database), clock=clock, library=library)


def core_over(
    settings: Settings,
    storage: Storage,
    *,
    clock: Clock | None = None,
    library: Library | None = None,
) -> Core:
    """The core over any storage (tests of the service rules pass an in-memory one)."""
    library = library or load_library(settings.content_dir)
    library.pack(settings.default_pack)  # fail at start, not at the first post
    clock = clock or SystemClock()
    # This process's scheduler, for health checks, metrics and `qotd status`.
    pulse = Pulse(
        worker=worker_id(),
        interval=timedelta(seconds=settings.tick_seconds),
    )
    return Core(
        storage=storage,
        clock=clock,
        library=library,
        points=settings.points,
        grace=timedelta(hours=settings.grace_hours),
        lease=timedelta(seconds=settings.lease_seconds),
        send_concurrency=settings.send_concurrency,
        default_pack=settings.default_pack,
        default_timezone=settings.default_timezone,
        max_written_chars=settings.max_written_chars,
        quiz_size=settings.quiz_size,
        review_size=settings.review_size,
        spaced=new_scheduler(
            fuzz=settings.review_fuzz, desired_retention=settings.desired_retention
        ),
        answer_queue=GroupCommit(deadline=ANSWER_DEADLINE_S, late=AnswerNotSaved),
        pulse=pulse,
        metrics=Metrics(pulse, clock),
        group_packs=GroupPacks(library),
        feedback=WrittenFeedback(library, settings.default_pack),
        grader=RemoteGrader(
            settings.grader_url,
            settings.grader_model,
            settings.grader_key,
            settings.grader_timeout_seconds,
        )
        if settings.grader_url
        else None,
        vote_window=timedelta(hours=settings.vote_hours),
    )


@asynccontextmanager
async def open_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    library: Library | None = None,
    exclusive: bool = True,
) -> AsyncIterator[Core]:
    """Open the database, migrate it, and yield a ready core; closes everything on exit.

    On SQLite a bot process (`exclusive`) holds a lock beside the database file, so a second
    one on the same file stops with a clear message instead of competing for it; read-only
    commands such as `qotd status` pass exclusive=False.
    """
    library = library or load_library(
        settings.content_dir
    )  # a bad pack fails before anything opens
    with ExitStack() as locks:
        database_file = sqlite_file(settings.database_url)
        if exclusive and database_file is not None:
            locks.enter_context(ProcessLock(database_file))
        database = Database(settings.database_url, schema=settings.database_schema)
        try:
            await connect_with_retry(database)
            yield build_core(settings, database, clock=clock, library=library)
        finally:
            await database.dispose()


def keep_start_up_out_of_collections() -> None:
    """Take everything loaded at start-up (modules, the question bank and its indexes, the
    front ends' libraries) out of the cyclic garbage collector's walks.

    It lives as long as the process, yet every full collection walked all of it: one pause of
    about 35 ms every few dozen requests, the p99 of a review pick (bench/scale.py). Garbage
    made later is collected as before.
    """
    gc.collect()
    gc.freeze()
