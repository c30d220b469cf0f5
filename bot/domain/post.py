"""A post's life: one question for one subscription on one local date, as a state machine.

    claimed ──take──▶ sending ──sent──▶ posted ──take──▶ revealing ──revealed──▶ revealed
       │                │  ▲                                │  ▲
       │                └──┘ retry (lease released/expired) └──┘ retry
       └──────────────── missed (past the grace window)     failed (cannot be made at all)

Every rule about which state a worker may take up, what it must do first, and where a
success or failure leads lives here; storage only persists the transitions these functions
allow, each as a compare-and-set on the lease's fencing token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class PostStatus(StrEnum):
    CLAIMED = "claimed"  # row inserted under the unique key; nobody has tried to send it
    SENDING = "sending"  # a worker took it to send; an attempt may have reached the platform
    POSTED = "posted"  # on the platform; answers open until reveal_at
    REVEALING = "revealing"  # a worker took the reveal; a part of it may be on the platform
    REVEALED = "revealed"
    MISSED = "missed"  # not posted within the grace window
    FAILED = "failed"  # can never be made (its question left the pack)

    @property
    def visible(self) -> bool:
        """Whether members have seen this post."""
        return self in (PostStatus.POSTED, PostStatus.REVEALING, PostStatus.REVEALED)

    @property
    def final(self) -> bool:
        return self in (PostStatus.REVEALED, PostStatus.MISSED, PostStatus.FAILED)


# A later day's post of the same subscription waits while an earlier one is in one of these:
# its answer goes out first (and two days are never in flight at once).
HOLDS_LATER_DAYS = tuple(status for status in PostStatus if not status.final)


class Duty(StrEnum):
    """What a worker takes a lease on a post to do."""

    SEND = "send"
    REVEAL = "reveal"


# The states a lease for each duty may be taken from, and the state it moves the post to.
TAKEN_FROM = {
    Duty.SEND: (PostStatus.CLAIMED, PostStatus.SENDING),
    Duty.REVEAL: (PostStatus.POSTED, PostStatus.REVEALING),
}
TAKEN_TO = {Duty.SEND: PostStatus.SENDING, Duty.REVEAL: PostStatus.REVEALING}
DONE_TO = {Duty.SEND: PostStatus.POSTED, Duty.REVEAL: PostStatus.REVEALED}


def may_take(duty: Duty, status: PostStatus, lease_free: bool) -> bool:
    """Whether a worker may take a lease for `duty` on a post in `status`.

    A post in the duty's working state (sending, revealing) is taken up again only once its
    lease was released after a failure or ran out because its worker died or stalled.
    """
    start, working = TAKEN_FROM[duty]
    return status is start or (status is working and lease_free)


def must_look_first(attempt: int) -> bool:
    """Whether the platform must be searched for an earlier attempt before sending.

    `attempt` counts the leases ever taken for this duty on this post, read in the same
    statement that took the lease (never from an older copy of the row): any attempt before
    this one may have reached the platform before its worker died, stalled or lost the lease.
    """
    return attempt > 1


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
    reveal_parts_sent: int = 0  # messages of a several-message reveal already on the platform

    def is_open(self, now: datetime) -> bool:
        """Answers are accepted while the post is visible and before its reveal time."""
        return self.status is PostStatus.POSTED and now < self.reveal_at

    @property
    def unrevealed(self) -> bool:
        """Members saw it and its answer is not out yet: the next post must wait for it."""
        return self.status in (PostStatus.POSTED, PostStatus.REVEALING)


@dataclass(frozen=True, slots=True)
class Lease:
    """The right to do one duty on a post until `until`, under a fencing token.

    `post` is the row as the lease was taken (the same statement); `token` grows with every
    lease taken on the post, so a worker that lost its lease can neither send (it re-checks
    the token just before the call) nor record a transition over a newer holder; `attempt`
    counts the leases taken for this duty so far, this one included.
    """

    duty: Duty
    post: Post
    token: int
    attempt: int
    until: datetime

    @property
    def look_first(self) -> bool:
        return must_look_first(self.attempt)
