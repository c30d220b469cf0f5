"""Suggestions on Discord through discord.py: the suggest form, the review queue and its
buttons, the review channel, accept and decline (as buttons and as commands), the member's
direct message, and the credit line on the posted question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.question_form import QuestionForm
from bot.services import suggestions
from bot.services.access import Actor
from tests.contract.suggestion_scenario import EDIT, FORM
from tests.discord import payloads
from tests.discord.harness import CHANNEL, DiscordBot, Reply, custom_ids, text_of

COMPLETE = FORM.with_changes(EDIT)
WRITTEN_ONLY = QuestionForm(
    prompt="Walk me through how you would choose a validation strategy for time series.",
    answer="Split by time, never shuffle: train on the past, validate on the future, and "
    "repeat over several cut-offs (rolling origin) so one lucky split does not decide.",
    key_points="split by time\nrolling origin",
    tags="intermediate, concept, validation",
)
OTHER_GUILD = 700000000000000011
OTHER_CHANNEL = 700000000000000012
NO_PINGS = {"everyone": [], "roles": [], "users": []}
ADMIN = Actor(MemberRef("discord", str(payloads.user_id("admin")), "Admin"), is_admin=True)


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return clock


async def schedule(bot: DiscordBot) -> None:
    reply = await bot.command("schedule", "admin", admin=True, time="09:00", timezone="UTC")
    assert "Scheduled" in reply.text, reply.text


async def suggest(bot: DiscordBot, who: str, form: QuestionForm, **where: Any) -> Reply:
    """The member opens /qotd suggest and sends the form filled in with `form`."""
    opened = await bot.send(payloads.slash("suggest", who, **where))
    assert opened.state.modal is not None, opened.text
    assert set(opened.form) == set(form.as_dict())
    channel_id = where.get("channel_id", payloads.CHANNEL_ID)
    guild_id = where.get("guild_id", payloads.GUILD_ID)
    return await bot.send(
        payloads.modal_submit(
            opened.state.modal["custom_id"], form.as_dict(), who, channel_id, guild_id
        )
    )


def with_button(reply: Reply, custom_id: str) -> dict[str, Any]:
    [message] = [message for message in reply.messages if custom_id in custom_ids(message)]
    return message


def forged_message(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    """The message as a forger would send it back: with a button of their own making."""
    row = {"type": 1, "components": [{"type": 2, "style": 1, "label": "A", "custom_id": custom_id}]}
    return {**message, "components": [row]}


def button(verb: str, number: int) -> str:
    return f"qotd:suggestion:{verb}:{number}"


async def waiting(bot: DiscordBot, channel: ChannelRef = CHANNEL) -> list[int]:
    pending, _ = await suggestions.pending(bot.core, channel, ADMIN)
    return [item.suggestion_id for item in pending]


async def test_a_member_suggests_through_the_form_and_admins_see_it_in_the_queue(bot):
    await schedule(bot)
    opened = await bot.command("suggest", "ada")
    assert "Suggest a question" in opened.text
    assert set(opened.form) == {"prompt", "answer", "choices", "key_points", "tags"}
    sent = await bot.submit(opened, FORM.as_dict(), "ada")
    assert sent.ephemeral
    assert "Suggestion #1 is with the group's admins" in sent.text
    queue = await bot.command("suggestions", "admin", admin=True)
    assert queue.ephemeral
    assert "1 suggestion waiting" in queue.text
    assert "Suggestion #1 from Ada" in queue.text
    assert "Accuracy hides the rare class" in queue.text
    listed = with_button(queue, button("accept", 1))
    assert custom_ids(listed) == [button(verb, 1) for verb in ("accept", "edit", "decline")]


async def test_an_empty_prompt_is_refused_and_nothing_is_kept(bot):
    await schedule(bot)
    opened = await bot.command("suggest", "ada")
    refused = await bot.submit(opened, {**FORM.as_dict(), "prompt": "   "}, "ada")
    assert "The prompt is empty" in refused.text
    assert await waiting(bot) == []


async def test_the_review_channel_is_told_with_buttons_and_an_escaped_name(bot, fake):
    await schedule(bot)
    here = await bot.command(
        "questions", "admin", admin=True, action="review-channel", where="here"
    )
    assert "announced here" in here.text
    await suggest(bot, "Ada @everyone", COMPLETE)
    [announced] = [m for m in fake.channel_messages(payloads.CHANNEL_ID) if m["content"]]
    assert announced["content"].startswith("New suggestion #1 from Ada @\u200beveryone: Why can")
    assert announced["_pings"] == NO_PINGS
    assert custom_ids(announced) == [button(verb, 1) for verb in ("accept", "edit", "decline")]
    # An admin accepts straight from the announcement.
    accepted = await bot.click(announced, button("accept", 1), "admin", admin=True)
    assert "Accepted suggestion #1" in accepted.text
    off = await bot.command("questions", "admin", admin=True, action="review-channel", where="off")
    assert "not announced" in off.text
    await suggest(bot, "bob", FORM)
    assert len([m for m in fake.channel_messages(payloads.CHANNEL_ID) if m["content"]]) == 1


async def test_accepting_tells_the_member_by_direct_message(bot, fake):
    await schedule(bot)
    await suggest(bot, "ada", COMPLETE)
    queue = await bot.command("suggestions", "admin", admin=True)
    accepted = await bot.click(
        with_button(queue, button("accept", 1)), button("accept", 1), "admin", admin=True
    )
    assert "Accepted suggestion #1: it is the group's question `suggestion-1` now" in accepted.text
    assert "Ada was told privately" in accepted.text
    [dm] = fake.dm_messages(payloads.user_id("ada"))
    assert "Your suggested question #1 was accepted" in dm["content"]
    assert dm["_pings"] == NO_PINGS
    again = await bot.click(
        with_button(queue, button("accept", 1)), button("accept", 1), "admin", admin=True
    )
    assert "Suggestion #1 was accepted already" in again.text
    assert len(fake.dm_messages(payloads.user_id("ada"))) == 1


async def test_a_member_with_closed_dms_is_reported_to_the_admin(bot, fake):
    await schedule(bot)
    await suggest(bot, "ada", COMPLETE)
    fake.refuse(payloads.user_id("ada"), 403, 50007, "Cannot send messages to this user")
    accepted = await bot.command("accept", "admin", admin=True, number=1)
    assert "Accepted suggestion #1" in accepted.text
    assert "Ada could not be told privately" in accepted.text
    assert fake.dm_messages(payloads.user_id("ada")) == []


async def test_a_suggestion_without_choices_is_offered_as_written_answer_only(bot, fake):
    await schedule(bot)
    await suggest(bot, "ada", WRITTEN_ONLY)
    queue = await bot.command("suggestions", "admin", admin=True)
    refused = await bot.click(
        with_button(queue, button("accept", 1)), button("accept", 1), "admin", admin=True
    )
    assert "no choices and is not behavioral" in refused.text
    assert "written_only:True" in refused.text
    assert await waiting(bot) == [1]
    accepted = await bot.click(refused.last, button("written", 1), "admin", admin=True)
    assert "Accepted suggestion #1" in accepted.text
    assert "was accepted" in text_of(fake.dm_messages(payloads.user_id("ada"))[0])
    assert await waiting(bot) == []


async def test_accept_and_decline_are_commands_too(bot, fake):
    await schedule(bot)
    await suggest(bot, "ada", WRITTEN_ONLY)
    await suggest(bot, "bob", FORM)
    assert "Name the suggestion" in (await bot.command("accept", "admin", admin=True)).text
    refused = await bot.command("accept", "admin", admin=True, number=1)
    assert "no choices" in refused.text
    assert button("written", 1) in custom_ids(refused.last)
    accepted = await bot.command("accept", "admin", admin=True, number=1, written_only=True)
    assert "Accepted suggestion #1" in accepted.text
    declined = await bot.command(
        "decline", "admin", admin=True, number=2, reason="Needs a **source** @everyone"
    )
    assert "Declined suggestion #2. Bob was told privately." in declined.text
    [dm] = fake.dm_messages(payloads.user_id("bob"))
    assert "was declined" in dm["content"] and "Needs a \\*\\*source\\*\\*" in dm["content"]
    assert dm["_pings"] == NO_PINGS
    assert await waiting(bot) == []


async def test_decline_asks_for_a_reason_in_a_form(bot, fake):
    await schedule(bot)
    await suggest(bot, "ada", FORM)
    queue = await bot.command("suggestions", "admin", admin=True)
    opened = await bot.click(
        with_button(queue, button("decline", 1)), button("decline", 1), "admin", admin=True
    )
    assert "Decline suggestion #1" in opened.text
    declined = await bot.submit(opened, {"reason": "We have this one already."}, "admin", True)
    assert "Declined suggestion #1" in declined.text
    [dm] = fake.dm_messages(payloads.user_id("ada"))
    assert "The admin's reason: We have this one already." in dm["content"]


async def test_the_edit_form_opens_filled_in_and_saves_the_changes(bot):
    await schedule(bot)
    await suggest(bot, "ada", FORM)
    queue = await bot.command("suggestions", "admin", admin=True)
    opened = await bot.click(
        with_button(queue, button("edit", 1)), button("edit", 1), "admin", admin=True
    )
    assert opened.form == FORM.as_dict()
    saved = await bot.submit(opened, {**opened.form, **EDIT}, "admin", admin=True)
    assert "Saved your edit of suggestion #1" in saved.text
    assert "look at recall on the sick cases" in saved.text
    form = await suggestions.suggestion_form(bot.core, CHANNEL, ADMIN, 1)
    assert form == COMPLETE
    assert await waiting(bot) == [1]  # saved, not accepted


async def test_a_member_cannot_review_and_nothing_changes(bot, fake):
    await schedule(bot)
    await suggest(bot, "ada", COMPLETE)
    queue = await bot.command("suggestions", "admin", admin=True)
    listed = with_button(queue, button("accept", 1))
    assert "Only admins can" in (await bot.command("suggestions", "eve")).text
    for verb in ("accept", "edit", "decline"):
        refused = await bot.click(listed, button(verb, 1), "eve")
        assert "Only admins can" in refused.text, verb
        assert refused.ephemeral
        assert refused.state.modal is None
    assert "Only admins can" in (await bot.command("accept", "eve", number=1)).text
    assert await waiting(bot) == [1]
    assert fake.dm_messages(payloads.user_id("ada")) == []


async def test_the_buttons_work_after_a_restart(bot, fake):
    await schedule(bot)
    await suggest(bot, "ada", COMPLETE)
    queue = await bot.command("suggestions", "admin", admin=True)
    await bot.restart()
    listed = with_button(queue, button("accept", 1))
    accepted = await bot.click(listed, button("accept", 1), "admin", admin=True)
    assert "Accepted suggestion #1" in accepted.text
    assert len(fake.dm_messages(payloads.user_id("ada"))) == 1


async def test_a_form_opened_before_a_restart_is_saved_after_it(bot):
    await schedule(bot)
    await suggest(bot, "ada", FORM)
    queue = await bot.command("suggestions", "admin", admin=True)
    opened = await bot.click(
        with_button(queue, button("edit", 1)), button("edit", 1), "admin", admin=True
    )
    await bot.restart()
    saved = await bot.submit(opened, {**opened.form, **EDIT}, "admin", admin=True)
    assert "Saved your edit of suggestion #1" in saved.text


async def test_a_click_from_another_server_is_refused(bot, fake):
    await schedule(bot)
    await suggest(bot, "ada", COMPLETE)
    queue = await bot.command("suggestions", "admin", admin=True)
    listed = with_button(queue, button("accept", 1))
    elsewhere = payloads.click(
        listed, button("accept", 1), "admin", payloads.ADMIN, guild_id=OTHER_GUILD
    )
    refused = await bot.send(elsewhere)
    assert "There is no suggestion #1 in this group" in refused.text
    assert await waiting(bot) == [1]
    assert fake.dm_messages(payloads.user_id("ada")) == []


async def test_a_forged_button_id_changes_nothing(bot, fake):
    await schedule(bot)
    await suggest(bot, "ada", COMPLETE)
    # A suggestion of another server, which this server's admin must not be able to decide.
    where = {"channel_id": OTHER_CHANNEL, "guild_id": OTHER_GUILD}
    theirs = await suggest(bot, "zed", COMPLETE, **where)
    assert "Suggestion #2" in theirs.text
    other = ChannelRef("discord", str(OTHER_GUILD), str(OTHER_CHANNEL))
    queue = await bot.command("suggestions", "admin", admin=True)
    listed = with_button(queue, button("accept", 1))
    for forged, answer in (
        (button("accept", 2), "There is no suggestion #2 in this group"),
        (button("decline", 2), "There is no suggestion #2 in this group"),
        (button("edit", 2), "There is no suggestion #2 in this group"),
        (button("accept", 999), "There is no suggestion #999 in this group"),
        ("qotd:suggestion:accept:1234567890123456789012", "out of date"),
        ("qotd:suggestion:approve:1", "out of date"),
    ):
        message = forged_message(listed, forged)
        reply = await bot.send(payloads.click(message, forged, "admin", payloads.ADMIN))
        assert answer in reply.text, (forged, reply.text)
        assert reply.state.modal is None
    assert await waiting(bot) == [1]
    assert await waiting(bot, other) == [2]
    assert fake.dm_messages(payloads.user_id("zed")) == []


async def test_a_suggested_question_is_posted_with_an_escaped_credit_line(bot, fake):
    await schedule(bot)
    name = "Ada @everyone <@&700000000000000001>"
    await suggest(bot, name, COMPLETE)
    await bot.command("accept", "admin", admin=True, number=1)
    await bot.command("questions", "admin", admin=True, action="source", every=1)
    await bot.advance(timedelta(days=1))
    post = bot.posts()[-1]
    [embed] = post["embeds"]
    assert "Suggested by Ada @\u200beveryone <@\u200b&700000000000000001>" in embed["description"]
    assert post["_pings"] == NO_PINGS
    assert post["content"] == ""
    assert COMPLETE.prompt[:40] in embed["description"]
    await bot.advance(timedelta(hours=9))
    [closed] = bot.posts()[-1]["embeds"]
    assert closed["title"].endswith("closed")
    assert "Suggested by Ada @\u200beveryone" in closed["description"]


async def test_a_review_channel_that_refuses_the_announcement_is_not_a_silent_loss(bot, fake):
    await schedule(bot)
    await bot.command("questions", "admin", admin=True, action="review-channel", where="here")
    fake.refuse(payloads.CHANNEL_ID, 403, 50013, "Missing Permissions")
    sent = await suggest(bot, "ada", FORM)
    assert "Suggestion #1 is with the group's admins" in sent.text
    assert "review channel could not be told just now" in sent.text
    assert await waiting(bot) == [1]
