"""Reading a practice command typed as words: `quiz evaluation beginner 5`, `review 10`.

Text front ends (the console, Slack's /qotd) share this reading; each passes its own usage
line, so the error names the command as that front end spells it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import QotdError

# The most questions one quiz or review session may hold.
MAX_SESSION = 25
LEVELS = ("beginner", "intermediate", "advanced")


@dataclass(frozen=True, slots=True)
class QuizWords:
    topic: str | None = None
    difficulty: str | None = None
    count: int | None = None


def parse_count(word: str, usage: str) -> int:
    """A session size from 1 to MAX_SESSION, or a QotdError with the usage line."""
    if not (word.isascii() and word.isdigit()) or not 1 <= int(word) <= MAX_SESSION:
        raise QotdError(f"{word[:20]!r} is not a count from 1 to {MAX_SESSION}. {usage}")
    return int(word)


def parse_review_words(text: str, usage: str) -> int | None:
    """`review` or `review 5`: the session size (None for the default)."""
    words = text.split()
    if len(words) > 1:
        raise QotdError(usage)
    return parse_count(words[0], usage) if words else None


def parse_quiz_words(text: str, usage: str) -> QuizWords:
    """`quiz [topic] [difficulty] [count]`, in any order, each at most once."""
    topic = difficulty = None
    count = None
    for word in text.lower().split():
        if word in LEVELS and difficulty is None:
            difficulty = word
        elif word.lstrip("-").isdigit() and count is None:
            count = parse_count(word, usage)
        elif topic is None and word not in LEVELS and not word.lstrip("-").isdigit():
            topic = word
        else:
            raise QotdError(f"{word[:40]!r} is one word too many. {usage}")
    return QuizWords(topic, difficulty, count)
