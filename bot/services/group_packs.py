"""Each group's own questions as a pack, held per worker and reloaded when they change.

The shipped packs are read once at start; a group's questions change while the bot runs
(an import, an accepted suggestion, an edit, a retirement), possibly in another worker. Each
change moves the group's `questions_version`; a worker about to use a group's questions
reads that one number and reloads only when its copy is behind. A retired question stays in
the pack (past posts, answers, stats and review cards still find it) but leaves every
rotation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.loader import Library, Pack, question_from_spec
from bot.content.schema import QuestionSpec
from bot.domain.question import Question
from bot.storage.unit_of_work import UnitOfWork

# Stored ids are "g<group>.<id>": a pack id never holds a dot, so they cannot collide.
_SEPARATOR = "."


def stored_id(group_id: int, slug: str) -> str:
    return f"g{group_id}{_SEPARATOR}{slug}"


def group_of(question_id: str) -> int | None:
    """The group whose own question this is; None for a shipped question."""
    head, dot, _ = question_id.partition(_SEPARATOR)
    if not dot or not head.startswith("g") or not head[1:].isdigit():
        return None
    return int(head[1:])


def local_id(question_id: str) -> str:
    """The id an admin types for a group's question (`g12.my-question` -> `my-question`);
    a shipped question's id as it is."""
    group_id = group_of(question_id)
    return question_id if group_id is None else question_id.removeprefix(stored_id(group_id, ""))


def pack_id(group_id: int) -> str:
    return f"group-{group_id}"


@dataclass(frozen=True)
class GroupPack:
    group_id: int
    version: int
    pack: Pack  # every question, retired ones too, under its stored id
    active: tuple[Question, ...]
    credits: Mapping[str, str] = field(default_factory=dict)  # stored id -> suggester's name
    specs: Mapping[str, QuestionSpec] = field(default_factory=dict)  # stored id -> as written


def body_of(spec: QuestionSpec) -> str:
    return spec.model_dump_json(exclude_none=True)


class GroupPacks:
    """This worker's copies of the groups' own questions."""

    def __init__(self, library: Library | None = None) -> None:
        self._held: dict[int, GroupPack] = {}
        self._topics = (
            {topic: title for pack in library for topic, title in pack.topics.items()}
            if library
            else {}
        )

    async def load(self, uow: UnitOfWork, group_id: int) -> GroupPack:
        """The group's questions as of this transaction."""
        version = await uow.group_questions.version(group_id)
        held = self._held.get(group_id)
        if held is not None and held.version == version:
            return held
        stored = await uow.group_questions.all_of(group_id)
        specs = {row.question_id: QuestionSpec.model_validate_json(row.body) for row in stored}
        questions = [
            question_from_spec(pack_id(group_id), spec, question_id)
            for question_id, spec in specs.items()
        ]
        retired = {row.question_id for row in stored if row.retired}
        loaded = GroupPack(
            group_id=group_id,
            version=version,
            pack=Pack(
                id=pack_id(group_id),
                title="The group's own questions",
                description="",
                topics=self._topics,
                questions=tuple(questions),
                source=Path(pack_id(group_id)),
            ),
            active=tuple(q for q in questions if q.id not in retired),
            credits={row.question_id: row.credit_name for row in stored if row.credit_name},
            specs=specs,
        )
        self._held[group_id] = loaded
        return loaded

    async def load_for(self, uow: UnitOfWork, question_ids: Iterable[str]) -> None:
        """Bring this worker's copy of every group named by these ids up to date."""
        for group_id in sorted({g for q in question_ids if (g := group_of(q)) is not None}):
            await self.load(uow, group_id)

    def question(self, question_id: str) -> Question | None:
        """A group question from the copy held (after `load` in this transaction)."""
        group_id = group_of(question_id)
        held = self._held.get(group_id) if group_id is not None else None
        return held.pack.by_id.get(question_id) if held else None

    def credit(self, question_id: str) -> str | None:
        group_id = group_of(question_id)
        held = self._held.get(group_id) if group_id is not None else None
        return held.credits.get(question_id) if held else None


def find_question(
    library: Library, packs: GroupPacks, pack: str, question_id: str
) -> Question | None:
    """A question a post, answer or card refers to: a group's own, or one of the pack."""
    if group_of(question_id) is not None:
        return packs.question(question_id)
    return library.pack(pack).by_id.get(question_id)
