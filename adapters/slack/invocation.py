"""One `/qotd` call as every subcommand handler receives it (shared by `commands` and `study`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import Message
from adapters.slack.direct import CardFiles
from adapters.slack.identity import AdminCheck
from bot.domain.identity import ChannelRef, MemberRef
from bot.ports import Chat
from bot.services.access import Actor
from bot.services.context import Core


@dataclass(frozen=True, slots=True)
class Invocation:
    """One `/qotd` call: who, where, and the tools to answer."""

    core: Core
    chats: Mapping[str, Chat]
    client: AsyncWebClient
    channel: ChannelRef
    member: MemberRef
    trigger_id: str | None = None
    cards: CardFiles | None = None

    async def actor(self) -> Actor:
        """The member, with whether Slack says they are a workspace admin or owner."""
        return await AdminCheck(self.client).actor(self.member)


Handler = Callable[[Invocation, str], Awaitable[Message | None]]
