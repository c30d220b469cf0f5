"""Load question packs from YAML: all of a pack or nothing, with errors that name the spot."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from bot.content.schema import PackManifest, QuestionFile, QuestionSpec
from bot.domain.question import Choice, Question
from bot.errors import QotdError

MANIFEST = "pack.yaml"
_Model = TypeVar("_Model", PackManifest, QuestionFile)


class PackError(QotdError):
    """A pack that cannot load. The message names the file, the question and the field."""

    def __init__(
        self, path: Path, problem: str, question_id: str | None = None, where: str = ""
    ) -> None:
        spot = str(path)
        if question_id:
            spot += f": question {question_id!r}"
        if where:
            spot += f": {where}"
        super().__init__(f"{spot}: {problem}")
        self.path = path
        self.question_id = question_id
        self.where = where


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    description: str
    topics: Mapping[str, str]
    questions: tuple[Question, ...]
    source: Path
    # Groups of words or phrases that mean the same in answers (pack.yaml's `synonyms`).
    synonyms: tuple[tuple[str, ...], ...] = ()
    by_id: Mapping[str, Question] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {question.id: question for question in self.questions})

    def __len__(self) -> int:
        return len(self.questions)


@dataclass(frozen=True)
class Library:
    """Every pack the bot knows, by id."""

    packs: Mapping[str, Pack]

    def pack(self, pack_id: str) -> Pack:
        try:
            return self.packs[pack_id]
        except KeyError:
            known = ", ".join(sorted(self.packs)) or "none"
            raise QotdError(f"There is no question pack {pack_id!r} (packs: {known}).") from None

    def find(self, question_id: str) -> Question | None:
        """A question by id from any pack (ids of the shipped packs do not collide)."""
        for pack in self.packs.values():
            if question_id in pack.by_id:
                return pack.by_id[question_id]
        return None

    def __iter__(self) -> Iterator[Pack]:
        return iter(self.packs.values())


def load_library(folder: Path) -> Library:
    """Load every pack folder (one holding pack.yaml) under `folder`."""
    if not folder.is_dir():
        raise PackError(folder, "no such content folder")
    packs = {}
    for manifest in sorted(folder.glob(f"*/{MANIFEST}")):
        pack = load_pack(manifest.parent)
        packs[pack.id] = pack
    if not packs:
        raise PackError(folder, f"no pack found (a pack is a folder with a {MANIFEST})")
    return Library(packs)


def load_pack(folder: Path) -> Pack:
    """Load and validate one pack folder; raise PackError on the first problem."""
    manifest_path = folder / MANIFEST
    manifest = _parse(manifest_path, PackManifest, _read_yaml(manifest_path))
    if manifest.id != folder.name:
        raise PackError(
            manifest_path,
            f"pack id {manifest.id!r} must match its folder name {folder.name!r}",
            where="id",
        )
    questions: list[Question] = []
    seen: dict[str, Path] = {}
    files = sorted(path for path in folder.glob("*.yaml") if path.name != MANIFEST)
    if not files:
        raise PackError(folder, "the pack has no question files (*.yaml beside pack.yaml)")
    for path in files:
        raw = _read_yaml(path)
        parsed = _parse(path, QuestionFile, raw)
        for spec in parsed.questions:
            if spec.id in seen:
                raise PackError(path, f"id already used in {seen[spec.id].name}", spec.id, "id")
            seen[spec.id] = path
            unknown = [topic for topic in spec.topics if topic not in manifest.topics]
            if unknown:
                raise PackError(
                    path,
                    f"unknown topic {unknown[0]!r}; the topics of pack {manifest.id!r} are listed in "
                    f"{MANIFEST}",
                    spec.id,
                    "topics",
                )
            questions.append(question_from_spec(manifest.id, spec))
    return Pack(
        id=manifest.id,
        title=manifest.title,
        description=manifest.description,
        topics=dict(manifest.topics),
        questions=tuple(questions),
        source=folder,
        synonyms=tuple(tuple(group) for group in manifest.synonyms),
    )


# libyaml's safe loader reads the bank several times faster than the pure-Python one, which
# stays the fallback where PyYAML was built without libyaml.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PackError(path, f"cannot read the file ({error})") from None
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise PackError(path, f"not valid YAML: {problem}", where=where) from None


def _parse(path: Path, model: type[_Model], raw: Any) -> _Model:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        location = list(first["loc"])
        question_id = None
        if model is QuestionFile and len(location) >= 2 and location[0] == "questions":
            question_id = _question_id(raw, location[1])
            location = location[2:]
        where = ".".join(str(part) for part in location) or "(top level)"
        raise PackError(path, first["msg"], question_id, where) from None


def _question_id(raw: Any, index: object) -> str:
    try:
        item = raw["questions"][index]
        return str(item.get("id") or f"#{int(str(index)) + 1}")
    except (TypeError, KeyError, IndexError, AttributeError, ValueError):
        return f"#{index}"


def question_from_spec(pack: str, spec: QuestionSpec, question_id: str | None = None) -> Question:
    """The core's question from its pack-file form (stored under `question_id` when given)."""
    return Question(
        id=question_id or spec.id,
        pack=pack,
        prompt=spec.prompt,
        answer=spec.answer,
        key_points=tuple(spec.key_points),
        difficulty=spec.difficulty,
        category=spec.category,
        topics=tuple(spec.topics),
        code=spec.code,
        choices=tuple(Choice(c.text, c.correct, c.why) for c in spec.choices),
        solution_code=spec.solution_code,
        stem=spec.stem,
        cues=tuple(
            tuple(spec.cues.get(number, ())) for number in range(1, len(spec.key_points) + 1)
        ),
    )
