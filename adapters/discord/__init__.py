"""The Discord front end: /qotd slash commands, answer buttons and modals on discord.py 2.7."""

from __future__ import annotations

from typing import Any

from adapters.discord.client import DiscordFrontEnd
from adapters.discord.context import PLATFORM
from bot.config import Settings
from bot.services.context import Core


def create_front_end(core: Core, settings: Settings, **options: Any) -> DiscordFrontEnd:
    """The Discord front end for `qotd run` (no options are used yet)."""
    return DiscordFrontEnd(core, settings)


__all__ = ["PLATFORM", "DiscordFrontEnd", "create_front_end"]
