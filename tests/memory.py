"""An in-memory unit of work for the posting and answering rules (the cosmicpython
fake-repository style).

It keeps the same state the SQL repositories keep and makes the same compare-and-set
decisions, taken from the domain (`bot.domain.post.may_take`), so service-rule tests run
without a database. A write that raises leaves no trace, as a rolled-back transaction would.
The SQLite and PostgreSQL integration tests hold the real repositories to the same rules.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from bot.bootstrap import core_over
from bot.clock import Clock
from bot.config import Settings
from bot.content.loader import Library
from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.post import (
    DONE_TO,
    HOLDS_LATER_DAYS,
    TAKEN_TO,
    Duty,
    Lease,
    Post,
    PostStatus,
    may_take,
)
from bot.domain.scoring import Streak
from bot.domain.subscription import Subscription
from bot.errors import DayTaken
from bot.services.context import Core
from bot.shards import Shards
from bot.storage.answers import PostAnswer, PostFacts
from tests.conftest import FIXTURES


@dataclass
class _Row:
    """A post row: the domain Post plus the lease columns only storage sees."""

    post: Post
    lease_until: datetime | None = None
    lease_token: int = 0
    reveal_attempts: int = 0


@dataclass
class MemoryState:
    subscriptions: dict[int, Subscription] = field(default_factory=dict)
    votes_close_at: dict[int, datetime] = field(default_factory=dict)
    cycles: dict[int, int] = field(default_factory=dict)
    used: dict[tuple[int, int], set[str]] = field(default_factory=dict)
    queued: dict[int, list[str]] = field(default_factory=dict)
    posts: dict[int, _Row] = field(default_factory=dict)
    last_post_id: int = 0
    groups: dict[str, int] = field(default_factory=dict)
    members: dict[tuple[str, str], int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    answers: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    scores: dict[tuple[str, str, int], int] = field(default_factory=dict)
    streaks: dict[tuple[int, int], Streak] = field(default_factory=dict)
    cards: dict[tuple[int, str], Any] = field(default_factory=dict)
    review_log: list[dict[str, Any]] = field(default_factory=list)


class MemorySubscriptions:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add(self, subscription: Subscription) -> None:
        self._state.subscriptions[subscription.id] = subscription

    async def get(self, subscription_id: int) -> Subscription | None:
        return self._state.subscriptions.get(subscription_id)

    async def for_channel(self, channel: ChannelRef) -> Subscription | None:
        return next(
            (item for item in self._state.subscriptions.values() if item.channel == channel),
            None,
        )

    async def active(self, platforms: Iterable[str]) -> list[Subscription]:
        wanted = set(platforms)
        return [
            item
            for _, item in sorted(self._state.subscriptions.items())
            if item.channel.platform in wanted and not item.paused
        ]

    async def due_to_post(
        self,
        platforms: Iterable[str],
        now: datetime,
        after: tuple[datetime, int] | None = None,
        limit: int = 500,
        shards: Mapping[str, Shards] | None = None,
    ) -> list[Subscription]:
        _unsharded(shards)
        for key, item in self._state.subscriptions.items():
            if item.next_post_at is None:  # as saving does: due from the active instant on
                self._state.subscriptions[key] = replace(item, next_post_at=item.active_since)
        due = [
            item
            for item in await self.active(platforms)
            if item.next_post_at is not None and item.next_post_at <= now
        ]
        ordered = sorted(due, key=lambda item: (item.next_post_at, item.id))
        if after is not None:
            ordered = [item for item in ordered if (item.next_post_at, item.id) > after]
        return ordered[:limit]

    async def move_next_post(self, subscription_id: int, seen: datetime, to: datetime) -> None:
        current = self._state.subscriptions.get(subscription_id)
        if current is not None and current.next_post_at == seen:
            self._change(subscription_id, next_post_at=to)

    async def record_error(self, subscription_id: int, error: str | None, now: datetime) -> None:
        self._change(subscription_id, last_error=error, last_error_at=now if error else None)

    async def set_paused(
        self, subscription_id: int, paused: bool, reason: str | None, now: datetime
    ) -> None:
        changes: dict[str, Any] = {"paused": paused, "pause_reason": reason}
        if not paused:
            changes["active_since"] = changes["next_post_at"] = now
        self._change(subscription_id, **changes)

    async def cycle(self, subscription_id: int) -> int:
        return self._state.cycles.get(subscription_id, 0)

    async def set_cycle(self, subscription_id: int, cycle: int) -> None:
        self._state.cycles[subscription_id] = cycle

    async def queued(self, subscription_id: int) -> list[str]:
        return list(self._state.queued.get(subscription_id, []))

    async def dequeue(self, subscription_id: int, question_id: str) -> None:
        self._state.queued.get(subscription_id, []).remove(question_id)

    async def used_in_cycle(self, subscription_id: int, cycle: int) -> set[str]:
        return set(self._state.used.get((subscription_id, cycle), set()))

    async def mark_used(
        self, subscription_id: int, cycle: int, question_id: str, reason: str, now: datetime
    ) -> None:
        self._state.used.setdefault((subscription_id, cycle), set()).add(question_id)

    def _change(self, subscription_id: int, **changes: Any) -> None:
        current = self._state.subscriptions.get(subscription_id)
        if current is not None:
            self._state.subscriptions[subscription_id] = replace(current, **changes)


class MemoryPosts:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def get(self, post_id: int) -> Post | None:
        row = self._state.posts.get(post_id)
        return row.post if row else None

    async def dates_of(self, subscription_id: int, first: date) -> set[date]:
        return {post.local_date for post in self._of(subscription_id) if post.local_date >= first}

    async def claim(
        self,
        subscription_id: int,
        local_date: date,
        question_id: str,
        scheduled_at: datetime,
        reveal_at: datetime,
        now: datetime,
        status: PostStatus = PostStatus.CLAIMED,
    ) -> Post:
        if local_date in await self.dates_of(subscription_id, local_date):
            raise DayTaken()
        self._state.last_post_id += 1
        post = Post(
            self._state.last_post_id,
            subscription_id,
            local_date,
            question_id,
            status,
            scheduled_at,
            reveal_at,
        )
        self._state.posts[post.id] = _Row(post)
        return post

    async def claim_to_send(
        self,
        subscription_id: int,
        local_date: date,
        question_id: str,
        scheduled_at: datetime,
        reveal_at: datetime,
        now: datetime,
        until: datetime,
    ) -> Lease:
        post = await self.claim(
            subscription_id, local_date, question_id, scheduled_at, reveal_at, now
        )
        row = self._state.posts[post.id]
        row.post = replace(post, status=TAKEN_TO[Duty.SEND], attempts=1)
        row.lease_until, row.lease_token = until, 1
        return Lease(Duty.SEND, row.post, row.lease_token, 1, until)

    async def take_lease(
        self, post_id: int, duty: Duty, until: datetime, now: datetime
    ) -> Lease | None:
        row = self._state.posts.get(post_id)
        if row is None or not may_take(duty, row.post.status, _free(row, now)):
            return None
        row.lease_until, row.lease_token = until, row.lease_token + 1
        if duty is Duty.SEND:
            row.post = replace(row.post, status=TAKEN_TO[duty], attempts=row.post.attempts + 1)
            attempt = row.post.attempts
        else:
            row.post = replace(row.post, status=TAKEN_TO[duty])
            row.reveal_attempts += 1
            attempt = row.reveal_attempts
        return Lease(duty, row.post, row.lease_token, attempt, until)

    async def holds(self, lease: Lease, now: datetime) -> bool:
        row = self._held(lease)
        return row is not None and row.lease_until is not None and row.lease_until > now

    async def release(self, lease: Lease, error: str | None, parts_sent: int = 0) -> bool:
        row = self._held(lease)
        if row is None:
            return False
        parts = max(row.post.reveal_parts_sent, parts_sent)
        row.post = replace(row.post, last_error=error, reveal_parts_sent=parts)
        row.lease_until = None
        return True

    async def mark_posted(
        self,
        lease: Lease,
        message_ref: str,
        thread_ref: str | None,
        day_number: int,
        reveal_at: datetime,
        now: datetime,
    ) -> bool:
        return self._finish(
            lease,
            status=DONE_TO[Duty.SEND],
            message_ref=message_ref,
            thread_ref=thread_ref,
            day_number=day_number,
            reveal_at=reveal_at,
            posted_at=now,
            last_error=None,
        )

    async def mark_revealed(self, lease: Lease, now: datetime) -> bool:
        return self._finish(lease, status=DONE_TO[Duty.REVEAL], revealed_at=now, last_error=None)

    async def abandon(self, lease: Lease, status: PostStatus, error: str) -> bool:
        return self._finish(lease, status=status, last_error=error)

    async def close_now(self, post_id: int, now: datetime) -> None:
        row = self._state.posts[post_id]
        if row.post.status is PostStatus.POSTED and row.post.reveal_at > now:
            row.post = replace(row.post, reveal_at=now)

    async def claimed(
        self, platforms: Iterable[str], now: datetime, shards: Mapping[str, Shards] | None = None
    ) -> list[Post]:
        _unsharded(shards)
        return self._list(
            platforms, lambda row: may_take(Duty.SEND, row.post.status, _free(row, now))
        )

    async def due_reveals(
        self, platforms: Iterable[str], now: datetime, shards: Mapping[str, Shards] | None = None
    ) -> list[Post]:
        _unsharded(shards)
        return self._list(
            platforms,
            lambda row: (
                row.post.reveal_at <= now
                and may_take(Duty.REVEAL, row.post.status, _free(row, now))
            ),
        )

    async def unrevealed_before(self, subscription_id: int, local_date: date) -> Post | None:
        earlier = [
            row.post
            for row in self._state.posts.values()
            if row.post.subscription_id == subscription_id
            and row.post.local_date < local_date
            and row.post.status in HOLDS_LATER_DAYS
        ]
        return min(earlier, key=lambda post: post.local_date, default=None)

    async def latest_visible(self, subscription_id: int) -> Post | None:
        visible = [post for post in self._of(subscription_id) if post.status.visible]
        return max(visible, key=lambda post: post.local_date, default=None)

    async def latest(self, subscription_id: int) -> Post | None:
        return max(self._of(subscription_id), key=lambda post: post.local_date, default=None)

    async def visible_count(self, subscription_id: int) -> int:
        return sum(post.status.visible for post in self._of(subscription_id))

    async def next_reveal_after(self, platforms: Iterable[str], after: datetime) -> datetime | None:
        wanted = set(platforms)
        return min(
            (
                row.post.reveal_at
                for row in self._state.posts.values()
                if row.post.unrevealed
                and row.post.reveal_at > after
                and self._platform(row.post) in wanted
            ),
            default=None,
        )

    def _of(self, subscription_id: int) -> list[Post]:
        return [
            row.post
            for row in self._state.posts.values()
            if row.post.subscription_id == subscription_id
        ]

    def _platform(self, post: Post) -> str | None:
        subscription = self._state.subscriptions.get(post.subscription_id)
        return subscription.channel.platform if subscription else None

    def _list(self, platforms: Iterable[str], keep: Any) -> list[Post]:
        wanted = set(platforms)
        rows = [
            row
            for row in self._state.posts.values()
            if keep(row)
            and self._platform(row.post) in wanted
            and not self._state.subscriptions[row.post.subscription_id].paused
        ]
        return [
            row.post for row in sorted(rows, key=lambda row: (row.post.scheduled_at, row.post.id))
        ]

    def _held(self, lease: Lease) -> _Row | None:
        row = self._state.posts.get(lease.post.id)
        if (
            row is None
            or row.lease_token != lease.token
            or row.post.status is not TAKEN_TO[lease.duty]
        ):
            return None
        return row

    def _finish(self, lease: Lease, **changes: Any) -> bool:
        row = self._held(lease)
        if row is None:
            return False
        row.post = replace(row.post, **changes)
        row.lease_until = None
        return True


def _free(row: _Row, now: datetime) -> bool:
    return row.lease_until is None or row.lease_until < now


class MemoryMembers:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def member_ids(
        self, refs: Iterable[MemberRef], now: datetime
    ) -> dict[tuple[str, str], int]:
        ids = {}
        for ref in refs:
            key = (ref.platform, ref.member_id)
            ids[key] = self._state.members.setdefault(key, len(self._state.members) + 1)
            self._state.names[ids[key]] = ref.name[:100]
        return ids


class MemoryAnswers:
    """Answer rows keyed (post, member), and the running score table."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def set_choice(
        self, post_id: int, member_id: int, choice: str, correct: bool, points: int, now: datetime
    ) -> bool:
        row = self._state.answers.get((post_id, member_id))
        if row is None or row["choice"] is not None:
            return False
        row.update(choice=choice, correct=correct, points=row["points"] + points, answered_at=now)
        return True

    async def set_written(
        self,
        post_id: int,
        member_id: int,
        text: str,
        points: int,
        now: datetime,
        coverage: dict[str, Any] | None = None,
    ) -> bool:
        row = self._state.answers.get((post_id, member_id))
        if row is None or row["written"] is not None:
            return False
        row.update(written=text, points=row["points"] + points, written_at=now, **(coverage or {}))
        return True

    async def add_scores(self, totals: dict[tuple[str, str, int], int]) -> None:
        for key, points in totals.items():
            self._state.scores[key] = self._state.scores.get(key, 0) + points

    async def written_coverage(self, member_id: int) -> list[tuple[str, int, str, datetime]]:
        return [
            (
                self._state.posts[post].question_id,
                row["key_points_covered"],
                row["key_points_missed"] or "",
                row["written_at"],
            )
            for (post, member), row in self._state.answers.items()
            if member == member_id and row.get("key_points_covered") is not None
        ]

    async def results(self, post_id: int) -> tuple[int, int, int]:
        rows = [row for (post, _), row in self._state.answers.items() if post == post_id]
        picked = [row for row in rows if row["choice"] is not None]
        return len(rows), len(picked), sum(row["correct"] is True for row in picked)

    async def for_post(self, post_id: int) -> list[PostAnswer]:
        rows = [row for (post, _), row in self._state.answers.items() if post == post_id]
        return [
            PostAnswer(
                index,
                row["member_id"],
                self._state.names[row["member_id"]],
                row["choice"],
                row["correct"],
                row["written"],
                row["answered_at"],
            )
            for index, row in enumerate(sorted(rows, key=lambda row: row["answered_at"]), 1)
        ]


