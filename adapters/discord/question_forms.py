"""The question form as a Discord modal: five labelled text inputs, empty or filled in.

The core's labels (bot/domain/question_form.py) are longer than the 45 characters a Discord
label may have, so the labels here are short and the hints go in each label's description
(at most 100 characters). The modal is sent stopped: its submission is routed by its custom_id
(`QotdClient.on_interaction`), so a form opened before a restart is still saved after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from adapters.discord import limits
from adapters.discord.components import text_inputs
from bot.domain.question_form import FIELDS, LIMITS, QuestionForm
from bot.errors import QotdError

TextInput = discord.ui.TextInput[discord.ui.Modal]

SHORT_LABELS = {
    "prompt": "Question",
    "answer": "Reference answer",
    "choices": "Choices (optional)",
    "key_points": "Key points (optional)",
    "tags": "Tags (optional)",
}
HINTS = {
    "prompt": "What you would ask in an interview.",
    "answer": "The answer you would want to hear; Markdown works.",
    "choices": "Four lines of `text | why`; start the correct one with *. None: written answers only.",
    "key_points": "One per line: what a good answer must mention.",
    "tags": "Comma-separated: a difficulty, a category and topics (see /qotd topics).",
}
EXAMPLES = {
    "prompt": "Why can a model with 99% accuracy still be useless?",
    "answer": "Accuracy hides the minority class: ...",
    "choices": "*Accuracy hides the rare class | the majority alone scores 99%",
    "key_points": "accuracy hides the rare class",
    "tags": "intermediate, concept, evaluation",
}
REQUIRED = ("prompt", "answer")
TOO_LONG = (
    "{field} of this question has {length} characters, more than a Discord form holds "
    "({limit}): edit it in an exported file instead."
)


def question_modal(
    title: str, custom_id: str, form: QuestionForm | None = None
) -> discord.ui.Modal:
    """The five fields, prefilled from `form` when it is given; stopped, so that only its
    custom_id routes the submission."""
    modal = discord.ui.Modal(title=limits.clip(title, 45), custom_id=custom_id)
    for name in FIELDS:
        value = getattr(form, name) if form is not None else ""
        # An imported question may be longer than a suggestion may: room for it as it is.
        limit = max(LIMITS[name], len(value))
        if limit > limits.TEXT_INPUT:
            raise QotdError(
                TOO_LONG.format(
                    field=SHORT_LABELS[name], length=len(value), limit=limits.TEXT_INPUT
                )
            )
        field: TextInput = discord.ui.TextInput(
            custom_id=name,
            style=discord.TextStyle.short if name == "tags" else discord.TextStyle.paragraph,
            placeholder=EXAMPLES[name],
            default=value or None,
            required=name in REQUIRED,
            max_length=limit,
        )
        modal.add_item(
            discord.ui.Label(text=SHORT_LABELS[name], description=HINTS[name], component=field)
        )
    modal.stop()
    return modal


def submitted(interaction: discord.Interaction) -> dict[str, str]:
    """The values of a submitted modal's text inputs, by custom_id."""
    data: Mapping[str, Any] = interaction.data or {}
    return {
        str(item.get("custom_id")): str(item.get("value") or "")
        for item in text_inputs(list(data.get("components", [])))
    }


def submitted_form(interaction: discord.Interaction) -> dict[str, str]:
    """The question form's fields from a submitted modal (only the five fields)."""
    values = submitted(interaction)
    return {name: values[name] for name in FIELDS if name in values}
