"""Subcommands of /qotd for spaced repetition: `review` (a private session of due questions,
answered with the quiz buttons) and `remind` (a daily private reminder by direct message)."""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord import autocomplete, replies
from adapters.discord.admin_commands import Callback
from adapters.discord.components import quiz_view
from adapters.discord.context import member_of, services_of
from bot.services import nudges, review

OFF = "off"


async def _defer(interaction: discord.Interaction) -> None:
    # Acknowledge before any core call: Discord drops interactions not answered within 3 s.
    await interaction.response.defer(ephemeral=True, thinking=True)


@app_commands.describe(count="How many questions (1-25; default: the bot's review size)")
async def review_command(
    interaction: discord.Interaction, count: app_commands.Range[int, 1, 25] | None = None
) -> None:
    """Review your due questions privately; each answer reschedules the question."""
    await _defer(interaction)
    step = await review.start_review(
        services_of(interaction).core, member_of(interaction.user), count=count
    )
    await interaction.followup.send(
        "Review: questions you are due to see again, most overdue first.",
        embed=replies.quiz_embed(step),
        view=quiz_view(step),
        ephemeral=True,
    )


@app_commands.describe(
    time="24-hour HH:MM for a daily reminder by direct message (e.g. 08:00), or off",
    timezone="IANA time zone, e.g. Europe/Berlin (default: the bot's default zone)",
)
@app_commands.autocomplete(timezone=autocomplete.complete_timezone)
async def remind(interaction: discord.Interaction, time: str, timezone: str | None = None) -> None:
    """Get (or stop) one private reminder a day when reviews are due or a streak is at risk."""
    await _defer(interaction)
    core, member = services_of(interaction).core, member_of(interaction.user)
    if time.strip().lower() == OFF:
        stopped = await nudges.stop_reminder(core, member)
        text = "Reminders are off." if stopped else "You had no reminder."
    else:
        when, zone = await nudges.set_reminder(core, member, time, timezone)
        text = (
            f"Every day at {when:%H:%M} {zone} you get a direct message when reviews are due "
            "or a streak is at risk (allow direct messages from this server's members). "
            "`/qotd remind time:off` stops it."
        )
    await interaction.followup.send(text, ephemeral=True)


# Each command's description is its summary in the catalogue (bot/commands.py).
COMMANDS: tuple[tuple[str, Callback], ...] = (
    ("review", review_command),
    ("remind", remind),
)
