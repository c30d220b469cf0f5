"""Private replies: answer feedback, quizzes, boards, status and stats, within Discord's limits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import discord

from adapters.discord import limits
from adapters.discord.render import COLOURS, question_text
from bot.domain.question import Question
from bot.domain.review import Rating
from bot.domain.scoring import Streak
from bot.ports import OutgoingNudge
from bot.presentation import Fact, board_view, feedback_lines, status_facts
from bot.services.answers import AnswerReceipt
from bot.services.boards import Leaderboard, MemberStats, stats_facts
from bot.services.progress import WeeklyPoints
from bot.services.quiz import QuizFeedback, QuizStep
from bot.services.review import ReviewStats, review_facts
from bot.services.subscriptions import ChannelStatus
from bot.services.today import Today


def _pick_lines(question: Question, choice: str, correct: bool) -> list[str]:
    chosen = question.choice(choice)
    if correct:
        return [f"**Right!** {choice}. {chosen.text} — {chosen.why}"]
    letter = question.correct_letter or "?"
    right = question.choice(letter)
    return [
        f"**Not quite:** {choice}. {chosen.text} — {chosen.why}",
        f"The answer is {letter}. {right.text} — {right.why}",
    ]


def receipt(result: AnswerReceipt) -> str:
    """Feedback on a daily answer: right or wrong and why, points and streak."""
    lines: list[str] = []
    if result.choice is not None:
        lines += _pick_lines(result.question, result.choice, bool(result.correct))
    if result.wrote:
        lines.append("Written answer saved: it is shown beside the reference answer at the reveal.")
        if result.feedback is not None:
            lines += feedback_lines(result.feedback, limits.escape)
    lines.append(result.standing())
    return limits.clip("\n".join(lines), limits.CONTENT)


def streak(name: str, value: Streak) -> str:
    return f"{limits.escape(name)}: streak {value.describe()}"


def today_embed(current: Today) -> discord.Embed:
    """The channel's latest question, with the member's own answer so far."""
    question = current.question
    state = "open" if current.open else "closed"
    embed = discord.Embed(
        title=f"Day {current.post.day_number} · {state}",
        description=question_text(question),
        colour=COLOURS[question.difficulty],
    )
    mine = []
    if current.my_choice:
        mine.append(f"you picked {current.my_choice}")
    if current.wrote:
        mine.append("you sent a written answer")
    if current.open:
        reveal = discord.utils.format_dt(current.post.reveal_at, "R")
        embed.add_field(name="Reveal", value=f"{reveal}", inline=True)
    if mine:
        embed.add_field(name="Your answer", value=", ".join(mine), inline=True)
    return embed


def quiz_embed(step: QuizStep) -> discord.Embed:
    question = step.question
    embed = discord.Embed(
        title=f"{step.kind.title()} {step.position + 1}/{step.total} · {question.difficulty.value}",
        description=question_text(question),
        colour=COLOURS[question.difficulty],
    )
    embed.set_footer(text=limits.clip(", ".join(question.topics), limits.FOOTER))
    return embed


def quiz_feedback(feedback: QuizFeedback, kind: str = "quiz") -> str:
    """Immediate feedback on a quiz or review answer, with the summary when it is over."""
    lines = _pick_lines(feedback.question, feedback.choice, feedback.correct)
    if feedback.finished:
        lines.append(f"**{kind.title()} done:** {feedback.score}/{feedback.total} right.")
        if kind == "review":
            lines.append("Each question comes back for review when it is due again.")
    return limits.clip("\n".join(lines), limits.CONTENT)


def leaderboard_embed(board: Leaderboard) -> discord.Embed:
    view = board_view(board)
    lines = [
        f"`{line.rank:>3}.` {limits.escape(limits.clip(line.name, 64))} — {line.points}"
        for line in view.lines
    ]
    if view.empty:
        lines.append(view.empty)
    lines.append(f"… {view.own}")
    return discord.Embed(
        title=view.title,
        description=limits.clip("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=discord.Colour.blurple(),
    )


def _when(instant: datetime) -> str:
    return f"{discord.utils.format_dt(instant, 'F')} ({discord.utils.format_dt(instant, 'R')})"


def _value(fact: Fact) -> str:
    if fact.when is not None:
        return _when(fact.when)
    if fact.members:
        return admin_list(fact.members)
    if fact.role:
        return f"<@&{fact.role}>"
    return limits.escape(fact.text)


def status_embeds(result: ChannelStatus) -> list[discord.Embed]:
    """The channel's status facts as embed fields, and what can grow long (queue, last error)
    in embeds of their own, so that `limits.pack_embeds` can spread them over messages."""
    embed = discord.Embed(title="qotd schedule", colour=discord.Colour.blurple())
    embeds = [embed]
    for fact in status_facts(result):
        if fact.long:
            # A platform's error text can be long; what fits one message's embeds is plenty.
            embeds += _text_embeds(fact.label, limits.clip(_value(fact), limits.EMBEDS_TOTAL))
        else:
            value = limits.clip(_value(fact), limits.FIELD_VALUE)
            embed.add_field(name=fact.label, value=value, inline=fact.inline)
    return embeds


def _text_embeds(title: str, text: str) -> list[discord.Embed]:
    """`text` as the descriptions of as many embeds as it needs."""
    pieces = limits.split_text(text, limits.EMBED_DESCRIPTION)
    return [
        discord.Embed(
            title=title if index == 0 else f"{title} (continued)",
            description=piece,
            colour=discord.Colour.blurple(),
        )
        for index, piece in enumerate(pieces)
    ]


def admin_list(member_ids: Iterable[str]) -> str:
    """`<@1>, <@2>` (mentions in a reply never ping: the client allows none), or nobody."""
    return ", ".join(f"<@{member_id}>" for member_id in sorted(member_ids)) or "nobody"


def review_lines(result: ReviewStats) -> str:
    """Spaced-repetition stats: due today, retention and the weakest topics."""
    return "\n".join(f"{label}: {value}" for label, value in review_facts(result))


def weekly_points(points: WeeklyPoints) -> str:
    """The numbers of the weekly-points chart, as text (the chart's accessible twin)."""
    return "\n".join(f"`{label}` {value}" for label, value in points.weeks) or "No weeks yet."


def rated(rating: Rating) -> str:
    return (
        f"Rated **{rating.name.lower()}**: the question comes back for review when it is due "
        "(`/qotd review`)."
    )


def nudge(outgoing: OutgoingNudge) -> str:
    """The daily private reminder: reviews due, and streaks that today's answer would keep."""
    lines = ["**qotd reminder**"]
    if outgoing.due_reviews:
        count = outgoing.due_reviews
        lines.append(
            f"• {count} review{'s' if count != 1 else ''} due: run `/qotd review` in your server."
        )
    for risk in outgoing.streaks_at_risk:
        closes = discord.utils.format_dt(risk.closes_at, "R")
        lines.append(
            f"• Your {risk.streak}-day streak in <#{risk.channel.channel_id}> ends unless you "
            f"answer today's question (answers close {closes})."
        )
    lines.append("`/qotd remind time:off` stops these reminders.")
    return limits.clip("\n".join(lines), limits.CONTENT)


def stats_embed(result: MemberStats, review: ReviewStats | None = None) -> discord.Embed:
    lines = [f"{label}: {value}" for label, value in stats_facts(result)]
    embed = discord.Embed(
        title="Your stats", description="\n".join(lines), colour=discord.Colour.blurple()
    )
    if review is not None:
        limits.add_field(embed, "Review", review_lines(review))
    if result.topics:
        limits.add_field(
            embed,
            "By topic",
            "\n".join(
                f"{item.topic}: {item.correct}/{item.answered} ({item.accuracy:.0%})"
                for item in result.topics
            ),
        )
    return embed


def topics_embed(
    pack_title: str, topics: Mapping[str, str], counts: Mapping[str, int]
) -> discord.Embed:
    lines = [f"**{topic}** ({counts.get(topic, 0)}): {text}" for topic, text in topics.items()]
    return discord.Embed(
        title=limits.clip(f"Topics · {pack_title}", limits.EMBED_TITLE),
        description=limits.clip("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=discord.Colour.blurple(),
    )
