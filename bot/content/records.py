"""Questions from outside the shipped packs: a group's import file, an accepted suggestion.

They are checked exactly as a pack file's questions are (the same pydantic model), plus the
topic vocabulary of the shipped packs, and every problem is reported by row and field at once
so a 500-row file is fixed in one go. Files are YAML (a pack's question-file format, which
`export` writes back) or CSV (one row per question, the columns below).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from bot.content.schema import QuestionSpec
from bot.errors import QotdError

# A group question's id inside its group (the stored id adds the group: see group_id()).
MAX_ID = 48
MAX_FILE_BYTES = 2_000_000
MAX_ROWS = 2_000
CSV_COLUMNS = (
    "id",
    "prompt",
    "answer",
    "key_points",  # one per line
    "difficulty",
    "category",
    "topics",  # comma-separated
    "stem",
    "choice_a",
    "why_a",
    "choice_b",
    "why_b",
    "choice_c",
    "why_c",
    "choice_d",
    "why_d",
    "correct",  # a, b, c or d
    "code",
    "solution_code",
)
_LETTERS = "abcd"
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one question of a file: where (`row 7`, `question 3`), which
    question id if it has one, which field, and what."""

    where: str
    question_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        named = f" ({self.question_id})" if self.question_id else ""
        return f"{self.where}{named}: {self.field}: {self.message}"


class QuestionsRejected(QotdError):
    """A file or form whose questions do not all pass; nothing of it was kept."""

    def __init__(self, problems: Iterable[Problem], summary: str = "") -> None:
        self.problems = tuple(problems)
        lines = [str(problem) for problem in self.problems]
        head = summary or f"{len(self.problems)} problem(s); nothing was imported"
        super().__init__("\n".join([head + ":", *lines]) if lines else head)


def check_question(
    raw: Any, topics: Collection[str], where: str
) -> tuple[QuestionSpec | None, list[Problem]]:
    """The question, or every problem with it."""
    question_id = raw.get("id") if isinstance(raw, Mapping) else None
    named = str(question_id) if question_id else None
    if not isinstance(raw, Mapping):
        return None, [Problem(where, None, "(question)", "not a mapping of fields")]
    try:
        spec = QuestionSpec.model_validate(dict(raw))
    except ValidationError as error:
        return None, [
            Problem(where, named, _field(item["loc"]), _message(item)) for item in error.errors()
        ]
    problems = []
    if len(spec.id) > MAX_ID:
        problems.append(Problem(where, named, "id", f"at most {MAX_ID} characters"))
    unknown = [topic for topic in spec.topics if topic not in topics]
    if unknown:
        known = ", ".join(sorted(topics))
        problems.append(
            Problem(where, named, "topics", f"unknown topic {unknown[0]!r} (topics: {known})")
        )
    return (None if problems else spec), problems


def parse_questions(text: str, file_format: str, topics: Collection[str]) -> list[QuestionSpec]:
    """Every question of a YAML or CSV file, or QuestionsRejected with every problem."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise QuestionsRejected([], f"the file is over {MAX_FILE_BYTES // 1_000_000} MB")
    records = _yaml_records(text) if file_format == "yaml" else _csv_records(text)
    if len(records) > MAX_ROWS:
        raise QuestionsRejected([], f"the file has {len(records)} questions; at most {MAX_ROWS}")
    if not records:
        raise QuestionsRejected([], "the file has no questions")
    specs: list[QuestionSpec] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for where, raw in records:
        spec, found = check_question(raw, topics, where)
        problems.extend(found)
        if spec is None:
            continue
        if spec.id in seen:
            problems.append(Problem(where, spec.id, "id", f"already used by {seen[spec.id]}"))
            continue
        seen[spec.id] = where
        specs.append(spec)
    if problems:
        raise QuestionsRejected(problems)
    return specs


def file_format(name: str) -> str:
    """`yaml` or `csv` from a file name; QotdError for anything else."""
    lowered = name.lower()
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    if lowered.endswith(".csv"):
        return "csv"
    raise QotdError(f"{name!r} is neither a .yaml nor a .csv file.")


def dump_yaml(specs: Iterable[QuestionSpec]) -> str:
    """The questions in a pack's question-file format (what `parse_questions` reads back)."""
    questions = [spec.model_dump(mode="json", exclude_none=True) for spec in specs]
    for question in questions:
        for optional in ("choices", "cues"):
            if not question.get(optional):
                question.pop(optional, None)
    return yaml.safe_dump({"questions": questions}, sort_keys=False, allow_unicode=True, width=100)


