"""A group's scheduled channels, for views that cover a whole workspace (Slack's App Home)."""

from __future__ import annotations

from bot.domain.identity import ChannelRef
from bot.services.context import Core


async def group_channels(core: Core, platform: str, group_id: str) -> list[ChannelRef]:
    """The channels of a group that have a schedule (paused ones too), oldest first."""
    async with core.storage.read() as uow:
        subscriptions = await uow.subscriptions.for_group(platform, group_id)
    return [subscription.channel for subscription in subscriptions]
