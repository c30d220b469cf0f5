"""Reading the words after a `/qotd` subcommand: a value, or a QotdError that says how."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.periods import Period, Scope
from bot.domain.review import Rating
from bot.domain.study_words import (
    MAX_SESSION,
    QuizWords,
    parse_quiz_words,
    parse_review_words,
)
from bot.errors import QotdError

REVIEW_USAGE = f"Usage: `/qotd review [count]`, a count from 1 to {MAX_SESSION}."
QUIZ_USAGE = (
    "Usage: `/qotd quiz [topic] [beginner|intermediate|advanced] [count]`, "
    f"a count from 1 to {MAX_SESSION}."
)
REMIND_USAGE = (
    "Usage: `/qotd remind <HH:MM> [Time/Zone]`, for example `/qotd remind 08:30 Europe/Berlin`, "
    "or `/qotd remind off`."
)
RATE_USAGE = "Usage: `/qotd rate <again|hard|good|easy>`, after the reveal."
LEADERBOARD_USAGE = "Usage: `/qotd leaderboard [week|month|all] [group|channel] [chart]`."


def review_count(args: str) -> int | None:
    """`review`, `review 5` -> the session's size (None: the default)."""
    return parse_review_words(args, REVIEW_USAGE)


def quiz_words(args: str) -> QuizWords:
    """`quiz [topic] [difficulty] [count]`."""
    return parse_quiz_words(args, QUIZ_USAGE)


@dataclass(frozen=True, slots=True)
class Remind:
    """`remind 08:30 Europe/Berlin` (at, timezone) or `remind off` (off=True)."""

    off: bool = False
    at: str = ""
    timezone: str | None = None


def remind(args: str) -> Remind:
    words = args.split()
    if not words or len(words) > 2:
        raise QotdError(REMIND_USAGE)
    if words[0].lower() == "off":
        if len(words) > 1:
            raise QotdError(REMIND_USAGE)
        return Remind(off=True)
    return Remind(at=words[0], timezone=words[1] if len(words) > 1 else None)


def rating(args: str) -> Rating:
    words = args.split()
    if len(words) != 1:
        raise QotdError(RATE_USAGE)
    return Rating.parse(words[0])


@dataclass(frozen=True, slots=True)
class Board:
    period: Period
    scope: Scope
    chart: bool


def leaderboard(args: str) -> Board:
    """`leaderboard [period] [scope] [chart]` in any order of the optional `chart`."""
    words = args.split()
    chart = any(word.lower() == "chart" for word in words)
    words = [word for word in words if word.lower() != "chart"]
    if len(words) > 2:
        raise QotdError(LEADERBOARD_USAGE)
    return Board(
        Period.parse(words[0] if words else None),
        Scope.parse(words[1] if len(words) > 1 else None),
        chart,
    )
