"""Run the console channel on standard input and output.

The console keeps its own clock: it starts where the last session on the same database
stopped (or at `--start`), and moves only with `next` and `advance`, so a session plays the
same way at any hour.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from adapters.console.chat import PLATFORM
from adapters.console.session import ConsoleSession
from bot.clock import ManualClock
from bot.services.context import Core

GREETING = "qotd console: one local channel. Type `help` for commands, `quit` to leave."


async def run(
    core: Core,
    clock: ManualClock,
    *,
    start: datetime | None,
    first_start: datetime,
    pictures: Path | None = None,
    stdin: TextIO = sys.stdin,
) -> int:
    """Read commands until `quit` or end of input."""
    interactive = stdin.isatty()

    def write(text: str) -> None:
        print(text, flush=True)

    session = ConsoleSession(core, clock, write, pictures)
    await session.start(start, first_start)  # and whatever fell due while it was closed
    if interactive:
        write(GREETING)
    loop = asyncio.get_running_loop()
    while True:
        if interactive:
            print("> ", end="", flush=True)
        line = await loop.run_in_executor(None, stdin.readline)
        if not line or not await session.handle(line):
            return 0


__all__ = ["PLATFORM", "run"]
