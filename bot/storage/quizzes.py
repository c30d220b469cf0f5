"""Practice quizzes: a member's private run of questions and their answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.sql import insert_ignore
from bot.storage.tables import quiz_answers, quizzes


@dataclass(frozen=True, slots=True)
class QuizState:
    id: int
    member_id: int
    pack: str
    question_ids: tuple[str, ...]
    position: int
    correct: int
    finished: bool
    kind: str = "quiz"
    shown_at: datetime | None = None


class QuizRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def create(
        self, member_id: int, pack: str, question_ids: list[str], now: datetime, kind: str = "quiz"
    ) -> int:
        new_id = await self._connection.scalar(
            quizzes.insert()
            .returning(quizzes.c.id)
            .values(
                member_id=member_id,
                pack=pack,
                question_ids=",".join(question_ids),
                position=0,
                correct=0,
                started_at=now,
                shown_at=now,
                kind=kind,
            )
        )
        return int(new_id)

    async def get(self, quiz_id: int) -> QuizState | None:
        row = (
            await self._connection.execute(select(quizzes).where(quizzes.c.id == quiz_id))
        ).first()
        if row is None:
            return None
        return QuizState(
            row.id,
            row.member_id,
            row.pack,
            tuple(row.question_ids.split(",")),
            row.position,
            row.correct,
            row.finished_at is not None,
            row.kind,
            row.shown_at,
        )

    async def record(
        self, quiz: QuizState, question_id: str, choice: str, correct: bool, now: datetime
    ) -> bool:
        """Record the answer at the quiz's current position; False if that position was answered."""
        inserted = await self._connection.execute(
            insert_ignore(self._connection, quiz_answers).values(
                quiz_id=quiz.id,
                position=quiz.position,
                member_id=quiz.member_id,
                question_id=question_id,
                choice=choice,
                correct=correct,
                answered_at=now,
            )
        )
        if not inserted.rowcount:
            return False
        finished = quiz.position + 1 >= len(quiz.question_ids)
        await self._connection.execute(
            update(quizzes)
            .where(quizzes.c.id == quiz.id)
            .values(
                position=quizzes.c.position + 1,
                correct=quizzes.c.correct + int(correct),
                finished_at=now if finished else None,
                shown_at=now,
            )
        )
        return True

    async def finish(self, quiz_id: int, now: datetime) -> None:
        await self._connection.execute(
            update(quizzes)
            .where(quizzes.c.id == quiz_id, quizzes.c.finished_at.is_(None))
            .values(finished_at=now)
        )

    async def member_history(self, member_id: int) -> list[tuple[str, bool]]:
        rows = await self._connection.execute(
            select(quiz_answers.c.question_id, quiz_answers.c.correct).where(
                quiz_answers.c.member_id == member_id
            )
        )
        return [(row.question_id, row.correct) for row in rows]
