"""The best-answer loop every front end must play the same way: two members write, the
reveal shows their answers with a vote for each, a third member votes, voting for one's own
is refused, the votes close, the winner's bonus puts them ahead on the board, and the next
post credits the best answer.

A front end joins by implementing `VoteDriver` (the daily-loop Driver plus `vote`) and
calling `play_vote_loop`. Shared markers: a counted vote's reply contains "Vote counted"; a
vote for one's own answer is refused with "your own answer"; the next post says "Best
answer of Day 1" with the winner's name.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from tests.contract.scenario import Driver


class VoteDriver(Driver, Protocol):
    async def vote(self, member: str, author: str) -> str:
        """The member votes for `author`'s written answer in the latest reveal (a button, or
        the console's `vote <n>`); returns the private reply."""
        ...


async def play_vote_loop(driver: VoteDriver) -> None:
    reply = await driver.schedule("admin", "09:00", "UTC", "daily", "after 8h")
    assert "09:00" in reply, reply
    await driver.advance(timedelta(days=1))
    assert "saved" in await driver.write(
        "alice", "Attention mixes tokens; the MLP works per token."
    )
    assert "saved" in await driver.write(
        "bob", "Residual connections and layer norm wrap each part."
    )
    await driver.advance(timedelta(hours=9))
    assert len(driver.reveals()) == 1
    assert "Vote counted" in await driver.vote("carol", "alice")
    assert "your own answer" in await driver.vote("alice", "alice")
    await driver.advance(timedelta(hours=13))  # the votes close (12 hours by default)
    board = (await driver.leaderboard("bob")).lower()
    assert board.index("alice") < board.index("bob"), board  # the best answer's bonus
    await driver.advance(timedelta(hours=2))  # the next post (09:00), before its reveal
    post = driver.posts()[-1]
    assert "Best answer of Day 1" in post and "alice" in post.lower(), post
