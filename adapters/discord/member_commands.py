"""Subcommands of /qotd for everyone: today, leaderboard, streak, stats, quiz, topics,
forget-me and help. Each defers first, calls the services and replies privately."""

from __future__ import annotations

from collections import Counter
from typing import Literal

import discord
from discord import app_commands

from adapters.discord import attachments, autocomplete, limits, replies
from adapters.discord.admin_commands import Callback
from adapters.discord.components import post_view, quiz_view
from adapters.discord.context import channel_of, member_of, services_of
from bot import pictures
from bot.domain.periods import Period, Scope
from bot.services import boards, members, progress, quiz
from bot.services.today import today as current_post


async def _defer(interaction: discord.Interaction) -> None:
    # Acknowledge before any core call: Discord drops interactions not answered within 3 s.
    await interaction.response.defer(ephemeral=True, thinking=True)


async def today(interaction: discord.Interaction) -> None:
    """Show the channel's current question, with its answer buttons while it is open."""
    await _defer(interaction)
    core = services_of(interaction).core
    current = await current_post(core, channel_of(interaction), member_of(interaction.user))
    embed = replies.today_embed(current)
    if current.open:
        view = post_view(current.post.id, current.question)
        await interaction.followup.send(embed=embed, view=view, ephemeral=True)
    else:
        await interaction.followup.send(embed=embed, ephemeral=True)


@app_commands.describe(
    period="Which points: this week (default), this month or all time",
    scope="The whole server (default) or this channel only",
    chart="Also draw the points of the last 8 weeks as a picture",
)
async def leaderboard(
    interaction: discord.Interaction,
    period: Literal["week", "month", "all"] = "week",
    scope: Literal["group", "channel"] = "group",
    chart: bool = False,
) -> None:
    """The top members, and your own rank; with `chart`, the weekly points as a picture."""
    await _defer(interaction)
    core = services_of(interaction).core
    where, chosen = channel_of(interaction), Scope.parse(scope)
    board = await boards.leaderboard(
        core, where, member_of(interaction.user), Period.parse(period), chosen
    )
    embed = replies.leaderboard_embed(board)
    if not chart:
        await interaction.followup.send(embed=embed, ephemeral=True)
        return
    points = await progress.weekly_points(core, where, chosen)
    limits.add_field(embed, "Weekly points", replies.weekly_points(points))
    title = f"Weekly points ({chosen.value})"
    picture = await attachments.draw(lambda: pictures.weekly_points_chart(points, title))
    await _send_with_picture(interaction, embed, picture, "weekly-points.png", title)


async def _send_with_picture(
    interaction: discord.Interaction,
    embed: discord.Embed,
    picture: pictures.Picture | None,
    filename: str,
    alt_text: str,
) -> None:
    """The text embed with the picture attached, or with a note saying why it is missing."""
    # Discord refuses an upload in a reply where the bot lacks Attach Files.
    may_attach = interaction.app_permissions.attach_files
    file = attachments.as_file(picture, filename, alt_text, interaction.filesize_limit)
    if file is None or not may_attach:
        embed.set_footer(text=attachments.missing_note(picture, may_attach))
        await interaction.followup.send(embed=embed, ephemeral=True)
        return
    embed.set_image(url=f"attachment://{filename}")
    await interaction.followup.send(embed=embed, file=file, ephemeral=True)


@app_commands.describe(member="Whose streak (default: yours)")
async def streak(interaction: discord.Interaction, member: discord.User | None = None) -> None:
    """A member's streak of answered posts in this channel."""
    await _defer(interaction)
    who = member_of(member or interaction.user)
    value = await boards.member_streak(services_of(interaction).core, channel_of(interaction), who)
    await interaction.followup.send(replies.streak(who.label, value), ephemeral=True)


