"""Every question of the shipped bank, posted on every front end, keeps its answer hidden:
no post shows the solution snippet, no code in a post holds the correct option, and every
multiple-choice post asks its own one-line question; the solution appears at the reveal."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.console import render as console
from adapters.discord import render as discord_render
from adapters.slack import blocks as slack_blocks
from bot.content.checks import gives_away
from bot.content.loader import load_pack
from bot.domain.identity import ChannelRef
from bot.domain.question import Question
from bot.ports import OutgoingPost, OutgoingReveal, Results
from tests.slack.checks import text_of

BANK = load_pack(Path(__file__).resolve().parents[2] / "content" / "ml")
CHANNEL = ChannelRef("test", "g", "c")
REVEAL_AT = datetime(2026, 3, 2, 17, tzinfo=UTC)


def console_post(post: OutgoingPost) -> tuple[str, list[str]]:
    text = console.post(post)
    code = re.findall(r"(?:^    .*\n?)+", text, re.MULTILINE)
    return text, code


def discord_post(post: OutgoingPost) -> tuple[str, list[str]]:
    text = discord_render.post_embed(post).description or ""
    return text, re.findall(r"```python\n(.*?)```", text, re.DOTALL)


def slack_post(post: OutgoingPost) -> tuple[str, list[str]]:
    message = slack_blocks.question_post(post)
    text = text_of({"blocks": [block.to_dict() for block in message.blocks]})
    return text, re.findall(r"```\n(.*?)```", text, re.DOTALL)


FRONT_ENDS = {"console": console_post, "discord": discord_post, "slack": slack_post}


def solution_lines(question: Question) -> list[str]:
    """The solution's distinctive lines: long enough not to occur in a prompt by chance."""
    return [
        line.strip()
        for line in (question.solution_code or "").splitlines()
        if len(line.strip()) >= 30 and line.strip() not in (question.code or "")
    ]


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_no_daily_post_gives_its_answer_away(front_end):
    render = FRONT_ENDS[front_end]
    for number, question in enumerate(BANK.questions, start=1):
        post = OutgoingPost(number, CHANNEL, question, number, REVEAL_AT, "UTC")
        text, code_blocks = render(post)
        assert not any(line in text for line in solution_lines(question)), question.id
        if question.choices:
            correct = next(choice.text for choice in question.choices if choice.correct)
            wrong = [choice.text for choice in question.choices if not choice.correct]
            for block in code_blocks:
                assert not gives_away(block, correct, wrong), question.id
            assert question.stem and " ".join(question.stem.split()) in " ".join(text.split()), (
                question.id
            )


def test_the_solution_comes_with_the_reveal_on_every_front_end():
    solved = [question for question in BANK.questions if question.solution_code]
    assert len(solved) >= 28  # every "write code" task carries its solution
    for question in solved:
        reveal = OutgoingReveal(1, CHANNEL, question, 1, "m1", None, Results(0, 0, 0, None))
        line = max(question.solution_code.splitlines(), key=len).strip()  # type: ignore[union-attr]
        assert line in console.reveal(reveal), question.id
        solution = discord_render.solution_embed(reveal)
        assert solution is not None and line in (solution.description or ""), question.id
        slack = "".join(
            text_of({"blocks": [block.to_dict() for block in message.blocks]})
            for message in slack_blocks.reveal_messages(reveal)
        )
        assert line in slack.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"), (
            question.id
        )
