"""Slack fixtures: the fake Web API (which must end every test with no limit broken) and a
harness driving the real Bolt app against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from bot.services.context import Core
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    api = await FakeSlack().start()
    try:
        yield api
    finally:
        await api.stop()
    assert api.violations == [], api.violations


@pytest.fixture
def slack(core: Core, fake: FakeSlack) -> SlackHarness:
    clock = core.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # a Monday, after 09:00 UTC
    return SlackHarness(core, fake)
