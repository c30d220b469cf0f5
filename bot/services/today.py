"""The channel's current question, for `today`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.post import Post
from bot.domain.question import Question
from bot.errors import NoOpenPost, NotSubscribed
from bot.services.context import Core


@dataclass(frozen=True, slots=True)
class Today:
    post: Post
    question: Question
    open: bool
    my_choice: str | None
    wrote: bool
    timezone: str


async def today(core: Core, channel: ChannelRef, member: MemberRef | None = None) -> Today:
    """The latest question posted in the channel, open or already revealed."""
    async with core.storage.read() as uow:
        subscription = await uow.subscriptions.for_channel(channel)
        if subscription is None:
            raise NotSubscribed()
        post = await uow.posts.latest_visible(subscription.id)
        if post is None:
            raise NoOpenPost()
        row = None
        if member is not None:
            member_id = await uow.members.find_member(member)
            if member_id is not None:
                row = await uow.answers.get(post.id, member_id)
        await core.group_packs.load_for(uow, [post.question_id])
    question = core.question(subscription.pack, post.question_id)
    if question is None:
        raise NoOpenPost()
    return Today(
        post=post,
        question=question,
        open=post.is_open(core.clock.now()),
        my_choice=row.choice if row else None,
        wrote=bool(row and row.written),
        timezone=subscription.schedule.timezone,
    )
