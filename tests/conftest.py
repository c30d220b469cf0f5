"""Shared fixtures: real databases (SQLite always, PostgreSQL when reachable), a frozen clock,
the sample pack, and a chat fake that records what the core sends."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.content.loader import Library, load_library
from bot.domain.identity import ChannelRef, MemberRef
from bot.services.context import Core
from bot.storage.database import Database
from tests.fakes import RecordingChat

FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_URL = os.environ.get(
    "QOTD_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
CHANNEL = ChannelRef("test", "group-1", "channel-1")


def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import asyncpg
    except ImportError:
        return "asyncpg is not installed (pip install -e '.[postgres]')"

    async def probe() -> None:
        dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
        connection = await asyncpg.connect(dsn, timeout=3)
        await connection.close()

    try:
        asyncio.run(probe())
    except Exception as error:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable ({type(error).__name__}: {error})"
    return None


_POSTGRES_PROBLEM = _postgres_reachable()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'qotd.db'}"
    if _POSTGRES_PROBLEM:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {_POSTGRES_PROBLEM}")
        pytest.skip(_POSTGRES_PROBLEM)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to the newest schema, copied for each test (a copy is several
    times cheaper than running the migrations again)."""
    path = tmp_path_factory.mktemp("template") / "qotd.db"

    async def migrate() -> None:
        template = Database(f"sqlite+aiosqlite:///{path}")
        await template.upgrade()
        await template.dispose()

    asyncio.run(migrate())
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[tuple[str, str]]:
    """One migrated PostgreSQL schema for the session, and the TRUNCATE statement that
    empties it (each test starts from empty tables, several times faster than a new schema
    migrated per test). Dropped at the end."""
    schema = f"t_{uuid.uuid4().hex[:12]}"

    async def create() -> str:
        admin = Database(POSTGRES_URL)
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        await admin.dispose()
        migrated = Database(POSTGRES_URL, schema=schema)
        await migrated.upgrade()
        async with migrated.engine.begin() as connection:
            rows = await connection.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename <> 'alembic_version'"
            )
            tables = ", ".join(f'"{row[0]}"' for row in rows)
        await migrated.dispose()
        return f"TRUNCATE {tables} RESTART IDENTITY CASCADE"

    async def drop() -> None:
        admin = Database(POSTGRES_URL)
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.dispose()

    empty = asyncio.run(create())
    try:
        yield schema, empty
    finally:
        asyncio.run(drop())


@pytest.fixture
def empty_database(database_url: str, request: pytest.FixtureRequest) -> tuple[str | None, str]:
    """Make the database at `database_url` migrated and empty: copy the migrated SQLite file,
    or pick the session's PostgreSQL schema. Returns (schema, statement that empties it)."""
    if database_url.startswith("postgresql"):
        schema, empty = request.getfixturevalue("postgres_schema")
        return schema, empty
    template: Path = request.getfixturevalue("migrated_sqlite")
    shutil.copyfile(template, database_url.removeprefix("sqlite+aiosqlite:///"))
    return None, ""


@pytest.fixture
async def database(
    database_url: str, empty_database: tuple[str | None, str]
) -> AsyncIterator[Database]:
    """A migrated, empty database (tests run one at a time, so they can share a schema)."""
    schema, empty = empty_database
    db = Database(database_url, schema=schema)
    if empty:
        async with db.engine.begin() as connection:
            # A connection an earlier test left open would block this forever: fail instead.
            await connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            await connection.exec_driver_sql(empty)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
def clock() -> ManualClock:
    # A Monday morning in Berlin, before a 09:00 post.
    return ManualClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(FIXTURES / "packs")


@pytest.fixture
def core(database: Database, clock: ManualClock, library: Library) -> Core:
    from bot.bootstrap import build_core

    settings = Settings(content_dir=FIXTURES / "packs", default_pack="sample", review_fuzz=False)
    return build_core(settings, database, clock=clock, library=library)


@pytest.fixture
def chat() -> RecordingChat:
    return RecordingChat("test")


@pytest.fixture
def channel() -> ChannelRef:
    return CHANNEL


def member(name: str) -> MemberRef:
    return MemberRef("test", name, name.title())
