"""Who and where, from Slack payloads: neutral refs, and whether a member is a workspace admin."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.chat import NETWORK_ERRORS, PLATFORM
from bot.domain.identity import ChannelRef, MemberRef
from bot.errors import NotThisChannel
from bot.services.access import Actor

log = logging.getLogger(__name__)
# `<@U123|name>` as Slack writes a mention in an escaped slash command.
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,32})(?:\|([^>]*))?>")


def channel_ref(team_id: str, channel_id: str) -> ChannelRef:
    return ChannelRef(PLATFORM, team_id, channel_id)


def member_ref(user_id: str, name: str | None = None) -> MemberRef:
    return MemberRef(PLATFORM, user_id, name or "")


def interaction_user(body: dict[str, Any]) -> MemberRef:
    """The member behind a block action or view submission."""
    user = body.get("user") or {}
    return member_ref(str(user["id"]), user.get("username") or user.get("name"))


def interaction_team(body: dict[str, Any]) -> str:
    team = body.get("team") or {}
    return str(team.get("id") or body.get("user", {}).get("team_id") or "")


def interaction_channel(body: dict[str, Any]) -> ChannelRef:
    """The workspace and channel a block action came from, as Slack reports them in the signed
    request (never an id carried by the button)."""
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    channel_id = channel.get("id") or container.get("channel_id")
    team_id = interaction_team(body)
    if not channel_id or not team_id:
        raise NotThisChannel()  # App Home or a DM: no channel's post can be answered there
    return channel_ref(team_id, str(channel_id))


def form_channel(body: dict[str, Any], team_id: str, channel_id: str) -> ChannelRef:
    """The channel a modal was opened in: its metadata names the channel, and the workspace
    submitting it must be the one the modal was opened in."""
    team = interaction_team(body)
    if not team or team != team_id:
        raise NotThisChannel("form")
    return channel_ref(team, channel_id)


def mentioned_members(text: str) -> list[MemberRef]:
    """The members mentioned as `<@U123|name>` in an escaped slash command's text."""
    return [member_ref(user_id, name) for user_id, name in USER_MENTION.findall(text)]


@dataclass(frozen=True, slots=True)
class AdminCheck:
    """Finds out whether a member is a workspace admin or owner (users.info)."""

    client: AsyncWebClient

    async def actor(self, member: MemberRef) -> Actor:
        return Actor(member, is_admin=await self.is_admin(member.member_id))

    async def is_admin(self, user_id: str) -> bool:
        try:
            response = await self.client.users_info(user=user_id)
        except (SlackApiError, *NETWORK_ERRORS) as error:
            # Without users.info the core still lets the channel's listed admins through.
            log.warning("users.info failed for %s: %s", user_id, error)
            return False
        user = response.get("user") or {}
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
