"""Every question of the bank renders through the Slack renderer within Slack's limits: the
post, its closed form, the reveal (with long, hostile written answers) and private replies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.slack import replies, views
from adapters.slack.app import make_client
from adapters.slack.chat import SlackChat
from adapters.slack.ids import ViewContext
from bot.content.loader import load_pack
from bot.domain.identity import ChannelRef
from bot.domain.question import Question
from bot.ports import OutgoingPost, OutgoingReveal, Results, WrittenAnswer
from bot.services.answers import AnswerReceipt
from bot.services.quiz import QuizFeedback, QuizStep
from tests.slack.checks import check_message, check_view
from tests.slack.fake_api import TOKEN

BANK = load_pack(Path(__file__).resolve().parents[2] / "content" / "ml")
CHANNEL = ChannelRef("slack", "T0TEAM", "C0BANK")
HOSTILE = "<!channel> <!here|here> <@U0BOSS> <!subteam^S0GROUP> & `code` *bold* " * 60
WRITTEN = tuple(WrittenAnswer(f"member{n} <@U{n}>", HOSTILE[: 1000 * (n + 1)]) for n in range(4))


def _post(question: Question, number: int) -> OutgoingPost:
    reveal_at = datetime(2026, 3, 2, 17, tzinfo=UTC)
    return OutgoingPost(number, CHANNEL, question, number, reveal_at, "Europe/Berlin", thread=True)


async def test_every_question_posts_and_reveals_within_slack_limits(fake):
    chat = SlackChat(make_client(fake.api_url, TOKEN))
    for number, question in enumerate(BANK.questions, start=1):
        sent = await chat.send_question(_post(question, number))
        results = Results(
            answered=12, picked=10, correct=7, fastest_correct="ada <!here>", written=WRITTEN
        )
        reveal = OutgoingReveal(
            number, CHANNEL, question, number, sent.message_ref, sent.thread_ref, results
        )
        await chat.send_reveal(reveal)

    assert fake.violations == []
    assert len(fake.called("chat.update")) == len(BANK.questions) >= 450
    assert "&lt;!channel&gt;" in str(fake.thread(fake.posts()[0]["ts"]))


def test_every_question_renders_in_private_replies_and_the_write_modal():
    problems = []
    for question in BANK.questions:
        step = QuizStep(1, 0, 25, question)
        messages = [replies.quiz_step(step)]
        if question.correct_letter:
            wrong = next(letter for letter in "ABCD" if letter != question.correct_letter)
            for letter in (question.correct_letter, wrong):
                receipt = AnswerReceipt(1, question, letter, letter == wrong, True, 17, 3, 9)
                messages.append(replies.receipt(receipt))
                feedback = QuizFeedback(question, letter, letter != wrong, step, 3, 25)
                messages.append(replies.quiz_feedback(feedback))
        for message in messages:
            problems += check_message({"text": message.text, "blocks": message.dicts()})
        modal = views.write_modal(question, ViewContext("T0TEAM", "C0BANK", 1), 4000)
        problems += check_view(modal.to_dict())
    assert problems == []
