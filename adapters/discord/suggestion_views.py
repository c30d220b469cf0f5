"""How a suggestion looks on Discord: its embed, its review buttons, and the review queue
spread over messages within Discord's limits.

Everything in a suggestion was typed by a member, so every part is escaped. A field too long
for an embed is trimmed with a pointer to the Edit form, which shows it whole.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from adapters.discord import limits
from bot.domain.action_ids import SUGGESTION
from bot.domain.question_form import QuestionForm
from bot.services.suggestions import Pending

Button = discord.ui.Button[discord.ui.View]
ROWS_PER_MESSAGE = 5  # one action row of buttons per suggestion, five rows to a message
# The prompt's share of an embed: with a title and four full fields it stays under 6,000.
PROMPT_ROOM = 1200
ANNOUNCE_PROMPT = 1500
TRIMMED = "(Edit shows it all)"
FIELD_TITLES = (
    ("answer", "Answer"),
    ("choices", "Choices"),
    ("key_points", "Key points"),
    ("tags", "Tags"),
)
LABELS = {
    "accept": "Accept",
    "written": "Accept as written-answer only",
    "edit": "Edit",
    "decline": "Decline",
}
STYLES = {
    "accept": discord.ButtonStyle.success,
    "written": discord.ButtonStyle.success,
    "edit": discord.ButtonStyle.secondary,
    "decline": discord.ButtonStyle.danger,
}


def suggestion_button(number: int, action: str, row: int | None = None) -> Button:
    """One review button; the id carries only the suggestion's number and the action."""
    label = LABELS[action] if action == "written" else f"{LABELS[action]} #{number}"
    return discord.ui.Button(
        label=label,
        style=STYLES[action],
        custom_id=SUGGESTION.build(verb=action, number=number),
        row=row,
    )


def suggestion_embed(
    number: int, form: QuestionForm, member_name: str | None = None
) -> discord.Embed:
    """A suggestion with each of its fields, escaped and within an embed's limits."""
    title = f"Suggestion #{number}"
    if member_name is not None:
        title += f" from {limits.escape(member_name)}"
    embed = discord.Embed(
        title=limits.clip(title, limits.EMBED_TITLE),
        description=limits.clip(limits.escape(form.prompt), PROMPT_ROOM, TRIMMED),
        colour=discord.Colour.blurple(),
    )
    for name, title in FIELD_TITLES:
        value = getattr(form, name).strip()
        shown = limits.clip(limits.escape(value), limits.FIELD_VALUE, TRIMMED) if value else "—"
        embed.add_field(name=title, value=shown, inline=name == "tags")
    return embed


def announcement(number: int, member_name: str, prompt: str) -> str:
    """The review channel's line about a new suggestion."""
    text = f"New suggestion #{number} from {limits.escape(member_name)}: "
    return text + limits.clip(
        limits.escape(prompt), min(ANNOUNCE_PROMPT, limits.CONTENT - len(text))
    )


def queue_header(shown: int, total: int) -> str:
    if total > shown:
        return f"{total} suggestions are waiting; the oldest {shown}:"
    return f"{total} suggestion{'' if total == 1 else 's'} waiting:"


def queue_messages(
    waiting: Sequence[Pending],
) -> list[tuple[list[discord.Embed], list[tuple[int, int]]]]:
    """The queue as messages: each a list of embeds and the (suggestion, row) of its
    buttons, within 5 rows, 10 embeds and 6,000 characters of embeds a message."""
    messages: list[tuple[list[discord.Embed], list[tuple[int, int]]]] = []
    embeds: list[discord.Embed] = []
    numbers: list[tuple[int, int]] = []
    size = 0
    for item in waiting:
        embed = suggestion_embed(item.suggestion_id, item.form, item.member_name)
        this = limits.embed_size(embed)
        if embeds and (len(embeds) >= ROWS_PER_MESSAGE or size + this > limits.EMBEDS_TOTAL):
            messages.append((embeds, numbers))
            embeds, numbers, size = [], [], 0
        numbers.append((item.suggestion_id, len(embeds)))
        embeds.append(embed)
        size += this
    if embeds:
        messages.append((embeds, numbers))
    return messages


def review_view(rows: Sequence[tuple[int, int]]) -> discord.ui.View:
    """Accept / Edit / Decline for each (suggestion, row). Stopped: discord.py keeps no copy,
    and the registered `SuggestionButton` routes the clicks, before or after a restart."""
    view = discord.ui.View(timeout=None)
    for number, row in rows:
        for action in ("accept", "edit", "decline"):
            view.add_item(suggestion_button(number, action, row))
    view.stop()
    return view


def written_only_view(number: int) -> discord.ui.View:
    """The way out when a suggestion has no choices: accept it for written answers only."""
    view = discord.ui.View(timeout=None)
    view.add_item(suggestion_button(number, "written"))
    view.add_item(suggestion_button(number, "edit"))
    view.stop()
    return view
