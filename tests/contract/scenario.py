"""One daily-loop scenario that every front end must play the same way.

A front end joins by implementing `Driver` (drive the real front end the way members do:
commands, button clicks, modals) and calling `play_daily_loop` from its own test module.
Replies are plain text as a member would read them; each front end words them its own way,
but the markers below are shared:

- a right pick's feedback contains "Right", a wrong one "Not quite";
- a second pick's refusal contains "already picked";
- a saved written answer's feedback contains "saved", then "Key points:" and each key point
  covered or missed (the member's words escaped: their text never pings);
- a pick after the reveal is refused with a reply containing "closed".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from bot.domain.identity import ChannelRef
from bot.services.context import Core
from bot.services.today import today


class Driver(Protocol):
    core: Core
    channel: ChannelRef

    async def schedule(
        self, admin: str, post_time: str, timezone: str, days: str, reveal: str
    ) -> str:
        """An admin sets the channel's schedule; returns the reply."""
        ...

    async def advance(self, delta: timedelta) -> None:
        """Move the clock forward and let the scheduler run, as time passing would."""
        ...

    async def pick(self, member: str, letter: str) -> str:
        """The member clicks a choice button (or types it); returns the private reply."""
        ...

    async def write(self, member: str, text: str) -> str:
        """The member sends a written answer; returns the private reply."""
        ...

    async def leaderboard(self, member: str) -> str: ...

    async def streak(self, member: str) -> str: ...

    def posts(self) -> list[str]:
        """Text of every question posted in the channel so far."""
        ...

    def reveals(self) -> list[str]:
        """Text of every reveal posted so far."""
        ...


async def play_daily_loop(driver: Driver) -> None:
    """Schedule, post, two members answer, reveal, leaderboard, streak, a late answer."""
    reply = await driver.schedule("admin", "09:00", "UTC", "daily", "after 8h")
    assert "09:00" in reply, reply

    await driver.advance(timedelta(days=1))
    assert len(driver.posts()) == 1
    current = await today(driver.core, driver.channel)
    right = current.question.correct_letter
    assert right is not None, "the contract needs a multiple-choice question first"
    wrong = next(letter for letter in "ABCD" if letter != right)
    assert current.question.prompt[:40] in driver.posts()[0]

    assert "Right" in await driver.pick("alice", right)
    assert "Not quite" in await driver.pick("bob", wrong)
    assert "already picked" in await driver.pick("bob", right)
    written = await driver.write("alice", "Shrink the weights <@U1> @everyone: less variance")
    assert "saved" in written and "Key points:" in written, written
    assert "@everyone" not in written.replace("\\@everyone", "").replace("@\u200beveryone", ""), (
        written
    )

    await driver.advance(timedelta(hours=9))
    assert len(driver.reveals()) == 1
    reveal = driver.reveals()[0]
    assert "2 answered" in reveal, reveal
    assert "Shrink the weights" in reveal, reveal

    board = await driver.leaderboard("bob")
    assert board.lower().index("alice") < board.lower().index("bob"), board
    assert "streak 1 (best 1)" in await driver.streak("alice")
    assert "closed" in await driver.pick("carol", right)
