"""The shared daily-loop scenario, played through slack-bolt and the fake Slack API."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.identity import ChannelRef
from tests.contract.scenario import play_daily_loop
from tests.slack.checks import text_of
from tests.slack.fake_api import TEAM
from tests.slack.harness import SlackHarness
from tests.slack.signing import CHANNEL


class SlackDriver:
    def __init__(self, harness: SlackHarness) -> None:
        self.harness = harness
        self.core = harness.core
        self.channel = ChannelRef("slack", TEAM, CHANNEL)

    async def schedule(
        self, admin: str, post_time: str, timezone: str, days: str, reveal: str
    ) -> str:
        return await self.harness.command(
            admin, f"schedule {post_time} {timezone} {days} reveal {reveal}"
        )

    async def advance(self, delta: timedelta) -> None:
        await self.harness.advance(delta)

    async def pick(self, member: str, letter: str) -> str:
        return await self.harness.pick(member, letter)

    async def write(self, member: str, text: str) -> str:
        return await self.harness.write(member, text)

    async def leaderboard(self, member: str) -> str:
        return await self.harness.command(member, "leaderboard")

    async def streak(self, member: str) -> str:
        return await self.harness.command(member, "streak")

    def posts(self) -> list[str]:
        return [text_of(post) for post in self.harness.fake.posts()]

    def reveals(self) -> list[str]:
        fake = self.harness.fake
        return [
            "\n".join(text_of(message) for message in fake.thread(post["ts"]))
            for post in fake.posts()
            if fake.thread(post["ts"])
        ]


async def test_the_daily_loop_on_slack(slack: SlackHarness) -> None:
    await play_daily_loop(SlackDriver(slack))
