"""The /qotd commands through discord.py: permissions, boards, quizzes, autocomplete, timing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.services import answers
from tests.discord import payloads
from tests.discord.harness import custom_ids
from tests.processes import WORK_LIMIT, deadline
from tests.quizzes import right_and_wrong


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return clock


async def schedule(bot, **options):
    return await bot.command(
        "schedule", "admin", admin=True, time="09:00", timezone="UTC", **options
    )


async def test_a_member_without_manage_server_cannot_change_the_schedule(bot):
    refused = await bot.command("schedule", "eve", time="09:00", timezone="UTC")
    assert "Only admins can" in refused.text
    assert refused.ephemeral
    await schedule(bot)
    for command in ("pause", "skip", "unsubscribe", "status", "post-now"):
        reply = await bot.command(command, "eve")
        assert "Only admins can" in reply.text, command
    assert "Paused" in (await bot.command("pause", "admin", admin=True)).text


async def test_status_shows_the_schedule_and_the_next_post(bot):
    await schedule(bot, days="mon-fri", reveal="at 17:00", topics="evaluation,validation")
    reply = await bot.command("status", "admin", admin=True)
    assert "09:00 UTC weekdays, reveal at 17:00" in reply.text
    assert "Next post" in reply.text


async def test_a_bad_option_is_explained_privately(bot):
    reply = await bot.command("schedule", "admin", admin=True, time="25:00", timezone="Mars/Base")
    assert reply.ephemeral
    assert "'25:00' is not a time of day" in reply.text


async def test_leaderboard_streak_and_stats_after_a_day(bot):
    await schedule(bot)
    await bot.advance(timedelta(days=1))
    post = bot.posts()[-1]
    right = (await bot.current()).question.correct_letter
    await bot.click(post, next(i for i in custom_ids(post) if i.endswith(f":{right}")), "alice")
    board = await bot.command("leaderboard", "bob", period="all", scope="channel")
    assert "Leaderboard · channel · all time" in board.text
    assert "Alice" in board.text
    streak = await bot.command("streak", "bob", member=payloads.User("alice"))
    assert "Alice: streak 1" in streak.text
    stats = await bot.command("stats", "alice")
    assert "Daily answers: 1" in stats.text


def letter_button(message: dict, letter: str) -> str:
    return next(i for i in custom_ids(message) if i.startswith("qotd:quiz:") and i.endswith(letter))


async def test_a_practice_quiz_runs_one_question_at_a_time_to_a_summary(bot):
    start = await bot.command("quiz", "alice", count=2)
    assert start.ephemeral
    assert "Quiz 1/2" in start.text
    first = start.last
    right, _ = await right_and_wrong(bot.core, letter_button(first, "A"))
    step = await bot.click(first, letter_button(first, right), "alice")
    assert step.state.acked == 6  # the quiz message itself is updated
    assert "Quiz 2/2" in step.text
    assert "Right!" in step.text and "Not quite" not in step.text
    again = await bot.click(first, letter_button(first, right), "alice")
    assert "already answered" in again.text
    second = step.last
    _, wrong = await right_and_wrong(bot.core, letter_button(second, "A"))
    done = await bot.click(second, letter_button(second, wrong), "alice")
    assert "Not quite" in done.text and "Right!" not in done.text
    assert "Quiz done:** 1/2 right." in done.text
    assert done.last["components"] == []


async def test_a_quiz_can_be_stopped(bot):
    start = await bot.command("quiz", "alice", topic="evaluation", difficulty="beginner")
    stop = next(i for i in custom_ids(start.last) if i.startswith("qotd:quiz-stop:"))
    stopped = await bot.click(start.last, stop, "alice")
    assert "Quiz stopped" in stopped.text


async def test_topics_help_and_forget_me(bot):
    assert "evaluation" in (await bot.command("topics", "alice")).text
    assert "/qotd schedule" in (await bot.command("help", "alice")).text
    assert "Nothing was stored" in (await bot.command("forget-me", "zed")).text


async def test_time_zones_autocomplete_within_25_choices(bot):
    choices = await bot.complete("schedule", "timezone", time="09:00", timezone="berl")
    assert choices[0]["value"] == "Europe/Berlin"
    everything = await bot.complete("schedule", "timezone", time="09:00", timezone="")
    assert len(everything) == 25


async def test_topics_autocomplete_continues_a_comma_separated_list(bot):
    choices = await bot.complete("schedule", "topics", time="09:00", topics="evaluation,vali")
    assert choices[0]["value"] == "evaluation,validation"


async def test_the_bot_defers_before_the_core_works_on_a_click(bot, fake, monkeypatch):
    # The core call is held until the test lets it go: by then the bot must have deferred.
    entered, release = asyncio.Event(), asyncio.Event()
    real_submit = answers.submit

    async def held_submit(core, request):
        entered.set()
        await release.wait()
        return await real_submit(core, request)

    monkeypatch.setattr(answers, "submit", held_submit)
    await schedule(bot)
    await bot.advance(timedelta(days=1))
    post = bot.posts()[-1]
    async with deadline(WORK_LIMIT, "the click to reach the core"):
        click = asyncio.create_task(bot.click(post, custom_ids(post)[0], "alice"))
        await entered.wait()
        state = list(fake.interactions.values())[-1]
        assert state.acked == 5  # deferred, while the core has not answered yet
        assert state.replies[0]["flags"] & 64  # privately
        release.set()
        reply = await click
    assert "streak" in reply.text


async def test_every_command_and_option_has_help_text(bot, fake):
    [group] = fake.commands["global"]
    assert group["name"] == "qotd"
    names = {option["name"] for option in group["options"]}
    assert {
        "schedule",
        "admins",
        "status",
        "pause",
        "resume",
        "skip",
        "queue",
        "unsubscribe",
        "post-now",
        "today",
        "leaderboard",
        "streak",
        "stats",
        "quiz",
        "topics",
        "forget-me",
    } <= names
    for command in group["options"]:
        assert command["description"], command["name"]
        for option in command.get("options") or []:
            assert option["description"] and option["description"] != "…", option
