"""Every question of the bank, rendered for Discord and sent through the fake's limit checks:
the post (with a role mention and a thread), the feedback for every pick and a written
answer, the quiz step and its feedback, and the reveal with long member answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.discord import replies
from adapters.discord.chat import DiscordChat
from adapters.discord.components import quiz_view
from bot.content.loader import load_pack
from bot.domain.identity import ChannelRef
from bot.domain.question import LETTERS, Question
from bot.ports import OutgoingPost, OutgoingReveal, Results, WrittenAnswer
from bot.services.answers import AnswerReceipt
from bot.services.quiz import QuizFeedback, QuizStep
from tests.discord import payloads
from tests.discord.fake_api import FakeDiscord
from tests.discord.harness import DiscordBot

BANK = Path(__file__).resolve().parents[2] / "content" / "ml"
CHANNEL = ChannelRef("discord", str(payloads.GUILD_ID), str(payloads.CHANNEL_ID))
REVEAL_AT = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
NOISY = "@everyone <@&1> **x** `y` " * 160  # 4000 characters of things to escape


@pytest.fixture
async def bank_bot(fake: FakeDiscord) -> AsyncIterator[DiscordBot]:
    # Only the Chat and the renderers are exercised: no core or database is involved.
    fake.global_limit = None  # thousands of requests on purpose; pacing is tested elsewhere
    running = DiscordBot(None, fake)  # type: ignore[arg-type]
    await running.start()
    yield running
    await running.close()


def receipts(question: Question) -> list[AnswerReceipt]:
    picks = [
        AnswerReceipt(1, question, letter, letter == question.correct_letter, False, 20, 3, 9)
        for letter, _ in zip(LETTERS, question.choices, strict=False)
    ]
    return [*picks, AnswerReceipt(1, question, None, None, True, 5, 3, 9)]


async def test_every_question_of_the_bank_fits_discord(bank_bot, fake):
    pack = load_pack(BANK)
    assert len(pack.questions) >= 450
    chat = DiscordChat(bank_bot.client, per_second=100_000)
    channel = bank_bot.client.get_partial_messageable(payloads.CHANNEL_ID)
    for number, question in enumerate(pack.questions, start=1):
        sent = await chat.send_question(
            OutgoingPost(number, CHANNEL, question, number, REVEAL_AT, "Europe/Berlin", "55", True)
        )
        assert sent.thread_ref is not None, question.id
        for receipt in receipts(question):
            await channel.send(content=replies.receipt(receipt))
        if question.has_choices:
            step = QuizStep(number, 0, 25, question)
            await channel.send(embed=replies.quiz_embed(step), view=quiz_view(step))
            letter = question.correct_letter or "A"
            feedback = QuizFeedback(question, letter, True, None, 25, 25)
            await channel.send(content=replies.quiz_feedback(feedback))
        written = (WrittenAnswer("<@&1> @here", NOISY), WrittenAnswer("bo", question.answer))
        await chat.send_reveal(
            OutgoingReveal(
                number,
                CHANNEL,
                question,
                number,
                sent.message_ref,
                None if number % 2 else sent.thread_ref,
                Results(12, 10, 7, "@everyone", written),
            )
        )
    assert fake.violations == []
    assert all(message["_pings"]["everyone"] == [] for message in fake.created)
    assert len([m for m in fake.created if m["_pings"]["roles"]]) == len(
        pack.questions
    )  # only the posts
