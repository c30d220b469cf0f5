"""Secrets never reach logs or replies: a realistic session of the Slack front end, with a
forged request, a Slack outage and a revoked token, logged at DEBUG."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta

import aiohttp

from adapters.slack import build_bolt
from adapters.slack.runner import SlackFrontEnd
from bot.services import posting
from bot.services.subscriptions import channel_status
from tests.slack import signing
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import CHANNEL_REF

BOT_TOKEN = "xoxb-4242-SECRET-bot-token-do-not-log"
SIGNING_SECRET = "SECRET-signing-secret-do-not-log"
SECRETS = (BOT_TOKEN, SIGNING_SECRET, "do-not-log")


async def _send(session: aiohttp.ClientSession, url: str, body: str, secret: str) -> int:
    headers = signing.signed_headers(body, signing.FORM, secret=secret)
    async with session.post(url, data=body, headers=headers) as response:
        return response.status


async def test_a_session_with_failures_logs_and_replies_without_any_secret(
    core, fake: FakeSlack, caplog
):
    caplog.set_level(logging.DEBUG)
    fake.token = BOT_TOKEN
    fake.users[signing.user_id("admin")] = {"id": signing.user_id("admin"), "is_admin": True}
    core.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    bolt = build_bolt(
        core, api_url=fake.api_url, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET
    )
    front_end = SlackFrontEnd(bolt, http=True, port=0, host="127.0.0.1")
    task = asyncio.create_task(front_end.run())
    await asyncio.wait_for(front_end.ready.wait(), 5)
    url = f"http://127.0.0.1:{front_end.port_bound}/slack/events"
    try:
        async with aiohttp.ClientSession() as session:
            for user, text in (
                ("admin", "schedule 09:00 UTC daily"),
                ("alice", "help"),
                ("alice", "dance"),
                ("alice", "pause"),
                ("alice", "remind 07:00 Nowhere/Land"),
            ):
                body = signing.command(text, user, fake.response_url(text.split()[0]))
                assert await _send(session, url, body, SIGNING_SECRET) == 200
            forged = signing.command("help", "mallory", fake.response_url("forged"))
            assert await _send(session, url, forged, "guessed-secret") == 401
            await bolt.idle()

        for _ in range(3):  # the first call and both in-process retries
            fake.fail("chat.postMessage", "internal_error", status=500)
        core.clock.set(datetime(2026, 3, 3, 9, 0, 30, tzinfo=UTC))
        await posting.tick(core, bolt.chats)  # Slack is down: retried later
        fake.revoked = True
        core.clock.advance(timedelta(minutes=5))
        await posting.tick(core, bolt.chats)  # the token is revoked: the channel pauses
    finally:
        await front_end.close()
        await task

    status = await channel_status(core, CHANNEL_REF)
    assert status.subscription.paused and "token_revoked" in (
        status.subscription.pause_reason or ""
    )
    assert "internal_error" in caplog.text  # the failures were logged ...
    debug = {r.name.split(".")[0] for r in caplog.records if r.levelno == logging.DEBUG}
    assert {"slack_sdk", "slack_bolt"} <= debug  # ... with the libraries' request logs ...
    replies = json.dumps([call.args for call in fake.calls])
    assert "Only admins" in replies and "Unknown subcommand" in replies
    for secret in SECRETS:  # ... and nothing secret was
        assert secret not in caplog.text
        assert secret not in replies
        assert secret not in (status.subscription.pause_reason or "")
