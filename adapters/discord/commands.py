"""The /qotd command group: its tree and the commands of both audiences.

Discord applies default permissions to top-level commands only, so the admin subcommands of
the one /qotd group are checked at run time (Manage Server, from the interaction), and the
core checks again (`require_admin`).
"""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord import (
    admin_commands,
    channel_admins,
    group_questions,
    member_commands,
    practice_commands,
    suggestions,
)
from adapters.discord.errors import report
from bot.commands import summary

GROUP_DESCRIPTION = "A daily machine-learning interview question for this channel"


class QotdTree(app_commands.CommandTree[discord.Client]):
    """A command tree whose errors all go through `errors.report`."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        await report(interaction, error)


def build_group() -> app_commands.Group:
    """A fresh /qotd group (one per client, so a restarted client gets its own)."""
    group = app_commands.Group(
        name="qotd",
        description=GROUP_DESCRIPTION,
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
    )
    commands = (
        *admin_commands.COMMANDS,
        *channel_admins.COMMANDS,
        *member_commands.COMMANDS,
        *practice_commands.COMMANDS,
        *suggestions.COMMANDS,
        *group_questions.COMMANDS,
    )
    for name, callback in commands:
        group.add_command(
            app_commands.Command(name=name, description=summary(name), callback=callback)
        )
    return group
