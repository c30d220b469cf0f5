"""A group's own questions: import, export, edit, retire, and how often a schedule uses them.

Every change is an admin action (the same rule as scheduling) in one transaction, checked
exactly as a pack file is, all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.content.records import (
    MAX_ID,
    Problem,
    QuestionsRejected,
    check_question,
    dump_yaml,
    parse_questions,
)
from bot.content.schema import QuestionSpec
from bot.domain.identity import ChannelRef
from bot.domain.question import Question
from bot.domain.question_form import FIELDS, FormProblem, QuestionForm, form_of, question_fields
from bot.errors import QotdError
from bot.services.access import Actor, admin_subscription, require_admin
from bot.services.context import Core
from bot.services.group_packs import GroupPack, body_of, stored_id
from bot.storage.group_questions import NewQuestion
from bot.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: tuple[str, ...]  # the ids, as written in the file
    dry_run: bool

    def describe(self) -> str:
        count = f"{len(self.added)} question{'' if len(self.added) == 1 else 's'}"
        if self.dry_run:
            return f"Dry run: {count}, every one passes; nothing was imported."
        return f"Imported {count} into the group's own questions."


@dataclass(frozen=True, slots=True)
class GroupQuestionLine:
    slug: str
    prompt: str
    retired: bool
    credit: str | None


def topics_of(core: Core) -> set[str]:
    """The topic vocabulary a group question may use: every shipped pack's."""
    return {topic for pack in core.library for topic in pack.topics}


async def group_and_pack(core: Core, uow: UnitOfWork, channel: ChannelRef) -> tuple[int, GroupPack]:
    group_id = await uow.members.group_id(channel.platform, channel.group_id, core.clock.now())
    return group_id, await core.group_packs.load(uow, group_id)


async def require_group_admin(
    uow: UnitOfWork, channel: ChannelRef, actor: Actor, action: str
) -> None:
    """The scheduling rule: the platform's admin permission, or a listed admin of the
    channel's schedule."""
    require_admin(actor, await uow.subscriptions.for_channel(channel), action)


