"""Socket Mode: with an app token, qotd connects out over a WebSocket (no public URL) and
acknowledges each envelope."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from adapters.slack.runner import SlackFrontEnd
from tests.slack import signing
from tests.slack.checks import text_of
from tests.slack.harness import SlackHarness


async def test_a_command_arrives_over_socket_mode_and_is_acknowledged(slack: SlackHarness):
    command = dict(parse_qsl(signing.command("help", "alice", slack.fake.response_url("ws"))))
    slack.fake.socket_envelopes.append(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": command,
        }
    )
    front_end = SlackFrontEnd(slack.bolt, http=False, app_token="xapp-test")
    task = asyncio.create_task(front_end.run())
    try:
        for _ in range(200):
            if slack.fake.socket_acks and slack.fake.responses():
                break
            await asyncio.sleep(0.025)
        assert slack.fake.socket_acks[0]["envelope_id"] == "env-1"
        assert "/qotd schedule" in text_of(slack.fake.responses()[0])
        opened = slack.fake.called("apps.connections.open")
        assert opened and opened[0].token == "xapp-test"
    finally:
        await front_end.close()
        await asyncio.wait_for(task, 5)
