"""`qotd run --slack-http --port N`, started as a process, answers signed `/qotd` requests."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from tests.processes import WORK_LIMIT, deadline, free_port, stop, wait_for_port, wait_until
from tests.slack import signing
from tests.slack.checks import text_of
from tests.slack.fake_api import TOKEN, FakeSlack

QOTD = Path(sys.executable).parent / "qotd"


def never_due(timezone: str) -> str:
    """A post time 12 hours from now in `timezone`: the process's own clock (the same wall
    clock) finds nothing due while the test runs, whatever the hour."""
    return (datetime.now(ZoneInfo(timezone)) + timedelta(hours=12)).strftime("%H:%M")


async def test_qotd_run_slack_http_answers_a_signed_command(fake: FakeSlack, tmp_path):
    port = free_port()
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
    post_time = never_due("Europe/Berlin")
    try:
        await wait_for_port(port, process, what="qotd run")
        body = signing.command(
            f"schedule {post_time} Europe/Berlin mon-fri", "admin", fake.response_url("p")
        )
        events = f"http://127.0.0.1:{port}/slack/events"
        async with (
            deadline(WORK_LIMIT, "qotd run to answer two /qotd requests"),
            aiohttp.ClientSession() as session,
        ):
            async with session.post(
                events, data=body, headers=signing.signed_headers(body, signing.FORM)
            ) as response:
                assert response.status == 200
            forged = signing.signed_headers(body, signing.FORM, secret="wrong")
            async with session.post(events, data=body, headers=forged) as response:
                assert response.status == 401
        (reply,) = await wait_until(
            fake.responses,
            what="the reply to /qotd schedule",
            limit=WORK_LIMIT,
            process=process,
        )
        assert f"{post_time} Europe/Berlin weekdays" in text_of(reply)
        assert fake.called("auth.test"), "the token is checked at start"
        assert fake.called("chat.postMessage") == [], "nothing was due"
    finally:
        await stop(process)
