"""Suggestions on Discord: /qotd suggest opens the question form; admins review with
/qotd suggestions (or in the review channel) through Accept / Edit / Decline buttons, or with
/qotd accept and /qotd decline.

A button's id carries only the suggestion's number (`qotd:suggestion:<verb>:<n>`); the
group and channel come from the interaction, and the core refuses a number from another
group (invariant 13). Forms are routed by their ids too, so both survive a restart.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import aiohttp
import discord
from discord import app_commands

from adapters.discord import limits, question_forms
from adapters.discord.admin_commands import Callback
from adapters.discord.context import actor_of, channel_of, member_of, services_of
from adapters.discord.errors import guarded
from adapters.discord.markers import DECLINE_FORM, SUGGEST_FORM, SUGGESTION_EDIT_FORM
from adapters.discord.notices import tell_privately
from adapters.discord.suggestion_views import (
    announcement,
    queue_header,
    queue_messages,
    review_view,
    suggestion_button,
    suggestion_embed,
    written_only_view,
)
from bot.domain.action_ids import SUGGESTION
from bot.domain.question_form import QuestionForm
from bot.errors import QotdError
from bot.services import suggestions
from bot.services.group_packs import local_id
from bot.services.suggestions import MAX_REASON, NeedsChoices, Suggested

log = logging.getLogger(__name__)

REASON_FIELD = "reason"
NAME_IT = "Name the suggestion: `/qotd {command} number:<n>` (`/qotd suggestions` lists them)."
NOT_ANNOUNCED = (
    "(The admins' review channel could not be told just now; they see it in `/qotd suggestions`.)"
)
Button = discord.ui.Button[discord.ui.View]


async def _defer(interaction: discord.Interaction) -> None:
    # Acknowledge before any core call: Discord drops interactions not answered within 3 s.
    await interaction.response.defer(ephemeral=True, thinking=True)


# ---- a member suggests


async def suggest(interaction: discord.Interaction) -> None:
    """Open the question form; the submission goes to `submit_suggestion`."""
    modal = question_forms.question_modal("Suggest a question", SUGGEST_FORM.build())
    await interaction.response.send_modal(modal)


async def submit_suggestion(interaction: discord.Interaction, match: re.Match[str]) -> None:
    await _defer(interaction)
    form = QuestionForm.from_dict(question_forms.submitted_form(interaction))
    sent = await suggestions.suggest(
        services_of(interaction).core, channel_of(interaction), member_of(interaction.user), form
    )
    text = sent.next_steps
    if sent.review_channel is not None and not await _announce(interaction, sent, form):
        text += "\n" + NOT_ANNOUNCED
    await interaction.followup.send(text, ephemeral=True)


async def _announce(interaction: discord.Interaction, sent: Suggested, form: QuestionForm) -> bool:
    """Tell the review channel, with the review buttons; False when Discord refused."""
    assert sent.review_channel is not None
    channel = interaction.client.get_partial_messageable(
        int(sent.review_channel.channel_id), guild_id=int(sent.review_channel.group_id)
    )
    try:
        await channel.send(
            announcement(sent.suggestion_id, interaction.user.display_name, form.prompt),
            view=review_view([(sent.suggestion_id, 0)]),
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError) as error:
        log.warning("suggestion %s: the review channel was not told: %s", sent.suggestion_id, error)
        return False
    return True


# ---- admins review


async def suggestions_command(interaction: discord.Interaction) -> None:
    """The waiting suggestions, oldest first, each with Accept / Edit / Decline."""
    await _defer(interaction)
    waiting, total = await suggestions.pending(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction)
    )
    if not waiting:
        await interaction.followup.send("No suggestions are waiting.", ephemeral=True)
        return
    await interaction.followup.send(queue_header(len(waiting), total), ephemeral=True)
    for embeds, rows in queue_messages(waiting):
        await interaction.followup.send(embeds=embeds, view=review_view(rows), ephemeral=True)


@app_commands.describe(
    number="The suggestion's number (see /qotd suggestions)",
    written_only="Accept a question without choices for written answers only",
)
async def accept_command(
    interaction: discord.Interaction,
    number: app_commands.Range[int, 1, 999_999_999_999] | None = None,
    written_only: bool = False,
) -> None:
    """Add a suggestion to the group's questions."""
    await _defer(interaction)
    if number is None:
        raise QotdError(NAME_IT.format(command="accept"))
    await _accept(interaction, number, written_only)


@app_commands.describe(
    number="The suggestion's number (see /qotd suggestions)",
    reason="Why, for the member (sent to them privately)",
)
async def decline_command(
    interaction: discord.Interaction,
    number: app_commands.Range[int, 1, 999_999_999_999] | None = None,
    reason: app_commands.Range[str, 0, MAX_REASON] | None = None,
) -> None:
    """Decline a suggestion, telling the member why."""
    await _defer(interaction)
    if number is None:
        raise QotdError(NAME_IT.format(command="decline"))
    await _decline(interaction, number, reason or "")


