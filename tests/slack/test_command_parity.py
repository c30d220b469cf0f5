"""Slack offers the whole command catalogue (bot/commands.py) as `/qotd` words, lists each in
`/qotd help`, and answers each one."""

from __future__ import annotations

from adapters.slack.commands import HANDLERS, HELP
from bot.commands import SLACK
from tests.contract.parity import check_each_runs, check_help, check_names


def test_slack_offers_the_catalogue():
    check_names(SLACK, HANDLERS)
    check_help(SLACK, HELP)


async def test_slack_answers_every_catalogue_command(slack):
    assert "09:00" in await slack.command("admin", "schedule 09:00 UTC daily")

    async def run(name: str) -> str:
        before = len(slack.fake.called("views.open"))
        reply = await slack.command("admin", name)
        # `schedule` and `suggest` alone open their forms instead of replying.
        opened = len(slack.fake.called("views.open")) > before
        return reply or ("(form opened)" if name in ("schedule", "suggest") and opened else "")

    await check_each_runs(SLACK, run, unknown="Unknown subcommand")
