"""`qotd run --slack-http` stopped by SIGTERM in the middle of a fan-out: it exits 0, every
answer it acknowledged is saved, it holds no lease, and a second worker finishes the
fan-out at once, without waiting for any lease to run out."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bot.bootstrap import build_core
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.schedule import Schedule
from bot.services.access import Actor
from bot.services.subscriptions import schedule_channel
from bot.storage.database import Database
from bot.storage.tables import answers, posts
from tests.processes import WORK_LIMIT, deadline, free_port, stop, wait_until
from tests.slack import signing
from tests.slack.fake_api import FakeSlack, SendFaults
from tests.slack.worker_process import start_slack_http

CHANNELS = 12
ADMIN = Actor(MemberRef("slack", "UADMIN", "admin"), is_admin=True)


async def schedule_due_channels(database_url: str, schema: str | None) -> list[str]:
    """CHANNELS channels whose post time was half an hour ago (by the machine's clock, which
    the worker reads too): due as soon as a worker starts, at whatever hour the test runs."""
    database = Database(database_url, schema=schema)
    now = datetime.now(UTC)
    try:
        await database.upgrade()
        core = build_core(Settings(), database, clock=ManualClock(now - timedelta(hours=1)))
        post_time = (now - timedelta(minutes=30)).strftime("%H:%M")
        schedule = Schedule.parse(post_time, "UTC", "daily", "after 8h")
        channels = [f"C0STOP{number:02d}" for number in range(CHANNELS)]
        for channel in channels:
            await schedule_channel(
                core, ChannelRef("slack", signing.TEAM, channel), ADMIN, schedule
            )
    finally:
        await database.dispose()
    return channels


async def start_worker(
    fake: FakeSlack, database_url: str, schema: str | None, port: int, folder: Path
) -> asyncio.subprocess.Process:
    settings = {
        "QOTD_DATABASE_URL": database_url,
        "QOTD_TICK_SECONDS": "1",
        "QOTD_SEND_CONCURRENCY": "2",
        # Far longer than the test: the second worker must not be waiting for leases to end.
        "QOTD_LEASE_SECONDS": "3600",
    }
    if schema:
        settings["QOTD_DATABASE_SCHEMA"] = schema
    return await start_slack_http(fake, port, folder, **settings)


async def click_answers(port: int, fake: FakeSlack, count: int) -> int:
    """`count` members pick A on the first question posted; how many clicks were acked."""
    post = fake.posts()[0]
    buttons = {
        element["text"]["text"]: element["action_id"]
        for block in post["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }
    action = buttons["A"]

    async def click(session: aiohttp.ClientSession, number: int) -> bool:
        body = signing.block_action(
            f"member{number}",
            action,
            action.rsplit(":", 1)[-1],
            fake.response_url(f"stop{number}"),
            channel=post["channel"],
            message_ts=post["ts"],
        )
        async with session.post(
            f"http://127.0.0.1:{port}/slack/events",
            data=body,
            headers=signing.signed_headers(body, signing.FORM),
        ) as response:
            return response.status == 200

    async with aiohttp.ClientSession() as session:
        acked = await asyncio.gather(*(click(session, number) for number in range(count)))
    return sum(acked)


async def counted(database_url: str, schema: str | None) -> tuple[int, int]:
    """(answers saved, posts whose lease is still held)."""
    database = Database(database_url, schema=schema)
    try:
        async with database.read() as connection:
            saved = await connection.scalar(select(func.count()).select_from(answers))
            held = await connection.scalar(
                select(func.count()).select_from(posts).where(posts.c.lease_until.is_not(None))
            )
    finally:
        await database.dispose()
    return int(saved or 0), int(held or 0)


async def test_sigterm_mid_fan_out_exits_0_and_hands_the_rest_over(
    database_url, empty_database, tmp_path
):
    schema, _ = empty_database
    channels = await schedule_due_channels(database_url, schema)
    # Each question send takes half a second on the wire: the fan-out is under way for seconds.
    fake = await FakeSlack(send_faults=SendFaults(delay=0.5)).start()
    first = None
    second = None
    try:
        port = free_port()
        first = await start_worker(fake, database_url, schema, port, tmp_path)
        await wait_until(
            lambda: fake.posts()[:1], what="the first question", limit=WORK_LIMIT, process=first
        )
        acked = await click_answers(port, fake, 5)
        first.send_signal(signal.SIGTERM)
        async with deadline(60, "the worker to stop after SIGTERM"):
            code = await first.wait()
        assert code == 0, (await first.stderr.read()).decode() if first.stderr else code
        made_before = len(fake.posts())
        assert made_before < CHANNELS, "the signal came after the fan-out: nothing to hand over"
        saved, held = await counted(database_url, schema)
        assert (saved, held) == (acked, 0)

        second = await start_worker(fake, database_url, schema, free_port(), tmp_path)
        await wait_until(
            lambda: len(fake.posts()) >= CHANNELS or None,
            what="the second worker to finish the fan-out",
            limit=WORK_LIMIT,
            process=second,
        )
        second.send_signal(signal.SIGTERM)
        async with deadline(60, "the second worker to stop"):
            assert await second.wait() == 0
        posted = sorted(message["channel"] for message in fake.posts())
        assert posted == sorted(channels)  # every channel once: no duplicate, no miss
    finally:
        for process in (first, second):
            if process is not None:
                await stop(process)
        await fake.stop()
