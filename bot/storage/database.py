"""The database engine: SQLite (WAL, BEGIN IMMEDIATE) by default, PostgreSQL when configured."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.errors import QotdError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# The asyncio drivers qotd is built and tested with, by database.
DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
EXAMPLES = "use sqlite+aiosqlite:///qotd.db, or postgresql+asyncpg://user:password@host:5432/qotd"
UNKNOWN_DATABASE = "3D000"  # PostgreSQL's invalid_catalog_name

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
# The newest migration: a database already there starts without loading Alembic at all
# (tests/integration/test_storage.py holds this to the migrations folder).
SCHEMA_HEAD = "8d1e6b2f4a90"
BUSY_TIMEOUT_MS = 10_000
# PostgreSQL limits, so a worker never waits forever: on a statement, on a row lock held by
# a paused worker (taking a lease then fails fast and the post is left to its holder), on a
# session left inside a transaction (a paused or cut-off worker's locks are freed), and on
# the network (asyncpg's own timer catches a connection that silently stops answering).
STATEMENT_TIMEOUT_MS = 10_000
LOCK_TIMEOUT_MS = 2_000
IDLE_IN_TRANSACTION_MS = 30_000
COMMAND_TIMEOUT_S = 15.0
CONNECT_TIMEOUT_S = 10.0
LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"
MIGRATION_LOCK = 0x716F7464  # "qotd": the advisory-lock key for schema upgrades
_READ_ONLY = "qotd_read_only"


class BadDatabaseUrl(QotdError):
    """QOTD_DATABASE_URL cannot be read, or names a database qotd cannot drive."""


class DatabaseMissing(QotdError):
    """The database named by QOTD_DATABASE_URL does not exist and cannot be created here."""


class Database:
    """Owns the engine and hands out read and write transactions.

    On SQLite every write transaction starts with BEGIN IMMEDIATE, so it takes the write lock
    up front: a deferred BEGIN that later upgrades to a write fails with "database is locked"
    when another writer got there first, and pysqlite's own implicit transactions can lose
    concurrent updates. Writers of this process also queue on an asyncio lock, so they wait
    in order instead of polling SQLite's busy handler.
    """

    def __init__(self, url: str, *, schema: str | None = None, echo: bool = False) -> None:
        parsed = parse_database_url(url)
        self.url = url
        # For log lines and errors: the URL with any password hidden.
        self.safe_url = hide_password(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self._sqlite_path = _sqlite_path(parsed) if self.is_sqlite else None
        self._name = parsed.database or ""
        options: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            options["async_creator"] = _sqlite_connector(parsed)
        else:
            options["pool_pre_ping"] = True
            options["pool_timeout"] = CONNECT_TIMEOUT_S
            server_settings = {
                "statement_timeout": str(STATEMENT_TIMEOUT_MS),
                "lock_timeout": str(LOCK_TIMEOUT_MS),
                "idle_in_transaction_session_timeout": str(IDLE_IN_TRANSACTION_MS),
            }
            if schema:
                server_settings["search_path"] = schema
            options["connect_args"] = {
                "server_settings": server_settings,
                "command_timeout": COMMAND_TIMEOUT_S,
                "timeout": CONNECT_TIMEOUT_S,
            }
        try:
            self.engine: AsyncEngine = create_async_engine(url, **options)
        except ModuleNotFoundError as error:
            raise BadDatabaseUrl(
                f"QOTD_DATABASE_URL {self.safe_url} needs the {error.name} package, which is not installed (for PostgreSQL: pip install 'qotd[postgres]')."
            ) from None
        except ArgumentError as error:  # an option in the URL's query that the driver refuses
            raise BadDatabaseUrl(f"Cannot use QOTD_DATABASE_URL {self.safe_url}: {error}") from None
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        if self.is_sqlite:
            _configure_sqlite(self.engine)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction: committed on exit, rolled back on error."""
        if self._write_lock is None:
            async with self.engine.begin() as connection:
                yield connection
            return
        async with self._write_lock, self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction; never blocks writers on SQLite (WAL)."""
        async with self.engine.connect() as connection:
            await connection.execution_options(**{_READ_ONLY: True})
            async with connection.begin():
                yield connection

    async def upgrade(self) -> None:
        """Bring the schema to the newest migration (runs inside the event loop).

        Workers starting together on PostgreSQL take turns through an advisory lock held for
        the migration's transaction, so only the first one migrates and the others find the
        schema current.
        """
        self._check_sqlite_folder()
        if await self._at_head():
            return
        engine = self._migrating_engine() if self.is_sqlite else self.engine
        try:
            async with engine.begin() as connection:
                if not self.is_sqlite:
                    # A migration may run long and wait its turn behind another worker's.
                    await connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
                    await connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
                    await connection.exec_driver_sql(
                        f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"
                    )
                else:
                    # BEGIN IMMEDIATE goes out with the first statement: send one now, so the
                    # write lock is held before Alembic's context (one per process) is entered
                    # and two migrations in one process never interleave.
                    await connection.exec_driver_sql("SELECT 1")
                await connection.run_sync(_run_upgrade)
                if self.is_sqlite:
                    await _check_foreign_keys(connection)
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) == UNKNOWN_DATABASE:
                raise DatabaseMissing(
                    f"The PostgreSQL database {self._name!r} does not exist ({self.safe_url}): create it (createdb {self._name}) or fix QOTD_DATABASE_URL."
                ) from None
            raise
        finally:
            if engine is not self.engine:
                await engine.dispose()

    def _migrating_engine(self) -> AsyncEngine:
        """SQLite connections for migrations only, with foreign keys off: a migration that
        copies a table (Alembic's batch mode) drops the old copy, and with foreign keys on that
        drop would delete every row referring to it (a subscription's posts and answers).
        SQLite cannot switch them inside a transaction, so these connections open with them
        off and are closed after use; the migration ends with a foreign-key check."""
        engine = create_async_engine(
            self.url,
            async_creator=_sqlite_connector(parse_database_url(self.url)),
            poolclass=NullPool,
        )
        _configure_sqlite(engine, foreign_keys=False)
        return engine

    async def _at_head(self) -> bool:
        """Whether the schema is at the newest migration already (the usual start)."""
        try:
            async with self.engine.connect() as connection:
                version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:  # a new database (no version table), or one the upgrade explains
            return False
        return bool(version == SCHEMA_HEAD)

    def _check_sqlite_folder(self) -> None:
        # SQLite creates a missing file but not its folder; saying so beats retrying for a
        # minute and then reporting "unable to open database file".
        path = self._sqlite_path
        if path is not None and not path.parent.is_dir():
            raise DatabaseMissing(
                f"The SQLite database {path} cannot be created: its folder {path.parent} does not exist. Create the folder or fix QOTD_DATABASE_URL."
            )

    async def dispose(self) -> None:
        await self.engine.dispose()


def parse_database_url(url: str) -> URL:
    """QOTD_DATABASE_URL read and checked: SQLite through aiosqlite, or PostgreSQL through asyncpg.

    Raises `BadDatabaseUrl`, whose message never contains the URL's password.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadDatabaseUrl(
            f"QOTD_DATABASE_URL is not a database URL ({hide_password(url)!r}): {EXAMPLES}."
        ) from None
    if parsed.drivername not in DRIVERS.values():
        raise BadDatabaseUrl(
            f"QOTD_DATABASE_URL {hide_password(url)} names a database or driver qotd cannot use: {_suggestion(parsed)}."
        )
    return parsed


def hide_password(url: str) -> str:
    """The URL with any password replaced by ***, even when it does not parse."""
    with suppress(ArgumentError):  # not a URL: the pattern below still finds user:password@
        url = make_url(url).render_as_string(hide_password=True)
    # Also up to the last @: a password with an unescaped @ is read as part of the host.
    return re.sub(r"(://[^/:@\s]*:).*@", r"\1***@", url)


def _suggestion(parsed: URL) -> str:
    """The same URL with the driver qotd uses, when the database is one qotd knows."""
    backend = parsed.drivername.partition("+")[0]
    driver = DRIVERS.get("postgresql" if backend == "postgres" else backend)
    if driver is None:
        return EXAMPLES
    return f"use {parsed.set(drivername=driver).render_as_string(hide_password=True)}"


def _sqlite_path(parsed: URL) -> Path | None:
    """The file of a SQLite URL; None in memory or for SQLite's own file: URIs."""
    name = parsed.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name).resolve()


