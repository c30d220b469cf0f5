"""The discord.py client and the front end the runner supervises.

`setup_hook` registers the DynamicItem buttons (so posts from before a restart still answer)
and the /qotd group, then syncs the commands: to one guild at once when
QOTD_DISCORD_DEV_GUILD is set, else globally. A token Discord rejects stops the front end
with one line naming the setting to fix (never the token).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from adapters.discord import group_questions, suggestions
from adapters.discord.chat import DiscordChat
from adapters.discord.commands import QotdTree, build_group
from adapters.discord.components import DYNAMIC_ITEMS, submit_written
from adapters.discord.context import PLATFORM, Services
from adapters.discord.errors import guarded, report
from adapters.discord.markers import WRITTEN, is_stale_button
from adapters.discord.rating import RateButton
from adapters.discord.votes import VoteButton
from bot.config import Settings
from bot.domain.action_ids import ActionId
from bot.errors import QotdError, StaleButton
from bot.services.context import Core

log = logging.getLogger(__name__)

FormHandler = Callable[[discord.Interaction, re.Match[str]], Awaitable[None]]
# The question forms (suggest, edit, decline), routed by their custom_id like the written
# answer, so a form opened before a restart is saved after it.
FORMS: tuple[tuple[ActionId, FormHandler], ...] = (*suggestions.FORMS, *group_questions.FORMS)


def _form(custom_id: str) -> tuple[FormHandler, re.Match[str]] | None:
    """The handler of a question form's id, and what the id carries."""
    for ids, handler in FORMS:
        found = ids.match(custom_id)
        if found is not None:
            return handler, found
    return None


TOKEN_REJECTED = (
    "Discord rejected the bot token (401 Unauthorized): set QOTD_DISCORD_TOKEN to the bot's "
    "current token (Developer Portal > your application > Bot > Reset Token)."
)


class TokenRejected(RuntimeError):
    """Discord refused the bot token, so the Discord front end cannot start."""


def intents() -> discord.Intents:
    """Only the guilds intent (not privileged): slash commands and buttons need no more."""
    return discord.Intents(guilds=True)


class QotdClient(discord.Client):
    """A discord.py client carrying qotd's services and its /qotd command tree."""

    def __init__(self, *, dev_guild: int | None = None, **options: Any) -> None:
        super().__init__(
            intents=intents(), allowed_mentions=discord.AllowedMentions.none(), **options
        )
        self.tree = QotdTree(self)
        self.dev_guild = dev_guild
        self.qotd: Services | None = None

    async def setup_hook(self) -> None:
        """Register buttons and commands before the gateway connects, then sync commands."""
        self.add_dynamic_items(*DYNAMIC_ITEMS, RateButton, VoteButton, suggestions.SuggestionButton)
        self.tree.add_command(build_group())
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Publish /qotd: instantly to the dev guild, or globally (which can take a while)."""
        if self.dev_guild is not None:
            guild = discord.Object(id=self.dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), self.dev_guild)
        else:
            synced = await self.tree.sync()
            log.info("synced %d commands globally", len(synced))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Route written-answer modals and the question forms by their custom_id, so they
        survive a restart too; a `qotd:` button or modal id no handler takes (old, forged, an
        id past 64 bits) gets a clear private reply instead of Discord's "interaction
        failed"."""
        custom_id = str(dict(interaction.data or {}).get("custom_id", ""))
        if interaction.type is discord.InteractionType.modal_submit:
            match = WRITTEN.match(custom_id)
            if match is not None:
                await submit_written(interaction, int(match["post"]))
            elif (routed := _form(custom_id)) is not None:
                handler, found = routed
                await guarded(interaction, lambda: handler(interaction, found))
            elif custom_id.startswith("qotd:"):
                await report(interaction, StaleButton())
        elif interaction.type is discord.InteractionType.component and is_stale_button(custom_id):
            await report(interaction, StaleButton())


class ShardedQotdClient(QotdClient, discord.AutoShardedClient):
    """The same client over several gateway shards, for bots in many servers."""


class DiscordFrontEnd:
    """The Discord front end: a client, its Chat, and the lifetime the runner manages."""

    def __init__(self, core: Core, settings: Settings) -> None:
        if settings.discord_token is None:
            raise QotdError("Set QOTD_DISCORD_TOKEN to the bot token from the Developer Portal.")
        self._token = settings.discord_token.get_secret_value()
        options: dict[str, Any] = {"dev_guild": settings.discord_dev_guild}
        if settings.discord_app_id is not None:
            options["application_id"] = settings.discord_app_id
        shards = settings.discord_shard_set
        if shards is not None:
            # Only the shards this process runs connect; the others' guilds are another's.
            self.client: QotdClient = ShardedQotdClient(
                shard_count=shards.count, shard_ids=sorted(shards.ids), **options
            )
        else:
            self.client = QotdClient(**options)
        # The setting the core's vote window is built from: no window, no vote buttons.
        self._chat = DiscordChat(self.client, shards=shards)
        self.client.qotd = Services(core=core, chats={PLATFORM: self._chat})

    @property
    def chat(self) -> DiscordChat:
        return self._chat

    @property
    def connected(self) -> bool:
        """Logged in with the gateway ready (every shard, when sharded) and not closed."""
        return self.client.is_ready() and not self.client.is_closed()

    async def login(self) -> None:
        """Log in over HTTP and run `setup_hook`, without opening the gateway (tests use this)."""
        try:
            await self.client.login(self._token)
        except discord.LoginFailure:
            await self.close()
            # `from None`: discord.py's chained 401 adds nothing the message does not say.
            raise TokenRejected(TOKEN_REJECTED) from None

    async def run(self) -> None:
        """Log in, connect to the gateway and serve until closed."""
        await self.login()
        await self.client.connect()

    async def close(self) -> None:
        """Disconnect; safe to call more than once."""
        if not self.client.is_closed():
            await self.client.close()