def _yaml_records(text: str) -> list[tuple[str, Any]]:
    try:
        loaded = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise QuestionsRejected([], f"the file is not valid YAML{line}") from None
    if isinstance(loaded, Mapping) and set(loaded) == {"questions"}:
        loaded = loaded["questions"]
    if not isinstance(loaded, list):
        raise QuestionsRejected(
            [], "the YAML must be `questions:` with a list of questions (as `export` writes)"
        )
    return [(f"question {index}", raw) for index, raw in enumerate(loaded, start=1)]


def _csv_records(text: str) -> list[tuple[str, Any]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in ("id", "prompt", "answer") if name not in header]
    if unknown or missing:
        wrong = f"unknown column {unknown[0]!r}" if unknown else f"no {missing[0]!r} column"
        raise QuestionsRejected(
            [], f"the CSV header has {wrong} (columns: {', '.join(CSV_COLUMNS)})"
        )
    records = []
    # Spreadsheet numbering: the header is row 1, so the first question is row 2.
    for number, row in enumerate(reader, start=2):
        cells = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        if not any(cells.values()):
            continue
        records.append((f"row {number}", _question_from_cells(cells)))
    return records


def _question_from_cells(cells: dict[str, str]) -> dict[str, Any]:
    """A CSV row as a pack question: empty cells are absent fields, lists are split."""
    raw: dict[str, Any] = {
        key: value
        for key, value in cells.items()
        if value
        and key
        in ("id", "prompt", "answer", "difficulty", "category", "stem", "code", "solution_code")
    }
    raw["key_points"] = [
        line.strip() for line in cells.get("key_points", "").splitlines() if line.strip()
    ]
    raw["topics"] = [topic.strip() for topic in cells.get("topics", "").split(",") if topic.strip()]
    correct = cells.get("correct", "").strip().lower()
    choices = [
        {
            "text": cells.get(f"choice_{letter}", ""),
            "why": cells.get(f"why_{letter}", ""),
            "correct": letter == correct,
        }
        for letter in _LETTERS
        if cells.get(f"choice_{letter}") or cells.get(f"why_{letter}")
    ]
    if choices or correct:
        raw["choices"] = choices
    return raw


def csv_of(specs: Iterable[QuestionSpec]) -> str:
    """The questions as CSV with the columns `parse_questions` reads."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for spec in specs:
        row: dict[str, str] = {
            "id": spec.id,
            "prompt": spec.prompt,
            "answer": spec.answer,
            "key_points": "\n".join(spec.key_points),
            "difficulty": spec.difficulty.value,
            "category": spec.category.value,
            "topics": ", ".join(spec.topics),
            "stem": spec.stem or "",
            "code": spec.code or "",
            "solution_code": spec.solution_code or "",
        }
        for letter, choice in zip(_LETTERS, spec.choices, strict=False):
            row[f"choice_{letter}"] = choice.text
            row[f"why_{letter}"] = choice.why
            if choice.correct:
                row["correct"] = letter
        writer.writerow(row)
    return out.getvalue()


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(part + 1) if isinstance(part, int) else str(part) for part in location]
    return ".".join(parts) or "(question)"


def _message(item: Mapping[str, Any]) -> str:
    if item["type"] == "missing" or (item["type"] == "too_short" and item.get("input") in ([], "")):
        return "missing"
    if item["type"] == "extra_forbidden":
        return "not a field of a question"
    message = str(item["msg"])
    return message.removeprefix("Value error, ")
