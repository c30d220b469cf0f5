"""SQLite's one-trip-per-statement connection behaves as aiosqlite does, in fewer trips."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.storage.database import Database

_metadata = MetaData()
_notes = Table(
    "notes",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("body", String, nullable=False, unique=True),
)


@pytest.fixture
async def notes(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'notes.db'}")
    async with database.write() as connection:
        await connection.run_sync(_metadata.create_all)
    yield database
    await database.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call aiosqlite hands to its worker thread, by name."""
    calls: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return calls


async def test_rows_counts_and_ids_come_back_as_sqlite_gives_them(notes: Database) -> None:
    async with notes.write() as connection:
        first = await connection.execute(insert(_notes).values(body="bias"))
        assert first.inserted_primary_key == (1,)
        many = await connection.execute(insert(_notes), [{"body": "variance"}, {"body": "noise"}])
        assert many.rowcount == 2
        changed = await connection.execute(
            update(_notes).where(_notes.c.body != "bias").values(body=_notes.c.body + "!")
        )
        assert changed.rowcount == 2  # read after SQLAlchemy closed the cursor
        missed = await connection.execute(update(_notes).where(_notes.c.id == 99).values(body="x"))
        assert missed.rowcount == 0
        returned = await connection.execute(
            insert(_notes).values(body="tradeoff").returning(_notes.c.id, _notes.c.body)
        )
        assert returned.one() == (4, "tradeoff")
    async with notes.read() as connection:
        result = await connection.execute(select(_notes.c.body).order_by(_notes.c.id))
        assert result.keys() == ["body"]
        assert result.fetchone() == ("bias",)
        assert result.fetchmany(2) == [("variance!",), ("noise!",)]
        assert result.fetchall() == [("tradeoff",)]
        assert (
            await connection.scalar(text("SELECT count(*) FROM notes WHERE id > :id"), {"id": 1})
            == 3
        )


async def test_a_failing_statement_raises_and_its_transaction_leaves_nothing(
    notes: Database,
) -> None:
    with pytest.raises(IntegrityError):
        async with notes.write() as connection:
            await connection.execute(insert(_notes).values(body="kept only if committed"))
            await connection.execute(insert(_notes).values(body="kept only if committed"))
    with pytest.raises(OperationalError, match="no such table"):
        async with notes.read() as connection:
            await connection.execute(text("SELECT * FROM missing"))
    async with notes.read() as connection:
        assert await connection.scalar(select(_notes.c.id)) is None


async def test_each_statement_is_one_trip_to_the_thread(notes: Database, trips: list[str]) -> None:
    async with notes.write() as connection:
        await connection.execute(insert(_notes).values(body="one"))
        await connection.execute(select(_notes))
        await connection.execute(insert(_notes), [{"body": "two"}, {"body": "three"}])
    # Three statements (BEGIN IMMEDIATE rides with the first) and COMMIT; the pool's rollback
    # of a committed connection makes no trip.
    assert trips == ["_run", "_run", "_run", "commit"]


async def test_a_transaction_without_statements_makes_no_trip(
    notes: Database, trips: list[str]
) -> None:
    async with notes.write():
        pass
    async with notes.read():
        pass
    assert trips == []
    async with notes.write() as connection:
        await connection.execute(insert(_notes).values(body="after"))
    async with notes.read() as connection:
        assert await connection.scalar(select(_notes.c.body)) == "after"


async def test_a_write_holds_the_write_lock_from_its_first_statement_even_a_read(
    notes: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "notes.db", timeout=0, isolation_level=None)
    try:
        async with notes.read() as connection:
            await connection.execute(select(_notes))
            other.execute("BEGIN IMMEDIATE")  # a read transaction leaves writers free
            other.execute("ROLLBACK")
        async with notes.write() as connection:
            await connection.execute(select(_notes))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


async def test_a_connection_given_back_mid_transaction_is_still_rolled_back(
    notes: Database, trips: list[str]
) -> None:
    async with notes.engine.connect() as connection:
        await connection.execute(insert(_notes).values(body="never committed"))
    assert trips[-1] == "rollback"
    async with notes.read() as connection:
        assert await connection.scalar(select(_notes.c.id)) is None
