"""Fixtures for the Discord front end: the fake API, and the bot logged in to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest

from bot.services.context import Core
from tests.discord.fake_api import FakeDiscord
from tests.discord.harness import TOKEN, DiscordBot


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """The fake Discord API, with discord.py pointed at it; no limit may be broken."""
    api = FakeDiscord(token=TOKEN)
    monkeypatch.setattr(discord.http.Route, "BASE", await api.start())
    try:
        yield api
    finally:
        await api.close()
    assert api.violations == []


@pytest.fixture
async def bot(core: Core, fake: FakeDiscord) -> AsyncIterator[DiscordBot]:
    running = DiscordBot(core, fake)
    await running.start()
    try:
        yield running
    finally:
        await running.close()
