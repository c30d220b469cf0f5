"""The fake Slack Web API as its own process, the way a bench uses it: `qotd run` workers
point QOTD_SLACK_API_URL at it, and GET /_qotd/posts counts what each channel received."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from tests.slack import signing
from tests.slack.fake_api import TOKEN
from tests.slack.test_process import QOTD, _free_port, _wait_for_port

ROOT = Path(__file__).resolve().parents[2]
ADMIN = signing.user_id("admin")


@asynccontextmanager
async def _process(
    *args: str, env: dict[str, str] | None = None
) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        *args, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _get(url: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def _until_replies(url: str, count: int) -> dict:  # type: ignore[type-arg]
    """The fake's snapshot once the worker has sent `count` replies (its work follows the ack)."""
    for _ in range(200):
        _, posts = await _get(url)
        if len(posts["responses"]) >= count:
            return posts
        await asyncio.sleep(0.05)
    raise AssertionError(f"no reply {count} from the worker")


async def test_a_worker_posts_through_the_fake_run_as_a_script(tmp_path):
    fake_port, worker_port = _free_port(), _free_port()
    fake_script = (sys.executable, "-m", "tests.slack.fake_api", "--port", str(fake_port))
    async with _process(*fake_script, "--admin", ADMIN) as fake:
        assert fake.stdout is not None
        line = (await asyncio.wait_for(fake.stdout.readline(), 20)).decode()
        api_url = line.split(": ", 1)[1].strip()
        assert api_url == f"http://127.0.0.1:{fake_port}/api/"
        env = {
            **{k: v for k, v in os.environ.items() if "SLACK" not in k and "DISCORD" not in k},
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": signing.SECRET,
            "QOTD_SLACK_API_URL": api_url,
            "QOTD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'qotd.db'}",
            "QOTD_LOG_LEVEL": "WARNING",
        }
        worker_args = ("run", "--slack-http", "--port", str(worker_port))
        async with _process(str(QOTD), *worker_args, env=env) as worker:
            await _wait_for_port(worker_port, worker)
            events = f"http://127.0.0.1:{worker_port}/slack/events"
            async with aiohttp.ClientSession() as session:
                for number, text in enumerate(("schedule 09:00 UTC daily", "post-now"), 1):
                    body = signing.command(text, "admin", f"{api_url[:-4]}response/{number}")
                    headers = signing.signed_headers(body, signing.FORM)
                    async with session.post(events, data=body, headers=headers) as response:
                        assert response.status == 200
                    posts = await _until_replies(f"{api_url[:-4]}_qotd/posts", number)

            health, body = await _get(f"http://127.0.0.1:{worker_port}/healthz")
            assert health == 200 and body["ok"] is True

    channel = posts["channels"][signing.CHANNEL]
    assert channel["questions"] == 1 and channel["reveals"] == 0
    (question,) = channel["messages"]
    assert question["metadata"]["event_type"] == "qotd_post"
