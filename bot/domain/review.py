"""How an answer becomes a spaced-repetition rating."""

from __future__ import annotations

from datetime import timedelta
from enum import IntEnum

# A right pick made this quickly after the question was shown counts as easy recall.
FAST_RECALL = timedelta(seconds=20)


class Rating(IntEnum):
    """FSRS ratings, with the numbers FSRS uses."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @classmethod
    def parse(cls, text: str) -> Rating:
        from bot.errors import InvalidAnswer

        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise InvalidAnswer(
                f"{text!r} is not a rating: use again, hard, good or easy."
            ) from None


def rating_for_pick(correct: bool, answered_in: timedelta | None = None) -> Rating:
    """Wrong = Again; right = Good; right and fast (when the time shown is known) = Easy."""
    if not correct:
        return Rating.AGAIN
    if answered_in is not None and answered_in <= FAST_RECALL:
        return Rating.EASY
    return Rating.GOOD
