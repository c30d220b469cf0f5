"""Questions as the rest of the core sees them: plain, immutable values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

LETTERS = "ABCD"


class Difficulty(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Category(StrEnum):
    CONCEPT = "concept"
    MATH = "math"
    CODING = "coding"
    SCENARIO = "scenario"
    BEHAVIORAL = "behavioral"


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    correct: bool
    why: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    pack: str
    prompt: str
    answer: str
    key_points: tuple[str, ...]
    difficulty: Difficulty
    category: Category
    topics: tuple[str, ...]
    code: str | None
    choices: tuple[Choice, ...]
    solution_code: str | None = None
    stem: str | None = None
    # Per key point (by position), other ways a member may state it.
    cues: tuple[tuple[str, ...], ...] = ()

    @property
    def has_choices(self) -> bool:
        return bool(self.choices)

    @property
    def correct_letter(self) -> str | None:
        """The letter (A-D) of the correct choice, or None when the question has no choices."""
        for letter, choice in zip(LETTERS, self.choices, strict=False):
            if choice.correct:
                return letter
        return None

    def choice(self, letter: str) -> Choice:
        """The choice for a letter A-D; raises KeyError for a letter the question lacks."""
        index = LETTERS.find(letter.upper())
        if index < 0 or index >= len(self.choices):
            raise KeyError(letter)
        return self.choices[index]
