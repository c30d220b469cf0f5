"""/qotd admins: the members who may run this channel's admin commands without Manage Server.

Listed admins may run the admin commands, but only members with Manage Server decide who is
listed (on Slack, only workspace admins and owners do).
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from adapters.discord import replies
from adapters.discord.admin_commands import Callback
from adapters.discord.context import actor_of, channel_of, member_of, services_of
from bot.errors import QotdError
from bot.services import subscriptions
from bot.services.access import require_admin

ONLY_MANAGE_SERVER = "Only members with Manage Server can change the channel's admins."
USAGE = "Name the member: `/qotd admins action:add member:@someone` (or `action:remove`)."


@app_commands.describe(
    action="list (default), add or remove a channel admin",
    member="The member to add or remove",
)
async def admins(
    interaction: discord.Interaction,
    action: Literal["list", "add", "remove"] = "list",
    member: discord.User | None = None,
) -> None:
    """List, add or remove the members who may run admin commands in this channel."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    core, channel, actor = (
        services_of(interaction).core,
        channel_of(interaction),
        actor_of(interaction),
    )
    if action != "list" and not actor.is_admin:
        # Listed admins may run admin commands, but only the server decides who they are.
        raise QotdError(ONLY_MANAGE_SERVER)
    current = (await subscriptions.channel_status(core, channel)).subscription
    listed = set(current.admins)
    if action == "list":
        require_admin(actor, current, "see the channel's admins")
    elif member is None:
        raise QotdError(USAGE)
    else:
        changed = member_of(member).member_id
        listed = listed | {changed} if action == "add" else listed - {changed}
        await subscriptions.set_admins(core, channel, actor, sorted(listed))
    await interaction.followup.send(
        f"Channel admins: {replies.admin_list(listed)}.",
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )


# Each command's description is its summary in the catalogue (bot/commands.py).
COMMANDS: tuple[tuple[str, Callback], ...] = (("admins", admins),)
