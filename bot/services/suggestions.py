"""Members suggest questions; admins accept (as written or edited) or decline them.

A suggestion is kept as the form the member filled in. Accepting checks it exactly as a pack
question is checked and refuses with the field and reason when it is not complete; the admin
then edits it, or accepts a question without choices as written-answer only. The member is
told privately either way (the front end delivers the returned Notice).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.question import Category, Question
from bot.domain.question_form import FIELDS, LIMITS, QuestionForm
from bot.errors import InvalidAnswer, QotdError
from bot.services.access import Actor
from bot.services.answers import clean_written
from bot.services.context import Core
from bot.services.group_packs import body_of, stored_id
from bot.services.group_questions import (
    checked_spec,
    fields_of,
    group_and_pack,
    new_slug,
    require_group_admin,
)
from bot.storage.group_questions import NewQuestion, StoredSuggestion
from bot.storage.unit_of_work import UnitOfWork

PER_DAY = 3  # suggestions one member may send a group in 24 hours
QUEUE_PAGE = 10
MAX_REASON = 500


class NeedsChoices(QotdError):
    """The suggestion has no choices and is not behavioral: only the admin can settle it,
    by adding choices or accepting it as written-answer only."""


@dataclass(frozen=True, slots=True)
class Notice:
    """A private message for one member (the front end sends it as a DM or ephemeral)."""

    member: MemberRef
    text: str


@dataclass(frozen=True, slots=True)
class Suggested:
    suggestion_id: int
    review_channel: ChannelRef | None  # where admins are told, when the group set one

    @property
    def next_steps(self) -> str:
        return (
            f"Thanks! Suggestion #{self.suggestion_id} is with the group's admins. You will be "
            "told privately when it is accepted or declined."
        )


@dataclass(frozen=True, slots=True)
class Pending:
    suggestion_id: int
    member_name: str
    form: QuestionForm


@dataclass(frozen=True, slots=True)
class Accepted:
    question: Question
    notice: Notice


def clean_form(form: QuestionForm) -> QuestionForm:
    """Each field as stored: control characters removed, each within its limit; the prompt
    and answer are required."""
    cleaned: dict[str, str] = {}
    for name in FIELDS:
        value = getattr(form, name)
        if not value.strip():
            if name in ("prompt", "answer"):
                raise InvalidAnswer(f"The {name} is empty: fill it in and send it again.")
            cleaned[name] = ""
            continue
        try:
            cleaned[name] = clean_written(value, LIMITS[name])
        except InvalidAnswer as error:
            raise InvalidAnswer(f"{name}: {error.message}") from None
    return QuestionForm.from_dict(cleaned)


async def suggest(
    core: Core, channel: ChannelRef, member: MemberRef, form: QuestionForm
) -> Suggested:
    form = clean_form(form)
    now = core.clock.now()
    async with core.storage.write() as uow:
        group_id = await uow.members.group_id(channel.platform, channel.group_id, now)
        member_id = await uow.members.member_id(member, now)
        sent = await uow.group_questions.suggested_since(
            group_id, member_id, now - timedelta(days=1)
        )
        if sent >= PER_DAY:
            raise QotdError(
                f"You have sent {PER_DAY} suggestions in the last 24 hours, the most a member "
                "may: send this one tomorrow."
            )
        suggestion_id = await uow.group_questions.suggest(
            group_id, member_id, channel.channel_id, json.dumps(form.as_dict()), now
        )
        review = await uow.group_questions.review_channel(group_id)
    return Suggested(
        suggestion_id, ChannelRef(channel.platform, channel.group_id, review) if review else None
    )


async def pending(core: Core, channel: ChannelRef, actor: Actor) -> tuple[list[Pending], int]:
    """The oldest pending suggestions of the group (a page) and how many are waiting."""
    async with core.storage.read() as uow:
        await require_group_admin(uow, channel, actor, "review suggestions")
        group_id = await uow.members.find_group(channel.platform, channel.group_id)
        if group_id is None:
            return [], 0
        rows, total = await uow.group_questions.pending(group_id, QUEUE_PAGE)
    return [Pending(row.id, row.member_name, _form(row)) for row in rows], total


async def suggestion_form(
    core: Core, channel: ChannelRef, actor: Actor, suggestion_id: int
) -> QuestionForm:
    async with core.storage.read() as uow:
        await require_group_admin(uow, channel, actor, "review suggestions")
        return _form(await _pending_of(core, uow, channel, suggestion_id))


async def edit(
    core: Core, channel: ChannelRef, actor: Actor, suggestion_id: int, changes: Mapping[str, str]
) -> QuestionForm:
    """Save an admin's changes to a waiting suggestion (the Edit form); accepting it is a
    separate step, which checks the whole question."""
    _known(changes)
    async with core.storage.write() as uow:
        await require_group_admin(uow, channel, actor, "edit suggestions")
        row = await _pending_of(core, uow, channel, suggestion_id)
        form = clean_form(_form(row).with_changes(changes))
        await uow.group_questions.set_draft(row.id, json.dumps(form.as_dict()))
    return form


async def accept(
    core: Core,
    channel: ChannelRef,
    actor: Actor,
    suggestion_id: int,
    *,
    changes: Mapping[str, str] | None = None,
    written_only: bool = False,
) -> Accepted:
    """Add the suggestion (with the admin's changes) to the group's own questions."""
    now = core.clock.now()
    async with core.storage.write() as uow:
        await require_group_admin(uow, channel, actor, "accept suggestions")
        row = await _pending_of(core, uow, channel, suggestion_id)
        form = _form(row)
        if changes:
            _known(changes)
            form = clean_form(form.with_changes(changes))
            await uow.group_questions.set_draft(row.id, json.dumps(form.as_dict()))
        group_id, _ = await group_and_pack(core, uow, channel)
        slug = new_slug(await uow.group_questions.slugs(group_id), f"suggestion-{row.id}")
        spec = checked_spec(fields_of(core, form, slug), core)
        if not spec.choices and spec.category is not Category.BEHAVIORAL and not written_only:
            raise NeedsChoices(
                "choices: the question has no choices and is not behavioral. Add four choices "
                "(edit), or accept it as written-answer only."
            )
        question_id = stored_id(group_id, slug)
        await uow.group_questions.add(
            group_id,
            [NewQuestion(slug, question_id, body_of(spec), row.member_name[:100], row.member_id)],
            now,
        )
        if not await uow.group_questions.decide(row.id, "accepted", None, question_id, now):
            raise QotdError(f"Suggestion #{row.id} was decided by someone else just now.")
        question = (await core.group_packs.load(uow, group_id)).pack.by_id[question_id]
    notice = Notice(
        MemberRef(channel.platform, row.member_external_id, row.member_name),
        f"Your suggested question #{row.id} was accepted: the group will get it on a coming "
        "day, with your name on it.",
    )
    return Accepted(question, notice)


async def decline(
    core: Core, channel: ChannelRef, actor: Actor, suggestion_id: int, reason: str
) -> Notice:
    reason = clean_written(reason, MAX_REASON) if reason.strip() else ""
    async with core.storage.write() as uow:
        await require_group_admin(uow, channel, actor, "decline suggestions")
        row = await _pending_of(core, uow, channel, suggestion_id)
        if not await uow.group_questions.decide(
            row.id, "declined", reason or None, None, core.clock.now()
        ):
            raise QotdError(f"Suggestion #{row.id} was decided by someone else just now.")
    why = f" The admin's reason: {reason}" if reason else " No reason was given."
    return Notice(
        MemberRef(channel.platform, row.member_external_id, row.member_name),
        f"Your suggested question #{row.id} was declined.{why}",
    )


async def set_review_channel(core: Core, channel: ChannelRef, actor: Actor, here: bool) -> None:
    """Announce new suggestions in this channel (or nowhere)."""
    async with core.storage.write() as uow:
        await require_group_admin(uow, channel, actor, "set where suggestions are announced")
        group_id = await uow.members.group_id(channel.platform, channel.group_id, core.clock.now())
        await uow.group_questions.set_review_channel(group_id, channel.channel_id if here else None)


async def _pending_of(
    core: Core, uow: UnitOfWork, channel: ChannelRef, suggestion_id: int
) -> StoredSuggestion:
    """A pending suggestion of this channel's group (invariant 13: an id from a button or a
    command is checked against the group it came from)."""
    row = await uow.group_questions.suggestion(suggestion_id)
    group_id = await uow.members.find_group(channel.platform, channel.group_id)
    if row is None or row.group_id != group_id:
        raise QotdError(f"There is no suggestion #{suggestion_id} in this group.")
    if row.status != "pending":
        raise QotdError(f"Suggestion #{suggestion_id} was {row.status} already.")
    return row


def _known(changes: Mapping[str, str]) -> None:
    unknown = [name for name in changes if name not in FIELDS]
    if unknown:
        raise QotdError(f"{unknown[0]!r} is not a field (fields: {', '.join(FIELDS)}).")


def _form(row: StoredSuggestion) -> QuestionForm:
    return QuestionForm.from_dict(json.loads(row.draft))
