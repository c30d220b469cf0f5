"""One qotd process per SQLite file: SQLite is the single-process default.

Several bot processes on one SQLite file would each run the scheduler; the database would
still keep posts exactly-once, but the write lock would be fought over and the group-commit
batching would no longer see every writer. PostgreSQL is the path for several workers.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from bot.errors import QotdError
from bot.storage.database import parse_database_url


class DatabaseInUse(QotdError):
    pass


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for in-memory and other databases."""
    parsed = parse_database_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database).resolve()


class ProcessLock:
    """An exclusive advisory lock beside the database file, held while qotd runs."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> ProcessLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise DatabaseInUse(
                f"Another qotd process (pid {holder}) is already running on {self.path.with_suffix('')}. "
                "SQLite serves one process; stop the other one, or use PostgreSQL "
                "(QOTD_DATABASE_URL=postgresql+asyncpg://...) to run several workers."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
