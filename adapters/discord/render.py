"""Embeds for the channel: the daily post, its closed form, the reveal and written answers.

Pack text (prompts, reference answers) is trusted Markdown; anything a member typed goes
through `limits.escape` first. Every embed is built within Discord's limits.
"""

from __future__ import annotations

import discord

from adapters.discord import limits
from adapters.discord.markers import jump_url
from bot.domain.question import LETTERS, Difficulty, Question
from bot.ports import OutgoingPost, OutgoingReveal, Results, WrittenAnswer

COLOURS = {
    Difficulty.BEGINNER: discord.Colour.green(),
    Difficulty.INTERMEDIATE: discord.Colour.gold(),
    Difficulty.ADVANCED: discord.Colour.red(),
}
CLOSED_COLOUR = discord.Colour.dark_grey()
REVEAL_COLOUR = discord.Colour.blurple()
POST_TITLE = "Question of the day"
REVEAL_TITLE = "Answer"
WRITTEN_TITLE = "Written answers"
SOLUTION_TITLE = "Solution"
HOW_TO_ANSWER = "Pick a letter for the quick check, or write an answer. Your feedback is private."
CREDIT_NAME = 100  # the core keeps at most this much of a suggester's name
BEST_ANSWER = 300  # a tie names several members: plenty for the line, never the whole post
HOW_TO_RATE = "Wrote an answer? Rate it against this one: the buttons schedule its review."


def _fence(code: str) -> str:
    # A ``` inside the snippet would end the code block early.
    return "```python\n" + code.rstrip().replace("```", "`\u200b``") + "\n```"


def question_text(question: Question, limit: int = limits.EMBED_DESCRIPTION) -> str:
    """Prompt, code and choices as Markdown within `limit`; a long snippet is trimmed first,
    keeping its code block closed."""
    choices = "\n".join(
        f"**{letter}.** {choice.text}"
        for letter, choice in zip(LETTERS, question.choices, strict=False)
    )
    if choices and question.stem:
        choices = f"**{question.stem}**\n{choices}"
    head = question.prompt.strip()
    tail = f"\n\n{choices}" if choices else ""
    if question.code:
        room = limit - len(head) - len(tail) - len("\n\n```python\n\n```")
        code = question.code.rstrip()
        if len(code) > room:
            code = limits.clip(code, max(room, 0), "(trimmed)")
        head += "\n\n" + _fence(code)
    return limits.clip(head + tail, limit)


def _meta_fields(embed: discord.Embed, question: Question) -> None:
    embed.add_field(name="Difficulty", value=question.difficulty.value.title(), inline=True)
    embed.add_field(
        name="Topics",
        value=limits.clip(", ".join(question.topics), limits.FIELD_VALUE),
        inline=True,
    )


def credit_line(name: str) -> str:
    """`Suggested by Ada`: the member who suggested a group's own question."""
    return f"Suggested by {limits.escape(limits.clip(name, CREDIT_NAME))}"


def best_answer_line(text: str) -> str:
    """`Best answer of Day 3: Ada (4 votes)`: an earlier day's most helpful written answer."""
    return f"Best answer of {limits.escape(limits.clip(text, BEST_ANSWER))}"


def post_embed(post: OutgoingPost) -> discord.Embed:
    """The daily question as members first see it."""
    question = post.question
    reveal = discord.utils.format_dt(post.reveal_at, "F")
    relative = discord.utils.format_dt(post.reveal_at, "R")
    when = f"\n\nRevealed {reveal} ({relative})."
    if post.credit:
        # A member's display name: escaped, so it reads as typed and never pings or formats.
        when = f"\n\n{credit_line(post.credit)}{when}"
    if post.best_answer:
        # Members' names as they typed them: escaped like the credit, never a ping.
        when = f"\n\n{best_answer_line(post.best_answer)}{when}"
    embed = discord.Embed(
        title=f"{POST_TITLE} · Day {post.day_number}",
        description=question_text(question, limits.EMBED_DESCRIPTION - len(when)) + when,
        colour=COLOURS[question.difficulty],
    )
    _meta_fields(embed, question)
    embed.set_footer(text=HOW_TO_ANSWER)
    return embed


