"""What the core asks of a front end: post a question, post its reveal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.question import Question


@dataclass(frozen=True, slots=True)
class OutgoingPost:
    post_id: int
    channel: ChannelRef
    question: Question
    day_number: int
    reveal_at: datetime
    timezone: str
    mention: str | None = None
    thread: bool = False
    # Who suggested the question, for a group's own question that came from a suggestion:
    # shown as plain text by every front end (escaped, never a mention).
    credit: str | None = None
    # The most helpful written answer of an earlier day, as voted ("Day 3: Ada (4 votes)").
    best_answer: str | None = None


@dataclass(frozen=True, slots=True)
class WrittenAnswer:
    member_name: str
    text: str
    # The answer's id, for the "most helpful" vote buttons under the reveal.
    answer_id: int | None = None


@dataclass(frozen=True, slots=True)
class Results:
    answered: int
    picked: int
    correct: int
    fastest_correct: str | None
    written: tuple[WrittenAnswer, ...] = ()

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.picked) if self.picked else None

    def facts(self, escape: Callable[[str], str] = str) -> list[str]:
        """`3 answered`, `67% correct`, `fastest correct: Ada`: every front end joins and
        styles these its own way; the member's name goes through the front end's `escape`."""
        facts = [f"{self.answered} answered"]
        if self.percent_correct is not None:
            facts.append(f"{self.percent_correct}% correct")
        if self.fastest_correct:
            facts.append(f"fastest correct: {escape(self.fastest_correct)}")
        return facts


@dataclass(frozen=True, slots=True)
class OutgoingReveal:
    post_id: int
    channel: ChannelRef
    question: Question
    day_number: int
    message_ref: str | None
    thread_ref: str | None
    results: Results
    # A reveal too long for one message goes out as several; a retry after a failure part-way
    # starts at the first message not on the platform yet.
    first_part: int = 0
    # Who suggested the question (see OutgoingPost.credit): a post redrawn at its reveal
    # keeps the line.
    credit: str | None = None
    # Whether members may vote for the most helpful written answer (at least two written
    # answers and a vote window): front ends show the vote buttons only then.
    votes_open: bool = False


@dataclass(frozen=True, slots=True)
class SentPost:
    message_ref: str
    thread_ref: str | None = None


@dataclass(frozen=True, slots=True)
class StreakAtRisk:
    channel: ChannelRef
    streak: int
    closes_at: datetime


@dataclass(frozen=True, slots=True)
class OutgoingNudge:
    """A member's daily private reminder: reviews due and/or streaks about to break."""

    member: MemberRef
    due_reviews: int
    streaks_at_risk: tuple[StreakAtRisk, ...]
    home_group: str | None = None  # the group (workspace, server) the reminder was set in


class ChatError(Exception):
    """A platform refused or failed a send.

    `permanent` errors (missing permission, deleted channel, revoked token) pause the
    subscription with `reason` shown by `status`; others are retried on the next tick.
    `parts_sent` says how many messages of a several-message reveal are on the platform
    (counting the ones sent before `first_part`), so the retry starts after them.
    """

    def __init__(self, reason: str, *, permanent: bool, parts_sent: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.parts_sent = parts_sent

    def after_parts(self, parts_sent: int) -> ChatError:
        """The same failure, noting that `parts_sent` messages of the reveal went out."""
        return ChatError(self.reason, permanent=self.permanent, parts_sent=parts_sent)


class Chat(Protocol):
    """A front end's outbound side. Implementations raise ChatError on platform failures."""

    @property
    def platform(self) -> str: ...

    async def send_question(self, post: OutgoingPost) -> SentPost:
        """Post the question in its channel (and open a thread if asked)."""
        ...

    async def send_reveal(self, reveal: OutgoingReveal) -> None:
        """Post the reveal's messages from `reveal.first_part` on (in the thread or as a
        reply) and mark the question closed; on a failure part-way, raise ChatError with
        `parts_sent`."""
        ...


@runtime_checkable
class FindsSent(Protocol):
    """Front ends that can look on the platform for a message an earlier attempt sent.

    A worker killed between sending and recording leaves a claimed post (or a reveal in
    progress) that the next attempt would send again; looking first keeps it exactly-once.
    """

    async def find_question(self, post: OutgoingPost) -> SentPost | None:
        """The already-posted question for this post id, if the channel has it."""
        ...

    async def find_reveal(self, reveal: OutgoingReveal) -> int:
        """How many of the reveal's messages are already in the channel or thread (0: none).
        The messages go out in order, so this is one more than the last part found."""
        ...


@runtime_checkable
class DirectMessages(Protocol):
    """Front ends that can message a member privately (for opt-in nudges)."""

    async def send_nudge(self, nudge: OutgoingNudge) -> None:
        """Send the reminder to the member privately."""
        ...


class FrontEnd(Protocol):
    """A running front end: its outbound Chat plus a lifetime the runner manages."""

    @property
    def chat(self) -> Chat: ...

    @property
    def connected(self) -> bool:
        """Whether it is connected to its platform right now (for health checks and metrics)."""
        ...

    async def run(self) -> None:
        """Connect and serve until closed; raise on a fatal problem (such as a dead token)."""
        ...

    async def close(self) -> None:
        """Disconnect and release resources; safe to call more than once."""
        ...


# Set by the core around each send of a post or reveal: says whether this worker still holds
# the lease. Front ends whose client retries a request by itself (after a 5xx, a dropped
# connection or a 429) ask `send_still_ours` after each wait, so a retry that waited through
# a pause or a network cut cannot send over the worker that took the post over.
SEND_FENCE: ContextVar[Callable[[], Awaitable[bool]] | None] = ContextVar(
    "qotd_send_fence", default=None
)


async def send_still_ours() -> bool:
    """Whether the current send may go out again; when the lease cannot even be checked (the
    database does not answer), the answer is no: a retry is never worth a duplicate."""
    fence = SEND_FENCE.get()
    if fence is None:
        return True
    try:
        return await fence()
    except Exception:
        return False
