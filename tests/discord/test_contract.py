"""The shared scenarios (the daily loop, the suggestion loop), played through discord.py
against the fake Discord API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.discord import PLATFORM
from bot.clock import ManualClock
from bot.domain.identity import ChannelRef
from bot.domain.question_form import FIELDS, QuestionForm
from tests.contract.scenario import play_daily_loop
from tests.contract.suggestion_scenario import play_suggestion_loop
from tests.contract.vote_scenario import play_vote_loop
from tests.discord import payloads
from tests.discord.harness import DiscordBot, custom_ids, text_of


class DiscordDriver:
    """Members use slash commands, the post's buttons and the written-answer modal."""

    def __init__(self, bot: DiscordBot) -> None:
        self.bot = bot
        self.core = bot.core
        self.channel = ChannelRef(PLATFORM, str(payloads.GUILD_ID), str(payloads.CHANNEL_ID))

    async def schedule(
        self, admin: str, post_time: str, timezone: str, days: str, reveal: str
    ) -> str:
        reply = await self.bot.command(
            "schedule",
            admin,
            admin=True,
            time=post_time,
            timezone=timezone,
            days=days,
            reveal=reveal,
        )
        return reply.text

    async def advance(self, delta: timedelta) -> None:
        await self.bot.advance(delta)

    def _post(self) -> dict:
        return self.bot.posts()[-1]

    async def pick(self, member: str, letter: str) -> str:
        post = self._post()
        button = next(
            custom_id
            for row in post["components"]
            for custom_id in (child["custom_id"] for child in row["components"])
            if custom_id.endswith(f":{letter}")
        )
        return (await self.bot.click(post, button, member)).text

    async def write(self, member: str, text: str) -> str:
        return (await self.bot.write(self._post(), member, text)).text

    async def leaderboard(self, member: str) -> str:
        return (await self.bot.command("leaderboard", member)).text

    async def streak(self, member: str) -> str:
        return (await self.bot.command("streak", member)).text

    def posts(self) -> list[str]:
        return [
            text_of(message)
            for message in self.bot.fake.created
            if text_of(message).startswith("Question of the day")
        ]

    def reveals(self) -> list[str]:
        """Each reveal with its follow-ups (written answers) as one text."""
        found: list[str] = []
        for message in self.bot.fake.created:
            text = text_of(message)
            if text.startswith("Answer ·"):
                found.append(text)
            elif text.startswith("Written answers") and found:
                found[-1] += "\n" + text
        return found


class DiscordVoteDriver(DiscordDriver):
    """The best-answer loop: a vote is a click on the "Vote: <name>" button under the reveal."""

    async def vote(self, member: str, author: str) -> str:
        message = next(
            message
            for message in reversed(self.bot.fake.created)
            if any(
                child.get("custom_id", "").startswith("qotd:vote:")
                for row in message.get("components") or []
                for child in row["components"]
            )
        )
        custom_id = next(
            child["custom_id"]
            for row in message["components"]
            for child in row["components"]
            if child.get("label", "").lower() == f"vote: {author}".lower()
        )
        return (await self.bot.click(message, custom_id, member)).text


class DiscordSuggestionDriver(DiscordDriver):
    """Members suggest through the /qotd suggest form; admins review with /qotd suggestions,
    its Edit form and its Accept button; the member hears back by direct message."""

    def __init__(self, bot: DiscordBot) -> None:
        super().__init__(bot)
        self._queue: list[dict] = []

    async def suggest(self, member: str, form: QuestionForm) -> str:
        opened = await self.bot.command("suggest", member)
        return (await self.bot.submit(opened, form.as_dict(), member)).text

    async def review_queue(self, admin: str) -> str:
        reply = await self.bot.command("suggestions", admin, admin=True)
        self._queue = reply.messages
        return reply.text

    async def accept_with_edit(self, admin: str, number: int, changes: dict[str, str]) -> str:
        edit = f"qotd:suggestion:edit:{number}"
        [listed] = [message for message in self._queue if edit in custom_ids(message)]
        opened = await self.bot.click(listed, edit, admin, admin=True)
        # The form opens filled in with the suggestion: the admin changes some fields.
        values = {**opened.form, **changes}
        assert set(values) == set(FIELDS), values
        saved = await self.bot.submit(opened, values, admin, admin=True)
        assert f"Saved your edit of suggestion #{number}" in saved.text, saved.text
        accept = f"qotd:suggestion:accept:{number}"
        return (await self.bot.click(saved.last, accept, admin, admin=True)).text

    async def use_group_questions_only(self, admin: str) -> str:
        reply = await self.bot.command("questions", admin, admin=True, action="source", every=1)
        return reply.text

    def private_notices(self, member: str) -> list[str]:
        return [text_of(message) for message in self.bot.fake.dm_messages(payloads.user_id(member))]


async def test_the_daily_loop_on_discord(bot):
    clock = bot.core.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    await play_daily_loop(DiscordDriver(bot))


async def test_the_suggestion_loop_on_discord(bot):
    clock = bot.core.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    driver = DiscordSuggestionDriver(bot)
    await play_suggestion_loop(driver)
    # The hostile name never became a ping anywhere the bot wrote it.
    for message in bot.fake.created:
        assert message["_pings"] == {"everyone": [], "roles": [], "users": []}


async def test_the_vote_loop_on_discord(bot: DiscordBot) -> None:
    clock = bot.core.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    await play_vote_loop(DiscordVoteDriver(bot))
