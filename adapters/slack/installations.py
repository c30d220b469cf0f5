"""Slack installations in qotd's own database: slack_sdk's SQLAlchemy stores, and each
workspace's bot client found through them."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import cast

from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import (
    AsyncSQLAlchemyInstallationStore,
    SQLAlchemyInstallationStore,
)
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.ports import ChatError
from bot.storage.database import Database

log = logging.getLogger(__name__)

# The tables the migration creates (slack_sdk's default names).
INSTALLATIONS_TABLE = AsyncSQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = AsyncSQLAlchemyInstallationStore.default_bots_table_name
STATES_TABLE = AsyncSQLAlchemyOAuthStateStore.default_table_name
STATE_SECONDS = 600  # how long an install link's state stays valid (Bolt's default)
KEEP_SECONDS = 60.0  # how long a workspace's bot token is kept in memory between lookups

NOT_INSTALLED = (
    "qotd is not installed in this workspace any more (it was uninstalled or its access "
    "revoked): install it again, then `/qotd resume`."
)
UNREADABLE = "The workspace's installation could not be read; it is retried."


class _DatabaseAsEngine:
    """The two calls slack_sdk's SQLAlchemy stores make on their engine, served by qotd's
    Database: `begin()` is a write transaction (on SQLite it queues behind this process's
    other writers and takes the write lock up front) and `connect()` a read-only one (on
    SQLite it never takes the write lock, so each request's token lookup waits for no
    writer)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def begin(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return self._database.write()

    def connect(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return self._database.read()


def installation_store(database: Database, client_id: str) -> AsyncSQLAlchemyInstallationStore:
    """Installations and bots of the app `client_id`, in qotd's database (tables made by
    its migrations, never by the store)."""
    engine = cast(AsyncEngine, _DatabaseAsEngine(database))
    return AsyncSQLAlchemyInstallationStore(client_id, engine, logger=log)


def state_store(
    database: Database, expiration_seconds: int = STATE_SECONDS
) -> AsyncSQLAlchemyOAuthStateStore:
    """The one-use `state` values of install links, in qotd's database."""
    engine = cast(AsyncEngine, _DatabaseAsEngine(database))
    return AsyncSQLAlchemyOAuthStateStore(expiration_seconds, engine, logger=log)


@dataclass
class _Kept:
    token: str
    client: AsyncWebClient
    until: float


class WorkspaceClients:
    """Each workspace's bot client, from its installation; a token found is kept in memory
    for `keep_seconds`, so a burst of posts reads the database once per workspace."""

    def __init__(
        self,
        store: AsyncSQLAlchemyInstallationStore,
        make_client: Callable[[str], AsyncWebClient],
        *,
        keep_seconds: float = KEEP_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self._make_client = make_client
        self._keep_seconds = keep_seconds
        self._monotonic = monotonic
        self._kept: dict[str, _Kept] = {}

    async def client_for(self, team_id: str) -> AsyncWebClient:
        """The bot client of workspace `team_id`; a ChatError when it has no installation
        (permanent: the channel's schedule is paused) or the database did not answer."""
        now = self._monotonic()
        kept = self._kept.get(team_id)
        if kept is not None and kept.until > now:
            return kept.client
        try:
            bot = await self._find_bot(team_id)
        except Exception as error:  # the database: the send is retried on the next tick
            log.warning("could not read the installation of %s: %s", team_id, type(error).__name__)
            raise ChatError(UNREADABLE, permanent=False) from error
        token = bot.bot_token if bot is not None else None
        if not token:
            self._kept.pop(team_id, None)
            raise ChatError(NOT_INSTALLED, permanent=True)
        client = kept.client if kept is not None and kept.token == token else None
        client = client or self._make_client(token)
        self._kept[team_id] = _Kept(token, client, now + self._keep_seconds)
        return client

    async def _find_bot(self, team_id: str) -> Bot | None:
        """The workspace's newest bot installation. By team alone: the store's own find also
        matches the enterprise id, which a channel does not carry (a workspace of an
        Enterprise Grid org has one)."""
        bots = self.store.bots
        query = (
            bots.select()
            .where(
                bots.c.client_id == self.store.client_id,
                bots.c.team_id == team_id,
                bots.c.bot_token.is_not(None),
            )
            .order_by(bots.c.installed_at.desc())
            .limit(1)
        )
        async with self.store.engine.connect() as connection:
            row = (await connection.execute(query)).mappings().first()
        return None if row is None else SQLAlchemyInstallationStore.build_bot_entity(row)

    def forget(self, team_id: str) -> None:
        """Drop the kept token of a workspace that uninstalled the app or revoked it."""
        self._kept.pop(team_id, None)