class MemoryAnswerBatches:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def post_facts(self, post_ids: Iterable[int]) -> dict[int, PostFacts]:
        facts = {}
        for post_id in set(post_ids):
            row = self._state.posts.get(post_id)
            if row is None:
                continue
            post = row.post
            subscription = self._state.subscriptions[post.subscription_id]
            group = subscription.channel.group_id
            facts[post_id] = PostFacts(
                post_id,
                subscription.id,
                self._state.groups.setdefault(group, len(self._state.groups) + 1),
                subscription.channel,
                post.status.value,
                post.reveal_at,
                post.question_id,
                post.day_number or 0,
                subscription.pack,
                subscription.schedule.timezone,
            )
        return facts

    async def existing(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Any]:
        return {
            pair: SimpleNamespace(**self._state.answers[pair])
            for pair in pairs
            if pair in self._state.answers
        }

    async def insert_new(self, rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
        inserted = set()
        for row in rows:
            key = (row["post_id"], row["member_id"])
            if key not in self._state.answers:
                self._state.answers[key] = dict(row)
                inserted.add(key)
        return inserted

    async def streaks(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Streak]:
        return {pair: self._state.streaks[pair] for pair in pairs if pair in self._state.streaks}

    async def advance_streaks(
        self, answered: Iterable[tuple[int, int, int]]
    ) -> dict[tuple[int, int], Streak]:
        after = {}
        for subscription_id, member_id, day in answered:
            key = (subscription_id, member_id)
            after[key] = self._state.streaks.get(key, Streak()).after_answering(day)
            self._state.streaks[key] = after[key]
        return after


class MemoryCards:
    """Review cards and their log; no member has a reminder in these tests."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def get_many(self, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Any]:
        return {key: self._state.cards[key] for key in keys if key in self._state.cards}

    async def save_many(self, cards: Iterable[Any]) -> None:
        for card in cards:
            self._state.cards[(card.member_id, card.question_id)] = card

    async def insert_new(self, cards: Iterable[Any]) -> set[tuple[int, str]]:
        inserted = set()
        for card in cards:
            key = (card.member_id, card.question_id)
            if key not in self._state.cards:
                self._state.cards[key] = card
                inserted.add(key)
        return inserted

    async def log(self, entries: list[dict[str, Any]]) -> None:
        self._state.review_log.extend(entries)

    async def nudges(self, platforms: Iterable[str]) -> list[Any]:
        return []

    async def due_nudges(
        self, platforms: Iterable[str], now: datetime, shards: Mapping[str, Shards] | None = None
    ) -> list[Any]:
        _unsharded(shards)
        return []

    async def check_nudges_at(
        self, whens: dict[int, datetime], *, only_sooner: bool = False
    ) -> None:
        pass  # nobody has a reminder in these tests

    async def look_at_streak_nudges(self, subscription_id: int, when: datetime) -> None:
        pass


class MemoryVotes:
    """When each post's votes close (the vote rules themselves are tested on the databases)."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def open(self, post_id: int, close_at: datetime) -> None:
        self._state.votes_close_at[post_id] = close_at

    async def closing(self, now: datetime, limit: int) -> list[int]:
        return []  # counting votes is tested on the databases

    async def credit_to_show(self, subscription_id: int) -> tuple[int, str] | None:
        return None

    async def credit_shown(self, post_id: int) -> None:
        return None

    async def best_count(self, member_id: int) -> int:
        return 0


class MemoryUnitOfWork:
    def __init__(self, state: MemoryState) -> None:
        self.subscriptions = MemorySubscriptions(state)
        self.posts = MemoryPosts(state)
        self.members = MemoryMembers(state)
        self.answers = MemoryAnswers(state)
        self.answer_batches = MemoryAnswerBatches(state)
        self.cards = MemoryCards(state)
        self.votes = MemoryVotes(state)


class MemoryStorage:
    """Opens units of work over one in-memory state; a write that raises is rolled back."""

    def __init__(self) -> None:
        self.state = MemoryState()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[MemoryUnitOfWork]:
        before = copy.deepcopy(self.state)
        try:
            yield MemoryUnitOfWork(self.state)
        except BaseException:
            self.state.__dict__.update(before.__dict__)
            raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[MemoryUnitOfWork]:
        yield MemoryUnitOfWork(self.state)


def memory_core(clock: Clock, library: Library) -> Core:
    """A core over a fresh in-memory store, with the sample pack (the unit layer's core)."""
    settings = Settings(content_dir=FIXTURES / "packs", default_pack="sample")
    return core_over(settings, MemoryStorage(), clock=clock, library=library)


def _unsharded(shards: Mapping[str, Shards] | None) -> None:
    """These unit tests run every shard: sharding is tested on real databases."""
    assert not shards, "the in-memory storage does not shard"
