"""A member's answer to a daily post, and what they are told after it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.feedback import Feedback
from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.question import Question


@dataclass(frozen=True, slots=True)
class AnswerRequest:
    """One member's pick and/or written answer to a post, from the channel the platform says
    the click or form came from (the post must belong to it)."""

    post_id: int
    member: MemberRef
    channel: ChannelRef
    choice: str | None = None
    written: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerReceipt:
    """What a member is told after answering."""

    post_id: int
    question: Question
    choice: str | None
    correct: bool | None
    wrote: bool
    points: int
    streak: int
    best_streak: int
    # For a written answer: which key points it covers (None when it could not be worked out;
    # the answer is saved either way).
    feedback: Feedback | None = None

    def standing(self) -> str:
        """`+20 points · streak 3 (best 9)`: the receipt's last line on every front end."""
        return f"+{self.points} points · streak {self.streak} (best {self.best_streak})"
