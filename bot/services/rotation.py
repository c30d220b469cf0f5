"""Choosing a subscription's next question inside a write transaction."""

from __future__ import annotations

from datetime import datetime

from bot.domain.question import Question
from bot.domain.rotation import next_question
from bot.domain.subscription import Subscription
from bot.errors import NoQuestions
from bot.services.context import Core
from bot.storage.unit_of_work import UnitOfWork


def eligible_questions(core: Core, subscription: Subscription) -> list[Question]:
    pack = core.library.pack(subscription.pack)
    return [question for question in pack.questions if subscription.filter.accepts(question)]


async def take_next_question(
    core: Core, uow: UnitOfWork, subscription: Subscription, now: datetime, reason: str
) -> Question:
    """Take the next question: an admin-queued one first, else the cycle's shuffled order.

    The question is marked as used in the cycle, so it does not come back until every
    eligible question has had its turn.
    """
    pack = core.library.pack(subscription.pack)
    cycle = await uow.subscriptions.cycle(subscription.id)
    for question_id in await uow.subscriptions.queued(subscription.id):
        await uow.subscriptions.dequeue(subscription.id, question_id)
        if question_id in pack.by_id:
            await uow.subscriptions.mark_used(subscription.id, cycle, question_id, reason, now)
            return pack.by_id[question_id]
    eligible = [question.id for question in eligible_questions(core, subscription)]
    if not eligible:
        raise NoQuestions(
            f"No question of pack {subscription.pack!r} matches this channel's filters "
            f"({subscription.filter.describe()})."
        )
    used = await uow.subscriptions.used_in_cycle(subscription.id, cycle)
    question_id, next_cycle = next_question(eligible, used, subscription.id, cycle)
    if next_cycle != cycle:
        await uow.subscriptions.set_cycle(subscription.id, next_cycle)
    await uow.subscriptions.mark_used(subscription.id, next_cycle, question_id, reason, now)
    return pack.by_id[question_id]
