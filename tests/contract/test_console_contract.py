"""The shared daily-loop scenario, played through the console channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console.session import CHANNEL, ConsoleSession
from bot.clock import ManualClock
from bot.services.context import Core
from tests.contract.scenario import play_daily_loop


class ConsoleDriver:
    def __init__(self, core: Core, clock: ManualClock) -> None:
        self.core = core
        self.channel = CHANNEL
        self._output: list[str] = []
        self._session = ConsoleSession(core, clock, self._output.append)

    async def _say(self, member: str, line: str) -> str:
        await self._session.handle(f"as {member}")
        start = len(self._output)
        await self._session.handle(line)
        return "\n".join(self._output[start:])

    async def schedule(
        self, admin: str, post_time: str, timezone: str, days: str, reveal: str
    ) -> str:
        return await self._say(admin, f"schedule {post_time} {timezone} {days} reveal {reveal}")

    async def advance(self, delta: timedelta) -> None:
        await self._session.handle(f"advance {int(delta.total_seconds() // 60)}m")

    async def pick(self, member: str, letter: str) -> str:
        return await self._say(member, f"answer {letter}")

    async def write(self, member: str, text: str) -> str:
        return await self._say(member, f"write {text}")

    async def leaderboard(self, member: str) -> str:
        return await self._say(member, "leaderboard")

    async def streak(self, member: str) -> str:
        return await self._say(member, "streak")

    def posts(self) -> list[str]:
        return [text for text in self._output if text.startswith("== Question of the day")]

    def reveals(self) -> list[str]:
        return [text for text in self._output if text.startswith("== Answer")]


async def test_the_daily_loop_on_the_console(core):
    clock = core.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    await play_daily_loop(ConsoleDriver(core, clock))
