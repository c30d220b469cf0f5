"""Admin subcommands of /qotd: each defers, translates options into one service call, and
replies privately. Permission comes from the interaction (Manage Server) and the core checks it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from adapters.discord import autocomplete, replies
from adapters.discord.context import actor_of, channel_of, services_of
from bot.domain.schedule import Schedule
from bot.errors import QotdError
from bot.services import posting, subscriptions
from bot.services.access import require_admin

Callback = Callable[..., Coroutine[Any, Any, None]]


async def _defer(interaction: discord.Interaction) -> None:
    # Acknowledge before any core call: Discord drops interactions not answered within 3 s.
    await interaction.response.defer(ephemeral=True, thinking=True)


async def _say(
    interaction: discord.Interaction, text: str | None, embed: discord.Embed | None = None
) -> None:
    if embed is None:
        await interaction.followup.send(text or "Done.", ephemeral=True)
    elif text is None:
        await interaction.followup.send(embed=embed, ephemeral=True)
    else:
        await interaction.followup.send(text, embed=embed, ephemeral=True)


def _items(text: str | None) -> list[str]:
    return [item.strip() for item in (text or "").split(",") if item.strip()]


@app_commands.describe(
    time="Post time, 24-hour HH:MM in the time zone below (e.g. 09:00)",
    timezone="IANA time zone, e.g. Europe/Berlin (default: the bot's default zone)",
    days="Days to post: daily, weekdays, weekends, mon-fri or mon,wed,fri",
    reveal="When to reveal the answer: after 8h, after 90m or at 17:00 (default after 8h)",
    pack="Question pack (default: the bot's default pack)",
    difficulty="Only these levels, comma-separated: beginner, intermediate, advanced",
    topics="Only these topics, comma-separated (see /qotd topics)",
    role="A role to mention in each post (the only mention the bot makes)",
    thread="Open a discussion thread under each post",
)
@app_commands.autocomplete(
    timezone=autocomplete.complete_timezone,
    days=autocomplete.complete_days,
    pack=autocomplete.complete_pack,
    difficulty=autocomplete.complete_difficulties,
    topics=autocomplete.complete_topics,
)
async def schedule(
    interaction: discord.Interaction,
    time: str,
    timezone: str | None = None,
    days: str = "daily",
    reveal: str | None = None,
    pack: str | None = None,
    difficulty: str | None = None,
    topics: str | None = None,
    role: discord.Role | None = None,
    thread: bool = False,
) -> None:
    """Create or replace this channel's schedule."""
    await _defer(interaction)
    core = services_of(interaction).core
    plan = Schedule.parse(time, timezone or core.default_timezone, days, reveal)
    if role is not None and role.is_default():
        raise QotdError("qotd never pings @everyone: pick a role for the daily mention instead.")
    status = await subscriptions.schedule_channel(
        core,
        channel_of(interaction),
        actor_of(interaction),
        plan,
        pack=pack,
        difficulties=_items(difficulty),
        topics=_items(topics),
        mention=str(role.id) if role is not None else None,
        thread=thread,
    )
    await _say(interaction, f"Scheduled: {plan.describe()}.", replies.status_embed(status))


async def status(interaction: discord.Interaction) -> None:
    """Show this channel's schedule, next post and last error."""
    await _defer(interaction)
    result = await subscriptions.channel_status(
        services_of(interaction).core, channel_of(interaction)
    )
    require_admin(actor_of(interaction), result.subscription, "see the schedule's status")
    await _say(interaction, None, replies.status_embed(result))


@app_commands.describe(reason="Why (shown by /qotd status)")
async def pause(interaction: discord.Interaction, reason: str | None = None) -> None:
    """Pause posting in this channel."""
    await _defer(interaction)
    await subscriptions.pause(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction), reason
    )
    await _say(interaction, "Paused. `/qotd resume` starts again from the next scheduled time.")


async def resume(interaction: discord.Interaction) -> None:
    """Resume posting from the next scheduled time."""
    await _defer(interaction)
    result = await subscriptions.resume(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction)
    )
    await _say(interaction, "Resumed.", replies.status_embed(result))


async def skip(interaction: discord.Interaction) -> None:
    """Skip the question that would come next."""
    await _defer(interaction)
    skipped = await subscriptions.skip_next(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction)
    )
    await _say(interaction, f"Skipped `{skipped.id}`; it comes back in the next round.")


@app_commands.describe(question="The question's id (type to search ids and prompts)")
@app_commands.autocomplete(question=autocomplete.complete_question)
async def queue(interaction: discord.Interaction, question: str) -> None:
    """Put a question first in line for the next post."""
    await _defer(interaction)
    queued = await subscriptions.queue_question(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction), question
    )
    await _say(interaction, f"Queued `{queued.id}` for the next post.")


async def unsubscribe(interaction: discord.Interaction) -> None:
    """Remove this channel's schedule (members keep their points)."""
    await _defer(interaction)
    await subscriptions.unsubscribe(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction)
    )
    await _say(interaction, "Schedule removed. `/qotd schedule` sets a new one.")


async def post_now(interaction: discord.Interaction) -> None:
    """Post today's question now (a test post; one per day)."""
    await _defer(interaction)
    services = services_of(interaction)
    post = await posting.post_now(
        services.core, services.chats, channel_of(interaction), actor_of(interaction)
    )
    await _say(interaction, f"Posted day {post.day_number}.")


async def reveal_now(interaction: discord.Interaction) -> None:
    """Close the open question now and post its answer."""
    await _defer(interaction)
    services = services_of(interaction)
    await posting.reveal_now(
        services.core, services.chats, channel_of(interaction), actor_of(interaction)
    )
    await _say(interaction, "Revealed.")


COMMANDS: tuple[tuple[str, str, Callback], ...] = (
    ("schedule", "Admin: set when and what this channel gets (Manage Server)", schedule),
    ("status", "Admin: this channel's schedule, next post and last error", status),
    ("pause", "Admin: pause posting in this channel", pause),
    ("resume", "Admin: resume posting from the next scheduled time", resume),
    ("skip", "Admin: skip the question that would come next", skip),
    ("queue", "Admin: put a question first in line", queue),
    ("unsubscribe", "Admin: remove this channel's schedule", unsubscribe),
    ("post-now", "Admin: post today's question now (a test post)", post_now),
    ("reveal-now", "Admin: close the open question now and post its answer", reveal_now),
)
