"""The one place where errors become replies: a member reads a QotdError's message as it is;
anything else is a bug, logged with its traceback and answered with a short generic line."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from adapters.discord import limits
from bot.errors import QotdError

log = logging.getLogger(__name__)

GENERIC = "Sorry, that failed on our side. It has been logged; please try again later."


def message_for(error: BaseException) -> str:
    """What the member is told about `error`."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, QotdError):
        return error.message
    if isinstance(error, app_commands.TransformerError):
        return f"Cannot read {error.value!r} for that option."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "qotd works in server channels, not in direct messages."
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use that command here."
    log.error("an interaction failed", exc_info=error)
    return GENERIC


async def report(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the member privately what went wrong, whether or not the interaction was acked."""
    text = limits.clip(message_for(error), limits.CONTENT)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as failure:
        log.warning("could not send an error reply: %s", failure)


async def guarded(interaction: discord.Interaction, work: Callable[[], Awaitable[None]]) -> None:
    """Run a component or modal handler, routing any error through `report`."""
    try:
        await work()
    except Exception as error:
        await report(interaction, error)
