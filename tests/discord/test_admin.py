"""Admin commands through discord.py: changing one schedule option keeps the others, a long
status stays within Discord's embed limits, and the channel's admins can be listed and changed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from adapters.discord import limits
from adapters.discord.channel_admins import ONLY_MANAGE_SERVER
from adapters.discord.schedule_options import NEEDS_TIME
from bot.clock import ManualClock
from bot.domain.question import Difficulty
from bot.domain.subscription import Subscription
from bot.errors import NotSubscribed
from bot.services import subscriptions
from tests.discord import payloads
from tests.discord.harness import CHANNEL, DiscordBot

ROLE = payloads.Role(720000000000000001, "learners")
MANY_OPTIONS = {
    "time": "09:00",
    "timezone": "Europe/Berlin",
    "days": "mon-fri",
    "reveal": "at 17:00",
    "topics": "evaluation,validation",
    "difficulty": "beginner,intermediate",
    "role": ROLE,
    "thread": True,
}


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # a Monday
    return clock


async def admin(bot: DiscordBot, command: str, **options: object):
    return await bot.command(command, "admin", admin=True, **options)


async def subscription(bot: DiscordBot) -> Subscription:
    return (await subscriptions.channel_status(bot.core, CHANNEL)).subscription


async def test_changing_the_time_alone_keeps_every_other_option(bot, fake):
    await admin(bot, "schedule", **MANY_OPTIONS)

    reply = await admin(bot, "schedule", time="09:30")

    assert "Scheduled: 09:30 Europe/Berlin weekdays, reveal at 17:00." in reply.text
    kept = await subscription(bot)
    assert kept.schedule.post_time == time(9, 30)
    assert kept.filter.topics == {"evaluation", "validation"}
    assert kept.filter.difficulties == {Difficulty.BEGINNER, Difficulty.INTERMEDIATE}
    assert kept.mention == str(ROLE.id)
    assert kept.thread
    # And the next post says so: the role is mentioned and the thread opened.
    await bot.advance(timedelta(days=1))
    post = bot.posts()[-1]
    assert post["content"] == f"<@&{ROLE.id}>"
    assert int(post["id"]) in fake.threads


async def test_an_option_given_still_changes_and_all_clears_a_filter(bot):
    await admin(bot, "schedule", **MANY_OPTIONS)

    await admin(bot, "schedule", days="daily", topics="all", thread=False, no_role=True)

    changed = await subscription(bot)
    assert changed.schedule.describe() == "09:00 Europe/Berlin daily, reveal at 17:00"
    assert changed.filter.topics == set()
    assert changed.filter.difficulties == {Difficulty.BEGINNER, Difficulty.INTERMEDIATE}
    assert not changed.thread
    assert changed.mention is None


async def test_a_new_schedule_takes_the_defaults_for_options_left_out(bot):
    await admin(bot, "schedule", time="08:15")

    new = await subscription(bot)
    assert new.schedule.describe() == f"08:15 {bot.core.default_timezone} daily, reveal after 8h"
    assert (new.pack, new.filter.topics, new.thread, new.mention) == ("sample", set(), False, None)


async def test_a_new_schedule_without_a_time_says_what_to_add(bot):
    reply = await admin(bot, "schedule", days="mon-fri")

    assert NEEDS_TIME in reply.text and reply.ephemeral
    with pytest.raises(NotSubscribed):
        await subscription(bot)


async def test_a_member_without_manage_server_cannot_change_one_option_either(bot):
    await admin(bot, "schedule", **MANY_OPTIONS)

    refused = await bot.command("schedule", "eve", time="10:00")

    assert "Only admins can" in refused.text
    assert (await subscription(bot)).schedule.post_time == time(9, 0)


async def test_a_status_longer_than_6000_characters_is_spread_over_messages(bot, fake):
    pack = bot.core.library.pack("sample")
    await admin(bot, "schedule", time="09:00", timezone="UTC", topics=",".join(pack.topics))
    for question in pack.questions:
        await admin(bot, "queue", question=question.id)
    explanation = "Missing Permissions: the channel's overwrites deny the bot. " * 120
    fake.refuse(payloads.CHANNEL_ID, 403, 50013, explanation)
    await bot.advance(timedelta(days=1))  # the post fails: paused, with the long reason
    fake.refusals.clear()
    facts = await subscriptions.channel_status(bot.core, CHANNEL)

    reply = await admin(bot, "status")

    sizes = [sum(embed_chars(embed) for embed in m["embeds"]) for m in reply.messages]
    assert sum(sizes) > 6000 and len(reply.messages) > 2  # the deferral, then 2+ parts
    assert all(size <= 6000 for size in sizes)
    assert reply.ephemeral
    for label in ("Schedule", "Paused", "Queued", "Last error", "Last error (continued)"):
        assert label in reply.text
    assert all(limits.escape(question_id) in reply.text for question_id in facts.queued)


def embed_chars(embed: dict) -> int:
    fields = embed.get("fields") or []
    return (
        len(embed.get("title") or "")
        + len(embed.get("description") or "")
        + sum(len(field["name"]) + len(field["value"]) for field in fields)
        + len((embed.get("footer") or {}).get("text") or "")
    )


async def test_manage_server_lists_adds_and_removes_channel_admins(bot):
    await admin(bot, "schedule", time="09:00", timezone="UTC")
    ana, bob = payloads.user_id("ana"), payloads.user_id("bob")
    assert "Channel admins: nobody." in (await admin(bot, "admins")).text

    await admin(bot, "admins", action="add", member=payloads.User("ana"))
    both = await admin(bot, "admins", action="add", member=payloads.User("bob"))
    assert f"Channel admins: {', '.join(sorted([f'<@{ana}>', f'<@{bob}>']))}." in both.text
    removed = await admin(bot, "admins", action="remove", member=payloads.User("ana"))

    assert f"Channel admins: <@{bob}>." in removed.text
    assert (await subscription(bot)).admins == {str(bob)}
    assert f"Channel admins: <@{bob}>" in (await admin(bot, "status")).text


async def test_a_listed_admin_runs_admin_commands_but_cannot_change_the_list(bot):
    await admin(bot, "schedule", time="09:00", timezone="UTC")
    await admin(bot, "admins", action="add", member=payloads.User("ana"))

    assert "Paused" in (await bot.command("pause", "ana")).text
    assert "Channel admins:" in (await bot.command("admins", "ana")).text
    refused = await bot.command("admins", "ana", action="add", member=payloads.User("mallory"))

    assert ONLY_MANAGE_SERVER in refused.text and refused.ephemeral
    assert (await subscription(bot)).admins == {str(payloads.user_id("ana"))}


async def test_a_member_who_is_no_admin_can_neither_see_nor_change_the_admins(bot):
    await admin(bot, "schedule", time="09:00", timezone="UTC")

    seen = await bot.command("admins", "eve")
    changed = await bot.command("admins", "eve", action="add", member=payloads.User("eve"))

    assert "Only admins can see the channel's admins" in seen.text and seen.ephemeral
    assert ONLY_MANAGE_SERVER in changed.text
    assert (await subscription(bot)).admins == set()


async def test_adding_an_admin_needs_a_member_and_a_schedule(bot):
    assert "no schedule yet" in (await admin(bot, "admins", action="add")).text
    await admin(bot, "schedule", time="09:00", timezone="UTC")
    assert "Name the member" in (await admin(bot, "admins", action="add")).text
