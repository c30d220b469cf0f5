"""Acknowledgement benchmark (not a test): how soon each front end answers a member's click.

Run: python bench/ack.py [-n 200]   (seconds; uses a temporary folder and local fakes)

Both platforms give a bot 3 seconds to acknowledge an interaction, and qotd acknowledges
before any core work. This drives the real front ends against the fake platform APIs the
tests use, one answer click at a time on the day's question (each by a new member), and
waits for the click's work to finish before the next one, so every figure is one ack alone.

Last line: slack_ack_p50_ms=<a> slack_ack_p99_ms=<b> discord_defer_p50_ms=<c>
discord_defer_p99_ms=<d> n=<n>
- slack_ack_*: a signed block_actions POST to the front end's own HTTP server (the slack-bolt
  app in HTTP mode), from sending the request to reading Slack's 200.
- discord_defer_*: an interaction handed to discord.py (as the gateway would) until the fake
  Discord API receives the bot's deferral callback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.slack.runner import SlackFrontEnd  # noqa: E402
from bot.bootstrap import build_core  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.content.loader import load_library  # noqa: E402
from bot.services.context import Core  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from tests.discord import payloads  # noqa: E402
from tests.discord.fake_api import FakeDiscord  # noqa: E402
from tests.discord.harness import TOKEN as DISCORD_TOKEN  # noqa: E402
from tests.discord.harness import DiscordBot, custom_ids, settings, settle  # noqa: E402
from tests.slack import signing  # noqa: E402
from tests.slack.fake_api import FakeSlack  # noqa: E402
from tests.slack.harness import SlackHarness  # noqa: E402

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, after a 09:00 UTC post time


async def open_core(folder: Path, name: str) -> tuple[Core, Database]:
    """A core on a fresh SQLite file, on a clock the bench sets, with the sample pack."""
    database = Database(f"sqlite+aiosqlite:///{folder / name}")
    await database.upgrade()
    config = settings()
    library = load_library(config.content_dir)
    return build_core(config, database, clock=ManualClock(START), library=library), database


async def slack_acks(folder: Path, count: int) -> list[float]:
    core, database = await open_core(folder, "slack.db")
    fake = await FakeSlack().start()
    slack = SlackHarness(core, fake)
    front_end = SlackFrontEnd(slack.bolt, http=True, port=0, host="127.0.0.1")
    serving = asyncio.create_task(front_end.run())
    timings = []
    try:
        await slack.command("admin", "schedule 09:00 UTC daily")
        await slack.advance(timedelta(days=1))
        post = slack.last_post()
        action_id = slack.post_buttons(post)["A"]
        await asyncio.wait_for(front_end.ready.wait(), 60)
        url = f"http://127.0.0.1:{front_end.port_bound}/slack/events"
        async with aiohttp.ClientSession() as session:
            for number in range(count):
                reply_to = fake.response_url(f"bench{number}")
                body = signing.block_action(
                    f"m{number}", action_id, "A", reply_to, message_ts=post["ts"]
                )
                headers = signing.signed_headers(body, signing.FORM)
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                timings.append((time.perf_counter() - started) * 1000)
                if response.status != 200:
                    raise SystemExit(f"Slack click {number} got HTTP {response.status}")
                await slack.bolt.idle()
    finally:
        await front_end.close()
        await serving
        await fake.stop()
        await database.dispose()
    return timings


async def discord_defers(folder: Path, count: int) -> list[float]:
    core, database = await open_core(folder, "discord.db")
    # Back-to-back clicks are a burst of members, not the bot's own sends: no global limit.
    fake = FakeDiscord(global_limit=None, token=DISCORD_TOKEN)
    discord.http.Route.BASE = await fake.start()
    acked_at: dict[str, float] = {}
    callback = fake._callback

    async def timed_callback(body: Any, query: Any, interaction_id: str, token: str) -> Any:
        acked_at.setdefault(token, time.perf_counter())
        return await callback(body, query, interaction_id, token)

    fake._callback = timed_callback  # type: ignore[method-assign]
    bot = DiscordBot(core, fake)
    await bot.start()
    timings = []
    try:
        await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")
        await bot.advance(timedelta(days=1))
        post = bot.posts()[-1]
        button = next(item for item in custom_ids(post) if item.endswith(":A"))
        for number in range(count):
            payload = payloads.click(post, button, f"m{number}")
            fake.expect(payload, asyncio.get_running_loop().time())
            started = time.perf_counter()
            bot.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
            await settle()
            if payload["token"] not in acked_at:
                raise SystemExit(f"Discord click {number} was never acknowledged")
            timings.append((acked_at[payload["token"]] - started) * 1000)
    finally:
        await bot.close()
        await fake.close()
        await database.dispose()
    if fake.violations:
        raise SystemExit(f"the fake Discord API saw broken limits: {fake.violations}")
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        slack = await slack_acks(folder, count)
        print(
            f"Slack ack over HTTP, {count} clicks: p50 {percentile(slack, 0.5):.1f} ms, "
            f"p99 {percentile(slack, 0.99):.1f} ms, max {max(slack):.1f} ms"
        )
        discord_ = await discord_defers(folder, count)
        print(
            f"Discord defer, {count} clicks: p50 {percentile(discord_, 0.5):.1f} ms, "
            f"p99 {percentile(discord_, 0.99):.1f} ms, max {max(discord_):.1f} ms"
        )
        print(
            f"slack_ack_p50_ms={percentile(slack, 0.5):.1f} "
            f"slack_ack_p99_ms={percentile(slack, 0.99):.1f} "
            f"discord_defer_p50_ms={percentile(discord_, 0.5):.1f} "
            f"discord_defer_p99_ms={percentile(discord_, 0.99):.1f} n={count}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="clicks per front end (default 200)")
    asyncio.run(main(parser.parse_args().n))
