"""The console channel as a front end: commands from standard input, replies and posts on
standard output.

The console keeps its own clock: it starts where the last session on the same database
stopped (or at `--start`), and moves only with `next` and `advance`, ticking at each post,
reveal and reminder on the way. So a session plays the same way at any hour, and the
console needs no heartbeat of its own.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from adapters.console.chat import PLATFORM, ConsoleChat
from adapters.console.session import ConsoleSession
from bot.clock import ManualClock
from bot.services.context import Core

GREETING = "qotd console: one local channel. Type `help` for commands, `quit` to leave."


def _print(text: str) -> None:
    print(text, flush=True)


class ConsoleFrontEnd:
    """One local channel over `core`, driven by lines of text."""

    def __init__(
        self,
        core: Core,
        clock: ManualClock,
        *,
        pictures: Path | None = None,
        stdin: TextIO = sys.stdin,
        write: Callable[[str], None] = _print,
    ) -> None:
        self._session = ConsoleSession(core, clock, write, pictures)
        self._stdin = stdin
        self._write = write
        self._closed = False

    @property
    def chat(self) -> ConsoleChat:
        return self._session.chat

    @property
    def connected(self) -> bool:
        """The console is local: there is nothing to lose a connection to."""
        return True

    async def start(self, start: datetime | None, first_start: datetime) -> None:
        """Resume the saved clock (or start it), and make whatever fell due while closed.
        A start before the saved clock is refused with a QotdError."""
        await self._session.start(start, first_start)

    async def run(self) -> None:
        """Read commands until `quit`, end of input or `close`."""
        interactive = self._stdin.isatty()
        if interactive:
            self._write(GREETING)
        loop = asyncio.get_running_loop()
        while not self._closed:
            if interactive:
                print("> ", end="", flush=True)
            line = await loop.run_in_executor(None, self._stdin.readline)
            if not line or not await self._session.handle(line):
                return

    async def close(self) -> None:
        self._closed = True


def create_front_end(
    core: Core, clock: ManualClock, *, pictures: Path | None = None
) -> ConsoleFrontEnd:
    return ConsoleFrontEnd(core, clock, pictures=pictures)


__all__ = ["PLATFORM", "ConsoleFrontEnd", "create_front_end"]
