"""Discord offers the whole command catalogue (bot/commands.py) as /qotd subcommands, with the
catalogue's summaries as their descriptions, and answers each one."""

from __future__ import annotations

from adapters.discord.commands import build_group
from adapters.discord.errors import GENERIC
from adapters.discord.member_commands import HELP
from bot.commands import DISCORD, summary
from tests.contract.parity import check_each_runs, check_help, check_names


def test_discord_offers_the_catalogue_with_its_summaries():
    commands = build_group().commands
    check_names(DISCORD, (command.name for command in commands))
    check_help(DISCORD, HELP)
    assert {command.name: command.description for command in commands} == {
        command.name: summary(command.name) for command in commands
    }


# Discord always sends a command's required options: a value for each, as a member would type.
REQUIRED = {"question": "no-such-question", "time": "off"}


async def test_discord_answers_every_catalogue_command(bot):
    assert (
        "Scheduled"
        in (await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")).text
    )
    commands = {command.name: command for command in build_group().commands}

    async def run(name: str) -> str:
        required = {
            parameter.name: REQUIRED[parameter.name]
            for parameter in commands[name].parameters
            if parameter.required
        }
        return (await bot.command(name, "admin", admin=True, **required)).text

    await check_each_runs(DISCORD, run, unknown=GENERIC)
