"""Points for an answer, and streaks over the posts a subscription actually made."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.question import Difficulty


@dataclass(frozen=True, slots=True)
class PointsPolicy:
    """How many points an answer earns. Configurable through QOTD_POINTS_* settings."""

    beginner: int = 10
    intermediate: int = 15
    advanced: int = 20
    wrong: int = 2
    written: int = 5
    best_answer: int = 10  # for the written answer voted most helpful (each, on a tie)
    per_key_point: int = 0  # added to a written answer for each key point it covers

    def for_choice(self, difficulty: Difficulty, correct: bool) -> int:
        if not correct:
            return self.wrong
        return {
            Difficulty.BEGINNER: self.beginner,
            Difficulty.INTERMEDIATE: self.intermediate,
            Difficulty.ADVANCED: self.advanced,
        }[difficulty]


@dataclass(frozen=True, slots=True)
class Streak:
    """A member's run of answered posts in one subscription.

    Posts are numbered 1, 2, 3... as they are made, so a weekend or holiday without a
    scheduled post, or a day the bot was down, leaves no gap in the numbers.
    """

    current: int = 0
    best: int = 0
    last_day: int = 0

    def describe(self) -> str:
        """`3 (best 9)`."""
        return f"{self.current} (best {self.best})"

    def after_answering(self, day: int) -> Streak:
        """The streak once the member has answered post number `day`."""
        if day <= self.last_day:
            return self  # a second part of the same answer, or an older post
        current = self.current + 1 if day == self.last_day + 1 else 1
        return Streak(current=current, best=max(self.best, current), last_day=day)

    def as_of(self, latest_day: int, latest_open: bool) -> int:
        """The current streak given the latest post made: broken once a post closed unanswered.

        A still-open latest post the member has not answered yet does not break it.
        """
        if self.last_day >= latest_day or (latest_open and self.last_day == latest_day - 1):
            return self.current
        return 0
