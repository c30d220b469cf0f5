"""Drive the real Discord front end the way Discord would: interactions in, HTTP out.

The front end logs in over HTTP against the fake (no gateway), interactions are fed to
discord.py's own `parse_interaction_create`, and replies are read back from the fake.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord

from adapters.discord import PLATFORM, create_front_end
from adapters.discord.chat import DiscordChat
from adapters.discord.client import DiscordFrontEnd
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.identity import ChannelRef
from bot.services import posting, timeline
from bot.services.context import Core
from bot.services.today import Today, today
from tests.discord import payloads
from tests.discord.fake_api import APP_ID, FakeDiscord, InteractionState
from tests.processes import deadline

TOKEN = base64.b64encode(str(APP_ID).encode()).decode().rstrip("=") + ".fake.token"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Tasks discord.py starts to run a command, a component, a modal or an event listener.
HANDLER_TASKS = ("CommandTree-invoker", "discord-ui-", "discord.py: ")
# How long every started handler may take to finish before the test fails as hung.
SETTLE_LIMIT = 30.0
CHANNEL = ChannelRef(PLATFORM, str(payloads.GUILD_ID), str(payloads.CHANNEL_ID))


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "content_dir": FIXTURES / "packs",
        "default_pack": "sample",
        "discord_token": TOKEN,
        **overrides,
    }
    return Settings(**values)


def text_of(message: dict[str, Any]) -> str:
    """A message as a member reads it: content, then each embed's text."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{field['name']}: {field['value']}" for field in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(part for part in parts if part)


def modal_text(modal: dict[str, Any]) -> str:
    """A form as a member reads it: its title, then each field's label."""
    labels = [row.get("label") or "" for row in modal.get("components") or []]
    return "\n".join([modal.get("title") or "", *labels])


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [
        child["custom_id"]
        for row in message.get("components") or []
        for child in row.get("components") or []
    ]


@dataclass
class Reply:
    """What the member saw in answer to one interaction."""

    state: InteractionState

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.state.replies

    @property
    def text(self) -> str:
        """The replies' text; a form Discord opened reads as its title and labels."""
        shown = [text_of(message) for message in self.messages]
        if self.state.modal is not None:
            shown.append(modal_text(self.state.modal))
        return "\n".join(shown)

    @property
    def form(self) -> dict[str, str]:
        """The opened form's text inputs and what they are prefilled with, by custom_id."""
        assert self.state.modal is not None, self.text
        return {
            field["custom_id"]: field.get("value") or ""
            for field in (row["component"] for row in self.state.modal["components"])
        }

    @property
    def last(self) -> dict[str, Any]:
        return self.messages[-1]

    @property
    def ephemeral(self) -> bool:
        return all(int(message.get("flags") or 0) & 64 for message in self.messages)


async def settle() -> None:
    """Wait until every handler discord.py started has finished; a hung one fails the test."""
    async with deadline(SETTLE_LIMIT, "the interaction handlers to finish"):
        while pending := [
            task
            for task in asyncio.all_tasks()
            if not task.done() and task.get_name().startswith(HANDLER_TASKS)
        ]:
            await asyncio.wait(pending)


class DiscordBot:
    """The Discord front end on a core, logged in to the fake."""

    def __init__(self, core: Core, fake: FakeDiscord, config: Settings | None = None) -> None:
        self.core = core
        self.fake = fake
        self.config = config or settings()
        self.front: DiscordFrontEnd | None = None

    async def start(self) -> None:
        self.front = create_front_end(self.core, self.config)
        await self.front.login()
        # What the gateway would deliver on connect: the guild, into discord.py's cache.
        self.client._connection.parse_guild_create(payloads.guild_create())  # type: ignore[arg-type]
        await settle()

    async def restart(self) -> None:
        """Close the client and start a new one, as a process restart would."""
        await self.close()
        await self.start()

    async def close(self) -> None:
        if self.front is not None:
            await self.front.close()

    @property
    def client(self) -> discord.Client:
        assert self.front is not None
        return self.front.client

    @property
    def chat(self) -> DiscordChat:
        assert self.front is not None
        return self.front.chat

    @property
    def chats(self) -> dict[str, Any]:
        assert self.front is not None
        return {PLATFORM: self.front.chat}

    async def send(self, payload: dict[str, Any]) -> Reply:
        """Deliver an interaction the way the gateway would, and wait for the bot's answer."""
        self.fake.expect(payload, asyncio.get_running_loop().time())
        self.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        await settle()
        return Reply(self.fake.interactions[payload["token"]])

    async def command(
        self, subcommand: str, who: str = "alice", admin: bool = False, **options: Any
    ) -> Reply:
        permissions = payloads.ADMIN if admin else payloads.MEMBER
        return await self.send(payloads.slash(subcommand, who, permissions, **options))

    async def complete(self, subcommand: str, focused: str, **options: Any) -> list[dict[str, Any]]:
        payload = payloads.slash(subcommand, "alice", payloads.ADMIN, focused=focused, **options)
        reply = await self.send(payload)
        assert reply.state.choices is not None
        return reply.state.choices

    async def click(
        self, message: dict[str, Any], custom_id: str, who: str, admin: bool = False
    ) -> Reply:
        assert custom_id in custom_ids(message), (custom_id, custom_ids(message))
        permissions = payloads.ADMIN if admin else payloads.MEMBER
        return await self.send(payloads.click(message, custom_id, who, permissions))

    async def submit(
        self, opened: Reply, values: dict[str, str], who: str, admin: bool = False
    ) -> Reply:
        """Submit the form `opened` showed, with `values` typed into its fields."""
        assert opened.state.modal is not None, opened.text
        permissions = payloads.ADMIN if admin else payloads.MEMBER
        return await self.send(
            payloads.modal_submit(
                opened.state.modal["custom_id"],
                values,
                who,
                opened.state.channel_id,
                permissions=permissions,
            )
        )

    async def write(self, message: dict[str, Any], who: str, text: str) -> Reply:
        """Click "Write an answer", then submit the modal Discord showed."""
        button = next(item for item in custom_ids(message) if item.startswith("qotd:write:"))
        opened = await self.click(message, button, who)
        assert opened.state.modal is not None, opened.text
        field = opened.state.modal["components"][0]["component"]["custom_id"]
        return await self.send(
            payloads.modal_submit(
                opened.state.modal["custom_id"], {field: text}, who, int(message["channel_id"])
            )
        )

    async def tick(self) -> posting.TickReport:
        return await posting.tick(self.core, self.chats)

    async def advance(self, delta: timedelta) -> None:
        """Move the clock, ticking at every due post, reveal and reminder on the way."""
        clock = self.core.clock
        assert isinstance(clock, ManualClock)
        await timeline.advance_to(self.core, self.chats, clock, clock.now() + delta)

    async def current(self) -> Today:
        """The channel's latest question, as the core sees it."""
        return await today(self.core, CHANNEL)

    def posts(self, channel_id: int = payloads.CHANNEL_ID) -> list[dict[str, Any]]:
        """Daily posts sent to the channel, current state (edits applied)."""
        return [
            self.fake.messages[int(message["id"])]
            for message in self.fake.channel_messages(channel_id)
            if any(
                (embed.get("title") or "").startswith("Question of the day")
                for embed in message.get("embeds") or []
            )
        ]

    def reveals(self) -> list[dict[str, Any]]:
        """Messages that carry a reveal or written answers, in order."""
        return [
            message
            for message in self.fake.created
            if any(
                (embed.get("title") or "").startswith(("Answer ·", "Written answers"))
                for embed in message.get("embeds") or []
            )
        ]
