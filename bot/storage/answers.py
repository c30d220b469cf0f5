"""Answers to daily posts, the running score table and the queries boards and stats need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.identity import ChannelRef
from bot.domain.post import PostStatus
from bot.domain.scoring import Streak
from bot.storage.sql import add_to_counters, counter_upsert, dialect_insert, insert_ignore
from bot.storage.tables import (
    answers,
    groups,
    members,
    posts,
    quiz_answers,
    score_counts,
    scores,
    streaks,
    subscriptions,
)


@dataclass(frozen=True, slots=True)
class ScoreRow:
    member_id: int
    name: str
    points: int


@dataclass(frozen=True, slots=True)
class PostAnswer:
    id: int
    member_id: int
    name: str
    choice: str | None
    correct: bool | None
    written: str | None
    answered_at: datetime


class AnswerRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def set_choice(
        self, post_id: int, member_id: int, choice: str, correct: bool, points: int, now: datetime
    ) -> bool:
        """Record the member's pick; False when they had picked already (one pick per post)."""
        result = await self._connection.execute(
            update(answers)
            .where(
                answers.c.post_id == post_id,
                answers.c.member_id == member_id,
                answers.c.choice.is_(None),
            )
            .values(
                choice=choice, correct=correct, points=answers.c.points + points, answered_at=now
            )
        )
        return bool(result.rowcount)

    async def set_written(
        self,
        post_id: int,
        member_id: int,
        text: str,
        points: int,
        now: datetime,
        coverage: Mapping[str, Any] | None = None,
    ) -> bool:
        """Record the member's written answer (with its key-point coverage); False when they
        had written one already."""
        result = await self._connection.execute(
            update(answers)
            .where(
                answers.c.post_id == post_id,
                answers.c.member_id == member_id,
                answers.c.written.is_(None),
            )
            .values(
                written=text, points=answers.c.points + points, written_at=now, **(coverage or {})
            )
        )
        return bool(result.rowcount)

    async def add_scores(self, totals: dict[tuple[str, str, int], int]) -> None:
        """Add points (each more than zero) to leaderboard rows keyed (scope, period,
        member), and move each member between the boards' points-value counts."""
        assert all(points > 0 for points in totals.values()), "a score row never holds 0"
        if not totals:
            return
        result = await self._connection.execute(
            counter_upsert(
                self._connection,
                scores,
                ("scope", "period", "member_id"),
                "points",
                returning=("scope", "period", "member_id", "points"),
            ),
            [
                {"scope": scope, "period": period, "member_id": member_id, "points": points}
                for (scope, period, member_id), points in sorted(totals.items())
            ],
        )
        moves: dict[tuple[str, str, int], int] = defaultdict(int)
        for row in result:
            added = totals[(row.scope, row.period, row.member_id)]
            moves[(row.scope, row.period, row.points)] += 1
            if row.points != added:  # the member was on the board already, `added` lower
                moves[(row.scope, row.period, row.points - added)] -= 1
        await _count_members(self._connection, moves)

    async def for_post(self, post_id: int) -> list[PostAnswer]:
        rows = await self._connection.execute(
            select(answers, members.c.name)
            .join(members, members.c.id == answers.c.member_id)
            .where(answers.c.post_id == post_id)
            .order_by(answers.c.answered_at, answers.c.id)
        )
        return [
            PostAnswer(
                row.id,
                row.member_id,
                row.name,
                row.choice,
                row.correct,
                row.written,
                row.answered_at,
            )
            for row in rows
        ]

    async def get(self, post_id: int, member_id: int) -> Any:
        return (
            await self._connection.execute(
                select(answers).where(
                    answers.c.post_id == post_id, answers.c.member_id == member_id
                )
            )
        ).first()

    async def streaks_at_risk_of(
        self, member_ids: Sequence[int], now: datetime
    ) -> dict[int, list[Any]]:
        """For each member, the open posts they have not answered that would extend a live
        streak (members with none left out); `member_ids` is one page of reminders."""
        rows = await self._connection.execute(
            select(
                streaks.c.member_id,
                streaks.c.subscription_id,
                streaks.c.current,
                posts.c.reveal_at,
                subscriptions.c.channel_id,
                groups.c.platform,
                groups.c.external_id,
            )
            .join(posts, posts.c.subscription_id == streaks.c.subscription_id)
            .join(subscriptions, subscriptions.c.id == streaks.c.subscription_id)
            .join(groups, groups.c.id == subscriptions.c.group_id)
            .where(
                streaks.c.member_id.in_(member_ids),
                streaks.c.current > 0,
                posts.c.status == PostStatus.POSTED.value,
                posts.c.reveal_at > now,
                posts.c.day_number == streaks.c.last_day + 1,
            )
            .order_by(streaks.c.member_id, streaks.c.subscription_id)
        )
        found: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            found[row.member_id].append(row)
        return dict(found)

    async def activity(self, member_id: int, since: datetime) -> list[datetime]:
        """When the member answered anything (daily posts and quizzes) since a time."""
        daily = await self._connection.execute(
            select(answers.c.answered_at).where(
                answers.c.member_id == member_id, answers.c.answered_at >= since
            )
        )
        practice = await self._connection.execute(
            select(quiz_answers.c.answered_at).where(
                quiz_answers.c.member_id == member_id, quiz_answers.c.answered_at >= since
            )
        )
        return [row.answered_at for row in daily] + [row.answered_at for row in practice]

    async def weekly_points(self, scope: str, periods: list[str]) -> dict[str, int]:
        rows = await self._connection.execute(
            select(scores.c.period, func.sum(scores.c.points).label("points"))
            .where(scores.c.scope == scope, scores.c.period.in_(periods))
            .group_by(scores.c.period)
        )
        return {row.period: int(row.points) for row in rows}

    async def set_self_rating(self, post_id: int, member_id: int, rating: int) -> bool:
        """Record the member's rating of their written answer; False if there is nothing to rate
        or it was rated already."""
        result = await self._connection.execute(
            update(answers)
            .where(
                answers.c.post_id == post_id,
                answers.c.member_id == member_id,
                answers.c.written.is_not(None),
                answers.c.self_rating.is_(None),
            )
            .values(self_rating=rating)
        )
        return bool(result.rowcount)

    async def top(self, scope: str, period: str, limit: int) -> list[ScoreRow]:
        rows = await self._connection.execute(
            select(scores.c.member_id, members.c.name, scores.c.points)
            .join(members, members.c.id == scores.c.member_id)
            .where(scores.c.scope == scope, scores.c.period == period)
            # Backwards along ix_scores_board; among equal points the later member comes first.
            .order_by(scores.c.points.desc(), scores.c.member_id.desc())
            .limit(limit)
        )
        return [ScoreRow(row.member_id, row.name, row.points) for row in rows]

    async def points_of(self, scope: str, period: str, member_id: int) -> int | None:
        return await self._connection.scalar(
            select(scores.c.points).where(
                scores.c.scope == scope, scores.c.period == period, scores.c.member_id == member_id
            )
        )

    async def count_above(self, scope: str, period: str, points: int) -> int:
        value = await self._connection.scalar(
            select(func.coalesce(func.sum(score_counts.c.members), 0)).where(
                score_counts.c.scope == scope,
                score_counts.c.period == period,
                score_counts.c.points > points,
            )
        )
        return int(value or 0)

    async def board_size(self, scope: str, period: str) -> int:
        value = await self._connection.scalar(
            select(func.coalesce(func.sum(score_counts.c.members), 0)).where(
                score_counts.c.scope == scope, score_counts.c.period == period
            )
        )
        return int(value or 0)

    async def member_history(self, member_id: int) -> list[tuple[str, bool | None, bool]]:
        """(question id, correct or None, wrote) for every daily answer of a member."""
        rows = await self._connection.execute(
            select(
                posts.c.question_id,
                answers.c.correct,
                answers.c.written.is_not(None).label("wrote"),
            )
            .join(posts, posts.c.id == answers.c.post_id)
            .where(answers.c.member_id == member_id)
        )
        return [(row.question_id, row.correct, bool(row.wrote)) for row in rows]

    async def written_coverage(self, member_id: int) -> list[tuple[str, int, str, datetime]]:
        """(question id, key points covered, missed numbers, when) for each written answer of
        the member whose coverage is known."""
        rows = await self._connection.execute(
            select(
                posts.c.question_id,
                answers.c.key_points_covered,
                answers.c.key_points_missed,
                answers.c.written_at,
            )
            .join(posts, posts.c.id == answers.c.post_id)
            .where(answers.c.member_id == member_id, answers.c.key_points_covered.is_not(None))
        )
        return [
            (row.question_id, row.key_points_covered, row.key_points_missed or "", row.written_at)
            for row in rows
        ]

    async def results(self, post_id: int) -> tuple[int, int, int]:
        """(answers, multiple-choice answers, correct picks) of a post."""
        row = (
            await self._connection.execute(
                select(
                    func.count(),
                    func.count(answers.c.choice),
                    func.coalesce(func.sum(case((answers.c.correct.is_(True), 1), else_=0)), 0),
                ).where(answers.c.post_id == post_id)
            )
        ).one()
        return int(row[0]), int(row[1]), int(row[2])


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What answering needs to know about a post, read in one query for a whole batch."""

    post_id: int
    subscription_id: int
    group_id: int
    channel: ChannelRef  # where the post was made: the only channel that may act on it
    status: str
    reveal_at: datetime
    question_id: str
    day_number: int
    pack: str
    timezone: str


# A batch's reads, built once: an answer's path is mostly small statements, and building
# one (with its IN lists) cost about as much as running it. Each list is at most a batch long.
_POST_FACTS = (
    select(
        posts.c.id,
        posts.c.subscription_id,
        subscriptions.c.group_id,
        groups.c.platform,
        groups.c.external_id,
        subscriptions.c.channel_id,
        posts.c.status,
        posts.c.reveal_at,
        posts.c.question_id,
        posts.c.day_number,
        subscriptions.c.pack,
        subscriptions.c.timezone,
    )
    .join(subscriptions, subscriptions.c.id == posts.c.subscription_id)
    .join(groups, groups.c.id == subscriptions.c.group_id)
    .where(posts.c.id.in_(bindparam("ids", expanding=True)))
)
_EXISTING = select(
    answers.c.post_id, answers.c.member_id, answers.c.choice, answers.c.written
).where(
    answers.c.post_id.in_(bindparam("posts", expanding=True)),
    answers.c.member_id.in_(bindparam("members", expanding=True)),
)
_STREAKS = select(streaks).where(
    streaks.c.subscription_id.in_(bindparam("subscriptions", expanding=True)),
    streaks.c.member_id.in_(bindparam("members", expanding=True)),
)


_STREAK_ADVANCES: dict[str, Any] = {}


def _streak_advance(connection: AsyncConnection) -> Any:
    """INSERT a first-answer streak (1, best 1) or advance the stored one as
    Streak.after_answering does: a later post extends it when it is the next one and restarts
    it otherwise; the same or an older post leaves it as it is."""
    name = connection.dialect.name
    if name not in _STREAK_ADVANCES:
        statement = dialect_insert(connection, streaks)
        day, stored = statement.excluded.last_day, streaks.c
        current = case(
            (day <= stored.last_day, stored.current),
            (day == stored.last_day + 1, stored.current + 1),
            else_=1,
        )
        _STREAK_ADVANCES[name] = statement.on_conflict_do_update(
            index_elements=[streaks.c.subscription_id, streaks.c.member_id],
            set_={
                "current": current,
                "best": case((current > stored.best, current), else_=stored.best),
                "last_day": case((day > stored.last_day, day), else_=stored.last_day),
            },
        ).returning(
            streaks.c.subscription_id,
            streaks.c.member_id,
            streaks.c.current,
            streaks.c.best,
            streaks.c.last_day,
        )
    return _STREAK_ADVANCES[name]


class AnswerBatchQueries:
    """Set-wise reads and writes for recording many answers in one transaction."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def post_facts(self, post_ids: Iterable[int]) -> dict[int, PostFacts]:
        rows = await self._connection.execute(_POST_FACTS, {"ids": sorted(set(post_ids))})
        return {
            row.id: PostFacts(
                row.id,
                row.subscription_id,
                row.group_id,
                ChannelRef(row.platform, row.external_id, row.channel_id),
                row.status,
                row.reveal_at,
                row.question_id,
                row.day_number or 0,
                row.pack,
                row.timezone,
            )
            for row in rows
        }

    async def existing(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Any]:
        wanted = set(pairs)
        if not wanted:
            return {}
        rows = await self._connection.execute(
            _EXISTING,
            {
                "posts": sorted({post for post, _ in wanted}),
                "members": sorted({member for _, member in wanted}),
            },
        )
        return {
            (row.post_id, row.member_id): row
            for row in rows
            if (row.post_id, row.member_id) in wanted
        }

    async def insert_new(self, rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
        """Insert answer rows; returns the (post, member) keys that were inserted (not taken)."""
        if not rows:
            return set()
        statement = insert_ignore(self._connection, answers).returning(
            answers.c.post_id, answers.c.member_id
        )
        result = await self._connection.execute(statement, rows)
        return {(row.post_id, row.member_id) for row in result}

    async def streaks(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Streak]:
        wanted = set(pairs)
        if not wanted:
            return {}
        rows = await self._connection.execute(
            _STREAKS,
            {
                "subscriptions": sorted({sub for sub, _ in wanted}),
                "members": sorted({member for _, member in wanted}),
            },
        )
        return {
            (row.subscription_id, row.member_id): Streak(row.current, row.best, row.last_day)
            for row in rows
            if (row.subscription_id, row.member_id) in wanted
        }

    async def advance_streaks(
        self, answered: Sequence[tuple[int, int, int]]
    ) -> dict[tuple[int, int], Streak]:
        """Each (subscription, member, post number) answered, applied to the member's streak
        in the database itself (Streak.after_answering, in SQL), in order; returns each
        streak as it stands after."""
        after: dict[tuple[int, int], Streak] = {}
        # One statement cannot change a row twice: a second post of the same subscription in
        # the batch goes in a round of its own.
        rounds: list[dict[tuple[int, int], int]] = []
        for subscription_id, member_id, day in answered:
            key = (subscription_id, member_id)
            free = next((batch for batch in rounds if key not in batch), None)
            if free is None:
                free = {}
                rounds.append(free)
            free[key] = day
        for batch in rounds:
            result = await self._connection.execute(
                _streak_advance(self._connection),
                [
                    {
                        "subscription_id": sub,
                        "member_id": member,
                        "current": 1,
                        "best": 1,
                        "last_day": day,
                    }
                    for (sub, member), day in sorted(batch.items())
                ],
            )
            for row in result:
                after[(row.subscription_id, row.member_id)] = Streak(
                    row.current, row.best, row.last_day
                )
        return after


async def _count_members(
    connection: AsyncConnection, moves: dict[tuple[str, str, int], int]
) -> None:
    """Add each change (+1 joined, -1 left) to the members holding a points value."""
    await add_to_counters(
        connection,
        score_counts,
        ["scope", "period", "points"],
        "members",
        [
            {"scope": scope, "period": period, "points": points, "members": change}
            for (scope, period, points), change in sorted(moves.items())
            if change
        ],
    )


async def leave_boards(connection: AsyncConnection, member_id: int) -> None:
    """Take a member off the points-value counts of every board they are on (before their
    score rows are deleted with them)."""
    rows = await connection.execute(
        select(scores.c.scope, scores.c.period, scores.c.points).where(
            scores.c.member_id == member_id
        )
    )
    await _count_members(connection, {(row.scope, row.period, row.points): -1 for row in rows})
