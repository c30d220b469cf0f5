"""`/qotd <subcommand>`: each subcommand translates its words into one service call."""

from __future__ import annotations

from adapters.slack import arguments, group_questions, replies, schedule, study, suggestions
from adapters.slack.blocks import Message
from adapters.slack.identity import mentioned_members
from adapters.slack.ids import ViewContext
from adapters.slack.invocation import Handler, Invocation
from adapters.slack.mrkdwn import escape, user_mention
from adapters.slack.views import schedule_modal
from bot.domain.subscription import Subscription
from bot.errors import NotSubscribed, QotdError
from bot.services import boards, members, posting, quiz, subscriptions
from bot.services.access import require_admin
from bot.services.today import today

__all__ = ["HANDLERS", "HELP", "Invocation", "run", "scheduled_reply"]

HELP = """\
*qotd: one machine-learning interview question a day*
*For everyone*
• `/qotd today`: the current question, with its answer buttons
• `/qotd leaderboard [week|month|all] [group|channel] [chart]`: `chart` also sends the weekly points as a picture by DM
• `/qotd streak [@member]` · `/qotd topics`
• `/qotd stats`: your numbers, reviews due and weakest topics; the progress card by DM and in the Home tab
• `/qotd quiz [topic] [difficulty] [count]`: a private practice quiz
• `/qotd review [count]`: a private review of the questions due for you (spaced repetition)
• `/qotd rate <again|hard|good|easy>`: after the reveal, rate your written answer (or use the buttons under the reveal)
• `/qotd remind <HH:MM> [Time/Zone]` · `/qotd remind off`: one private reminder a day when reviews are due or a streak is at risk
• `/qotd forget-me`: delete everything qotd stored about you
• `/qotd help`: this list
*For admins* (workspace admins and owners, or members listed with `admins`)
• `/qotd schedule` opens a form; or `/qotd schedule 09:00 Europe/Berlin mon-fri [reveal after 8h] [topics a,b] [difficulty beginner] [thread] [mention @group]`
• `/qotd status` · `pause` · `resume` · `skip` · `queue <question-id>` · `unsubscribe`
• `/qotd post-now`: post today's question now · `/qotd reveal-now`: close the open question and post its answer now
• `/qotd admins @a @b`: members who may run admin commands in this channel (workspace admins only)
*The group's own questions*
• `/qotd suggest`: suggest a question for the group (a form opens); the admins review it
• `/qotd suggestions` (admins): the waiting suggestions, with Accept, Edit and Decline buttons
• `/qotd accept <n> [written-only] [field=value ...]` · `/qotd decline <n> [reason]` (admins): the member is told privately
• `/qotd questions list | export | edit <id> | retire <id> | source <0|1|N> | review-channel here|off | import` (admins): `source 1` asks only the group's questions, `source 3` one in three"""


async def run(invocation: Invocation, text: str) -> Message | None:
    """Run `/qotd <text>`; the reply to show privately, if any."""
    word, _, rest = text.strip().partition(" ")
    name = word.lower() or "help"
    handler = HANDLERS.get(name)
    if handler is None:
        raise QotdError(f"Unknown subcommand `{word}`. Try `/qotd help`.")
    return await handler(invocation, rest.strip())


async def _help(_: Invocation, __: str) -> Message:
    return replies.text(HELP)


async def _schedule(inv: Invocation, args: str) -> Message | None:
    if not args:
        await _open_schedule_modal(inv)
        return None
    request = schedule.from_words(args)
    status = await subscriptions.schedule_channel(
        inv.core,
        inv.channel,
        await inv.actor(),
        request.schedule,
        pack=request.pack,
        difficulties=request.difficulties,
        topics=request.topics,
        thread=request.thread,
        mention=request.mention,
    )
    return scheduled_reply(status)


def scheduled_reply(status: subscriptions.ChannelStatus) -> Message:
    """The reply to a saved schedule: its status."""
    message = replies.status(status)
    return Message(message.text, (*replies.text("*Scheduled.*").blocks, *message.blocks))


async def _open_schedule_modal(inv: Invocation) -> None:
    if inv.trigger_id is None:
        raise QotdError(schedule.USAGE)
    current = await _subscription(inv)
    # The same check the form's submission meets: a member who may not save it never sees it.
    require_admin(await inv.actor(), current, "change the schedule")
    pack = inv.core.library.pack(current.pack if current else inv.core.default_pack)
    where = ViewContext(inv.channel.group_id, inv.channel.channel_id)
    await inv.client.views_open(
        trigger_id=inv.trigger_id, view=schedule_modal(where, list(pack.topics), current)
    )


async def _subscription(inv: Invocation) -> Subscription | None:
    try:
        return (await subscriptions.channel_status(inv.core, inv.channel)).subscription
    except NotSubscribed:
        return None


