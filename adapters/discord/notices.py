"""Private notices to one member (a suggestion accepted or declined), sent as a direct message.

The admin who acted is always told whether the member got it: a member who does not accept
direct messages from server members is not told silently nothing.
"""

from __future__ import annotations

import logging

import aiohttp
import discord

from adapters.discord import limits
from bot.services.suggestions import Notice

log = logging.getLogger(__name__)


async def tell_privately(client: discord.Client, notice: Notice) -> str:
    """Send the notice as a DM; returns the line that tells the admin how it went."""
    name = limits.escape(notice.member.name)
    try:
        channel = await client.create_dm(discord.Object(id=int(notice.member.member_id)))
        await channel.send(
            limits.clip(limits.escape(notice.text), limits.CONTENT),
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except discord.Forbidden:
        return (
            f"{name} could not be told privately: they do not accept direct messages from "
            "this server's members. Tell them yourself."
        )
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError, ValueError) as error:
        log.warning("a notice to member %s failed: %s", notice.member.member_id, error)
        return (
            f"{name} could not be told privately: Discord did not deliver the message "
            f"({type(error).__name__}). Tell them yourself."
        )
    return f"{name} was told privately."