async def _accept(interaction: discord.Interaction, number: int, written_only: bool) -> None:
    """Accept (after the interaction is deferred) and tell the member; a suggestion without
    choices is offered as written-answer only."""
    core, channel, actor = (
        services_of(interaction).core,
        channel_of(interaction),
        actor_of(interaction),
    )
    try:
        accepted = await suggestions.accept(core, channel, actor, number, written_only=written_only)
    except NeedsChoices as error:
        await interaction.followup.send(
            limits.clip(
                f"{error.message}\nOr use `/qotd accept number:{number} written_only:True`.",
                limits.CONTENT,
            ),
            view=written_only_view(number),
            ephemeral=True,
        )
        return
    told = await tell_privately(interaction.client, accepted.notice)
    await interaction.followup.send(
        f"Accepted suggestion #{number}: it is the group's question "
        f"`{local_id(accepted.question.id)}` now. {told}",
        ephemeral=True,
    )


async def _decline(interaction: discord.Interaction, number: int, reason: str) -> None:
    notice = await suggestions.decline(
        services_of(interaction).core,
        channel_of(interaction),
        actor_of(interaction),
        number,
        reason,
    )
    told = await tell_privately(interaction.client, notice)
    await interaction.followup.send(f"Declined suggestion #{number}. {told}", ephemeral=True)


class SuggestionButton(discord.ui.DynamicItem[Button], template=SUGGESTION.pattern):
    """Accept, Accept as written-answer only, Edit or Decline one suggestion."""

    def __init__(self, number: int, action: str) -> None:
        self.number, self.action = number, action
        super().__init__(suggestion_button(number, action))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SuggestionButton:
        return cls(int(match["number"]), match["verb"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._act(interaction))

    async def _act(self, interaction: discord.Interaction) -> None:
        if self.action in ("edit", "decline"):
            await _open_form(interaction, self.number, self.action)
            return
        await _defer(interaction)
        await _accept(interaction, self.number, written_only=self.action == "written")


async def _open_form(interaction: discord.Interaction, number: int, action: str) -> None:
    # One quick read before the form opens (a modal must be the first response): an admin
    # never types into a form for a suggestion they may not change or that is decided.
    form = await suggestions.suggestion_form(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction), number
    )
    if action == "edit":
        modal = question_forms.question_modal(
            f"Edit suggestion #{number}", SUGGESTION_EDIT_FORM.build(suggestion=number), form
        )
    else:
        modal = decline_modal(number)
    await interaction.response.send_modal(modal)


def decline_modal(number: int) -> discord.ui.Modal:
    modal = discord.ui.Modal(
        title=f"Decline suggestion #{number}", custom_id=DECLINE_FORM.build(suggestion=number)
    )
    reason: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
        custom_id=REASON_FIELD,
        style=discord.TextStyle.paragraph,
        placeholder="What would make it a good question",
        required=False,
        max_length=MAX_REASON,
    )
    modal.add_item(
        discord.ui.Label(
            text="Reason (optional)",
            description="Sent to the member privately with the news.",
            component=reason,
        )
    )
    modal.stop()
    return modal


async def submit_edit(interaction: discord.Interaction, match: re.Match[str]) -> None:
    """Save an admin's edit of a suggestion and show it again, ready to accept."""
    await _defer(interaction)
    number = int(match["suggestion"])
    form = await suggestions.edit(
        services_of(interaction).core,
        channel_of(interaction),
        actor_of(interaction),
        number,
        question_forms.submitted_form(interaction),
    )
    await interaction.followup.send(
        f"Saved your edit of suggestion #{number}.",
        embed=suggestion_embed(number, form),
        view=review_view([(number, 0)]),
        ephemeral=True,
    )


async def submit_decline(interaction: discord.Interaction, match: re.Match[str]) -> None:
    await _defer(interaction)
    reason = question_forms.submitted(interaction).get(REASON_FIELD, "")
    await _decline(interaction, int(match["suggestion"]), reason)


# Forms routed by their custom_id from `QotdClient.on_interaction`.
FORMS = (
    (SUGGEST_FORM, submit_suggestion),
    (SUGGESTION_EDIT_FORM, submit_edit),
    (DECLINE_FORM, submit_decline),
)

# Each command's description is its summary in the catalogue (bot/commands.py).
COMMANDS: tuple[tuple[str, Callback], ...] = (
    ("suggest", suggest),
    ("suggestions", suggestions_command),
    ("accept", accept_command),
    ("decline", decline_command),
)
