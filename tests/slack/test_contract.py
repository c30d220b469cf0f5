"""The shared scenarios (the daily loop, the suggestion loop), played through slack-bolt and
the fake Slack API."""

from __future__ import annotations

from datetime import timedelta

from bot.domain import action_ids
from bot.domain.identity import ChannelRef
from bot.domain.question_form import QuestionForm
from tests.contract.scenario import play_daily_loop
from tests.contract.suggestion_scenario import play_suggestion_loop
from tests.contract.vote_scenario import play_vote_loop
from tests.slack import suggesting
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


class SlackVoteDriver(SlackDriver):
    """The best-answer loop: a vote is a click on the "Vote: <name>" button under the reveal."""

    async def vote(self, member: str, author: str) -> str:
        fake = self.harness.fake
        post = next(post for post in reversed(fake.posts()) if fake.thread(post["ts"]))
        button = next(
            element
            for message in fake.thread(post["ts"])
            for block in message["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
            if action_ids.VOTE.match(element["action_id"])
            and element["text"]["text"] == f"Vote: {author}"
        )
        return await self.harness.click(member, button["action_id"])


class SlackSuggestionDriver(SlackDriver):
    """The suggestion loop through Slack's forms and buttons: `/qotd suggest` opens the form,
    the admin's Edit and Accept are the buttons of `/qotd suggestions`."""

    async def suggest(self, member: str, form: QuestionForm) -> str:
        return await suggesting.suggest(self.harness, member, form)

    async def review_queue(self, admin: str) -> str:
        return await self.harness.command(admin, "suggestions")

    async def accept_with_edit(self, admin: str, number: int, changes: dict[str, str]) -> str:
        saved = await suggesting.edit(self.harness, admin, number, changes)
        assert "Saved your changes" in saved, saved
        return await suggesting.click_suggestion(self.harness, admin, "accept", number)

    async def use_group_questions_only(self, admin: str) -> str:
        return await self.harness.command(admin, "questions source 1")

    def private_notices(self, member: str) -> list[str]:
        return suggesting.dms(self.harness, member)

    def posts(self) -> list[str]:
        """The channel's own posts (the bot's DMs are top-level messages too)."""
        return [
            text_of(post)
            for post in self.harness.fake.posts()
            if post.get("channel") == self.channel.channel_id
        ]


async def test_the_daily_loop_on_slack(slack: SlackHarness) -> None:
    await play_daily_loop(SlackDriver(slack))


async def test_the_suggestion_loop_on_slack(slack: SlackHarness) -> None:
    await play_suggestion_loop(SlackSuggestionDriver(slack))
    post = slack.fake.posts()[-1]
    # The hostile name is shown as text: escaped, never a mention or a mass ping.
    assert "Suggested by Ada @\u2060everyone" in text_of(post)
    assert "<!everyone>" not in str(post) and "<@" not in str(post["blocks"])


async def test_the_vote_loop_on_slack(slack: SlackHarness) -> None:
    await play_vote_loop(SlackVoteDriver(slack))
