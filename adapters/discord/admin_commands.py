"""Admin subcommands of /qotd: each defers, translates options into one service call, and
replies privately. Permission comes from the interaction (Manage Server) and the core checks it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from adapters.discord import autocomplete, limits, replies
from adapters.discord.context import actor_of, channel_of, services_of
from adapters.discord.schedule_options import ScheduleOptions, merged_request
from bot.domain.identity import ChannelRef
from bot.domain.subscription import Subscription
from bot.errors import NotSubscribed, QotdError
from bot.services import posting, subscriptions
from bot.services.access import require_admin
from bot.services.context import Core

Callback = Callable[..., Coroutine[Any, Any, None]]


async def _defer(interaction: discord.Interaction) -> None:
    # Acknowledge before any core call: Discord drops interactions not answered within 3 s.
    await interaction.response.defer(ephemeral=True, thinking=True)


async def _say(
    interaction: discord.Interaction, text: str | None, embeds: list[discord.Embed] | None = None
) -> None:
    if not embeds:
        await interaction.followup.send(text or "Done.", ephemeral=True)
    elif text is None:
        await interaction.followup.send(embeds=embeds, ephemeral=True)
    else:
        await interaction.followup.send(text, embeds=embeds, ephemeral=True)


async def _say_status(
    interaction: discord.Interaction, text: str | None, result: subscriptions.ChannelStatus
) -> None:
    """The status over as many messages as Discord's 6,000 characters of embeds need."""
    first, *rest = limits.pack_embeds(replies.status_embeds(result))
    await _say(interaction, text, first)
    for embeds in rest:
        await _say(interaction, None, embeds)


FORUM = (
    "qotd posts each question as a message in the channel, and a forum or media channel takes "
    "only posts of its own: schedule a text or announcement channel instead."
)


def _refuse_forums(interaction: discord.Interaction) -> None:
    """A command in a forum post (a thread) would schedule the forum itself, where no
    message can be sent: every post would fail."""
    channel = interaction.channel
    parent = channel.parent if isinstance(channel, discord.Thread) else channel
    if isinstance(parent, discord.ForumChannel):
        raise QotdError(FORUM)


async def _current(core: Core, channel: ChannelRef) -> Subscription | None:
    """The channel's subscription, or None when it has no schedule yet."""
    try:
        return (await subscriptions.channel_status(core, channel)).subscription
    except NotSubscribed:
        return None


@app_commands.describe(
    time="Post time, 24-hour HH:MM, e.g. 09:00 (needed for a new schedule; left out: unchanged)",
    timezone="IANA time zone, e.g. Europe/Berlin (left out: unchanged; new: the bot's default)",
    days="daily, weekdays, weekends, mon-fri or mon,wed,fri (left out: unchanged; new: daily)",
    reveal="Reveal after 8h, after 90m or at 17:00 (left out: unchanged; new: after 8h)",
    pack="Question pack (left out: unchanged; new: the bot's default pack)",
    difficulty="Levels, comma-separated: beginner, intermediate, advanced; all clears (left out: unchanged)",
    topics="Topics, comma-separated (see /qotd topics); all clears (left out: unchanged)",
    role="A role to mention in each post, the only mention qotd makes (left out: unchanged)",
    no_role="True stops mentioning a role in each post",
    thread="Open a discussion thread under each post (left out: unchanged; new: off)",
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
    time: str | None = None,
    timezone: str | None = None,
    days: str | None = None,
    reveal: str | None = None,
    pack: str | None = None,
    difficulty: str | None = None,
    topics: str | None = None,
    role: discord.Role | None = None,
    no_role: bool = False,
    thread: bool | None = None,
) -> None:
    """Create this channel's schedule, or change the options given and keep the others."""
    await _defer(interaction)
    core, channel, actor = (
        services_of(interaction).core,
        channel_of(interaction),
        actor_of(interaction),
    )
    current = await _current(core, channel)
    require_admin(actor, current, "change the schedule")
    _refuse_forums(interaction)
    if role is not None and role.is_default():
        raise QotdError("qotd never pings @everyone: pick a role for the daily mention instead.")
    given = ScheduleOptions(
        time=time,
        timezone=timezone,
        days=days,
        reveal=reveal,
        pack=pack,
        difficulty=difficulty,
        topics=topics,
        role=str(role.id) if role is not None else None,
        no_role=no_role,
        thread=thread,
    )
    request = merged_request(given, current, core.default_timezone)
    status = await subscriptions.schedule_channel(
        core,
        channel,
        actor,
        request.schedule,
        pack=request.pack,
        difficulties=request.difficulties,
        topics=request.topics,
        mention=request.mention,
        thread=request.thread,
    )
    await _say_status(interaction, f"Scheduled: {request.schedule.describe()}.", status)


async def status(interaction: discord.Interaction) -> None:
    """Show this channel's schedule, next post and last error."""
    await _defer(interaction)
    result = await subscriptions.channel_status(
        services_of(interaction).core, channel_of(interaction)
    )
    require_admin(actor_of(interaction), result.subscription, "see the schedule's status")
    await _say_status(interaction, None, result)


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
    await _say_status(interaction, "Resumed.", result)


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


# Each command's description is its summary in the catalogue (bot/commands.py).
COMMANDS: tuple[tuple[str, Callback], ...] = (
    ("schedule", schedule),
    ("status", status),
    ("pause", pause),
    ("resume", resume),
    ("skip", skip),
    ("queue", queue),
    ("unsubscribe", unsubscribe),
    ("post-now", post_now),
    ("reveal-now", reveal_now),
)
