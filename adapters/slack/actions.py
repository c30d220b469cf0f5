"""Buttons and modal submissions, after their ack: answers, the write modal, quizzes, votes."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import ids, replies
from adapters.slack.blocks import Message
from adapters.slack.commands import scheduled_reply
from adapters.slack.identity import AdminCheck
from adapters.slack.mrkdwn import escape
from adapters.slack.views import write_modal
from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.schedule_words import ScheduleRequest
from bot.errors import AnswersClosed, QotdError
from bot.services import answers, quiz, review, subscriptions, votes
from bot.services.context import Core
from bot.services.today import today


async def pick(
    core: Core, channel: ChannelRef, member: MemberRef, post_id: int, letter: str
) -> Message:
    """A click on A-D under a daily post, from `channel` (the core checks the post is its)."""
    request = answers.AnswerRequest(post_id, member, channel, choice=letter)
    return replies.receipt(await answers.submit(core, request))


async def open_write_modal(
    core: Core,
    client: AsyncWebClient,
    trigger_id: str,
    channel: ChannelRef,
    member: MemberRef,
    post_id: int,
) -> None:
    """A click on "Write an answer": the modal, if the post still takes answers."""
    current = await today(core, channel, member)
    if current.post.id != post_id or not current.open:
        raise AnswersClosed()
    where = ids.ViewContext(channel.group_id, channel.channel_id, post_id)
    view = write_modal(current.question, where, core.max_written_chars)
    await client.views_open(trigger_id=trigger_id, view=view)


async def write(
    core: Core, channel: ChannelRef, member: MemberRef, post_id: int, text: str
) -> Message:
    """The write modal's submission."""
    request = answers.AnswerRequest(post_id, member, channel, written=text)
    return replies.receipt(await answers.submit(core, request))


async def answer_quiz(
    core: Core, member: MemberRef, quiz_id: int, position: int, letter: str, *, kind: str
) -> Message:
    """A click on a quiz (or review) letter: feedback, then the next question or the score."""
    feedback = await quiz.answer_quiz(core, member, quiz_id, letter, position)
    return replies.quiz_feedback(feedback, kind)


async def stop_quiz(core: Core, member: MemberRef, quiz_id: int, *, kind: str) -> Message:
    await quiz.stop_quiz(core, member, quiz_id)
    if kind == "review":
        return replies.text("Review stopped. `/qotd review` starts a new one.")
    return replies.text("Quiz stopped. `/qotd quiz` starts a new one.")


async def rate(
    core: Core, channel: ChannelRef, member: MemberRef, post_id: int, rating: str
) -> Message:
    """A click on Again / Hard / Good / Easy under a reveal: rate your written answer."""
    return replies.rated(await review.rate_written(core, member, channel, post_id, rating))


async def vote(core: Core, channel: ChannelRef, member: MemberRef, answer_id: int) -> Message:
    """A click on "Vote: <name>" under a reveal, from `channel` (the core checks the post is
    its); the reply names the author as they typed their name, so it is escaped."""
    return replies.text(escape(await votes.vote(core, channel, member, answer_id)))


async def save_schedule(
    core: Core,
    client: AsyncWebClient,
    channel: ChannelRef,
    member: MemberRef,
    request: ScheduleRequest,
) -> Message:
    """The schedule modal's submission (the channel's pack and mention are kept)."""
    try:
        current = (await subscriptions.channel_status(core, channel)).subscription
    except QotdError:
        current = None
    status = await subscriptions.schedule_channel(
        core,
        channel,
        await AdminCheck(client).actor(member),
        request.schedule,
        pack=current.pack if current else None,
        difficulties=request.difficulties,
        topics=request.topics,
        thread=request.thread,
        mention=current.mention if current else None,
    )
    return scheduled_reply(status)
