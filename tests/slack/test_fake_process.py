"""The fake Slack Web API as its own process, the way a bench uses it: `qotd run` workers
point QOTD_SLACK_API_URL at it, and GET /_qotd/posts counts what each channel received."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from tests.processes import (
    WORK_LIMIT,
    deadline,
    free_port,
    next_line,
    stop,
    wait_for_port,
    wait_until,
)
from tests.slack import signing
from tests.slack.fake_api import TOKEN
from tests.slack.test_process import never_due
from tests.slack.worker_process import QOTD

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
        await stop(process)


async def _get(url: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def _until_replies(
    url: str, count: int, worker: asyncio.subprocess.Process
) -> dict[str, Any]:
    """The fake's snapshot once the worker has sent `count` replies (its work follows the ack)."""

    async def snapshot() -> dict[str, Any] | None:
        _, posts = await _get(url)
        return posts if len(posts["responses"]) >= count else None

    return await wait_until(
        snapshot, what=f"reply {count} from the worker", limit=WORK_LIMIT, process=worker
    )


async def test_a_worker_posts_through_the_fake_run_as_a_script(tmp_path):
    fake_port, worker_port = free_port(), free_port()
    fake_script = (sys.executable, "-m", "tests.slack.fake_api", "--port", str(fake_port))
    async with _process(*fake_script, "--admin", ADMIN) as fake:
        assert fake.stdout is not None
        line = await next_line(fake.stdout, fake, what="the fake to print its URL")
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
            await wait_for_port(worker_port, worker, what="qotd run")
            events = f"http://127.0.0.1:{worker_port}/slack/events"
            # Only post-now posts: the schedule is not due while the test runs, at any hour.
            commands = (f"schedule {never_due('UTC')} UTC daily", "post-now")
            async with aiohttp.ClientSession() as session:
                for number, text in enumerate(commands, 1):
                    body = signing.command(text, "admin", f"{api_url[:-4]}response/{number}")
                    headers = signing.signed_headers(body, signing.FORM)
                    async with (
                        deadline(WORK_LIMIT, f"the worker to acknowledge /qotd {text}"),
                        session.post(events, data=body, headers=headers) as response,
                    ):
                        assert response.status == 200
                    posts = await _until_replies(f"{api_url[:-4]}_qotd/posts", number, worker)

            async with deadline(WORK_LIMIT, "the worker's /healthz"):
                health, report = await _get(f"http://127.0.0.1:{worker_port}/healthz")
            assert health == 200 and report["ok"] is True

    channel = posts["channels"][signing.CHANNEL]
    assert channel["questions"] == 1 and channel["reveals"] == 0
    (question,) = channel["messages"]
    assert question["metadata"]["event_type"] == "qotd_post"