async def stats(interaction: discord.Interaction) -> None:
    """Your answers, accuracy by topic and review stats, with your progress card."""
    await _defer(interaction)
    result = await progress.member_progress(
        services_of(interaction).core, member_of(interaction.user), channel_of(interaction)
    )
    embed = replies.stats_embed(result.stats, result.review)
    # A fixed title: a display name would go through matplotlib's mathtext parser.
    title = "Your progress"
    picture = await attachments.draw(lambda: pictures.progress_card(result, title))
    await _send_with_picture(
        interaction, embed, picture, "progress.png", "Answers per day and accuracy by topic"
    )


@app_commands.describe(
    topic="Only questions of this topic (see /qotd topics)",
    difficulty="Only questions of this level",
    count="How many questions (1-25)",
)
@app_commands.autocomplete(topic=autocomplete.complete_topic)
async def practice_quiz(
    interaction: discord.Interaction,
    topic: str | None = None,
    difficulty: Literal["beginner", "intermediate", "advanced"] | None = None,
    count: app_commands.Range[int, 1, 25] | None = None,
) -> None:
    """Start a private practice quiz, one question at a time."""
    await _defer(interaction)
    step = await quiz.start_quiz(
        services_of(interaction).core,
        member_of(interaction.user),
        topic=topic,
        difficulty=difficulty,
        count=count,
        channel=channel_of(interaction) if interaction.guild_id else None,
    )
    await interaction.followup.send(
        embed=replies.quiz_embed(step), view=quiz_view(step), ephemeral=True
    )


async def topics(interaction: discord.Interaction) -> None:
    """The topics of the question bank, with how many questions each has."""
    core = services_of(interaction).core
    pack = core.library.pack(core.default_pack)
    counts = Counter(topic for question in pack.questions for topic in question.topics)
    # Memory only, so answering at once is within the 3 seconds.
    await interaction.response.send_message(
        embed=replies.topics_embed(pack.title, pack.topics, counts), ephemeral=True
    )


async def forget_me(interaction: discord.Interaction) -> None:
    """Delete everything qotd stores about you (answers, points, streaks, quizzes)."""
    await _defer(interaction)
    removed = await members.forget_member(
        services_of(interaction).core, member_of(interaction.user)
    )
    text = "Everything stored about you is deleted." if removed else "Nothing was stored about you."
    await interaction.followup.send(text, ephemeral=True)


HELP = """\
**Everyone**
`/qotd today` the current question · `/qotd leaderboard [chart]` · `/qotd streak`
`/qotd stats` your numbers and progress card · `/qotd topics` · `/qotd forget-me`
`/qotd quiz` a private practice quiz · `/qotd review [count]` your due questions (spaced repetition)
`/qotd remind time:08:00 [timezone]` a daily private reminder · `/qotd remind time:off` stops it
`/qotd suggest` suggest a question for the group (a form; the admins review it)
`/qotd help` this list
Answer the daily post with its buttons: a letter for the quick check, or **Write an answer**.
After the reveal, rate your written answer with **Again / Hard / Good / Easy**.
**Admins (Manage Server)**
`/qotd schedule` · `/qotd status` · `/qotd pause` · `/qotd resume` · `/qotd skip`
`/qotd queue` · `/qotd post-now` · `/qotd reveal-now` · `/qotd unsubscribe`
`/qotd schedule` changes only the options given; the others keep their values.
`/qotd admins` lists, adds or removes members who may run these without Manage Server.
`/qotd suggestions` the waiting suggestions · `/qotd accept` · `/qotd decline`
`/qotd questions` the group's own questions: list, import, export, edit, retire, source"""


async def help_command(interaction: discord.Interaction) -> None:
    """How to use qotd."""
    await interaction.response.send_message(limits.clip(HELP, limits.CONTENT), ephemeral=True)


# Each command's description is its summary in the catalogue (bot/commands.py).
COMMANDS: tuple[tuple[str, Callback], ...] = (
    ("today", today),
    ("leaderboard", leaderboard),
    ("streak", streak),
    ("stats", stats),
    ("quiz", practice_quiz),
    ("topics", topics),
    ("forget-me", forget_me),
    ("help", help_command),
)
