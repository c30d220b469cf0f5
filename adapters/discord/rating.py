"""Self-rating a written answer after the reveal: Again / Hard / Good / Easy buttons.

The buttons hang off the reveal and carry the post id (`qotd:rate:<post_id>:<rating>`), so
they work after a restart; whoever clicks rates only their own answer, and only from the
post's own channel (the core checks both).
"""

from __future__ import annotations

import re
from typing import Any

import discord

from adapters.discord import replies
from adapters.discord.context import channel_of, member_of, services_of
from adapters.discord.errors import guarded
from bot.domain.action_ids import RATE, RATINGS
from bot.services import review

Button = discord.ui.Button[discord.ui.View]
STYLES = {
    "again": discord.ButtonStyle.danger,
    "hard": discord.ButtonStyle.secondary,
    "good": discord.ButtonStyle.primary,
    "easy": discord.ButtonStyle.success,
}


class RateButton(discord.ui.DynamicItem[Button], template=RATE.pattern):
    """One rating of the clicking member's written answer to the post."""

    def __init__(self, post_id: int, rating: str) -> None:
        self.post_id, self.rating = post_id, rating
        super().__init__(
            discord.ui.Button(
                label=rating.title(),
                style=STYLES[rating],
                custom_id=RATE.build(post=post_id, rating=rating),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RateButton:
        return cls(int(match["post"]), match["rating"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._rate(interaction))

    async def _rate(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        rating = await review.rate_written(
            services_of(interaction).core,
            member_of(interaction.user),
            channel_of(interaction),
            self.post_id,
            self.rating,
        )
        await interaction.followup.send(replies.rated(rating), ephemeral=True)


def rate_view(post_id: int) -> discord.ui.View:
    """The four rating buttons on one row (stopped: the DynamicItem routes the clicks)."""
    view = discord.ui.View(timeout=None)
    for rating in RATINGS:
        view.add_item(RateButton(post_id, rating))
    view.stop()
    return view
