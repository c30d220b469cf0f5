"""What the Discord handlers share: the core, the chats, and neutral identities from Discord's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import discord

from bot.domain.identity import ChannelRef, MemberRef
from bot.errors import QotdError
from bot.ports import Chat
from bot.services.access import Actor
from bot.services.context import Core

PLATFORM = "discord"


@dataclass
class Services:
    """Everything a command or a button needs, reachable from `interaction.client.qotd`."""

    core: Core
    chats: Mapping[str, Chat]


def services_of(interaction: discord.Interaction) -> Services:
    """The Services of the client that received the interaction."""
    services = getattr(interaction.client, "qotd", None)
    if not isinstance(services, Services):
        raise RuntimeError("the Discord client has no qotd services attached")
    return services


def member_of(user: discord.abc.User) -> MemberRef:
    """The neutral identity of a Discord user (the display name is for show only)."""
    return MemberRef(PLATFORM, str(user.id), user.display_name)


def channel_of(interaction: discord.Interaction) -> ChannelRef:
    """The channel an interaction came from; a thread counts as its parent channel, so the
    discussion thread of a post answers to the same schedule."""
    if interaction.guild_id is None or interaction.channel_id is None:
        raise QotdError("qotd works in server channels, not in direct messages.")
    channel_id = interaction.channel_id
    channel = interaction.channel
    if isinstance(channel, discord.Thread) and channel.parent_id is not None:
        channel_id = channel.parent_id
    return ChannelRef(PLATFORM, str(interaction.guild_id), str(channel_id))


def is_admin(interaction: discord.Interaction) -> bool:
    """Manage Server (or Administrator) in this channel, read from the interaction itself."""
    permissions = interaction.permissions
    return permissions.manage_guild or permissions.administrator


def actor_of(interaction: discord.Interaction) -> Actor:
    """The acting member with the permission Discord reports for them right now."""
    return Actor(member_of(interaction.user), is_admin=is_admin(interaction))