def _sqlite_connector(parsed: URL) -> Callable[[], Awaitable[Any]]:
    """Opens the URL's SQLite database as SQLAlchemy's aiosqlite dialect would (the same
    arguments, from the same URL), through the one-trip-per-statement connection."""
    from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite

    from bot.storage import sqlite_driver

    args, options = SQLiteDialect_aiosqlite().create_connect_args(parsed)
    options["timeout"] = BUSY_TIMEOUT_MS / 1000
    return partial(sqlite_driver.connect, *args, **options)


async def _check_foreign_keys(connection: AsyncConnection) -> None:
    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
    if broken:
        raise QotdError(
            f"The migration would leave {len(broken)} rows pointing at missing rows "
            f"(first: {tuple(broken[0])}); nothing was changed."
        )


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool = True) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN instead of pysqlite's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        try:
            cursor.execute("PRAGMA journal_mode=WAL")  # kept in the file once set
        except Exception as error:
            # Switching to WAL needs the file to itself and does not wait; when processes
            # open a new file together, one of them switches it and the others go on.
            if "locked" not in str(error):
                raise
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        # Sent with the transaction's first statement: one trip to the thread fewer.
        driver = connection.connection.driver_connection
        assert driver is not None  # a connection being begun is open
        driver.begin_with_next("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # loaded only when the schema is behind

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _run_upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")


async def upgrade_database(url: str, schema: str | None = None) -> None:
    """`qotd db upgrade`: migrate the database at `url` and close it."""
    database = Database(url, schema=schema)
    try:
        await database.upgrade()
    finally:
        await database.dispose()


def is_lock_timeout(error: BaseException) -> bool:
    """Whether a statement gave up waiting for a row lock (PostgreSQL's lock_timeout)."""
    return getattr(getattr(error, "orig", None), "sqlstate", None) == LOCK_NOT_AVAILABLE
