"""Starting qotd: the console channel, or every front end whose credentials are set."""

from __future__ import annotations

import logging
import sys

from bot.bootstrap import open_core
from bot.clock import OffsetClock
from bot.config import Settings
from bot.errors import QotdError

log = logging.getLogger(__name__)

NO_PLATFORM = """\
No Discord or Slack credentials are set, so qotd starts its local console channel.
  Discord: set QOTD_DISCORD_TOKEN (the bot token from the Developer Portal).
  Slack:   set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (and SLACK_APP_TOKEN for Socket Mode).
"""


async def run_console(settings: Settings) -> int:
    from adapters.console.app import run

    clock = OffsetClock()
    async with open_core(settings, clock=clock) as core:
        return await run(core, clock, settings.tick_seconds)


async def run_bot(settings: Settings, *, slack_http: bool = False, port: int = 3000) -> int:
    """Start the configured front ends; with none configured, the console channel."""
    missing = [
        name
        for name, enabled in (
            ("Discord", settings.discord_enabled),
            ("Slack", settings.slack_enabled or slack_http),
        )
        if enabled
    ]
    if missing:
        raise QotdError(
            f"{' and '.join(missing)} credentials are set, but this build of qotd has no "
            f"{' or '.join(missing)} front end yet. Unset them to use the console channel."
        )
    print(NO_PLATFORM, file=sys.stderr)
    del port
    return await run_console(settings)
