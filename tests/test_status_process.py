"""`qotd run --http-port N`, started as a process with no platform credentials (so it runs the
console channel), serves /healthz and /metrics until it is told to quit."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import aiohttp

from tests.processes import WORK_LIMIT, deadline, free_port, stop, wait_until
from tests.scrape import parse, value

QOTD = Path(sys.executable).parent / "qotd"


async def _health(url: str) -> dict[str, Any] | None:
    """The /healthz body once it answers 200; None while nothing listens yet."""
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response,
        ):
            return await response.json() if response.status == 200 else None
    except aiohttp.ClientConnectionError:
        return None


async def test_qotd_run_serves_health_and_metrics_beside_the_console(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "QOTD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'qotd.db'}",
        "QOTD_PICTURES_DIR": str(tmp_path / "pictures"),
        "QOTD_CONSOLE_START": "2026-03-02T08:00Z",
        "QOTD_HTTP_HOST": "127.0.0.1",
    }
    for name in (
        "QOTD_DISCORD_TOKEN",
        "DISCORD_TOKEN",
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "QOTD_HTTP_PORT",
        "QOTD_CONTENT_DIR",
        "QOTD_DEFAULT_PACK",
    ):
        env.pop(name, None)
    process = await asyncio.create_subprocess_exec(
        str(QOTD),
        "run",
        "--http-port",
        str(port),
        env=env,
        cwd=tmp_path,
        stdin=asyncio.subprocess.PIPE,  # the console's input, open until the test says quit
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        body = await wait_until(
            lambda: _health(f"http://127.0.0.1:{port}/healthz"),
            what="/healthz to answer 200",
            process=process,
        )
        assert body["front_ends"] == {"console": "connected"} and body["scheduler"] == "off"
        async with (
            deadline(WORK_LIMIT, "/metrics"),
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/metrics") as response,
        ):
            assert response.status == 200
            samples = parse(await response.text())
        assert value(samples, "qotd_front_end_connected", platform="console") == 1
        assert value(samples, "qotd_answers_recorded_total") == 0

        assert process.stdin is not None
        process.stdin.write(b"quit\n")
        await process.stdin.drain()
        async with deadline(WORK_LIMIT, "the console to quit"):
            assert await process.wait() == 0
    finally:
        await stop(process)
