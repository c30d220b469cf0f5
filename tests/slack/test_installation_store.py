"""slack_sdk's SQLAlchemy stores on qotd's own database (SQLite and PostgreSQL): the tables
the migration made are the ones the stores expect, and each workspace's client is found
through them."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Connection, MetaData, inspect

from adapters.slack.installations import (
    BOTS_TABLE,
    INSTALLATIONS_TABLE,
    NOT_INSTALLED,
    STATES_TABLE,
    WorkspaceClients,
    installation_store,
    state_store,
)
from bot.ports import ChatError
from bot.storage.database import Database

CLIENT_ID = "1111.2222"


def _expected() -> MetaData:
    """The tables as the installed slack_sdk's stores define them."""
    metadata = MetaData()
    AsyncSQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS_TABLE)
    AsyncSQLAlchemyInstallationStore.build_bots_table(metadata, BOTS_TABLE)
    AsyncSQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, STATES_TABLE)
    return metadata


def _shape(connection: Connection, name: str) -> dict[str, Any]:
    inspector = inspect(connection)
    return {
        "columns": [
            (c["name"], c["type"].python_type, c["nullable"]) for c in inspector.get_columns(name)
        ],
        "primary key": inspector.get_pk_constraint(name)["constrained_columns"],
        "indexes": sorted((i["name"], i["column_names"]) for i in inspector.get_indexes(name)),
    }


async def test_the_migrated_tables_are_the_ones_the_stores_define(database: Database):
    expected = _expected()
    async with database.engine.connect() as connection:
        for table in expected.sorted_tables:
            shape = await connection.run_sync(_shape, table.name)
            assert shape["columns"] == [
                (c.name, c.type.python_type, c.nullable) for c in table.columns
            ], table.name
            assert shape["primary key"] == ["id"]
            assert shape["indexes"] == sorted(
                (index.name, [c.name for c in index.columns]) for index in table.indexes
            )


def _installation(team_id: str, token: str, installed_at: float = 1_700_000_000.0) -> Installation:
    return Installation(
        app_id="A0QOTD",
        enterprise_id=None,
        team_id=team_id,
        team_name=f"Workspace {team_id}",
        bot_token=token,
        bot_id=f"B{team_id}",
        bot_user_id=f"U0QOTD{team_id}",
        bot_scopes="commands,chat:write",
        user_id="UINSTALLER",
        token_type="bot",
        installed_at=installed_at,
    )


async def test_an_installation_is_saved_found_and_deleted_through_the_store(database):
    store = installation_store(database, CLIENT_ID)
    await store.async_save(_installation("T1", "xoxb-one"))
    await store.async_save(_installation("T2", "xoxb-two"))

    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    bot = await store.async_find_bot(enterprise_id=None, team_id="T2")
    assert found is not None and found.bot_token == "xoxb-one" and found.user_id == "UINSTALLER"
    assert bot is not None and bot.bot_token == "xoxb-two" and bot.bot_user_id == "U0QOTDT2"

    await store.async_delete_all(enterprise_id=None, team_id="T1")
    assert await store.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await store.async_find_bot(enterprise_id=None, team_id="T2") is not None


async def test_an_install_state_is_good_once(database):
    states = state_store(database)
    state = await states.async_issue()

    assert await states.async_consume("never-issued") is False
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False


class _Clients:
    def __init__(self) -> None:
        self.made: list[str] = []

    def __call__(self, token: str) -> AsyncWebClient:
        self.made.append(token)
        return AsyncWebClient(token=token)


async def test_each_workspace_gets_a_client_with_its_own_newest_token(database):
    store = installation_store(database, CLIENT_ID)
    await store.async_save(_installation("T1", "xoxb-old", installed_at=1_700_000_000.0))
    await store.async_save(_installation("T1", "xoxb-new", installed_at=1_700_000_100.0))
    await store.async_save(_installation("T2", "xoxb-two"))
    clients = WorkspaceClients(store, _Clients())

    assert (await clients.client_for("T1")).token == "xoxb-new"
    assert (await clients.client_for("T2")).token == "xoxb-two"


async def test_a_token_is_kept_briefly_then_read_again(database):
    store = installation_store(database, CLIENT_ID)
    await store.async_save(_installation("T1", "xoxb-one"))
    now = [0.0]
    make = _Clients()
    clients = WorkspaceClients(store, make, keep_seconds=60, monotonic=lambda: now[0])
    first = await clients.client_for("T1")

    await store.async_delete_all(enterprise_id=None, team_id="T1")
    now[0] = 59.0
    assert await clients.client_for("T1") is first  # kept: no database read
    now[0] = 61.0
    with pytest.raises(ChatError) as raised:
        await clients.client_for("T1")
    assert make.made == ["xoxb-one"]
    assert raised.value.permanent and raised.value.reason == NOT_INSTALLED


async def test_a_forgotten_workspace_is_read_again_at_once(database):
    store = installation_store(database, CLIENT_ID)
    await store.async_save(_installation("T1", "xoxb-one"))
    clients = WorkspaceClients(store, _Clients(), monotonic=lambda: 0.0)
    await clients.client_for("T1")

    await store.async_delete_all(enterprise_id=None, team_id="T1")
    clients.forget("T1")

    with pytest.raises(ChatError) as raised:
        await clients.client_for("T1")
    assert raised.value.permanent
