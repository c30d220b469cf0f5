"""`qotd run --slack-http` as a process of its own, against a fake Slack Web API."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.processes import wait_for_port
from tests.slack import signing
from tests.slack.fake_api import TOKEN, FakeSlack

QOTD = Path(sys.executable).parent / "qotd"
# Settings of the developer's environment that would add a front end or a server.
UNWANTED = ("SLACK_APP_TOKEN", "QOTD_DISCORD_TOKEN", "DISCORD_TOKEN", "QOTD_HTTP_PORT")


async def start_slack_http(
    fake: FakeSlack, port: int, folder: Path, **settings: str
) -> asyncio.subprocess.Process:
    """The worker on `port`, once it listens; `settings` are extra environment variables."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": signing.SECRET,
        "QOTD_SLACK_API_URL": fake.api_url,
        "QOTD_LOG_LEVEL": "WARNING",
        **settings,
    }
    for name in UNWANTED:
        env.pop(name, None)
    process = await asyncio.create_subprocess_exec(
        str(QOTD),
        "run",
        "--slack-http",
        "--port",
        str(port),
        env=env,
        cwd=folder,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    await wait_for_port(port, process, what="qotd run")
    return process
