"""Practice quizzes: a private run of questions with immediate feedback.

Quiz answers feed the member's own stats (accuracy by topic), never the daily leaderboard.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.domain.identity import ChannelRef, MemberRef, is_row_id
from bot.domain.question import Question
from bot.domain.review import rating_for_pick
from bot.domain.study_words import MAX_SESSION
from bot.errors import AlreadyAnswered, NoQuestions, QuizNotFound
from bot.services.answers import parse_letter
from bot.services.cards import Review, apply_reviews
from bot.services.context import Core
from bot.services.subscriptions import parse_difficulties
from bot.storage.quizzes import QuizState
from bot.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class QuizStep:
    quiz_id: int
    position: int  # 0-based
    total: int
    question: Question
    kind: str = "quiz"  # or "review"


@dataclass(frozen=True, slots=True)
class QuizFeedback:
    question: Question
    choice: str
    correct: bool
    next: QuizStep | None
    score: int
    total: int

    @property
    def finished(self) -> bool:
        return self.next is None


async def start_quiz(
    core: Core,
    member: MemberRef,
    *,
    topic: str | None = None,
    difficulty: str | None = None,
    count: int | None = None,
    pack: str | None = None,
    channel: ChannelRef | None = None,
) -> QuizStep:
    """Start a quiz of `count` questions, least-practised first, in a random order; asked in
    a group's channel, its own questions are in the draw too."""
    chosen = core.library.pack(pack or core.default_pack)
    size = core.quiz_size if count is None else count
    if not 1 <= size <= MAX_SESSION:
        raise NoQuestions(f"A quiz has 1 to {MAX_SESSION} questions.")
    topic_id = topic.strip().lower() if topic else None
    if topic_id and topic_id not in chosen.topics:
        raise NoQuestions(f"Unknown topic {topic!r}. Topics: {', '.join(chosen.topics)}.")
    levels = parse_difficulties([difficulty]) if difficulty else frozenset()
    pool = list(chosen.questions) + await _group_questions(core, channel)
    candidates = [
        question
        for question in pool
        if question.has_choices
        and (topic_id is None or topic_id in question.topics)
        and (not levels or question.difficulty in levels)
    ]
    if not candidates:
        raise NoQuestions("No multiple-choice question matches that topic and difficulty.")
    now = core.clock.now()
    async with core.storage.write() as uow:
        member_id = await uow.members.member_id(member, now)
        seen: dict[str, int] = {}
        for question_id, _ in await uow.quizzes.member_history(member_id):
            seen[question_id] = seen.get(question_id, 0) + 1
        rng = random.Random(f"{member.platform}:{member.member_id}:{now.isoformat()}")
        rng.shuffle(candidates)
        candidates.sort(key=lambda question: seen.get(question.id, 0))
        picked = [question.id for question in candidates[:size]]
        quiz_id = await uow.quizzes.create(member_id, chosen.id, picked, now)
    return QuizStep(quiz_id, 0, len(picked), candidates[0])


async def _group_questions(core: Core, channel: ChannelRef | None) -> list[Question]:
    """The group's own questions in use, for a quiz asked in one of its channels."""
    if channel is None:
        return []
    async with core.storage.read() as uow:
        group_id = await uow.members.find_group(channel.platform, channel.group_id)
        if group_id is None:
            return []
        return list((await core.group_packs.load(uow, group_id)).active)


async def answer_quiz(
    core: Core, member: MemberRef, quiz_id: int, letter: str, position: int | None = None
) -> QuizFeedback:
    """Answer the quiz's current question; `position` guards against double clicks."""
    choice = parse_letter(letter)
    now = core.clock.now()
    async with core.storage.write() as uow:
        member_id, quiz = await _own_quiz(uow, member, quiz_id)
        if quiz.finished:
            raise QuizNotFound()
        if position is not None and position != quiz.position:
            raise AlreadyAnswered("You already answered that question of the quiz.")
        # A review may hold the group's own questions beside the pack's.
        await core.group_packs.load_for(uow, quiz.question_ids)
        question = core.question(quiz.pack, quiz.question_ids[quiz.position])
        if question is None:
            raise QuizNotFound()
        correct = question.correct_letter == choice
        if not await uow.quizzes.record(quiz, question.id, choice, correct, now):
            raise AlreadyAnswered("You already answered that question of the quiz.")
        answered_in = now - quiz.shown_at if quiz.shown_at else None
        review = Review(member_id, question.id, rating_for_pick(correct, answered_in), quiz.kind)
        await apply_reviews(uow, core.spaced, [review], now)
    next_position = quiz.position + 1
    step = None
    if next_position < len(quiz.question_ids):
        next_question = core.question(quiz.pack, quiz.question_ids[next_position])
        if next_question is not None:
            step = QuizStep(
                quiz.id, next_position, len(quiz.question_ids), next_question, quiz.kind
            )
    return QuizFeedback(
        question, choice, correct, step, quiz.correct + int(correct), len(quiz.question_ids)
    )


async def stop_quiz(core: Core, member: MemberRef, quiz_id: int) -> None:
    async with core.storage.write() as uow:
        await _own_quiz(uow, member, quiz_id)
        await uow.quizzes.finish(quiz_id, core.clock.now())


async def _own_quiz(uow: UnitOfWork, member: MemberRef, quiz_id: int) -> tuple[int, QuizState]:
    """The member's id and their quiz (or review); another member's quiz is QuizNotFound, so
    a forged id neither works nor tells whose it is."""
    if not is_row_id(quiz_id):
        raise QuizNotFound()
    member_id = await uow.members.find_member(member)
    quiz = await uow.quizzes.get(quiz_id)
    if quiz is None or member_id is None or quiz.member_id != member_id:
        raise QuizNotFound()
    return member_id, quiz
