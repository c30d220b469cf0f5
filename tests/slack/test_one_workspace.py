"""With one bot token from the environment, a burst of requests right after a start asks
Slack who the bot is once (auth.test), not once per request."""

from __future__ import annotations

import asyncio

from adapters.slack import create_front_end
from bot.config import load_settings
from tests.slack import signing
from tests.slack.fake_api import TOKEN, FakeSlack
from tests.slack.harness import SlackHarness


async def test_a_burst_on_a_fresh_start_calls_auth_test_once(core, fake: FakeSlack):
    settings = load_settings(
        slack_bot_token=TOKEN, slack_signing_secret=signing.SECRET, slack_api_url=fake.api_url
    )
    front_end = create_front_end(core, settings, http=True, port=0)
    slack = SlackHarness(core, fake, bolt=front_end.bolt)

    bodies = [
        signing.command("help", f"member{number}", fake.response_url(f"help{number}"))
        for number in range(20)
    ]
    responses = await asyncio.gather(*(slack.send(body, signing.FORM) for body in bodies))

    assert [response.status for response in responses] == [200] * 20
    assert len(fake.called("auth.test")) == 1
    assert len(fake.responses()) == 20  # every request was authorized and answered
