"""Admin use cases on a channel's schedule, and the status anyone can read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.identity import ChannelRef
from bot.domain.post import Post
from bot.domain.question import Difficulty, Question
from bot.domain.schedule import Schedule
from bot.domain.subscription import QuestionFilter, Subscription
from bot.errors import BadSchedule, NoQuestions, NotSubscribed, QotdError, UnknownQuestion
from bot.services.access import Actor, admin_subscription, require_admin, require_here
from bot.services.context import Core
from bot.services.rotation import eligible_questions, take_next_question


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    subscription: Subscription
    next_post_at: datetime | None
    last_post: Post | None
    queued: tuple[str, ...]
    eligible: int


def parse_difficulties(values: Iterable[str]) -> frozenset[Difficulty]:
    result = set()
    for value in values:
        try:
            result.add(Difficulty(value.strip().lower()))
        except ValueError:
            raise BadSchedule(
                f"Unknown difficulty {value!r}: use beginner, intermediate or advanced."
            ) from None
    return frozenset(result)


async def schedule_channel(
    core: Core,
    channel: ChannelRef,
    actor: Actor,
    schedule: Schedule,
    *,
    pack: str | None = None,
    difficulties: Iterable[str] = (),
    topics: Iterable[str] = (),
    mention: str | None = None,
    thread: bool = False,
) -> ChannelStatus:
    """Create or replace a channel's schedule. Posting starts with the next scheduled time."""
    now = core.clock.now()
    pack_id = pack or core.default_pack
    chosen_pack = core.library.pack(pack_id)
    topic_set = frozenset(topic.strip().lower() for topic in topics if topic.strip())
    unknown = sorted(topic_set - set(chosen_pack.topics))
    if unknown:
        raise BadSchedule(
            f"Unknown topic {unknown[0]!r}. Topics of {pack_id!r}: {', '.join(chosen_pack.topics)}."
        )
    question_filter = QuestionFilter(parse_difficulties(difficulties), topic_set)
    if not any(question_filter.accepts(question) for question in chosen_pack.questions):
        raise NoQuestions(f"No question of pack {pack_id!r} matches {question_filter.describe()}.")
    async with core.storage.write() as uow:
        existing = await uow.subscriptions.for_channel(channel)
        require_admin(actor, existing, "change the schedule")
        group_id = await uow.members.group_id(channel.platform, channel.group_id, now)
        subscription = Subscription(
            id=existing.id if existing else 0,
            channel=channel,
            schedule=schedule,
            pack=pack_id,
            filter=question_filter,
            mention=mention,
            thread=thread,
            admins=existing.admins if existing else frozenset(),
            active_since=now,
        )
        subscription_id = await uow.subscriptions.save(group_id, subscription, now)
    return await channel_status(core, channel, subscription_id=subscription_id)


async def pause(core: Core, channel: ChannelRef, actor: Actor, reason: str | None = None) -> None:
    async with core.storage.write() as uow:
        subscription = await admin_subscription(uow, channel, actor, "pause the schedule")
        label = reason or f"paused by {actor.member.label}"
        await uow.subscriptions.set_paused(subscription.id, True, label, core.clock.now())


async def resume(core: Core, channel: ChannelRef, actor: Actor) -> ChannelStatus:
    """Resume posting from the next scheduled time (days paused are not made up)."""
    async with core.storage.write() as uow:
        subscription = await admin_subscription(uow, channel, actor, "resume the schedule")
        now = core.clock.now()
        await uow.subscriptions.set_paused(subscription.id, False, None, now)
        await uow.subscriptions.record_error(subscription.id, None, now)
    return await channel_status(core, channel)


async def unsubscribe(core: Core, channel: ChannelRef, actor: Actor) -> None:
    """Remove the channel's schedule and its posts (members keep their points)."""
    async with core.storage.write() as uow:
        subscription = await admin_subscription(uow, channel, actor, "remove the schedule")
        await uow.subscriptions.delete(subscription.id)


async def skip_next(core: Core, channel: ChannelRef, actor: Actor) -> Question:
    """Skip the question that would come next; returns the skipped question."""
    async with core.storage.write() as uow:
        subscription = await admin_subscription(uow, channel, actor, "skip a question")
        return await take_next_question(core, uow, subscription, core.clock.now(), "skipped")


async def queue_question(
    core: Core, channel: ChannelRef, actor: Actor, question_id: str
) -> Question:
    """Put a question first in line for the next post."""
    async with core.storage.write() as uow:
        subscription = await admin_subscription(uow, channel, actor, "queue a question")
        pack = core.library.pack(subscription.pack)
        question = pack.by_id.get(question_id.strip())
        if question is None:
            raise UnknownQuestion(question_id)
        if not await uow.subscriptions.enqueue(subscription.id, question.id, core.clock.now()):
            raise QotdError(f"Question {question.id!r} is already queued.")
        return question


async def set_admins(
    core: Core, channel: ChannelRef, actor: Actor, member_ids: Iterable[str]
) -> None:
    """List members who may run admin actions for this channel without a platform role."""
    async with core.storage.write() as uow:
        subscription = await admin_subscription(uow, channel, actor, "change the channel's admins")
        group_id = await uow.members.group_id(channel.platform, channel.group_id, core.clock.now())
        updated = subscription.with_changes(admins=frozenset(member_ids))
        await uow.subscriptions.save(group_id, updated, core.clock.now())


async def channel_status(
    core: Core, channel: ChannelRef, *, subscription_id: int | None = None
) -> ChannelStatus:
    async with core.storage.read() as uow:
        if subscription_id is not None:
            subscription = await uow.subscriptions.get(subscription_id)
        else:
            subscription = await uow.subscriptions.for_channel(channel)
        if subscription is None:
            raise NotSubscribed()
        require_here(subscription.channel, channel, "schedule")
        last_post = await uow.posts.latest(subscription.id)
        queued = tuple(await uow.subscriptions.queued(subscription.id))
    now = core.clock.now()
    next_post_at = None if subscription.paused else subscription.schedule.next_post_at(now)
    return ChannelStatus(
        subscription=subscription,
        next_post_at=next_post_at,
        last_post=last_post,
        queued=queued,
        eligible=len(eligible_questions(core, subscription)),
    )
