"""`qotd run --slack-http --port N`, started as a process, answers signed `/qotd` requests."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from tests.slack import signing
from tests.slack.checks import text_of
from tests.slack.fake_api import TOKEN, FakeSlack

QOTD = Path(sys.executable).parent / "qotd"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _wait_for_port(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(200):
        if process.returncode is not None:
            raise AssertionError(f"qotd exited with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError(f"qotd did not listen on port {port}")


async def test_qotd_run_slack_http_answers_a_signed_command(fake: FakeSlack, tmp_path):
    port = _free_port()
    fake.users[signing.user_id("admin")] = {"id": signing.user_id("admin"), "is_admin": True}
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": signing.SECRET,
        "QOTD_SLACK_API_URL": fake.api_url,
        "QOTD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'qotd.db'}",
        "QOTD_LOG_LEVEL": "WARNING",
    }
    for name in ("SLACK_APP_TOKEN", "QOTD_DISCORD_TOKEN", "DISCORD_TOKEN"):
        env.pop(name, None)
    process = await asyncio.create_subprocess_exec(
        str(QOTD),
        "run",
        "--slack-http",
        "--port",
        str(port),
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await _wait_for_port(port, process)
        body = signing.command(
            "schedule 09:00 Europe/Berlin mon-fri", "admin", fake.response_url("p")
        )
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"http://127.0.0.1:{port}/slack/events",
                data=body,
                headers=signing.signed_headers(body, signing.FORM),
            ) as response:
                assert response.status == 200
            forged = signing.signed_headers(body, signing.FORM, secret="wrong")
            async with session.post(
                f"http://127.0.0.1:{port}/slack/events", data=body, headers=forged
            ) as response:
                assert response.status == 401
        for _ in range(100):
            if fake.responses():
                break
            await asyncio.sleep(0.05)
        assert "09:00 Europe/Berlin weekdays" in text_of(fake.responses()[0])
        assert fake.called("auth.test"), "the token is checked at start"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()
