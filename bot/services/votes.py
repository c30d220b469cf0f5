"""The group's best answer: after the reveal, members vote for the most helpful written answer.

One vote each, never for one's own, while the post's votes are open (from the reveal, for
the configured window). When they close, the answer(s) with the most votes (ties share it)
earn their authors the best-answer points on the group's and channel's boards, count in their
stats, and are credited in the channel's next post.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from bot.domain.identity import ChannelRef, MemberRef, is_row_id
from bot.domain.periods import all_period_keys
from bot.domain.schedule import zone
from bot.errors import QotdError
from bot.services.access import require_here
from bot.services.context import Core
from bot.storage.votes import Tally

log = logging.getLogger(__name__)

CLOSING_PAGE = 100


class VoteRefused(QotdError):
    """A vote that does not count, with why."""


async def vote(core: Core, channel: ChannelRef, voter: MemberRef, answer_id: int) -> str:
    """Count the member's vote for a written answer; the reply says what happened."""
    if not is_row_id(answer_id):
        raise VoteRefused("That answer is not there any more.")
    now = core.clock.now()
    async with core.storage.write() as uow:
        target = await uow.votes.target(answer_id)
        if target is None or not target.written:
            raise VoteRefused("That answer is not there any more.")
        # Invariant 13: the vote counts only from the channel the post was made in.
        require_here(target.channel, channel, "vote")
        if target.votes_close_at is None or now >= target.votes_close_at:
            raise VoteRefused(f"Voting on Day {target.day_number}'s answers is closed.")
        voter_id = await uow.members.member_id(voter, now)
        if voter_id == target.author_id:
            raise VoteRefused("You cannot vote for your own answer: pick someone else's.")
        if not await uow.votes.add(target.post_id, voter_id, answer_id, now):
            raise VoteRefused(f"You already voted on Day {target.day_number}'s answers.")
    return f"Vote counted for {target.author_name}'s answer. Votes close when the time is up."


async def close_due_votes(core: Core) -> int:
    """Count the votes of every post whose voting has closed; returns how many were counted."""
    now = core.clock.now()
    counted = 0
    while True:
        async with core.storage.read() as uow:
            due = await uow.votes.closing(now, CLOSING_PAGE)
        for post_id in due:
            counted += await _count(core, post_id)
        if len(due) < CLOSING_PAGE:
            return counted


async def _count(core: Core, post_id: int) -> int:
    now = core.clock.now()
    async with core.storage.write() as uow:
        if not await uow.votes.close(post_id):  # exactly once, whichever worker gets here
            return 0
        tally = await uow.votes.tally(post_id)
        top = max((item.votes for item in tally), default=0)
        winners = [item for item in tally if item.votes == top and top > 0]
        if not winners:
            return 1
        post = await uow.posts.get(post_id)
        subscription = await uow.subscriptions.get(post.subscription_id) if post else None
        if post is None or subscription is None:
            return 1
        await uow.votes.crown(
            post_id, [w.answer_id for w in winners], _credit(post.day_number or 0, winners, top)
        )
        bonus = core.points.best_answer
        if bonus:
            totals: dict[tuple[str, str, int], int] = defaultdict(int)
            for winner in winners:
                for period in all_period_keys(now, zone(subscription.schedule.timezone)):
                    totals[(f"g{subscription.group_id}", period, winner.member_id)] += bonus
                    totals[(f"s{subscription.id}", period, winner.member_id)] += bonus
            await uow.answers.add_scores(totals)
    log.info("post=%s best answer: %d winner(s) with %d votes", post_id, len(winners), top)
    return 1


def _credit(day: int, winners: list[Tally], top: int) -> str:
    """`Day 3: Ada (4 votes)` or `Day 3: Ada and Bo (2 votes each)`; names as given (each
    front end escapes them)."""
    names = [winner.name for winner in sorted(winners, key=lambda w: w.name.lower())]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    votes = f"{top} vote{'s' if top != 1 else ''}" + (" each" if len(names) > 1 else "")
    return f"Day {day}: {joined} ({votes})"
