"""A question as typed into a form (a suggestion, an admin's edit): five plain-text fields that
every front end can show, turned into a pack question's fields.

- prompt, answer: as written.
- choices: one per line, `text | why`, the correct one starting with `*`; none for a
  written-answer question.
- key points: one per line.
- tags: comma-separated words, each a difficulty, a category or a topic
  (`intermediate, concept, evaluation`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from bot.domain.question import Category, Difficulty

FIELDS = ("prompt", "answer", "choices", "key_points", "tags")
# The longest each form field may be: within what the pack model allows once parsed, and
# within every platform's form limits (Slack's text inputs hold 3,000 characters).
LIMITS = {"prompt": 600, "answer": 2800, "choices": 1600, "key_points": 2500, "tags": 300}
LABELS = {
    "prompt": "Question",
    "answer": "Reference answer",
    "choices": "Choices (optional): one per line, `text | why`, mark the correct one with *",
    "key_points": "Key points (optional): one per line",
    "tags": "Tags (optional): difficulty, category and topics, comma-separated",
}


@dataclass(frozen=True, slots=True)
class QuestionForm:
    prompt: str = ""
    answer: str = ""
    choices: str = ""
    key_points: str = ""
    tags: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> QuestionForm:
        return cls(**{name: str(values.get(name) or "") for name in FIELDS})

    def with_changes(self, changes: Mapping[str, str]) -> QuestionForm:
        """Only the fields named change; unknown names are refused by the caller first."""
        return replace(self, **{name: value for name, value in changes.items() if name in FIELDS})


class FormProblem(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def question_fields(
    form: QuestionForm, question_id: str, topics: Collection[str]
) -> dict[str, Any]:
    """The pack-question fields the form describes (the pack model then checks them)."""
    fields: dict[str, Any] = {"id": question_id, "prompt": form.prompt, "answer": form.answer}
    fields["key_points"] = _lines(form.key_points)
    choices = [_choice(line) for line in _lines(form.choices)]
    if choices:
        fields["choices"] = choices
    topic_list: list[str] = []
    for word in (part.strip().lower() for part in form.tags.split(",")):
        if not word:
            continue
        if word in {d.value for d in Difficulty}:
            fields["difficulty"] = word
        elif word in {c.value for c in Category}:
            fields["category"] = word
        elif word in topics:
            topic_list.append(word)
        else:
            raise FormProblem(
                "tags",
                f"{word!r} is not a difficulty ({', '.join(d.value for d in Difficulty)}), a "
                f"category ({', '.join(c.value for c in Category)}) or a topic "
                f"({', '.join(sorted(topics))})",
            )
    fields["topics"] = topic_list
    return fields


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _choice(line: str) -> dict[str, Any]:
    correct = line.startswith("*")
    # `text | why`; one-line forms (the console) may write `text -- why` instead.
    separator = "|" if "|" in line else " -- "
    text, _, why = line.lstrip("*").partition(separator)
    return {"text": text.strip(), "why": why.strip(), "correct": correct}


def form_of(fields: Mapping[str, Any]) -> QuestionForm:
    """The form that describes an existing question (for an admin's edit)."""
    choices = [
        f"{'*' if choice.get('correct') else ''}{choice['text']} | {choice['why']}"
        for choice in fields.get("choices") or []
    ]
    tags = [fields.get("difficulty"), fields.get("category"), *(fields.get("topics") or [])]
    return QuestionForm(
        prompt=str(fields.get("prompt", "")),
        answer=str(fields.get("answer", "")),
        choices="\n".join(choices),
        key_points="\n".join(fields.get("key_points") or []),
        tags=", ".join(str(tag) for tag in tags if tag),
    )
