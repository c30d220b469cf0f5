"""The group's best answer on Discord: "Vote: <name>" buttons under the reveal's written
answers, one per answer.

A button carries only the answer's id (`qotd:vote:<answer>`), so it works after a restart;
the core checks that the click came from the post's own channel, that votes are still open,
and that the member votes once and never for their own answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from adapters.discord import limits
from adapters.discord.context import channel_of, member_of, services_of
from adapters.discord.errors import guarded
from bot.domain.action_ids import VOTE
from bot.ports import WrittenAnswer
from bot.services import votes

Button = discord.ui.Button[discord.ui.View]
PER_ROW = 5
# The votes may share the reveal's first message with its rating row: four rows are always free.
ROWS = 4
MOST = PER_ROW * ROWS


class VoteButton(discord.ui.DynamicItem[Button], template=VOTE.pattern):
    """A vote for one written answer as the group's most helpful."""

    def __init__(self, answer_id: int, name: str = "", *, row: int | None = None) -> None:
        self.answer_id = answer_id
        super().__init__(
            discord.ui.Button(
                label=label(name),
                style=discord.ButtonStyle.secondary,
                custom_id=VOTE.build(answer=answer_id),
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(int(match["answer"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._vote(interaction))

    async def _vote(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = await votes.vote(
            services_of(interaction).core,
            channel_of(interaction),
            member_of(interaction.user),
            self.answer_id,
        )
        # The core's sentence names the answer's author as they typed their name.
        await interaction.followup.send(limits.escape(text), ephemeral=True)


def label(name: str) -> str:
    """`Vote: Ada`, within Discord's limit. A label shows plain text (no Markdown, no
    mentions), so the name is shown as typed, not escaped."""
    return limits.clip(f"Vote: {name}" if name else "Vote", limits.BUTTON_LABEL)


def votable(written: Sequence[WrittenAnswer]) -> list[tuple[int, str]]:
    """(answer id, author) of the answers that get a button: the first MOST (for a reveal
    whose votes are open)."""
    answers = [(a.answer_id, a.member_name) for a in written if a.answer_id is not None]
    return answers[:MOST]


def note(written: int, buttons: int) -> str:
    """The line under the written answers that says how voting works."""
    text = "Most helpful? Vote for one answer with the buttons below (not your own)."
    if buttons < written:
        text += f" Votes are for the first {buttons} answers."
    return text


def with_votes(view: discord.ui.View | None, answers: Sequence[tuple[int, str]]) -> discord.ui.View:
    """`view` (or a new one) with a vote button per answer, five to a row below its own
    one row of buttons; stopped, so the registered VoteButton routes the clicks, before or
    after a restart."""
    if view is None:
        view = discord.ui.View(timeout=None)
    first_row = 1 if view.children else 0
    for index, (answer_id, name) in enumerate(answers):
        view.add_item(VoteButton(answer_id, name, row=first_row + index // PER_ROW))
    view.stop()
    return view
