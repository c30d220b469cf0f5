"""Run the console channel on standard input and output."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from adapters.console.chat import PLATFORM
from adapters.console.session import ConsoleSession
from bot.clock import OffsetClock
from bot.scheduler import Heartbeat
from bot.services.context import Core

GREETING = "qotd console: one local channel. Type `help` for commands, `quit` to leave."


async def run(
    core: Core,
    clock: OffsetClock,
    tick_seconds: float,
    pictures: Path | None = None,
    stdin: TextIO = sys.stdin,
) -> int:
    """Read commands until `quit` or end of input; the heartbeat runs alongside."""
    interactive = stdin.isatty()

    def write(text: str) -> None:
        print(text, flush=True)

    session = ConsoleSession(core, clock, write, pictures)
    heartbeat = Heartbeat(core, session.chats, tick_seconds)
    heartbeat.start()
    try:
        if interactive:
            write(GREETING)
        await heartbeat.beat()  # reveals and posts missed while the console was closed
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                print("> ", end="", flush=True)
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                break
            if not await session.handle(line):
                break
    finally:
        heartbeat.stop()
    return 0


__all__ = ["PLATFORM", "run"]
