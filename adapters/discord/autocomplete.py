"""Autocomplete for /qotd options: time zones, days, topics, difficulties, packs, questions.

Autocomplete must answer at once (it cannot be deferred), so these read only memory.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

import discord
from discord import app_commands

from adapters.discord import limits
from adapters.discord.context import services_of
from bot.domain.question import Difficulty

DAY_SUGGESTIONS = ("daily", "weekdays", "weekends", "mon-fri", "mon,wed,fri", "tue,thu")


def _choices(values: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(
            name=limits.clip(name, limits.CHOICE_NAME), value=value[: limits.CHOICE_VALUE]
        )
        for name, value in values[: limits.CHOICES]
    ]


def _ranked(options: list[str], current: str) -> list[str]:
    """Options containing `current`, those starting with it first."""
    needle = current.strip().lower()
    found = [option for option in options if needle in option.lower()]
    return sorted(found, key=lambda option: (not option.lower().startswith(needle), option))


@cache
def _zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


async def complete_timezone(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """IANA time zones matching what was typed."""
    return _choices([(zone, zone) for zone in _ranked(_zones(), current)])


async def complete_days(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    options = _ranked(list(DAY_SUGGESTIONS), current) or ([current] if current else [])
    return _choices([(option, option) for option in options])


def _complete_list(current: str, options: list[str]) -> list[app_commands.Choice[str]]:
    """Complete the last item of a comma-separated list."""
    done, _, last = current.rpartition(",")
    prefix = f"{done}," if done else ""
    chosen = {item.strip() for item in done.split(",")}
    return _choices(
        [
            (prefix + option, prefix + option)
            for option in _ranked(options, last)
            if option not in chosen and len(prefix + option) <= limits.CHOICE_VALUE
        ]
    )


async def complete_topics(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Topics of the default pack, as a comma-separated list."""
    core = services_of(interaction).core
    return _complete_list(current, list(core.library.pack(core.default_pack).topics))


async def complete_topic(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    core = services_of(interaction).core
    topics = _ranked(list(core.library.pack(core.default_pack).topics), current)
    return _choices([(topic, topic) for topic in topics])


async def complete_difficulties(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return _complete_list(current, [level.value for level in Difficulty])


async def complete_pack(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    packs = services_of(interaction).core.library.packs
    return _choices(
        [(f"{pack.id} — {pack.title}", pack.id) for pack in packs.values() if current in pack.id]
    )


async def complete_question(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Question ids whose id or prompt contains what was typed."""
    needle = current.strip().lower()
    found = [
        (f"{question.id} — {question.prompt}", question.id)
        for pack in services_of(interaction).core.library.packs.values()
        for question in pack.questions
        if needle in question.id.lower() or needle in question.prompt.lower()
    ]
    return _choices(found)
