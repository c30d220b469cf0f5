"""`qotd run --slack-http --port N`, started as a process, answers signed `/qotd` requests."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp

from tests.processes import WORK_LIMIT, deadline, free_port, stop, wait_until
from tests.slack import signing
from tests.slack.checks import text_of
from tests.slack.fake_api import FakeSlack
from tests.slack.worker_process import start_slack_http


def never_due(timezone: str) -> str:
    """A post time 12 hours from now in `timezone`: the process's own clock (the same wall
    clock) finds nothing due while the test runs, whatever the hour."""
    return (datetime.now(ZoneInfo(timezone)) + timedelta(hours=12)).strftime("%H:%M")


async def test_qotd_run_slack_http_answers_a_signed_command(fake: FakeSlack, tmp_path):
    port = free_port()
    fake.users[signing.user_id("admin")] = {"id": signing.user_id("admin"), "is_admin": True}
    process = await start_slack_http(
        fake, port, tmp_path, QOTD_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'qotd.db'}"
    )
    post_time = never_due("Europe/Berlin")
    try:
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
