"""Invariant 13 on Slack: a correctly signed request acts for the workspace and channel Slack
says it came from, never for the post or schedule its ids name; an action id that does not
parse gets a clear private reply."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import count
from typing import Any

import aiohttp
import pytest

from adapters.slack import ids
from bot.domain.identity import ChannelRef
from bot.services.subscriptions import channel_status
from tests.processes import WORK_LIMIT, deadline
from tests.slack import signing
from tests.slack.checks import text_of
from tests.slack.fake_api import TEAM
from tests.slack.harness import CHANNEL_REF, SlackHarness, serving

OTHER_TEAM = "T0OTHER"
OTHER_CHANNEL = "C0OTHER"
STALE = "That button is out of date or not one of ours."
_urls = count(1)


async def command(slack: SlackHarness, user: str, text: str, *, team: str, channel: str) -> str:
    """`/qotd <text>` from a member of `team` in `channel`; the private reply's text."""
    start = len(slack.fake.responses())
    url = slack.fake.response_url(f"own{next(_urls)}")
    body = signing.command(text, user, url, channel=channel, team=team)
    response = await slack.send(body, signing.FORM)
    assert response.status == 200, response.body
    return "\n".join(text_of(reply) for reply in slack.fake.responses()[start:])


async def two_workspaces(slack: SlackHarness) -> dict[str, Any]:
    """Our channel and another workspace's channel, both scheduled and posted once: the other
    workspace's post message."""
    assert "Scheduled" in await slack.command("admin", "schedule 09:00 UTC daily")
    reply = await command(
        slack, "admin", "schedule 09:00 UTC daily", team=OTHER_TEAM, channel=OTHER_CHANNEL
    )
    assert "Scheduled" in reply
    await slack.advance(timedelta(days=1))
    return next(post for post in slack.fake.posts() if post["channel"] == OTHER_CHANNEL)


def post_id_of(slack: SlackHarness, post: dict[str, Any]) -> int:
    match = ids.WRITE.match(slack.post_buttons(post)["Write an answer"])
    assert match is not None
    return int(match[1])


async def answers_to(slack: SlackHarness, post_id: int) -> list[Any]:
    async with slack.core.storage.read() as uow:
        return await uow.answers.for_post(post_id)


@pytest.mark.parametrize("channel", [signing.CHANNEL, OTHER_CHANNEL])
async def test_a_signed_click_from_one_workspace_cannot_answer_another_s_post(slack, channel):
    theirs = post_id_of(slack, await two_workspaces(slack))

    # From our workspace: in our channel, or naming their channel id.
    reply = await slack.click("mallory", f"qotd:answer:{theirs}:A", channel=channel)

    assert "That question belongs to another channel." in reply
    assert await answers_to(slack, theirs) == []
    own = await slack.click(
        "ana", f"qotd:answer:{theirs}:A", channel=OTHER_CHANNEL, team=OTHER_TEAM
    )
    assert "belongs to another channel" not in own


async def test_a_signed_click_cannot_rate_another_workspace_s_post(slack):
    theirs = post_id_of(slack, await two_workspaces(slack))

    reply = await slack.click("mallory", f"qotd:rate:{theirs}:easy")

    assert "That question belongs to another channel." in reply


async def test_a_write_form_cannot_answer_another_workspace_s_post(slack):
    theirs = post_id_of(slack, await two_workspaces(slack))
    values = {ids.WRITE_BLOCK: {ids.WRITE_INPUT: {"type": "plain_text_input", "value": "x"}}}

    def form(team: str, channel: str) -> dict[str, Any]:
        metadata = json.dumps({"t": team, "c": channel, "p": theirs})
        return {"type": "modal", "callback_id": ids.WRITE_VIEW, "private_metadata": metadata}

    # Metadata naming our own channel, or theirs (a form from their workspace) sent from ours.
    await slack.submit("mallory", form(TEAM, signing.CHANNEL), values)
    ours = slack.view_errors()
    await slack.submit("mallory", form(OTHER_TEAM, OTHER_CHANNEL), values)
    forged = slack.view_errors()

    # Refused in the form itself, under the answer field.
    assert ours == {ids.WRITE_BLOCK: "That question belongs to another channel."}
    assert forged == {ids.WRITE_BLOCK: "That form belongs to another channel."}
    assert await answers_to(slack, theirs) == []


async def test_a_forged_write_button_for_another_workspace_s_post_opens_no_form(slack):
    theirs = post_id_of(slack, await two_workspaces(slack))

    reply = await slack.click("mallory", ids.write(theirs))

    assert reply  # a private reply, never silence
    assert all(item["response_type"] == "ephemeral" for item in slack.fake.responses())
    assert slack.fake.called("views.open") == []
    assert await answers_to(slack, theirs) == []


async def test_a_slash_command_from_one_workspace_cannot_pause_another_s_channel(slack):
    await two_workspaces(slack)

    # An admin of our workspace, naming their channel and team every way a command can.
    for text in ("pause", f"pause {OTHER_TEAM}", f"pause <#{OTHER_CHANNEL}>"):
        reply = await command(slack, "admin", text, team=TEAM, channel=OTHER_CHANNEL)
        assert "no schedule" in reply
    await slack.command("admin", f"pause {OTHER_TEAM} {OTHER_CHANNEL}")  # ours pauses

    theirs = await channel_status(slack.core, ChannelRef("slack", OTHER_TEAM, OTHER_CHANNEL))
    assert not theirs.subscription.paused
    assert (await channel_status(slack.core, CHANNEL_REF)).subscription.paused


@pytest.mark.parametrize(
    "action_id",
    [
        "qotd:answer:1234567890123456789012345:A",  # a post id of 25 digits, past 64 bits
        "qotd:answer:9223372036854775808:A",  # one past the largest signed 64-bit integer
        "qotd:answer:abc:A",
        "qotd:write:99999999999999999999",
        "qotd:rate:18446744073709551616:good",
        "qotd:quiz:1:12345:A",
        "qotd:something-new:1",
    ],
)
async def test_an_action_id_that_does_not_parse_gets_a_clear_private_reply(slack, action_id):
    reply = await slack.click("mallory", action_id)

    assert reply == STALE  # from the listener for stale `qotd:` ids, not a 404 or silence
    assert all(item["response_type"] == "ephemeral" for item in slack.fake.responses())


@pytest.mark.parametrize(
    "action_id", ["qotd:answer:1234567890123456789012345:A", "qotd:write:x", "qotd:"]
)
async def test_an_action_id_that_does_not_parse_is_acknowledged_over_http(slack, action_id):
    url = slack.fake.response_url("stale-http")
    body = signing.block_action("mallory", action_id, "A", url)
    headers = signing.signed_headers(body, signing.FORM)
    async with (
        serving(slack) as events_url,
        deadline(WORK_LIMIT, "an answer to a click on a stale button"),
        aiohttp.ClientSession() as session,
        session.post(events_url, data=body, headers=headers) as response,
    ):
        assert response.status == 200
        assert await slack.bolt.idle()

    assert [text_of(reply) for reply in slack.fake.responses()] == [STALE]


async def test_forget_me_takes_the_member_off_the_channel_s_admins(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    alice = signing.user_id("alice")
    assert "Channel admins" in await slack.command("admin", f"admins <@{alice}|alice>")
    assert "Paused" in await slack.command("alice", "pause")

    assert "deleted" in await slack.command("alice", "forget-me")

    assert (await channel_status(slack.core, CHANNEL_REF)).subscription.admins == set()
    assert "Only admins" in await slack.command("alice", "resume")
