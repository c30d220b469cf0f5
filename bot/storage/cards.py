"""Spaced-repetition cards (one per member and question) and their review log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.shards import Shards
from bot.storage.shards import served
from bot.storage.sql import insert_ignore, upsert
from bot.storage.tables import cards, members, nudges, review_log, streaks


@dataclass(frozen=True, slots=True)
class CardRow:
    member_id: int
    question_id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reviews: int
    lapses: int


@dataclass(frozen=True, slots=True)
class NudgeRow:
    member_id: int
    platform: str
    external_id: str
    remind_at: str
    timezone: str
    last_sent_on: date | None
    home_group: str | None = None  # the group the reminder was set in


# Built once: these are on every answer's path (see storage/answers.py).
_CARDS_OF = select(cards).where(
    cards.c.member_id.in_(bindparam("members", expanding=True)),
    cards.c.question_id.in_(bindparam("questions", expanding=True)),
)

_SET_CHECK = (
    update(nudges)
    .where(nudges.c.member_id == bindparam("member"))
    .values(next_check_at=bindparam("when"))
)
_BRING_CHECK_FORWARD = _SET_CHECK.where(nudges.c.next_check_at > bindparam("when"))


class CardRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get_many(self, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], CardRow]:
        wanted = set(keys)
        if not wanted:
            return {}
        rows = await self._connection.execute(
            _CARDS_OF,
            {
                "members": sorted({member for member, _ in wanted}),
                "questions": sorted({question for _, question in wanted}),
            },
        )
        found = (_card(row) for row in rows)
        return {
            (card.member_id, card.question_id): card
            for card in found
            if (card.member_id, card.question_id) in wanted
        }

    async def save_many(self, rows: Sequence[CardRow]) -> None:
        await upsert(self._connection, cards, ["member_id", "question_id"], _values(rows))

    async def insert_new(self, rows: Sequence[CardRow]) -> set[tuple[int, str]]:
        """Insert the cards that do not exist yet; returns the keys of those inserted."""
        if not rows:
            return set()
        result = await self._connection.execute(
            insert_ignore(self._connection, cards).returning(
                cards.c.member_id, cards.c.question_id
            ),
            _values(rows),
        )
        return {(row.member_id, row.question_id) for row in result}

    async def log(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await self._connection.execute(review_log.insert(), list(rows))

    async def due(self, member_id: int, now: datetime, limit: int) -> list[CardRow]:
        """The member's due cards, most overdue first (an index range scan on member, due)."""
        rows = await self._connection.execute(
            select(cards)
            .where(cards.c.member_id == member_id, cards.c.due <= now)
            .order_by(cards.c.due, cards.c.question_id)
            .limit(limit)
        )
        return [_card(row) for row in rows]

    async def count_due(self, member_id: int, until: datetime) -> int:
        value = await self._connection.scalar(
            select(func.count()).where(cards.c.member_id == member_id, cards.c.due <= until)
        )
        return int(value or 0)

    async def question_ids(self, member_id: int) -> set[str]:
        rows = await self._connection.scalars(
            select(cards.c.question_id).where(cards.c.member_id == member_id)
        )
        return set(rows)

    async def count(self, member_id: int) -> int:
        value = await self._connection.scalar(
            select(func.count()).where(cards.c.member_id == member_id)
        )
        return int(value or 0)

    async def recall_counts(self, member_id: int, since: datetime) -> tuple[int, int]:
        """(reviews of already-learnt cards, of which recalled) since a time: retention."""
        rows = await self._connection.execute(
            select(review_log.c.rating).where(
                review_log.c.member_id == member_id,
                review_log.c.reviewed_at >= since,
                review_log.c.first.is_(False),
            )
        )
        ratings = [row.rating for row in rows]
        return len(ratings), sum(1 for rating in ratings if rating > 1)

    async def review_days(self, member_id: int, since: datetime) -> list[datetime]:
        rows = await self._connection.execute(
            select(review_log.c.reviewed_at).where(
                review_log.c.member_id == member_id, review_log.c.reviewed_at >= since
            )
        )
        return [row.reviewed_at for row in rows]

    async def set_nudge(
        self,
        member_id: int,
        remind_at: str,
        timezone: str,
        now: datetime,
        home_group: str | None = None,
    ) -> None:
        await upsert(
            self._connection,
            nudges,
            ["member_id"],
            [
                {
                    "member_id": member_id,
                    "remind_at": remind_at,
                    "timezone": timezone,
                    "created_at": now,
                    "next_check_at": now,  # looked at on the next tick
                    "home_group": home_group,
                }
            ],
        )

    async def clear_nudge(self, member_id: int) -> bool:
        result = await self._connection.execute(
            delete(nudges).where(nudges.c.member_id == member_id)
        )
        return bool(result.rowcount)

    async def nudges(self, platforms: Iterable[str]) -> list[NudgeRow]:
        """Every reminder of the platforms (the console's timeline plans its stops from
        these); a tick reads only `due_nudges`."""
        return await self._nudge_rows(members.c.platform.in_(list(platforms)))

    async def due_nudges(
        self, platforms: Iterable[str], now: datetime, shards: Mapping[str, Shards] | None = None
    ) -> list[NudgeRow]:
        """The reminders whose next look is due: an indexed read of what is due only. Of a
        sharded platform, only members whose id falls on `shards` by the same formula as a
        guild's (a private message may go out from any process; this splits the work so
        each reminder is looked at by one)."""
        return await self._nudge_rows(
            nudges.c.next_check_at <= now,
            served(members.c.platform, members.c.external_id, platforms, shards),
        )

    async def _nudge_rows(self, *conditions: Any) -> list[NudgeRow]:
        rows = await self._connection.execute(
            select(nudges, members.c.platform, members.c.external_id)
            .join(members, members.c.id == nudges.c.member_id)
            .where(*conditions)
        )
        return [
            NudgeRow(
                row.member_id,
                row.platform,
                row.external_id,
                row.remind_at,
                row.timezone,
                row.last_sent_on,
                row.home_group,
            )
            for row in rows
        ]

    async def look_at_streak_nudges(self, subscription_id: int, when: datetime) -> None:
        """A post went out: the reminders of members keeping a live streak in its channel
        are looked at by `when` (the streak may now be at risk)."""
        keeping = select(streaks.c.member_id).where(
            streaks.c.subscription_id == subscription_id, streaks.c.current > 0
        )
        await self._connection.execute(
            update(nudges)
            .where(nudges.c.member_id.in_(keeping), nudges.c.next_check_at > when)
            .values(next_check_at=when)
        )

    async def check_nudges_at(
        self, whens: dict[int, datetime], *, only_sooner: bool = False
    ) -> None:
        """Set when each member's reminder is next looked at; with `only_sooner`, only bring
        it forward (say, a card of theirs falls due then), so one due sooner keeps its time."""
        if not whens:
            return
        await self._connection.execute(
            _BRING_CHECK_FORWARD if only_sooner else _SET_CHECK,
            [{"member": member, "when": when} for member, when in sorted(whens.items())],
        )

    async def next_due_after_of(
        self, member_ids: Sequence[int], after: datetime
    ) -> dict[int, datetime]:
        """When each member's next card falls due after `after` (members with none left out);
        `member_ids` is one page of reminders."""
        rows = await self._connection.execute(
            select(cards.c.member_id, func.min(cards.c.due).label("due"))
            .where(cards.c.member_id.in_(member_ids), cards.c.due > after)
            .group_by(cards.c.member_id)
        )
        return {row.member_id: row.due for row in rows}

    async def count_due_of(self, member_ids: Sequence[int], until: datetime) -> dict[int, int]:
        """How many cards each member has due by `until` (members with none left out)."""
        rows = await self._connection.execute(
            select(cards.c.member_id, func.count().label("due"))
            .where(cards.c.member_id.in_(member_ids), cards.c.due <= until)
            .group_by(cards.c.member_id)
        )
        return {row.member_id: int(row.due) for row in rows}

    async def mark_nudged(self, member_id: int, day: date) -> bool:
        """Record today's nudge; False when another worker sent it already (one a day)."""
        result = await self._connection.execute(
            update(nudges)
            .where(
                nudges.c.member_id == member_id,
                (nudges.c.last_sent_on.is_(None)) | (nudges.c.last_sent_on < day),
            )
            .values(last_sent_on=day)
        )
        return bool(result.rowcount)

    async def nudge_for(self, member_id: int) -> Any:
        return (
            await self._connection.execute(select(nudges).where(nudges.c.member_id == member_id))
        ).first()


def _card(row: Any) -> CardRow:
    return CardRow(
        row.member_id,
        row.question_id,
        row.state,
        row.step,
        row.stability,
        row.difficulty,
        row.due,
        row.last_review,
        row.reviews,
        row.lapses,
    )


def _values(rows: Sequence[CardRow]) -> list[dict[str, Any]]:
    return [
        {
            "member_id": row.member_id,
            "question_id": row.question_id,
            "state": row.state,
            "step": row.step,
            "stability": row.stability,
            "difficulty": row.difficulty,
            "due": row.due,
            "last_review": row.last_review,
            "reviews": row.reviews,
            "lapses": row.lapses,
        }
        for row in rows
    ]
