"""The console offers the whole command catalogue (bot/commands.py)."""

from __future__ import annotations

from adapters.console.session import HELP, ConsoleSession
from bot.commands import CONSOLE
from tests.contract.parity import check_each_runs, check_help, check_names


def test_the_console_offers_the_catalogue(core):
    session = ConsoleSession(core, core.clock, lambda _: None)
    check_names(CONSOLE, session.command_names)
    check_help(CONSOLE, HELP)


async def test_the_console_takes_every_catalogue_command(core):
    output: list[str] = []
    session = ConsoleSession(core, core.clock, output.append)
    await session.handle("schedule 09:00 UTC daily")

    async def run(name: str) -> str:
        start = len(output)
        await session.handle(name)
        return "\n".join(output[start:])

    await check_each_runs(CONSOLE, run, unknown="unknown command")
