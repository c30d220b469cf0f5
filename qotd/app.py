"""Starting qotd: the console channel, or every front end whose credentials are set."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.bootstrap import keep_start_up_out_of_collections, open_core
from bot.clock import ManualClock, SystemClock
from bot.config import Settings
from bot.http_server import serving_status
from bot.ports import Chat, FrontEnd
from bot.scheduler import Heartbeat
from bot.services.context import Core
from qotd.shutdown import StopSignals, shut_down

log = logging.getLogger(__name__)
# How long closed front ends get to finish their run() on the way out.
FRONT_ENDS_DEADLINE_S = 10.0

NO_PLATFORM = """\
No Discord or Slack credentials are set, so qotd starts its local console channel.
  Discord: set QOTD_DISCORD_TOKEN (the bot token from the Developer Portal).
  Slack:   set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (and SLACK_APP_TOKEN for Socket Mode).
"""


async def run_console(settings: Settings) -> int:
    from adapters.console.app import create_front_end as console_front_end

    # The console's clock is its own: it resumes from the database, or starts at
    # QOTD_CONSOLE_START / --start, or at this minute of the wall clock on a first start.
    first_start = SystemClock().now().replace(second=0, microsecond=0)
    clock = ManualClock(datetime(1970, 1, 1, tzinfo=UTC))
    async with open_core(settings, clock=clock) as core:
        console = console_front_end(core, clock, pictures=settings.pictures_dir)
        await console.start(settings.console_start, first_start)
        # The console ticks as its clock moves (`next`, `advance`): no heartbeat.
        async with serving_status(core, settings.http_port, settings.http_host):
            return await serve(core, {"console": console}, tick_seconds=None)


def wanted_front_ends(
    settings: Settings, *, slack_http: bool, port: int
) -> dict[str, dict[str, Any]]:
    """The front ends the settings enable, with their options."""
    wanted: dict[str, dict[str, Any]] = {}
    if settings.discord_enabled:
        wanted["discord"] = {}
    if settings.slack_enabled or slack_http:
        wanted["slack"] = {"http": slack_http, "port": port}
    return wanted


def create_front_end(
    name: str, core: Core, settings: Settings, options: dict[str, Any]
) -> FrontEnd:
    """The named front end over `core`. Each platform's library loads only when it is used."""
    if name == "discord":
        from adapters import discord

        return discord.create_front_end(core, settings, **options)
    from adapters import slack

    return slack.create_front_end(core, settings, **options)


async def run_bot(settings: Settings, *, slack_http: bool = False, port: int = 3000) -> int:
    """Start the configured front ends; with none configured, the console channel."""
    wanted = wanted_front_ends(settings, slack_http=slack_http, port=port)
    if not wanted:
        print(NO_PLATFORM, file=sys.stderr)
        return await run_console(settings)
    async with open_core(settings) as core:
        front_ends = {
            name: create_front_end(name, core, settings, options)
            for name, options in wanted.items()
        }
        async with serving_status(core, settings.http_port, settings.http_host):
            return await serve(core, front_ends, settings.tick_seconds)


async def serve(core: Core, front_ends: Mapping[str, FrontEnd], tick_seconds: float | None) -> int:
    """Run the front ends, and one heartbeat ticking every `tick_seconds` for all of them,
    until they all stop or SIGTERM/SIGINT stops the worker (see qotd/shutdown.py); close
    every one on the way out. 0 when stopped by a signal or at least one ran to its end, 1
    when all failed. A front end that dies leaves the heartbeat's chats."""
    chats: dict[str, Chat] = {
        front_end.chat.platform: front_end.chat for front_end in front_ends.values()
    }
    core.metrics.watch_front_ends(front_ends)  # for /healthz and /metrics
    heartbeat = Heartbeat(core, chats, tick_seconds) if tick_seconds else None
    keep_start_up_out_of_collections()
    if heartbeat is not None:
        heartbeat.start()
    running = asyncio.ensure_future(
        asyncio.gather(
            *(_supervise(name, front_end, chats) for name, front_end in front_ends.items())
        )
    )
    with StopSignals() as stop:
        stopping = asyncio.ensure_future(stop.requested.wait())
        try:
            either: set[asyncio.Future[Any]] = {running, stopping}
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
            if stop.requested.is_set():
                await shut_down(core, heartbeat, front_ends)
                # Each front end's run() returns once it is closed.
                await asyncio.wait({running}, timeout=FRONT_ENDS_DEADLINE_S)
                return 0
            outcomes = running.result()
        finally:
            stopping.cancel()
            if not running.done():
                running.cancel()
            if heartbeat is not None:
                heartbeat.stop()
            for front_end in front_ends.values():
                await front_end.close()
    return 0 if any(outcomes) else 1


async def _supervise(name: str, front_end: FrontEnd, chats: dict[str, Chat]) -> bool:
    """Run one front end; if it dies, log one line and leave the others running."""
    try:
        await front_end.run()
    except asyncio.CancelledError:
        raise
    except Exception as error:
        chats.pop(front_end.chat.platform, None)
        log.error("the %s front end stopped: %s", name, error)
        return False
    return True