def closed_embed(reveal: OutgoingReveal) -> discord.Embed:
    """The original post once its answer is out: same question, marked closed."""
    question = reveal.question
    credit = f"\n\n{credit_line(reveal.credit)}" if reveal.credit else ""
    embed = discord.Embed(
        title=f"{POST_TITLE} · Day {reveal.day_number} · closed",
        description=question_text(question, limits.EMBED_DESCRIPTION - len(credit)) + credit,
        colour=CLOSED_COLOUR,
    )
    _meta_fields(embed, question)
    where = "in the thread" if reveal.thread_ref else "in the reply below"
    embed.set_footer(text=f"Answers are closed: the reference answer is {where}.")
    return embed


def results_line(results: Results) -> str:
    """`3 answered · 67% correct · fastest correct: Ada` (names escaped)."""
    return " · ".join(results.facts(limits.escape))


def reveal_link(reveal: OutgoingReveal) -> str | None:
    """The reveal title's link back to the question (also how a retry recognises it)."""
    if not reveal.message_ref:
        return None
    channel = reveal.channel
    return jump_url(channel.group_id, channel.channel_id, reveal.message_ref)


def reveal_embed(reveal: OutgoingReveal) -> discord.Embed:
    """The reference answer, key points, the correct choice and the group's results."""
    question = reveal.question
    lead = ""
    letter = question.correct_letter
    if letter:
        choice = question.choice(letter)
        lead = f"**Correct: {letter}.** {choice.text} — {choice.why}\n\n"
    embed = discord.Embed(
        title=f"{REVEAL_TITLE} · Day {reveal.day_number}",
        description=lead
        + limits.clip(question.answer.strip(), limits.EMBED_DESCRIPTION - len(lead)),
        colour=REVEAL_COLOUR,
        url=reveal_link(reveal),
    )
    if question.key_points:
        limits.add_field(
            embed, "Key points", "\n".join(f"• {point}" for point in question.key_points)
        )
    embed.add_field(name="Results", value=results_line(reveal.results), inline=False)
    if reveal.results.written:
        embed.set_footer(text=HOW_TO_RATE)
    return embed


def solution_embed(reveal: OutgoingReveal) -> discord.Embed | None:
    """The worked solution of a coding question: shown with the answer, never before."""
    code = reveal.question.solution_code
    if not code:
        return None
    room = limits.EMBED_DESCRIPTION - len("```python\n\n```")
    if len(code.rstrip()) > room:
        code = limits.clip(code.rstrip(), room, "(trimmed)")
    return discord.Embed(
        title=f"{SOLUTION_TITLE} · Day {reveal.day_number}",
        description=_fence(code),
        colour=REVEAL_COLOUR,
    )


def written_embeds(day_number: int, written: tuple[WrittenAnswer, ...]) -> list[discord.Embed]:
    """Members' written answers, escaped, over as many embeds as they need (none is cut)."""
    pieces: list[str] = []
    for answer in written:
        name = limits.escape(answer.member_name)
        text = f"**{name}:** {limits.escape(answer.text)}"
        pieces.extend(limits.split_text(text, limits.EMBED_DESCRIPTION))
    embeds: list[discord.Embed] = []
    description = ""
    for piece in pieces:
        if description and len(description) + 2 + len(piece) > limits.EMBED_DESCRIPTION:
            embeds.append(_written(day_number, description))
            description = ""
        description = f"{description}\n\n{piece}" if description else piece
    if description:
        embeds.append(_written(day_number, description))
    return embeds


def _written(day_number: int, description: str) -> discord.Embed:
    return discord.Embed(
        title=f"{WRITTEN_TITLE} · Day {day_number}", description=description, colour=REVEAL_COLOUR
    )


def thread_name(post: OutgoingPost) -> str:
    """The discussion thread's name: the day and the start of the prompt."""
    return limits.clip(
        f"Day {post.day_number} · {post.question.prompt.strip()}", limits.THREAD_NAME
    )
