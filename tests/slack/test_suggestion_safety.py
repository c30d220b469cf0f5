"""Suggestion buttons and forms on Slack are safe to keep and to forge: they work after a
restart, act only for the workspace and channel Slack says they came from, check who clicks,
and a forged number or an unsigned request changes nothing."""

from __future__ import annotations

import json

from adapters.slack import ids
from tests.contract.suggestion_scenario import EDIT, FORM
from tests.slack import signing, suggesting
from tests.slack.fake_api import TEAM
from tests.slack.harness import SlackHarness
from tests.slack.test_suggestions import status_of

COMPLETE = FORM.with_changes(EDIT)
OTHER_TEAM = "T0OTHER"
OTHER_CHANNEL = "C0OTHER"
PERMISSION = "Only admins can accept suggestions"


async def theirs(slack: SlackHarness) -> int:
    """A suggestion sent in another workspace; its number."""
    view = await suggesting.command_form(slack, "mallory", "suggest")
    assert ids.ViewContext.load(view["private_metadata"]).team_id == TEAM
    # The same form, opened in the other workspace's channel.
    metadata = ids.ViewContext(OTHER_TEAM, OTHER_CHANNEL).dump()
    body = signing.view_submission(
        "mallory",
        {**view, "private_metadata": metadata},
        suggesting.form_values(COMPLETE),
        team=OTHER_TEAM,
    )
    response = await slack.send(body, signing.FORM)
    assert response.status == 200 and not response.body, response.body
    async with slack.core.storage.read() as uow:
        group = await uow.members.find_group("slack", OTHER_TEAM)
        rows, _ = await uow.group_questions.pending(group, 10)
    (row,) = rows
    return row.id


async def test_a_button_from_before_a_restart_still_accepts(slack):
    await suggesting.suggest(slack, "alice", COMPLETE)
    await slack.command("admin", "suggestions")
    action_id = suggesting.suggestion_button(slack, "accept", 1)

    restarted = SlackHarness(slack.core, slack.fake)  # a new app, the same database
    reply = await restarted.click("admin", action_id, ephemeral=True)

    assert "Accepted suggestion #1" in reply
    assert await status_of(slack, 1) == "accepted"


async def test_a_member_s_click_on_accept_is_refused_with_the_permission_message(slack):
    await suggesting.suggest(slack, "alice", COMPLETE)
    await slack.command("admin", "suggestions")

    reply = await suggesting.click_suggestion(slack, "bob", "accept", 1)

    assert PERMISSION in reply
    assert await status_of(slack, 1) == "pending"
    assert suggesting.dms(slack, "alice") == []


async def test_a_member_s_click_on_edit_or_decline_opens_no_form(slack):
    await suggesting.suggest(slack, "alice", COMPLETE)
    await slack.command("admin", "suggestions")

    for verb in ("edit", "decline"):
        view, reply = await suggesting.button_form(slack, "bob", verb, 1)
        assert view is None and "Only admins can review suggestions" in reply
    assert await status_of(slack, 1) == "pending"


async def test_a_click_from_another_workspace_cannot_decide_our_suggestion(slack):
    await suggesting.suggest(slack, "alice", COMPLETE)
    slack.add_user("root", admin=True)  # an admin, of the other workspace
    action_id = ids.suggestion("accept", 1)

    reply = await slack.click("root", action_id, team=OTHER_TEAM, channel=OTHER_CHANNEL)

    assert "There is no suggestion #1 in this group." in reply
    assert await status_of(slack, 1) == "pending"


async def test_our_admin_cannot_decide_another_workspace_s_suggestion_by_its_number(slack):
    number = await theirs(slack)

    for verb in ("accept", "written", "decline", "edit"):
        reply = await slack.click("admin", ids.suggestion(verb, number), ephemeral=True)
        assert f"There is no suggestion #{number} in this group." in reply
    words = await slack.command("admin", f"accept {number}")
    assert f"There is no suggestion #{number}" in words
    assert slack.fake.called("views.open")[-1].args["view"]["callback_id"] == ids.SUGGEST_VIEW
    assert await status_of(slack, number) == "pending"


async def test_a_forged_unknown_number_changes_nothing(slack):
    await suggesting.suggest(slack, "alice", COMPLETE)

    reply = await slack.click("admin", ids.suggestion("accept", 999), ephemeral=True)
    mangled = await slack.click("admin", "qotd:suggestion:accept:1x", ephemeral=True)

    assert "There is no suggestion #999 in this group." in reply
    assert "out of date or not one of ours" in mangled
    assert await status_of(slack, 1) == "pending"


async def test_a_channel_admin_decides_only_where_they_are_listed(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    await slack.command("admin", "admins <@UCAROL|carol>")
    await suggesting.suggest(slack, "alice", COMPLETE)

    elsewhere = await slack.click(
        "carol", ids.suggestion("accept", 1), ephemeral=True, channel=OTHER_CHANNEL
    )
    here = await slack.click("carol", ids.suggestion("accept", 1), ephemeral=True)

    assert PERMISSION in elsewhere
    assert "Accepted suggestion #1" in here


async def test_a_form_opened_in_one_workspace_cannot_be_sent_from_another(slack):
    view = await suggesting.command_form(slack, "alice", "suggest")

    body = signing.view_submission("alice", view, suggesting.form_values(COMPLETE), team=OTHER_TEAM)
    response = await slack.send(body, signing.FORM)

    answer = json.loads(response.body)
    assert answer["errors"] == {"prompt": "That form belongs to another channel."}
    assert await status_of(slack, 1) is None


async def test_an_edit_form_naming_another_workspace_s_suggestion_changes_nothing(slack):
    await suggesting.suggest(slack, "alice", FORM)
    number = await theirs(slack)
    await slack.command("admin", "suggestions")
    view, _ = await suggesting.button_form(slack, "admin", "edit", 1)
    assert view is not None
    where = ids.ViewContext.load(view["private_metadata"])
    forged = {
        **view,
        "private_metadata": ids.ViewContext(
            where.team_id, where.channel_id, target=str(number)
        ).dump(),
    }

    await slack.submit(
        "admin",
        forged,
        suggesting.form_values(FORM.with_changes({"prompt": "Hijacked prompt here"})),
    )

    assert f"There is no suggestion #{number} in this group." in slack.view_errors()["prompt"]
    view, _ = await suggesting.button_form(slack, "admin", "edit", 1)
    assert view is not None and suggesting.initial_form(view) == FORM


async def test_an_unsigned_click_is_rejected_and_changes_nothing(slack):
    await suggesting.suggest(slack, "alice", COMPLETE)
    url = slack.fake.response_url("unsigned")
    body = signing.block_action("admin", ids.suggestion("accept", 1), "1", url, ephemeral=True)

    response = await slack.send(body, signing.FORM, secret="not-the-secret")

    assert response.status == 401
    assert await status_of(slack, 1) == "pending"
    assert slack.fake.responses() == []  # no reply of any kind was sent
