"""aiosqlite with one trip to its thread per statement.

aiosqlite runs every sqlite3 call on one worker thread, and SQLAlchemy's adapter makes four
calls for each statement (open a cursor, execute, fetch the rows, close): four hand-offs
between the event loop and the thread, each costing a wake-up on both sides. A member's
answer is about a dozen small statements, so those hand-offs were most of its time. Here a
statement is one hand-off: the cursor is opened, executed, drained and closed in a single
call on the thread, and what SQLAlchemy then reads (description, rowcount, lastrowid, rows)
was kept from that call. The pool's rollback of a connection that has nothing to roll back
costs no hand-off at all, and a transaction's BEGIN rides along with its first statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite


class _Outcome:
    """What one statement left behind, read on the worker thread before its cursor closed."""

    __slots__ = ("description", "lastrowid", "rowcount", "rows")

    def __init__(self, cursor: sqlite3.Cursor, fetch: bool) -> None:
        self.description = cursor.description
        self.rows: list[Any] = cursor.fetchall() if fetch and cursor.description else []
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid


def _run(
    connection: sqlite3.Connection, begin: str | None, call: Callable[[sqlite3.Cursor], object]
) -> _Outcome:
    cursor = connection.cursor()
    try:
        if begin is not None:
            cursor.execute(begin)
        call(cursor)
        return _Outcome(cursor, fetch=True)
    finally:
        cursor.close()


class OneTripCursor:
    """The part of aiosqlite's Cursor that SQLAlchemy's aiosqlite adapter uses."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._outcome: _Outcome | None = None
        self._next = 0

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneTripCursor:
        values = () if parameters is None else parameters
        self._keep(await self._connection.on_thread(lambda cursor: cursor.execute(sql, values)))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneTripCursor:
        self._keep(
            await self._connection.on_thread(lambda cursor: cursor.executemany(sql, parameters))
        )
        return self

    def _keep(self, outcome: _Outcome) -> None:
        self._outcome, self._next = outcome, 0

    async def fetchall(self) -> list[Any]:
        rows = self._rows[self._next :]
        self._next += len(rows)
        return rows

    async def fetchone(self) -> Any:
        rows = await self.fetchmany(1)
        return rows[0] if rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = self._rows[self._next : self._next + (size or self.arraysize)]
        self._next += len(rows)
        return rows

    async def close(self) -> None:
        # Like a closed sqlite3 cursor, it keeps its description, rowcount and lastrowid
        # (SQLAlchemy reads rowcount after closing a cursor that returned no rows).
        self._next = len(self._rows)

    @property
    def _rows(self) -> list[Any]:
        return self._outcome.rows if self._outcome else []

    @property
    def description(self) -> Any:
        return self._outcome.description if self._outcome else None

    @property
    def rowcount(self) -> int:
        return self._outcome.rowcount if self._outcome else -1

    @property
    def lastrowid(self) -> int | None:
        return self._outcome.lastrowid if self._outcome else None


class OneTripConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        # As SQLAlchemy does for aiosqlite: an engine never disposed must not hang the exit.
        self._thread.daemon = True
        self._begin: str | None = None

    def begin_with_next(self, statement: str) -> None:
        """Send `statement` (BEGIN ...) in the same trip as the next statement, not alone.

        Nothing runs between the two, so the transaction holds exactly what it would have
        held had BEGIN been sent first (BEGIN IMMEDIATE still takes the write lock before the
        first read). A transaction that ends before any statement never began.
        """
        self._begin = statement

    async def commit(self) -> None:
        if self._begin is not None:
            self._begin = None
            return
        await super().commit()

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def rollback(self) -> None:
        # The pool rolls back every connection it takes back, and ours nearly always come
        # back already committed or rolled back: skip the trip when there is nothing to undo.
        # (Read between statements, while the thread is idle: nothing else uses the connection.)
        self._begin = None
        if self._conn.in_transaction:
            await super().rollback()

    async def on_thread(self, call: Callable[[sqlite3.Cursor], object]) -> _Outcome:
        begin, self._begin = self._begin, None
        outcome: _Outcome = await self._execute(_run, self._conn, begin, call)  # type: ignore[no-untyped-call]
        return outcome


async def connect(database: str, **options: Any) -> OneTripConnection:
    """Open `database` as aiosqlite.connect would, with one trip per statement."""
    connection = OneTripConnection(partial(sqlite3.connect, database, **options))
    await connection  # starts its thread and opens the database there
    return connection
