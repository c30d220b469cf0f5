"""Practice quizzes: private, immediate feedback, feeding stats but not the leaderboard."""

from __future__ import annotations

import pytest

from bot.domain.periods import Period
from bot.errors import AlreadyAnswered, NoQuestions, QuizNotFound
from bot.services import boards, quiz
from tests.conftest import member
from tests.integration.helpers import subscribe


async def test_a_quiz_runs_question_by_question_to_a_summary(core):
    step = await quiz.start_quiz(core, member("ana"), count=3)
    assert (step.position, step.total) == (0, 3)
    seen = []
    score = 0
    while step is not None:
        seen.append(step.question.id)
        feedback = await quiz.answer_quiz(
            core, member("ana"), step.quiz_id, step.question.correct_letter, step.position
        )
        assert feedback.correct
        score = feedback.score
        step = feedback.next
    assert len(set(seen)) == 3
    assert score == 3
    assert feedback.finished


async def test_quiz_filters_by_topic_and_difficulty(core):
    step = await quiz.start_quiz(
        core, member("ana"), topic="evaluation", difficulty="beginner", count=1
    )
    assert "evaluation" in step.question.topics and step.question.difficulty == "beginner"
    with pytest.raises(NoQuestions, match="Unknown topic"):
        await quiz.start_quiz(core, member("ana"), topic="astrology")
    with pytest.raises(NoQuestions):
        await quiz.start_quiz(core, member("ana"), topic="career")  # behavioral only: no choices


async def test_a_double_click_in_a_quiz_counts_once(core):
    step = await quiz.start_quiz(core, member("ana"), count=2)
    await quiz.answer_quiz(core, member("ana"), step.quiz_id, "A", step.position)
    with pytest.raises(AlreadyAnswered):
        await quiz.answer_quiz(core, member("ana"), step.quiz_id, "A", step.position)


async def test_one_member_cannot_answer_anothers_quiz(core):
    step = await quiz.start_quiz(core, member("ana"), count=2)
    await quiz.start_quiz(core, member("bo"), count=1)
    with pytest.raises(QuizNotFound):
        await quiz.answer_quiz(core, member("bo"), step.quiz_id, "A")


async def test_quiz_answers_feed_stats_but_not_the_leaderboard(core, channel):
    await subscribe(core, channel)
    step = await quiz.start_quiz(core, member("ana"), count=1)
    await quiz.answer_quiz(core, member("ana"), step.quiz_id, step.question.correct_letter)
    stats = await boards.member_stats(core, member("ana"))
    assert (stats.quiz_answers, stats.quiz_correct) == (1, 1)
    assert stats.topics[0].topic == step.question.topics[0]
    board = await boards.leaderboard(core, channel, member("ana"), Period.ALL)
    assert board.entries == ()


async def test_a_quiz_prefers_questions_the_member_has_practised_least(core, library):
    total = sum(1 for question in library.pack("sample").questions if question.has_choices)
    first = await quiz.start_quiz(core, member("ana"), count=total - 1)
    step = first
    while step is not None:
        step = (await quiz.answer_quiz(core, member("ana"), step.quiz_id, "A")).next
    second = await quiz.start_quiz(core, member("ana"), count=1)
    async with core.storage.read() as uow:
        state = await uow.quizzes.get(first.quiz_id)
    assert second.question.id not in state.question_ids
