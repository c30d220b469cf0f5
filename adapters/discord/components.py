"""Buttons and the written-answer modal. Their state lives in their ids, never in memory.

Every button is a DynamicItem whose custom_id carries what it acts on
(`qotd:answer:<post_id>:<letter>`), registered in `setup_hook`, so a post made before a
restart still answers. Views are stopped before sending: discord.py then keeps no copy of
them, and the DynamicItems alone route the clicks. The modal is handled the same way, by
its custom_id, from `QotdClient.on_interaction`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import discord

from adapters.discord import limits, replies
from adapters.discord.context import channel_of, member_of, services_of
from adapters.discord.errors import guarded
from adapters.discord.markers import WRITTEN
from bot.domain.action_ids import ANSWER, QUIZ, QUIZ_STOP, WRITE
from bot.domain.question import LETTERS, Question
from bot.errors import AlreadyAnswered, AnswersClosed
from bot.services import answers, quiz
from bot.services.quiz import QuizStep
from bot.services.today import today as current_post

ANSWER_FIELD = "answer"
ALREADY_WROTE = "You already sent a written answer for this question."

Button = discord.ui.Button[discord.ui.View]


class AnswerButton(discord.ui.DynamicItem[Button], template=ANSWER.pattern):
    """A letter of the daily post's quick check."""

    def __init__(self, post_id: int, letter: str, *, disabled: bool = False) -> None:
        self.post_id = post_id
        self.letter = letter
        super().__init__(
            discord.ui.Button(
                label=letter,
                style=discord.ButtonStyle.primary,
                custom_id=ANSWER.build(post=post_id, letter=letter),
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(int(match["post"]), match["letter"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: _pick(interaction, self.post_id, self.letter))


async def _pick(interaction: discord.Interaction, post_id: int, letter: str) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    core = services_of(interaction).core
    # The channel the click came from, as Discord says: the core checks the post is its own.
    request = answers.AnswerRequest(
        post_id, member_of(interaction.user), channel_of(interaction), choice=letter
    )
    receipt = await answers.submit(core, request)
    await interaction.followup.send(replies.receipt(receipt), ephemeral=True)


class WriteButton(discord.ui.DynamicItem[Button], template=WRITE.pattern):
    """Opens the modal for a written answer."""

    def __init__(self, post_id: int, *, disabled: bool = False) -> None:
        self.post_id = post_id
        super().__init__(
            discord.ui.Button(
                label="Write an answer",
                style=discord.ButtonStyle.secondary,
                custom_id=WRITE.build(post=post_id),
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> WriteButton:
        return cls(int(match["post"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._open(interaction))

    async def _open(self, interaction: discord.Interaction) -> None:
        # Check before the modal opens (one quick read: a modal must be the first response),
        # so no member types an answer that would then be refused.
        core = services_of(interaction).core
        current = await current_post(core, channel_of(interaction), member_of(interaction.user))
        if current.post.id != self.post_id or not current.open:
            raise AnswersClosed()
        if current.wrote:
            raise AlreadyAnswered(ALREADY_WROTE)
        limit = min(core.max_written_chars, limits.TEXT_INPUT)
        modal = WrittenAnswerModal(self.post_id, limit)
        modal.stop()
        await interaction.response.send_modal(modal)


class WrittenAnswerModal(discord.ui.Modal):
    """One paragraph field; the submission is handled by `submit_written` via its custom_id."""

    def __init__(self, post_id: int, max_chars: int) -> None:
        super().__init__(title="Your written answer", custom_id=WRITTEN.build(post=post_id))
        self.answer: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
            custom_id=ANSWER_FIELD,
            style=discord.TextStyle.paragraph,
            placeholder="Answer as you would in an interview.",
            min_length=1,
            max_length=max_chars,
        )
        self.add_item(
            discord.ui.Label(
                text="Your answer",
                description=f"Up to {max_chars} characters; shown to the group at the reveal.",
                component=self.answer,
            )
        )


def text_inputs(components: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every text input of a submitted modal, inside action rows or labels."""
    for component in components:
        if component.get("type") == 1:
            yield from text_inputs(component.get("components", []))
        elif component.get("type") == 18 and "component" in component:
            yield from text_inputs([component["component"]])
        elif component.get("type") == 4:
            yield component


async def submit_written(interaction: discord.Interaction, post_id: int) -> None:
    """Record a written answer sent through the modal."""

    async def work() -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        data: Mapping[str, Any] = interaction.data or {}
        text = next(
            (
                str(item.get("value") or "")
                for item in text_inputs(list(data.get("components", [])))
                if item.get("custom_id") == ANSWER_FIELD
            ),
            "",
        )
        core = services_of(interaction).core
        request = answers.AnswerRequest(
            post_id, member_of(interaction.user), channel_of(interaction), written=text
        )
        receipt = await answers.submit(core, request)
        await interaction.followup.send(replies.receipt(receipt), ephemeral=True)

    await guarded(interaction, work)


class QuizButton(discord.ui.DynamicItem[Button], template=QUIZ.pattern):
    """A letter of a practice quiz or review question; the position guards against double
    clicks, and the kind (in the id, so it survives a restart) labels the replies."""

    def __init__(self, quiz_id: int, position: int, letter: str, kind: str = "quiz") -> None:
        self.quiz_id, self.position, self.letter, self.kind = quiz_id, position, letter, kind
        super().__init__(
            discord.ui.Button(
                label=letter,
                style=discord.ButtonStyle.primary,
                custom_id=QUIZ.build(kind=kind, quiz=quiz_id, position=position, letter=letter),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QuizButton:
        return cls(int(match["quiz"]), int(match["position"]), match["letter"], match["kind"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._answer(interaction))

    async def _answer(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        feedback = await quiz.answer_quiz(
            services_of(interaction).core,
            member_of(interaction.user),
            self.quiz_id,
            self.letter,
            self.position,
        )
        step = feedback.next
        await interaction.edit_original_response(
            content=replies.quiz_feedback(feedback, self.kind),
            embeds=[replies.quiz_embed(step)] if step else [],
            view=quiz_view(step) if step else None,
        )


class QuizStopButton(discord.ui.DynamicItem[Button], template=QUIZ_STOP.pattern):
    """Ends a practice quiz or review early."""

    def __init__(self, quiz_id: int, kind: str = "quiz") -> None:
        self.quiz_id, self.kind = quiz_id, kind
        super().__init__(
            discord.ui.Button(
                label="Stop",
                style=discord.ButtonStyle.secondary,
                custom_id=QUIZ_STOP.build(kind=kind, quiz=quiz_id),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QuizStopButton:
        return cls(int(match["quiz"]), match["kind"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._stop(interaction))

    async def _stop(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        await quiz.stop_quiz(
            services_of(interaction).core, member_of(interaction.user), self.quiz_id
        )
        await interaction.edit_original_response(
            content=f"{self.kind.title()} stopped.", embeds=[], view=None
        )


DYNAMIC_ITEMS = (AnswerButton, WriteButton, QuizButton, QuizStopButton)


def _stopped(view: discord.ui.View) -> discord.ui.View:
    view.stop()
    return view


def post_view(post_id: int, question: Question, *, disabled: bool = False) -> discord.ui.View:
    """A-D (when the question has choices) and "Write an answer", on one row."""
    view = discord.ui.View(timeout=None)
    for letter, _ in zip(LETTERS, question.choices, strict=False):
        view.add_item(AnswerButton(post_id, letter, disabled=disabled))
    view.add_item(WriteButton(post_id, disabled=disabled))
    return _stopped(view)


def closed_view(post_id: int, question: Question) -> discord.ui.View:
    """The post's buttons, greyed out once the answer is revealed."""
    return post_view(post_id, question, disabled=True)


def quiz_view(step: QuizStep) -> discord.ui.View:
    """A-D and Stop for a quiz or review step."""
    view = discord.ui.View(timeout=None)
    for letter, _ in zip(LETTERS, step.question.choices, strict=False):
        view.add_item(QuizButton(step.quiz_id, step.position, letter, step.kind))
    view.add_item(QuizStopButton(step.quiz_id, step.kind))
    return _stopped(view)
