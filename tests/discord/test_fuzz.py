"""Bad input, fuzzed through discord.py and the fake: any option text gets a clear private
reply (never the generic error) and stores nothing wrong; any member text renders inert and
within Discord's limits."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord import limits, render, replies
from adapters.discord.errors import GENERIC
from bot.clock import ManualClock
from bot.domain.identity import MemberRef
from bot.domain.periods import Period, Scope
from bot.domain.schedule import parse_time, zone
from bot.domain.scoring import Streak
from bot.ports import WrittenAnswer
from bot.services.answers import clean_written
from bot.services.boards import BoardEntry, Leaderboard, OwnRank
from tests.discord import payloads
from tests.discord.fake_limits import embed_problems, message_problems
from tests.discord.harness import CHANNEL, DiscordBot

FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Any Unicode (control characters included), markup and mention attempts mixed in.
HOSTILE = st.sampled_from(
    [
        "@everyone",
        "@here",
        "<@&700000000000000099>",
        "<@123456789012345678>",
        "<#1>",
        "**",
        "`",
        "```",
        "||",
        "\u202e",
        "\x00",
        "\n",
        "$x^2$",
        "https://x.test",
        "<t:0>",
        "# head",
    ]
)
ANY_TEXT = st.lists(st.one_of(st.text(max_size=40), HOSTILE), max_size=12).map("".join)
HUGE_TEXT = st.one_of(
    ANY_TEXT, st.builds(lambda t, n: (t or "x") * n, ANY_TEXT, st.integers(1, 400))
)
RAW_MENTION = re.compile(r"(?<!\u200b)@(everyone|here)|<@[!&]?\d+>")
TIMES = st.one_of(st.sampled_from(["09:00", "7:30", "23:59"]), ANY_TEXT)
ZONES = st.one_of(st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata"]), ANY_TEXT)
_names = itertools.count()


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return clock


def safe(text: str) -> bool:
    return RAW_MENTION.search(text) is None


def member_name() -> str:
    return f"fuzz{next(_names)}"


@FUZZ
@given(time=TIMES, timezone=ZONES)
async def test_any_reminder_time_and_zone_are_set_or_explained(bot: DiscordBot, time, timezone):
    name = member_name()
    options = {"time": time or " "} | ({"timezone": timezone} if timezone else {})
    reply = await bot.command("remind", name, **options)
    assert reply.ephemeral and reply.text and GENERIC not in reply.text
    async with bot.core.storage.read() as uow:
        member_id = await uow.members.find_member(MemberRef("discord", str(payloads.user_id(name))))
        stored = await uow.cards.nudge_for(member_id) if member_id else None
    if "Every day at" in reply.text:
        assert stored is not None
        assert parse_time(stored.remind_at) and zone(stored.timezone)
    else:
        assert stored is None


@FUZZ
@given(time=TIMES, timezone=ZONES, days=ANY_TEXT, reveal=ANY_TEXT, topics=ANY_TEXT)
async def test_any_schedule_options_are_scheduled_or_explained(
    bot: DiscordBot, time, timezone, days, reveal, topics
):
    options = {"time": time or " ", "timezone": timezone, "days": days, "reveal": reveal}
    options = {key: value for key, value in options.items() if value} | (
        {"topics": topics} if topics else {}
    )
    async with bot.core.storage.write() as uow:
        before = await uow.subscriptions.for_channel(CHANNEL)
    reply = await bot.command("schedule", "admin", admin=True, **options)
    assert reply.ephemeral and reply.text and GENERIC not in reply.text
    async with bot.core.storage.read() as uow:
        after = await uow.subscriptions.for_channel(CHANNEL)
    if "Scheduled" in reply.text:
        assert after is not None and after.schedule.days and after.schedule.tz is not None
    else:
        assert after == before  # a refused schedule changes nothing


@FUZZ
@given(text=HUGE_TEXT)
async def test_any_written_answer_is_saved_as_typed_or_refused_clearly(bot: DiscordBot, text):
    if not bot.posts():
        await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")
        await bot.advance(timedelta(days=1))
    post = bot.posts()[-1]
    post_id = (await bot.current()).post.id
    name = member_name()
    reply = await bot.write(post, name, text)
    assert reply.ephemeral and GENERIC not in reply.text
    async with bot.core.storage.read() as uow:
        stored = {a.name: a.written for a in await uow.answers.for_post(post_id)}
    if "Written answer saved" in reply.text:
        assert stored[name.title()] == clean_written(text, bot.core.max_written_chars)
    else:
        assert name.title() not in stored
        assert "empty" in reply.text or "limit is" in reply.text


@settings(max_examples=60, deadline=None)
@given(
    answers=st.lists(st.tuples(ANY_TEXT, HUGE_TEXT), min_size=1, max_size=6),
    day=st.integers(1, 10_000),
)
def test_member_text_in_a_reveal_renders_inert_and_within_limits(answers, day):
    written = tuple(WrittenAnswer(name or "?", text or "?") for name, text in answers)
    embeds = render.written_embeds(day, written)
    for batch in limits.pack_embeds(embeds):
        assert embed_problems([dict(embed.to_dict()) for embed in batch]) == []
        assert all(safe(embed.description or "") for embed in batch)
    kept = "".join(embed.description or "" for embed in embeds)
    assert len(kept) >= sum(len(text.strip()) for _, text in answers) // 2  # split, never cut


@settings(max_examples=60, deadline=None)
@given(names=st.lists(ANY_TEXT, min_size=1, max_size=25), points=st.integers(0, 10**9))
def test_member_names_on_boards_and_streaks_render_inert_and_within_limits(names, points):
    entries = tuple(BoardEntry(rank, name, points, rank) for rank, name in enumerate(names, 1))
    board = Leaderboard(
        Period.WEEK, Scope.GROUP, entries, OwnRank(None, "Me", 0, None), len(entries)
    )
    embed = replies.leaderboard_embed(board)
    assert embed_problems([dict(embed.to_dict())]) == []
    assert safe(embed.description or "")
    for name in names:
        line = replies.streak(name, Streak(3, 9))
        assert message_problems({"content": line}) == [] and safe(line)
