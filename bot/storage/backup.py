"""`qotd backup`: a consistent copy of a SQLite database while the bot runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.errors import QotdError
from bot.storage.process_lock import sqlite_file


def backup(url: str, target: Path) -> Path:
    """Copy the SQLite database at `url` to `target` with SQLite's online backup API."""
    source = sqlite_file(url)
    if source is None:
        raise QotdError(
            "qotd backup copies SQLite databases. For PostgreSQL use pg_dump, for example: "
            "pg_dump --format=custom --file=qotd.dump <database>"
        )
    if not source.exists():
        raise QotdError(f"There is no database at {source} yet.")
    if target.exists():
        raise QotdError(f"{target} exists already; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reader,
        sqlite3.connect(target) as writer,
    ):
        # The backup API copies page by page and restarts if a writer changes the database,
        # so the copy is consistent even while the bot is answering.
        reader.backup(writer)
    return target
