"""Slack's requests over HTTP: signatures are verified, stale or forged requests get 401,
every request is acknowledged at once, and a retried event is recorded once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.slack import commands
from bot.services.subscriptions import channel_status
from tests.processes import WORK_LIMIT, deadline
from tests.slack import signing
from tests.slack.fake_api import BOT_USER, TEAM
from tests.slack.harness import CHANNEL_REF, SlackHarness, serving


@pytest.fixture
async def server(slack: SlackHarness) -> AsyncIterator[str]:
    async with serving(slack) as url:
        yield url


async def _post(url: str, body: str, headers: dict[str, str]) -> int:
    async with (
        deadline(WORK_LIMIT, f"an answer to a request to {url}"),
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        await response.read()
        return response.status


async def test_a_signed_command_over_http_is_acknowledged_before_its_work_is_done(
    slack, server, monkeypatch
):
    # The command's work is held until the test lets it go: Slack must have had its 200 by then.
    release = asyncio.Event()
    real_run = commands.run

    async def held_run(invocation, text):
        await release.wait()
        return await real_run(invocation, text)

    monkeypatch.setattr(commands, "run", held_run)
    body = signing.command("help", "alice", slack.fake.response_url("http"))

    status = await _post(server, body, signing.signed_headers(body, signing.FORM))

    assert status == 200
    assert slack.fake.responses() == []  # the work has not run yet
    release.set()
    async with deadline(WORK_LIMIT, "the command's work after the acknowledgement"):
        await slack.bolt.idle()
    (reply,) = slack.fake.responses()
    assert "/qotd schedule" in str(reply)


async def test_a_bad_signature_is_refused_with_401(slack, server):
    body = signing.command("help", "alice", slack.fake.response_url("forged"))
    headers = signing.signed_headers(body, signing.FORM, secret="not-the-secret")

    status = await _post(server, body, headers)

    assert status == 401
    assert slack.fake.responses() == []


async def test_a_stale_timestamp_is_refused_with_401(slack, server):
    body = signing.command("help", "alice", slack.fake.response_url("stale"))
    old = int(time.time()) - 10 * 60
    headers = signing.signed_headers(body, signing.FORM, timestamp=old)

    status = await _post(server, body, headers)

    assert status == 401
    assert slack.fake.responses() == []


async def test_a_retried_event_is_recorded_once(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    removed = {
        "type": "member_left_channel",
        "user": BOT_USER,
        "channel": signing.CHANNEL,
        "team": TEAM,
    }

    await slack.event(removed, event_id="Ev0REMOVED")
    assert (await channel_status(slack.core, CHANNEL_REF)).subscription.paused
    await slack.command("admin", "resume")
    response = await slack.event(removed, event_id="Ev0REMOVED", retry_num=1)

    assert response.status == 200
    assert not (await channel_status(slack.core, CHANNEL_REF)).subscription.paused


async def test_a_retried_home_event_publishes_the_home_tab_once(slack):
    opened = {"type": "app_home_opened", "user": signing.user_id("alice"), "tab": "home"}

    await slack.event(opened, event_id="Ev0HOME")
    await slack.event(opened, event_id="Ev0HOME", retry_num=1)
    await slack.event(opened, event_id="Ev0HOME", retry_num=2)

    assert len(slack.fake.called("views.publish")) == 1


async def test_another_member_leaving_does_not_pause_the_channel(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")

    await slack.event(
        {"type": "member_left_channel", "user": signing.user_id("bob"), "channel": signing.CHANNEL}
    )

    assert not (await channel_status(slack.core, CHANNEL_REF)).subscription.paused
