"""Remove the copy of /qotd that a development sync left in one server.

With QOTD_DISCORD_DEV_GUILD set, qotd registers its commands in that server only; once the
setting is gone it registers them globally, and the server keeps its old copy as well (so
/qotd shows up twice there). This clears the server's copy; the global commands stay
(`qotd discord clear-commands <server id>`).
"""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord.client import TOKEN_REJECTED
from adapters.discord.invite import application_id
from bot.config import Settings
from bot.errors import QotdError


async def clear_guild_commands(settings: Settings, guild_id: int) -> None:
    """Sync an empty command list to one server: Discord drops every command the bot had
    registered there. Global commands are not touched."""
    if settings.discord_token is None:
        raise QotdError("Set QOTD_DISCORD_TOKEN to the bot token from the Developer Portal.")
    client = discord.Client(intents=discord.Intents.none(), application_id=application_id(settings))
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    try:
        await client.login(settings.discord_token.get_secret_value())
        await tree.sync(guild=discord.Object(id=guild_id))
    except discord.LoginFailure:
        raise QotdError(TOKEN_REJECTED) from None
    finally:
        await client.close()
