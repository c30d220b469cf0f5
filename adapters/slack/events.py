"""Events API listeners' work: the App Home tab, and channels the app can no longer post in."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.direct import CardFiles
from adapters.slack.home import build_home
from adapters.slack.identity import channel_ref, member_ref
from bot.errors import NotSubscribed
from bot.services import subscriptions
from bot.services.access import Actor
from bot.services.context import Core

log = logging.getLogger(__name__)

_REMOVED = (
    "The app was removed from this channel: invite it again (`/invite @qotd`), then `/qotd resume`."
)
_ARCHIVED = "The channel was archived: unarchive it, then `/qotd resume`."
_DELETED = "The channel was deleted."
# Public channels' events, then private channels' (Slack names those `group_*`); each pauses
# the channel's schedule with a reason `/qotd status` shows.
GONE_REASONS = {
    "member_left_channel": _REMOVED,  # public or private; only the app's own departure counts
    "channel_left": _REMOVED,
    "channel_archive": _ARCHIVED,
    "channel_deleted": _DELETED,
    "group_left": _REMOVED,
    "group_archive": _ARCHIVED,
    "group_deleted": _DELETED,
}
GONE_EVENTS = tuple(GONE_REASONS)


class EventHandlers:
    """What qotd does with the events it subscribes to."""

    def __init__(self, core: Core, cards: CardFiles) -> None:
        self.core = core
        self.cards = cards

    async def home(
        self, client: AsyncWebClient, body: dict[str, Any], event: dict[str, Any]
    ) -> None:
        """Publish the member's Home tab when they open it."""
        if event.get("tab", "home") != "home":
            return
        user = str(event["user"])
        team_id = str(body.get("team_id") or "")
        view = await build_home(self.core, team_id, member_ref(user), self.cards.file_of(user))
        await client.views_publish(user_id=user, view=view)

    async def channel_gone(
        self, body: dict[str, Any], event: dict[str, Any], bot_user_id: str | None
    ) -> None:
        """Pause the schedule of a channel the app was removed from, or that was archived or
        deleted (public or private)."""
        kind = str(event.get("type"))
        if kind == "member_left_channel" and event.get("user") != bot_user_id:
            return  # a member left; only the app's own departure matters
        channel_id = event.get("channel")
        if isinstance(channel_id, dict):  # an event may carry the channel object
            channel_id = channel_id.get("id")
        if not channel_id:
            return
        channel = channel_ref(str(body.get("team_id") or ""), str(channel_id))
        app_actor = Actor(member_ref(bot_user_id or "app", "qotd"), is_admin=True)
        try:
            await subscriptions.pause(self.core, channel, app_actor, GONE_REASONS[kind])
        except NotSubscribed:
            return
        log.info("paused the schedule of %s: %s", channel.channel_id, kind)
