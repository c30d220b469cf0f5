"""The shape of a question pack, validated with pydantic when a pack loads."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.domain.question import Category, Difficulty

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]

# Limits chosen so that every front end can show a question without trimming it:
# Slack buttons hold 75 characters, Discord embed titles 256 and sections 3000.
MAX_PROMPT = 600
MAX_CHOICE = 75
MAX_WHY = 300
MAX_ANSWER = 2800
MAX_KEY_POINT = 300
MAX_CODE = 2500
MAX_STEM = 200
MAX_CUE = 80

# A cue: another way to say a key point's claim, as a member might write it ("ridge", "weight
# decay", "fraction of predictions that are right"). Feedback counts the key point covered
# when every word of one of its cues is in one sentence of the answer.
Cue = Annotated[str, StringConstraints(min_length=2, max_length=MAX_CUE)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ChoiceSpec(_Strict):
    """One option of a multiple-choice quick check."""

    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_CHOICE)]
    correct: bool = False
    why: Annotated[str, StringConstraints(min_length=1, max_length=MAX_WHY)]


class QuestionSpec(_Strict):
    """One question as written in a pack file."""

    id: Slug
    prompt: Annotated[str, StringConstraints(min_length=10, max_length=MAX_PROMPT)]
    answer: Annotated[str, StringConstraints(min_length=20, max_length=MAX_ANSWER)]
    key_points: list[Annotated[str, StringConstraints(min_length=3, max_length=MAX_KEY_POINT)]] = (
        Field(min_length=1, max_length=8)
    )
    difficulty: Difficulty
    category: Category
    topics: list[Slug] = Field(min_length=1, max_length=5)
    # `code` is context shown with the question: it must not contain or imply the answer.
    code: Annotated[str, StringConstraints(max_length=MAX_CODE)] | None = None
    # `solution_code` is shown only at the reveal (the worked solution of a coding task).
    solution_code: Annotated[str, StringConstraints(max_length=MAX_CODE)] | None = None
    # The multiple-choice question itself, one line under the open prompt.
    stem: Annotated[str, StringConstraints(min_length=10, max_length=MAX_STEM)] | None = None
    choices: list[ChoiceSpec] = Field(default_factory=list)
    # Per key point (numbered from 1), other ways a member may state it.
    cues: dict[int, list[Cue]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _cues_name_key_points(self) -> QuestionSpec:
        for number, phrases in self.cues.items():
            if not 1 <= number <= len(self.key_points):
                raise ValueError(
                    f"cues: key point {number} does not exist (there are {len(self.key_points)})"
                )
            if not phrases:
                raise ValueError(f"cues: key point {number} has an empty list")
        return self

    @field_validator("choices")
    @classmethod
    def _four_choices_one_correct(cls, choices: list[ChoiceSpec]) -> list[ChoiceSpec]:
        if not choices:
            return choices
        if len(choices) != 4:
            raise ValueError(
                f"a multiple-choice question needs exactly 4 choices, not {len(choices)}"
            )
        correct = sum(choice.correct for choice in choices)
        if correct != 1:
            raise ValueError(f"exactly one choice must be correct, not {correct}")
        texts = [_normalise(choice.text) for choice in choices]
        if len(set(texts)) != len(texts):
            raise ValueError("two choices have the same text")
        return choices

    @field_validator("topics")
    @classmethod
    def _distinct_topics(cls, topics: list[str]) -> list[str]:
        if len(set(topics)) != len(topics):
            raise ValueError("a topic is listed twice")
        return topics

    @model_validator(mode="after")
    def _behavioral_has_no_choices(self) -> QuestionSpec:
        if self.category is Category.BEHAVIORAL and self.choices:
            raise ValueError(
                "behavioral questions take no choices: there is no single right answer"
            )
        return self


class QuestionFile(_Strict):
    """A YAML file of questions inside a pack folder."""

    questions: list[QuestionSpec] = Field(min_length=1)


class PackManifest(_Strict):
    """`pack.yaml`: the pack's name and its topic vocabulary."""

    id: Slug
    title: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    description: str = ""
    topics: dict[Slug, Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        min_length=1
    )
    # Groups of words or phrases that mean the same in this pack's answers ("l2 penalty",
    # "ridge", "weight decay"): written-answer feedback reads each group as one term.
    synonyms: list[Annotated[list[Cue], Field(min_length=2)]] = Field(default_factory=list)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()
