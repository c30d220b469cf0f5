"""A channel's subscription: its schedule, question filters and presentation choices."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.domain.identity import ChannelRef
from bot.domain.question import Difficulty, Question
from bot.domain.schedule import Schedule


@dataclass(frozen=True, slots=True)
class QuestionFilter:
    """Which questions of a pack a channel wants; empty sets mean "all"."""

    difficulties: frozenset[Difficulty] = frozenset()
    topics: frozenset[str] = frozenset()

    def accepts(self, question: Question) -> bool:
        if self.difficulties and question.difficulty not in self.difficulties:
            return False
        return not self.topics or not self.topics.isdisjoint(question.topics)

    def describe(self) -> str:
        parts = []
        if self.difficulties:
            parts.append("/".join(sorted(self.difficulties)))
        if self.topics:
            parts.append(", ".join(sorted(self.topics)))
        return "; ".join(parts) or "all questions"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    channel: ChannelRef
    schedule: Schedule
    pack: str
    filter: QuestionFilter = QuestionFilter()
    mention: str | None = None
    thread: bool = False
    paused: bool = False
    pause_reason: str | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    admins: frozenset[str] = field(default_factory=frozenset)
    active_since: datetime | None = None
    # Scheduled days posting at or after this instant are still to be claimed (storage keeps
    # it; None before the subscription is first saved).
    next_post_at: datetime | None = None
    created_at: datetime | None = None
    # Where questions come from: 0 the pack only, 1 the group's own questions only, N (2+)
    # one group question every N posts.
    group_every: int = 0
    group_id: int | None = None  # the group's database id (storage fills it in)

    def with_changes(self, **changes: object) -> Subscription:
        return replace(self, **changes)  # type: ignore[arg-type]
