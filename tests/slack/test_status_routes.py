"""The Slack HTTP server serves /metrics beside /slack/events, and its /healthz makes the same
checks as the status server (every check named in the body)."""

from __future__ import annotations

import asyncio

import aiohttp
from prometheus_client import CONTENT_TYPE_LATEST

from adapters.slack.runner import SlackFrontEnd
from tests.processes import WORK_LIMIT, deadline
from tests.scrape import parse, value
from tests.slack.harness import SlackHarness, serving


async def test_the_slack_server_serves_metrics_and_the_shared_health_checks(slack: SlackHarness):
    slack.core.metrics.reveal_failed("slack")
    async with (
        serving(slack) as events_url,
        deadline(WORK_LIMIT, "the Slack server's /metrics and /healthz"),
        aiohttp.ClientSession() as session,
    ):
        base = events_url.removesuffix("/slack/events")
        async with session.get(f"{base}/metrics") as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == CONTENT_TYPE_LATEST
            samples = parse(await response.text())
        async with session.get(f"{base}/healthz") as response:
            status, body = response.status, await response.json()

    assert value(samples, "qotd_reveals_total", platform="slack", outcome="failed") == 1
    assert status == 200
    assert body["failed"] == [] and body["database"] == "ok" and "front_ends" in body


async def test_the_slack_front_end_is_connected_while_it_serves(slack: SlackHarness):
    front_end = SlackFrontEnd(slack.bolt, http=True, port=0, host="127.0.0.1")
    assert front_end.connected is False  # the token is not checked yet
    task = asyncio.create_task(front_end.run())
    async with deadline(WORK_LIMIT, "the Slack front end to serve HTTP"):
        await front_end.ready.wait()
    assert front_end.connected is True

    await front_end.close()
    await task
    assert front_end.connected is False