async def _status(inv: Invocation, _: str) -> Message:
    result = await subscriptions.channel_status(inv.core, inv.channel)
    require_admin(await inv.actor(), result.subscription, "see the schedule's status")
    return replies.status(result)


async def _pause(inv: Invocation, _: str) -> Message:
    await subscriptions.pause(inv.core, inv.channel, await inv.actor())
    return replies.text("Paused. `/qotd resume` starts again from the next scheduled time.")


async def _resume(inv: Invocation, _: str) -> Message:
    status = await subscriptions.resume(inv.core, inv.channel, await inv.actor())
    message = replies.status(status)
    return Message(message.text, (*replies.text("*Resumed.*").blocks, *message.blocks))


async def _skip(inv: Invocation, _: str) -> Message:
    skipped = await subscriptions.skip_next(inv.core, inv.channel, await inv.actor())
    return replies.text(f"Skipped `{escape(skipped.id)}`; it comes back in the next round.")


async def _queue(inv: Invocation, args: str) -> Message:
    if not args:
        raise QotdError("Usage: `/qotd queue <question-id>` (`qotd content export` lists ids).")
    question = await subscriptions.queue_question(inv.core, inv.channel, await inv.actor(), args)
    return replies.text(f"Queued `{escape(question.id)}` for the next post.")


async def _unsubscribe(inv: Invocation, _: str) -> Message:
    await subscriptions.unsubscribe(inv.core, inv.channel, await inv.actor())
    return replies.text("Schedule removed. Members keep their points.")


async def _post_now(inv: Invocation, _: str) -> Message:
    post = await posting.post_now(inv.core, inv.chats, inv.channel, await inv.actor())
    return replies.text(
        f"Posted today's question (day {post.day_number}). `/qotd reveal-now` reveals its "
        "answer straight away."
    )


async def _reveal_now(inv: Invocation, _: str) -> Message:
    post = await posting.reveal_now(inv.core, inv.chats, inv.channel, await inv.actor())
    return replies.text(
        f"The answer to day {post.day_number} is out, in the question's thread; answers are closed."
    )


async def _admins(inv: Invocation, args: str) -> Message:
    listed = mentioned_members(args)
    if not listed and args.strip().lower() != "none":
        raise QotdError("Usage: `/qotd admins @a @b` (or `/qotd admins none` to clear the list).")
    actor = await inv.actor()
    if not actor.is_admin:
        # Listed admins may run admin commands, but only the workspace decides who they are.
        raise QotdError("Only workspace admins and owners can change the channel's admins.")
    await subscriptions.set_admins(
        inv.core, inv.channel, actor, [member.member_id for member in listed]
    )
    names = ", ".join(user_mention(member.member_id) for member in listed) or "nobody"
    return replies.text(f"Channel admins: {names}.")


async def _today(inv: Invocation, _: str) -> Message:
    return replies.today(await today(inv.core, inv.channel, inv.member))


async def _streak(inv: Invocation, args: str) -> Message:
    who = next(iter(mentioned_members(args)), inv.member)
    value = await boards.member_streak(inv.core, inv.channel, who)
    return replies.streak(who.label, value)


async def _topics(inv: Invocation, _: str) -> Message:
    pack = inv.core.library.pack(inv.core.default_pack)
    counts = dict.fromkeys(pack.topics, 0)
    for question in pack.questions:
        for topic in question.topics:
            counts[topic] += 1
    lines = [
        f"• `{escape(topic)}` ({counts[topic]}): {escape(text)}"
        for topic, text in pack.topics.items()
    ]
    return replies.text("*Topics*\n" + "\n".join(lines))


async def _quiz(inv: Invocation, args: str) -> Message:
    words = arguments.quiz_words(args)
    step = await quiz.start_quiz(
        inv.core,
        inv.member,
        topic=words.topic,
        difficulty=words.difficulty,
        count=words.count,
        channel=inv.channel,
    )
    return replies.quiz_step(step)


async def _forget(inv: Invocation, _: str) -> Message:
    removed = await members.forget_member(inv.core, inv.member)
    return replies.text(
        "Everything qotd stored about you is deleted."
        if removed
        else "Nothing was stored about you."
    )


HANDLERS: dict[str, Handler] = {
    "help": _help,
    "schedule": _schedule,
    "status": _status,
    "pause": _pause,
    "resume": _resume,
    "skip": _skip,
    "queue": _queue,
    "unsubscribe": _unsubscribe,
    "post-now": _post_now,
    "reveal-now": _reveal_now,
    "admins": _admins,
    "today": _today,
    "leaderboard": study.leaderboard,
    "streak": _streak,
    "stats": study.stats,
    "topics": _topics,
    "quiz": _quiz,
    "review": study.review_session,
    "rate": study.rate,
    "remind": study.remind,
    "forget-me": _forget,
    "suggest": suggestions.suggest,
    "suggestions": suggestions.queue,
    "accept": suggestions.accept_command,
    "decline": suggestions.decline_command,
    "questions": group_questions.questions,
}
