"""The labelled facts of each reply, worded once for every front end.

A front end turns these into its own idiom (console lines, Slack mrkdwn, Discord embeds):
it escapes the plain text, shows instants and member ids its own way, and styles labels.
Nothing here is escaped or styled, and no member is ever mentioned from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.feedback import Feedback
from bot.services.boards import Leaderboard, own_rank
from bot.services.subscriptions import ChannelStatus

PERIOD_TITLES = {"week": "this week", "month": "this month", "all": "all time"}
NO_POINTS = "No points yet."
QUEUE_SHOWN = 50  # queued ids listed by status; a longer queue ends with a count


@dataclass(frozen=True, slots=True)
class Fact:
    """One labelled line of a reply.

    Exactly one of `text`, `when`, `members` and `role` carries the value: plain words
    (unescaped), an instant (each front end shows time its own way: Discord's timestamps, a
    zone name in text), member ids, or the role / user group a post mentions (each front end
    names those without pinging). `long` marks a value
    that may grow (a queue, an error), which a front end may give room of its own.
    """

    label: str
    text: str = ""
    when: datetime | None = None
    members: tuple[str, ...] = ()
    role: str = ""
    long: bool = False
    inline: bool = False  # short enough to sit beside its neighbours where that is possible


def queue_text(queued: tuple[str, ...]) -> str:
    shown = ", ".join(queued[:QUEUE_SHOWN])
    hidden = len(queued) - QUEUE_SHOWN
    return f"{shown} … and {hidden} more" if hidden > 0 else shown


def status_facts(result: ChannelStatus) -> list[Fact]:
    """A channel's schedule, questions, mentions, admins, next and last post, queue and last
    error, in the order every front end shows them."""
    subscription = result.subscription
    facts = [
        Fact("Schedule", subscription.schedule.describe()),
        Fact(
            "Questions",
            f"pack {subscription.pack}: {result.eligible} match {subscription.filter.describe()}",
        ),
        Fact("Thread", "on" if subscription.thread else "off", inline=True),
    ]
    if subscription.mention:
        facts.append(Fact("Mentions", role=subscription.mention, inline=True))
    if subscription.admins:
        facts.append(Fact("Channel admins", members=tuple(sorted(subscription.admins))))
    if subscription.paused:
        facts.append(Fact("Paused", subscription.pause_reason or "yes"))
    elif result.next_post_at:
        facts.append(Fact("Next post", when=result.next_post_at))
    if result.last_post is not None:
        last = result.last_post
        facts.append(Fact("Last post", f"{last.local_date} ({last.status.value})", inline=True))
    if result.queued:
        facts.append(Fact("Queued", queue_text(result.queued), long=True))
    if subscription.last_error:
        facts.append(Fact("Last error", subscription.last_error, long=True))
    return facts


@dataclass(frozen=True, slots=True)
class BoardLine:
    rank: int
    name: str  # unescaped: the front end escapes it
    points: int


@dataclass(frozen=True, slots=True)
class BoardView:
    """A leaderboard as a title, its ranked lines (or `empty`), and the asker's own line."""

    title: str
    lines: tuple[BoardLine, ...]
    empty: str | None
    own: str


def board_view(board: Leaderboard) -> BoardView:
    lines = tuple(BoardLine(entry.rank, entry.name, entry.points) for entry in board.entries)
    return BoardView(
        title=f"Leaderboard · {board.scope.value} · {PERIOD_TITLES[board.period.value]}",
        lines=lines,
        empty=None if lines else NO_POINTS,
        own=own_rank(board),
    )


def feedback_lines(feedback: Feedback, escape: Callable[[str], str] = str) -> list[str]:
    """What a written answer covered, worded once for every front end: each key point with
    the member's own words that matched it, then the first one to add. Key points may be a
    group's own (typed by a member), so they go through `escape` like the member's words."""
    judged = f"judged by {escape(feedback.judge)}" if feedback.judge else "checked locally"
    lines = [f"Key points: {feedback.covered} of {len(feedback.points)} covered ({judged})."]
    if feedback.term_list:
        lines.append("It reads as a list of terms: say how they connect, in sentences.")
    for point in feedback.points:
        mark = "✓" if point.covered else "✗"
        line = f"{mark} {point.number}. {escape(point.text)}"
        if point.matched:
            line += f" (you wrote: {escape(', '.join(point.matched))})"
        lines.append(line)
    if feedback.suggestion:
        lines.append(f"To add next time: {escape(feedback.suggestion)}")
    return lines
