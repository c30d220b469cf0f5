"""A group's own questions and its members' suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.tables import group_questions, groups, members, suggestions


@dataclass(frozen=True, slots=True)
class StoredQuestion:
    question_id: str
    slug: str
    body: str  # the question's fields as JSON
    credit_name: str | None
    retired: bool


@dataclass(frozen=True, slots=True)
class NewQuestion:
    slug: str
    question_id: str
    body: str
    credit_name: str | None = None
    credit_member_id: int | None = None


@dataclass(frozen=True, slots=True)
class StoredSuggestion:
    id: int
    group_id: int
    member_id: int
    member_external_id: str
    member_name: str
    channel_id: str
    draft: str  # the suggested fields as JSON
    status: str
    reason: str | None
    question_id: str | None
    created_at: datetime


class GroupQuestionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def version(self, group_id: int) -> int:
        value = await self._connection.scalar(
            select(groups.c.questions_version).where(groups.c.id == group_id)
        )
        return int(value or 0)

    async def changed(self, group_id: int) -> None:
        """Note a change, so every worker reloads the group's questions."""
        await self._connection.execute(
            update(groups)
            .where(groups.c.id == group_id)
            .values(questions_version=groups.c.questions_version + 1)
        )

    async def all_of(self, group_id: int) -> list[StoredQuestion]:
        rows = await self._connection.execute(
            select(
                group_questions.c.question_id,
                group_questions.c.slug,
                group_questions.c.body,
                group_questions.c.credit_name,
                group_questions.c.retired_at,
            )
            .where(group_questions.c.group_id == group_id)
            .order_by(group_questions.c.id)
        )
        return [
            StoredQuestion(
                row.question_id, row.slug, row.body, row.credit_name, bool(row.retired_at)
            )
            for row in rows
        ]

    async def slugs(self, group_id: int) -> set[str]:
        rows = await self._connection.scalars(
            select(group_questions.c.slug).where(group_questions.c.group_id == group_id)
        )
        return set(rows)

    async def add(self, group_id: int, questions: Sequence[NewQuestion], now: datetime) -> None:
        if not questions:
            return
        await self._connection.execute(
            group_questions.insert(),
            [
                {
                    "group_id": group_id,
                    "slug": question.slug,
                    "question_id": question.question_id,
                    "body": question.body,
                    "credit_name": question.credit_name,
                    "credit_member_id": question.credit_member_id,
                    "created_at": now,
                    "updated_at": now,
                }
                for question in questions
            ],
        )
        await self.changed(group_id)

    async def replace_body(self, group_id: int, question_id: str, body: str, now: datetime) -> bool:
        result = await self._connection.execute(
            update(group_questions)
            .where(
                group_questions.c.group_id == group_id,
                group_questions.c.question_id == question_id,
            )
            .values(body=body, updated_at=now)
        )
        if result.rowcount:
            await self.changed(group_id)
        return bool(result.rowcount)

    async def retire(self, group_id: int, question_id: str, now: datetime) -> bool:
        """Take a question out of every rotation; False when it is not there or retired."""
        result = await self._connection.execute(
            update(group_questions)
            .where(
                group_questions.c.group_id == group_id,
                group_questions.c.question_id == question_id,
                group_questions.c.retired_at.is_(None),
            )
            .values(retired_at=now, updated_at=now)
        )
        if result.rowcount:
            await self.changed(group_id)
        return bool(result.rowcount)

    async def forget_credits(self, member_id: int) -> None:
        """Take a member's name off the questions they suggested (the questions stay)."""
        rows = await self._connection.execute(
            update(group_questions)
            .where(group_questions.c.credit_member_id == member_id)
            .values(credit_name=None, credit_member_id=None)
            .returning(group_questions.c.group_id)
        )
        for group_id in sorted({row.group_id for row in rows}):
            await self.changed(group_id)

    async def review_channel(self, group_id: int) -> str | None:
        value: str | None = await self._connection.scalar(
            select(groups.c.review_channel_id).where(groups.c.id == group_id)
        )
        return value

    async def set_review_channel(self, group_id: int, channel_id: str | None) -> None:
        await self._connection.execute(
            update(groups).where(groups.c.id == group_id).values(review_channel_id=channel_id)
        )

    # Suggestions

    async def suggest(
        self, group_id: int, member_id: int, channel_id: str, draft: str, now: datetime
    ) -> int:
        result = await self._connection.execute(
            suggestions.insert()
            .values(
                group_id=group_id,
                member_id=member_id,
                channel_id=channel_id,
                draft=draft,
                status="pending",
                created_at=now,
            )
            .returning(suggestions.c.id)
        )
        return int(result.scalar_one())

    async def suggested_since(self, group_id: int, member_id: int, since: datetime) -> int:
        value = await self._connection.scalar(
            select(func.count()).where(
                suggestions.c.member_id == member_id,
                suggestions.c.group_id == group_id,
                suggestions.c.created_at >= since,
            )
        )
        return int(value or 0)

    async def pending(self, group_id: int, limit: int) -> tuple[list[StoredSuggestion], int]:
        """The oldest pending suggestions (at most `limit`) and how many are pending."""
        rows = await self._connection.execute(
            _SUGGESTION.where(suggestions.c.group_id == group_id, suggestions.c.status == "pending")
            .order_by(suggestions.c.id)
            .limit(limit)
        )
        total = await self._connection.scalar(
            select(func.count()).where(
                suggestions.c.group_id == group_id, suggestions.c.status == "pending"
            )
        )
        return [_suggestion(row) for row in rows], int(total or 0)

    async def suggestion(self, suggestion_id: int) -> StoredSuggestion | None:
        row = (
            await self._connection.execute(_SUGGESTION.where(suggestions.c.id == suggestion_id))
        ).first()
        return _suggestion(row) if row else None

    async def set_draft(self, suggestion_id: int, draft: str) -> bool:
        result = await self._connection.execute(
            update(suggestions)
            .where(suggestions.c.id == suggestion_id, suggestions.c.status == "pending")
            .values(draft=draft)
        )
        return bool(result.rowcount)

    async def decide(
        self,
        suggestion_id: int,
        status: str,
        reason: str | None,
        question_id: str | None,
        now: datetime,
    ) -> bool:
        """Accept or decline a pending suggestion; False when someone decided it first."""
        result = await self._connection.execute(
            update(suggestions)
            .where(suggestions.c.id == suggestion_id, suggestions.c.status == "pending")
            .values(status=status, reason=reason, question_id=question_id, decided_at=now)
        )
        return bool(result.rowcount)


_SUGGESTION = select(
    suggestions,
    members.c.external_id.label("member_external_id"),
    members.c.name.label("member_name"),
).join(members, members.c.id == suggestions.c.member_id)


def _suggestion(row: Any) -> StoredSuggestion:
    return StoredSuggestion(
        id=row.id,
        group_id=row.group_id,
        member_id=row.member_id,
        member_external_id=row.member_external_id,
        member_name=row.member_name,
        channel_id=row.channel_id,
        draft=row.draft,
        status=row.status,
        reason=row.reason,
        question_id=row.question_id,
        created_at=row.created_at,
    )
