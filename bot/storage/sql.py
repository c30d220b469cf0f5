"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert


def _dialect(connection: AsyncConnection) -> Any:
    return postgresql if connection.dialect.name == "postgresql" else sqlite


def dialect_insert(connection: AsyncConnection, table: Table) -> Any:
    """INSERT with the connection's dialect's ON CONFLICT clauses available."""
    return _dialect(connection).insert(table)


def insert_ignore(connection: AsyncConnection, table: Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING for the connection's dialect."""
    return _insert_ignore(_dialect(connection), table)


@cache
def _insert_ignore(dialect: Any, table: Table) -> Insert:
    statement: Insert = dialect.insert(table).on_conflict_do_nothing()
    return statement


@cache
def _upsert(
    dialect: Any,
    table: Table,
    keys: tuple[str, ...],
    assign: tuple[tuple[str, str], ...],
    returning: tuple[str, ...] = (),
) -> Insert:
    statement = dialect.insert(table)
    values = {
        column: (table.c[column] + statement.excluded[column])
        if how == "add"
        else statement.excluded[column]
        for column, how in assign
    }
    upserting: Insert = statement.on_conflict_do_update(index_elements=list(keys), set_=values)
    if returning:
        upserting = upserting.returning(*(table.c[column] for column in returning))
    return upserting


def counter_upsert(
    connection: AsyncConnection,
    table: Table,
    keys: Sequence[str],
    counter: str,
    returning: Sequence[str] = (),
) -> Insert:
    """The statement `add_to_counters` runs, optionally returning columns of each row as it
    stands after the addition (built once per dialect and shape)."""
    return _upsert(_dialect(connection), table, tuple(keys), ((counter, "add"),), tuple(returning))


async def add_to_counters(
    connection: AsyncConnection,
    table: Table,
    keys: Sequence[str],
    counter: str,
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Insert rows, or add their `counter` to the existing row with the same key."""
    if rows:
        await connection.execute(counter_upsert(connection, table, keys, counter), list(rows))


async def upsert(
    connection: AsyncConnection,
    table: Table,
    keys: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Insert rows, or overwrite the non-key columns of the row with the same key."""
    if rows:
        columns = tuple((column, "set") for column in rows[0] if column not in keys)
        statement = _upsert(_dialect(connection), table, tuple(keys), columns)
        await connection.execute(statement, list(rows))
