"""The storage layer on both databases: migrations, and SQLite's concurrency settings."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Connection, Integer, MetaData, Table, inspect, select, text, update

from bot.services import answers, posting
from bot.services.answers import AnswerRequest
from bot.storage.database import Database
from bot.storage.tables import metadata
from tests.conftest import member
from tests.integration.helpers import subscribe
from tests.processes import WORK_LIMIT, deadline


async def test_migrations_create_exactly_the_schema_the_code_uses(database):
    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), metadata)

    async with database.engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []


def _schema(connection: Connection) -> dict[str, Any]:
    """Every table with its columns, keys and indexes, and the Alembic version."""
    inspector = inspect(connection)
    tables = {
        table: {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(table)
            ],
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": sorted(
                (key["constrained_columns"], key["referred_table"], key["referred_columns"])
                for key in inspector.get_foreign_keys(table)
            ),
            "unique": sorted(
                (key["name"] or "", key["column_names"])
                for key in inspector.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (index["name"] or "", index["column_names"], bool(index["unique"]))
                for index in inspector.get_indexes(table)
            ),
        }
        for table in sorted(inspector.get_table_names())
    }
    version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return {"tables": tables, "alembic version": version}


async def _snapshot(database: Database) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The schema, and every row of every table in a stable order."""
    async with database.engine.connect() as connection:
        schema = await connection.run_sync(_schema)
        rows = {}
        for name in schema["tables"]:
            result = await connection.exec_driver_sql(f'SELECT * FROM "{name}"')
            rows[name] = sorted((tuple(row) for row in result), key=repr)
    return schema, rows


async def test_upgrading_twice_changes_nothing(database, core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    await answers.submit(
        core, AnswerRequest(chat.posts[-1].post_id, member("ana"), channel, written="kept")
    )
    schema, rows = await _snapshot(database)
    assert {"subscriptions", "posts", "answers"} <= set(schema["tables"])
    assert len(schema["alembic version"]) == 1
    assert len(rows["posts"]) == 1 and len(rows["answers"]) == 1

    await database.upgrade()
    await database.upgrade()

    assert await _snapshot(database) == (schema, rows)


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    async with database.read() as connection:
        mode = await connection.exec_driver_sql("PRAGMA journal_mode")
        timeout = await connection.exec_driver_sql("PRAGMA busy_timeout")
        assert mode.scalar() == "wal"
        assert timeout.scalar() >= 5000
    await database.dispose()


async def test_concurrent_writers_from_two_processes_lose_no_update_and_never_see_locked(tmp_path):
    """Two engines (as two processes would) increment one counter 200 times each.

    A deferred BEGIN would fail with "database is locked" when both upgrade to writers, and
    pysqlite's implicit transactions would let read-modify-write updates overwrite each other.
    """
    url = f"sqlite+aiosqlite:///{tmp_path / 'counter.db'}"
    counters = Table(
        "counter", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer)
    )
    first, second = Database(url), Database(url)
    async with first.write() as connection:
        await connection.run_sync(counters.metadata.create_all)
        await connection.execute(counters.insert().values(id=1, n=0))

    async def bump(database: Database, times: int) -> None:
        for _ in range(times):
            async with database.write() as connection:
                current = await connection.scalar(select(counters.c.n).where(counters.c.id == 1))
                await asyncio.sleep(0)  # let the other writer run between read and write
                await connection.execute(
                    update(counters).where(counters.c.id == 1).values(n=current + 1)
                )

    await asyncio.gather(*(bump(database, 50) for database in (first, second) for _ in range(4)))
    async with first.read() as connection:
        assert await connection.scalar(select(counters.c.n)) == 400
    await first.dispose()
    await second.dispose()


async def test_workers_starting_together_migrate_once(database_url, tmp_path):
    """Several processes starting at once must not race to create the schema."""
    import uuid

    if database_url.startswith("sqlite"):
        database_url = f"sqlite+aiosqlite:///{tmp_path / 'together.db'}"
        schema = None
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = Database(database_url)
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        await admin.dispose()
    workers = [Database(database_url, schema=schema) for _ in range(4)]
    try:
        # Without coordination concurrent migrations deadlock on PostgreSQL: fail, don't hang.
        async with deadline(WORK_LIMIT, "four workers to migrate one database together"):
            await asyncio.gather(*(worker.upgrade() for worker in workers))
        async with workers[0].read() as connection:
            version = await connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert len(version.all()) == 1
    finally:
        for worker in workers:
            await worker.dispose()
        if schema:
            admin = Database(database_url)
            async with admin.engine.begin() as connection:
                await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            await admin.dispose()


def test_the_schema_head_the_start_checks_is_the_newest_migration():
    from alembic.script import ScriptDirectory

    from bot.storage.database import SCHEMA_HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


async def test_upgrading_an_older_sqlite_file_keeps_every_row(tmp_path):
    """Migrations that copy a table (SQLite batch mode) must not cascade through foreign keys:
    an upgrade from before the subscriptions' next-post mark kept posts and answers."""
    from alembic import command
    from sqlalchemy import create_engine

    from bot.storage.database import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    with old.begin() as connection:
        command.upgrade(alembic_config(connection), "c8e2f0a1b9d3")
        for statement in (
            "INSERT INTO groups (platform, external_id, created_at) VALUES ('t', 'g', '2026-01-01')",
            "INSERT INTO members (platform, external_id, name, created_at) VALUES ('t', 'm', 'm', '2026-01-01')",
            "INSERT INTO subscriptions (group_id, channel_id, pack, post_time, timezone, days, "
            "difficulties, topics, thread, paused, admins, cycle, active_since, created_at, "
            "updated_at) VALUES (1, 'c', 'sample', '09:00', 'UTC', 'mon', '', '', 0, 0, '', 0, "
            "'2026-01-01', '2026-01-01', '2026-01-01')",
            "INSERT INTO posts (subscription_id, local_date, question_id, status, scheduled_at, "
            "reveal_at, lease_token, attempts) VALUES (1, '2026-01-01', 'q', 'revealed', "
            "'2026-01-01', '2026-01-01', 0, 0)",
            "INSERT INTO answers (post_id, member_id, points, answered_at) VALUES (1, 1, 5, '2026-01-01')",
        ):
            connection.exec_driver_sql(statement)
    old.dispose()
    database = Database(url.replace("sqlite://", "sqlite+aiosqlite://"))
    try:
        await database.upgrade()
        async with database.read() as connection:
            counts = [
                await connection.scalar(text(f"SELECT count(*) FROM {table}"))
                for table in ("subscriptions", "posts", "answers")
            ]
            enforced = await connection.scalar(text("PRAGMA foreign_keys"))
    finally:
        await database.dispose()
    assert counts == [1, 1, 1]
    assert enforced == 1  # the bot's own connections still enforce foreign keys
