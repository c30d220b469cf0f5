"""Admin commands on Slack: refused before any form opens for a member who may not use them,
`post-now` and `reveal-now` to try the daily loop at once, `status` for admins only."""

from __future__ import annotations

from datetime import timedelta

from bot.services.subscriptions import channel_status
from tests.slack.checks import text_of
from tests.slack.harness import CHANNEL_REF, SlackHarness
from tests.slack.signing import user_id

REVEAL = "Answer · Day 1"


def thread_text(slack: SlackHarness) -> str:
    post = slack.fake.posts()[0]
    return "\n".join(text_of(message) for message in slack.fake.thread(post["ts"]))


async def test_a_member_who_is_not_an_admin_is_refused_before_the_schedule_form_opens(slack):
    reply = await slack.command("alice", "schedule")

    assert "Only admins can change the schedule" in reply
    assert slack.fake.called("views.open") == []


async def test_a_member_refused_the_schedule_form_is_refused_it_on_a_scheduled_channel_too(
    slack,
):
    await slack.command("admin", "schedule 09:00 UTC daily")

    assert "Only admins can change the schedule" in await slack.command("bob", "schedule")
    assert slack.fake.called("views.open") == []


async def test_a_listed_channel_admin_gets_the_schedule_form(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    await slack.command("admin", f"admins <@{user_id('alice')}|alice>")

    assert await slack.command("alice", "schedule") == ""

    (opened,) = slack.fake.called("views.open")
    assert opened.args["view"]["title"]["text"] == "Question schedule"


async def test_post_now_while_paused_says_the_schedule_is_paused(slack):
    await slack.command("admin", "schedule 18:00 UTC daily")
    assert "Paused" in await slack.command("admin", "pause")

    reply = await slack.command("admin", "post-now")

    assert "The schedule is paused: `resume` it first." in reply
    assert "already out" not in reply
    assert slack.fake.posts() == []


async def test_post_now_while_paused_after_today_s_post_still_says_paused(slack):
    await slack.command("admin", "schedule 09:00 UTC daily reveal after 12h")
    await slack.advance(timedelta(days=1))  # today's question is out
    await slack.command("admin", "pause")

    reply = await slack.command("admin", "post-now")

    assert "paused" in reply and "already out" not in reply


async def test_reveal_now_puts_the_answer_out_at_once_and_closes_answers(slack):
    await slack.command("admin", "schedule 18:00 UTC daily")
    assert "reveal-now" in await slack.command("admin", "post-now")
    await slack.pick("alice", "A")

    reply = await slack.command("admin", "reveal-now")

    assert "The answer to day 1 is out" in reply
    assert REVEAL in thread_text(slack) and "1 answered" in thread_text(slack)
    assert "closed" in await slack.pick("bob", "A")


async def test_reveal_now_without_an_open_question_says_why(slack):
    await slack.command("admin", "schedule 18:00 UTC daily")

    assert "There is no open question in this channel" in await slack.command("admin", "reveal-now")
    await slack.command("admin", "post-now")
    await slack.command("admin", "reveal-now")
    assert "There is no open question in this channel" in await slack.command("admin", "reveal-now")


async def test_a_member_who_is_not_an_admin_cannot_reveal_early(slack):
    await slack.command("admin", "schedule 18:00 UTC daily")
    await slack.command("admin", "post-now")

    reply = await slack.command("alice", "reveal-now")

    assert "Only admins can reveal the answer early" in reply
    assert REVEAL not in thread_text(slack)
    still_open = await slack.pick("bob", "A")
    assert "points" in still_open and "closed" not in still_open


async def test_help_lists_post_now_and_reveal_now(slack):
    reply = await slack.command("alice", "help")

    assert "`/qotd post-now`" in reply and "`/qotd reveal-now`" in reply


async def test_status_is_for_admins_only(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")

    refused = await slack.command("alice", "status")
    shown = await slack.command("admin", "status")

    assert "Only admins can see the schedule's status" in refused
    assert "*Schedule:* 09:00 UTC" in shown
    assert not (await channel_status(slack.core, CHANNEL_REF)).subscription.paused
