"""Posts (one question for one subscription on one local date) and their answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class PostStatus(StrEnum):
    CLAIMED = "claimed"  # row inserted under the unique key; not yet on the platform
    POSTED = "posted"  # on the platform; answers open until reveal_at
    REVEALING = "revealing"  # a worker is sending the reveal
    REVEALED = "revealed"
    MISSED = "missed"  # not posted within the grace window

    @property
    def visible(self) -> bool:
        """Whether members have seen this post."""
        return self in (PostStatus.POSTED, PostStatus.REVEALING, PostStatus.REVEALED)


@dataclass(frozen=True, slots=True)
class Post:
    id: int
    subscription_id: int
    local_date: date
    question_id: str
    status: PostStatus
    scheduled_at: datetime
    reveal_at: datetime
    day_number: int | None = None
    message_ref: str | None = None
    thread_ref: str | None = None
    posted_at: datetime | None = None
    revealed_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None

    def is_open(self, now: datetime) -> bool:
        """Answers are accepted while the post is visible and before its reveal time."""
        return self.status is PostStatus.POSTED and now < self.reveal_at


@dataclass(frozen=True, slots=True)
class Answer:
    post_id: int
    member_id: int
    choice: str | None
    correct: bool | None
    written: str | None
    points: int
    answered_at: datetime
