"""`/qotd review | rate | remind | stats | leaderboard`: practice, reminders and progress
(text always; pictures by DM, since ephemeral messages cannot carry files)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from adapters.slack import arguments, replies
from adapters.slack.blocks import Message, sections
from adapters.slack.chat import NETWORK_ERRORS
from adapters.slack.direct import draw, send_picture
from adapters.slack.invocation import Invocation
from bot import pictures
from bot.services import boards, nudges, progress, review
from bot.services.today import today

log = logging.getLogger(__name__)
NO_PICTURE = "_The picture could not be sent just now; the numbers above are the same._"


async def review_session(inv: Invocation, args: str) -> Message:
    """A private review of due cards, answered with the quiz buttons."""
    step = await review.start_review(inv.core, inv.member, count=arguments.review_count(args))
    return replies.quiz_step(step)


async def rate(inv: Invocation, args: str) -> Message:
    """`/qotd rate good`: rate your written answer to the channel's latest question."""
    rating = arguments.rating(args)
    current = await today(inv.core, inv.channel, inv.member)
    rated = await review.rate_written(inv.core, inv.member, inv.channel, current.post.id, rating)
    return replies.rated(rated)


async def remind(inv: Invocation, args: str) -> Message:
    request = arguments.remind(args)
    if request.off:
        stopped = await nudges.stop_reminder(inv.core, inv.member)
        return replies.text("Reminders are off." if stopped else "You had no reminder.")
    when, tz = await nudges.set_reminder(
        inv.core, inv.member, request.at, request.timezone, home_group=inv.channel.group_id
    )
    return replies.text(
        f"You get one private message a day at {when:%H:%M} {tz} when reviews are due or a "
        "streak is at risk. `/qotd remind off` stops it."
    )


async def stats(inv: Invocation, _: str) -> Message:
    """Stats and review stats as text, and the progress card by DM (and in the Home tab)."""
    result = await progress.member_progress(inv.core, inv.member, inv.channel)
    text = f"{replies.stats_text(result.stats)}\n{replies.review_stats(result.review)}"
    title = f"{inv.member.label or 'Your'} progress"
    picture = await draw(lambda: pictures.progress_card(result, title))
    note = "Your progress card is in your direct messages with qotd, and in the app's Home tab."
    cards = inv.cards
    known = cards.unchanged(inv.member.member_id, picture) if cards else None
    if known is None:
        try:
            sent = await send_picture(
                inv.client,
                inv.member.member_id,
                picture,
                name="qotd-progress",
                title=title,
                alt=_card_alt(result),
            )
        except (SlackApiError, *NETWORK_ERRORS) as error:
            log.warning("could not send the progress card: %s", error)
            note = NO_PICTURE
        else:
            if cards is not None:
                cards.remember(inv.member.member_id, picture, sent.file_id)
    return Message("Your stats", tuple(sections(f"{text}\n{note}")))


def _card_alt(result: progress.Progress) -> str:
    stats = result.stats
    topics = ", ".join(f"{item.topic} {item.accuracy:.0%}" for item in stats.topics[:10])
    days = sum(1 for count in result.activity.values() if count)
    return (
        f"Progress card: answers on {days} days since {result.first_day}; accuracy by topic: "
        f"{topics or 'no answers yet'}."
    )


async def leaderboard(inv: Invocation, args: str) -> Message:
    """The board as text; with `chart`, the weekly points as text and as a picture by DM."""
    choice = arguments.leaderboard(args)
    board = await boards.leaderboard(inv.core, inv.channel, inv.member, choice.period, choice.scope)
    message = replies.leaderboard(board)
    if not choice.chart:
        return message
    points = await progress.weekly_points(inv.core, inv.channel, choice.scope)
    lines = [replies.weekly_points(points)]
    title = f"Weekly points ({choice.scope.value})"
    chart = await draw(lambda: pictures.weekly_points_chart(points, title))
    alt = f"{title}: " + ", ".join(f"{label} {value}" for label, value in points.weeks)
    try:
        await send_picture(
            inv.client, inv.member.member_id, chart, name="qotd-weekly-points", title=title, alt=alt
        )
        lines.append("The chart is in your direct messages with qotd.")
    except (SlackApiError, *NETWORK_ERRORS) as error:
        log.warning("could not send the weekly points chart: %s", error)
        lines.append(NO_PICTURE)
    return Message(message.text, (*message.blocks, *sections("\n".join(lines))))
