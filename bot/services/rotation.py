"""Choosing a subscription's next question inside a write transaction."""

from __future__ import annotations

from datetime import datetime

from bot.domain.question import Question
from bot.domain.rotation import next_question
from bot.domain.subscription import Subscription
from bot.errors import NoQuestions
from bot.services.context import Core
from bot.services.group_packs import GroupPack
from bot.storage.unit_of_work import UnitOfWork


def eligible_questions(
    core: Core, subscription: Subscription, group: GroupPack | None = None
) -> list[Question]:
    """The questions the channel's filters accept from where its schedule draws."""
    pool: list[Question] = []
    if subscription.group_every != 1:
        pool.extend(core.library.pack(subscription.pack).questions)
    if subscription.group_every and group is not None:
        pool.extend(group.active)
    return [question for question in pool if subscription.filter.accepts(question)]


async def group_of_subscription(
    core: Core, uow: UnitOfWork, subscription: Subscription
) -> GroupPack | None:
    """The group's own questions when the schedule draws from them."""
    if not subscription.group_every or subscription.group_id is None:
        return None
    return await core.group_packs.load(uow, subscription.group_id)


async def take_next_question(
    core: Core, uow: UnitOfWork, subscription: Subscription, now: datetime, reason: str
) -> Question:
    """Take the next question: an admin-queued one first, else the cycle's shuffled order.

    The question is marked as used in the cycle, so it does not come back until every
    eligible question has had its turn. A schedule that mixes in the group's own questions
    (one every N posts) takes the next unused one on its turn; once each has had its turn
    in this cycle, that turn goes to the pack until the cycle starts again.
    """
    pack = core.library.pack(subscription.pack)
    group = await group_of_subscription(core, uow, subscription)
    cycle = await uow.subscriptions.cycle(subscription.id)
    for question_id in await uow.subscriptions.queued(subscription.id):
        await uow.subscriptions.dequeue(subscription.id, question_id)
        queued = pack.by_id.get(question_id) or (
            group.pack.by_id.get(question_id) if group else None
        )
        if queued is not None:
            await uow.subscriptions.mark_used(subscription.id, cycle, question_id, reason, now)
            return queued
    used = await uow.subscriptions.used_in_cycle(subscription.id, cycle)
    if group is not None and subscription.group_every > 1:
        posted = await uow.posts.visible_count(subscription.id)
        if (posted + 1) % subscription.group_every == 0:
            unused = [
                question.id
                for question in group.active
                if subscription.filter.accepts(question) and question.id not in used
            ]
            if unused:
                question_id, _ = next_question(unused, set(), subscription.id, cycle)
                await uow.subscriptions.mark_used(subscription.id, cycle, question_id, reason, now)
                return group.pack.by_id[question_id]
        pool = [q for q in pack.questions if subscription.filter.accepts(q)]
    else:
        pool = eligible_questions(core, subscription, group)
    by_id = {question.id: question for question in pool}
    if not by_id:
        where = (
            "the group's own questions"
            if subscription.group_every == 1
            else f"pack {subscription.pack!r}"
        )
        raise NoQuestions(
            f"No question of {where} matches this channel's filters "
            f"({subscription.filter.describe()})."
        )
    question_id, next_cycle = next_question(list(by_id), used, subscription.id, cycle)
    if next_cycle != cycle:
        await uow.subscriptions.set_cycle(subscription.id, next_cycle)
    await uow.subscriptions.mark_used(subscription.id, next_cycle, question_id, reason, now)
    return by_id[question_id]