async def import_questions(
    core: Core,
    channel: ChannelRef,
    actor: Actor,
    text: str,
    file_format: str,
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Add every question of a YAML or CSV file, or none: QuestionsRejected lists every
    problem by row and field."""
    async with core.storage.read() as uow:  # who may, before reading their file
        await require_group_admin(uow, channel, actor, "import questions")
    specs = parse_questions(text, file_format, topics_of(core))
    async with core.storage.write() as uow:
        await require_group_admin(uow, channel, actor, "import questions")
        group_id, _ = await group_and_pack(core, uow, channel)
        taken = await uow.group_questions.slugs(group_id)
        clashes = [spec for spec in specs if spec.id in taken]
        if clashes:
            raise QuestionsRejected(
                Problem(
                    "the group",
                    spec.id,
                    "id",
                    "the group already has a question with this id (edit it, or retire it and use a new id)",
                )
                for spec in clashes
            )
        if not dry_run:
            await uow.group_questions.add(
                group_id,
                [
                    NewQuestion(spec.id, stored_id(group_id, spec.id), body_of(spec))
                    for spec in specs
                ],
                core.clock.now(),
            )
    return ImportReport(tuple(spec.id for spec in specs), dry_run)


async def export_questions(core: Core, channel: ChannelRef, actor: Actor) -> str:
    """The group's questions in use, as a YAML file `import` and `qotd content validate`
    read (admins only: it holds the answers of questions not yet posted)."""
    async with core.storage.read() as uow:
        await require_group_admin(uow, channel, actor, "export the group's questions")
        _, pack = await group_and_pack(core, uow, channel)
    active = {question.id for question in pack.active}
    return dump_yaml(spec for question_id, spec in pack.specs.items() if question_id in active)


async def list_questions(core: Core, channel: ChannelRef, actor: Actor) -> list[GroupQuestionLine]:
    async with core.storage.read() as uow:
        await require_group_admin(uow, channel, actor, "list the group's questions")
        _, pack = await group_and_pack(core, uow, channel)
    active = {question.id for question in pack.active}
    return [
        GroupQuestionLine(
            spec.id, spec.prompt, question_id not in active, pack.credits.get(question_id)
        )
        for question_id, spec in pack.specs.items()
    ]


async def question_form(core: Core, channel: ChannelRef, actor: Actor, slug: str) -> QuestionForm:
    """The edit form of a group question, filled in."""
    async with core.storage.read() as uow:
        await require_group_admin(uow, channel, actor, "edit the group's questions")
        _, pack = await group_and_pack(core, uow, channel)
    return form_of(_spec(pack, slug).model_dump(mode="json"))


async def edit_question(
    core: Core, channel: ChannelRef, actor: Actor, slug: str, changes: Mapping[str, str]
) -> Question:
    """Change form fields of a group question; what the form does not show (code, stem) is
    kept. Refused with the field and reason when the result would not pass as a pack's."""
    unknown = [name for name in changes if name not in FIELDS]
    if unknown:
        raise QotdError(f"{unknown[0]!r} is not a field (fields: {', '.join(FIELDS)}).")
    async with core.storage.write() as uow:
        await require_group_admin(uow, channel, actor, "edit the group's questions")
        group_id, pack = await group_and_pack(core, uow, channel)
        current = _spec(pack, slug)
        form = form_of(current.model_dump(mode="json")).with_changes(changes)
        kept = current.model_dump(
            mode="json", include={"code", "solution_code", "stem"}, exclude_none=True
        )
        spec = checked_spec({**kept, **fields_of(core, form, current.id)}, core)
        question_id = stored_id(group_id, current.id)
        await uow.group_questions.replace_body(
            group_id, question_id, body_of(spec), core.clock.now()
        )
        return (await core.group_packs.load(uow, group_id)).pack.by_id[question_id]


async def retire_question(core: Core, channel: ChannelRef, actor: Actor, slug: str) -> Question:
    """Take a group question out of every rotation; posts, answers, stats and review cards
    that refer to it keep it."""
    async with core.storage.write() as uow:
        await require_group_admin(uow, channel, actor, "retire the group's questions")
        group_id, pack = await group_and_pack(core, uow, channel)
        spec = _spec(pack, slug)
        question_id = stored_id(group_id, spec.id)
        if not await uow.group_questions.retire(group_id, question_id, core.clock.now()):
            raise QotdError(f"Question {spec.id!r} is retired already.")
        return pack.pack.by_id[question_id]


async def set_source(core: Core, channel: ChannelRef, actor: Actor, every: int) -> None:
    """Where the channel's questions come from: 0 the pack, 1 the group's own, N one group
    question every N posts."""
    if every < 0 or every > 365:
        raise QotdError(
            "Use 0 (the pack only), 1 (the group's questions only) or 2 to 365 (one group question every that many posts)."
        )
    async with core.storage.write() as uow:
        subscription = await admin_subscription(
            uow, channel, actor, "choose where questions come from"
        )
        assert subscription.group_id is not None
        if every:
            pack = await core.group_packs.load(uow, subscription.group_id)
            if every == 1 and not pack.active:
                raise QotdError(
                    "The group has no questions of its own yet: import some or accept a suggestion first."
                )
        await uow.subscriptions.set_group_every(subscription.id, every, core.clock.now())


def fields_of(core: Core, form: QuestionForm, question_id: str) -> dict[str, object]:
    try:
        return question_fields(form, question_id, topics_of(core))
    except FormProblem as problem:
        raise QuestionsRejected(
            [Problem("the question", question_id, problem.field, problem.message)],
            "The question is not complete",
        ) from None


def checked_spec(
    fields: Mapping[str, object], core: Core, where: str = "the question"
) -> QuestionSpec:
    spec, problems = check_question(fields, topics_of(core), where)
    if spec is None:
        raise QuestionsRejected(problems, "The question is not complete")
    return spec


def new_slug(taken: set[str], base: str) -> str:
    """A free id for a question: `base`, else `base-2`, `base-3`…"""
    slug = base[:MAX_ID]
    number = 2
    while slug in taken:
        slug = f"{base[: MAX_ID - 6]}-{number}"
        number += 1
    return slug


def _spec(pack: GroupPack, slug: str) -> QuestionSpec:
    spec = pack.specs.get(stored_id(pack.group_id, slug.strip()))
    if spec is None:
        raise QotdError(f"The group has no question of its own with the id {slug.strip()!r}.")
    return spec
