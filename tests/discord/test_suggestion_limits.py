"""Suggestions at their largest stay within Discord's limits: every form field at its longest,
full of Markdown and mentions (which escaping makes longer still), from members with the
longest display names, in the announcement, the queue, the Edit form and the posted question.
The fake API refuses (and the `fake` fixture fails on) anything over a documented limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.domain.question_form import FIELDS, LIMITS, QuestionForm
from bot.services.suggestions import PER_DAY, QUEUE_PAGE
from tests.contract.suggestion_scenario import FORM
from tests.discord import payloads
from tests.discord.harness import DiscordBot, custom_ids, text_of
from tests.discord.test_suggestions import NO_PINGS, button, schedule, suggest

DISPLAY_NAME = 32  # Discord's longest display name (global name or server nickname)


def longest_name(index: int) -> str:
    """A distinct member name of the longest length, made to ping and format if it could."""
    return f"Z{index}<@&123456789012345678>@here*_x"[:DISPLAY_NAME]


def full(limit: int, line: str) -> str:
    """`line` repeated to exactly `limit` characters, ending on a visible character."""
    return (line * (limit // len(line) + 1))[: limit - 1] + "x"


LONGEST = QuestionForm(
    **{
        name: full(LIMITS[name], "**@everyone** _<@&1234567890123456789>_ `x` | y\n")
        for name in FIELDS
    }
)


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return clock


async def test_the_longest_suggestions_fit_the_announcement_the_queue_and_the_edit_form(
    bot: DiscordBot, fake
):
    await schedule(bot)
    await bot.command("questions", "admin", admin=True, action="review-channel", where="here")
    count = QUEUE_PAGE + 2
    for number in range(1, count + 1):
        sent = await suggest(bot, longest_name((number - 1) // PER_DAY), LONGEST)
        assert f"Suggestion #{number} is with" in sent.text, sent.text
    announced = [m for m in fake.channel_messages(payloads.CHANNEL_ID) if m["content"]]
    assert len(announced) == count
    assert all(message["_pings"] == NO_PINGS for message in announced)

    queue = await bot.command("suggestions", "admin", admin=True)
    assert f"{count} suggestions are waiting; the oldest {QUEUE_PAGE}:" in queue.text
    listed = [custom for message in queue.messages for custom in custom_ids(message)]
    assert listed == [
        button(verb, number)
        for number in range(1, QUEUE_PAGE + 1)
        for verb in ("accept", "edit", "decline")
    ]
    # Each suggestion is shown, its long fields trimmed with a pointer to the Edit form.
    assert queue.text.count("(Edit shows it all)") >= QUEUE_PAGE
    assert "@everyone" not in queue.text.replace("@\u200beveryone", "")

    first = next(m for m in queue.messages if button("edit", 1) in custom_ids(m))
    opened = await bot.click(first, button("edit", 1), "admin", admin=True)
    assert opened.form == LONGEST.as_dict()  # the form shows every field whole


def valid_longest() -> QuestionForm:
    """A complete question with each part at the pack model's longest."""
    choices = [
        f"{'*' if index == 0 else ''}{str(index) * 75} | {full(300, 'why not ')}"
        for index in range(4)
    ]
    return QuestionForm(
        prompt=full(LIMITS["prompt"], "What is **bias** @everyone? "),
        answer=full(LIMITS["answer"], "An _answer_ sentence. "),
        choices="\n".join(choices),
        key_points="\n".join(full(300, f"point {index} ") for index in range(8)),
        tags="advanced, concept, evaluation",
    )


async def test_the_longest_suggested_question_is_posted_and_revealed_with_its_credit(
    bot: DiscordBot,
):
    await schedule(bot)
    name = longest_name(0)
    await suggest(bot, name, valid_longest())
    accepted = await bot.command("accept", "admin", admin=True, number=1)
    assert "Accepted suggestion #1" in accepted.text, accepted.text
    await bot.command("questions", "admin", admin=True, action="source", every=1)
    await bot.advance(timedelta(days=1))
    post = bot.posts()[-1]
    assert len(name) == DISPLAY_NAME
    assert "Suggested by Z0<@\u200b&123456789012345678>@\u200bhere\\*\\_x" in text_of(post)
    assert post["_pings"] == NO_PINGS
    await bot.advance(timedelta(hours=9))
    assert len(bot.reveals()) == 1
    closed = bot.posts()[-1]  # redrawn as closed, the credit kept
    assert "closed" in closed["embeds"][0]["title"]
    assert "Suggested by Z0<@\u200b&123456789012345678>@\u200bhere" in text_of(closed)


async def test_short_suggestions_share_messages_five_to_a_message(bot: DiscordBot):
    await schedule(bot)
    for number in range(QUEUE_PAGE):
        await suggest(bot, f"member{number // PER_DAY}", FORM)
    queue = await bot.command("suggestions", "admin", admin=True)
    with_buttons = [message for message in queue.messages if custom_ids(message)]
    assert [len(message["embeds"]) for message in with_buttons] == [5, 5]
    assert all(len(message["components"]) == 5 for message in with_buttons)
