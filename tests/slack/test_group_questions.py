"""`/qotd questions` on Slack: admins list, export (a file in their DM, never the channel),
edit (a form, or words), retire, choose the source of a schedule's questions and where new
suggestions are announced; importing names the host command for this workspace."""

from __future__ import annotations

from tests.contract.suggestion_scenario import EDIT, FORM
from tests.slack import signing, suggesting
from tests.slack.fake_api import TEAM
from tests.slack.harness import SlackHarness

COMPLETE = FORM.with_changes(EDIT)


async def with_a_question(slack: SlackHarness) -> None:
    """The channel is scheduled and the group has one question of its own, from alice."""
    await slack.command("admin", "schedule 09:00 UTC daily")
    await suggesting.suggest(slack, "alice", COMPLETE)
    assert "Accepted" in await slack.command("admin", "accept 1")


async def test_list_shows_each_question_with_its_credit(slack):
    assert "no questions of its own yet" in await slack.command("admin", "questions")
    await with_a_question(slack)

    listed = await slack.command("admin", "questions list")

    assert "`suggestion-1` · suggested by alice: Why can a model" in listed


async def test_a_member_may_not_list_or_export(slack):
    await with_a_question(slack)

    assert "Only admins can" in await slack.command("bob", "questions list")
    assert "Only admins can" in await slack.command("bob", "questions export")
    assert slack.fake.uploads == {}


async def test_export_sends_the_yaml_to_the_admin_s_dm_only(slack):
    await with_a_question(slack)

    reply = await slack.command("admin", "questions export")

    assert "in your direct messages with qotd" in reply
    assert f"qotd questions import --group slack:{TEAM} FILE" in reply
    (upload,) = slack.fake.uploads.values()
    assert upload["name"] == "qotd-questions.yaml"
    assert upload["shared_in"] == {slack.fake.dms[signing.user_id("admin")]}
    text = bytes(upload["data"]).decode()
    assert "questions:" in text and "id: suggestion-1" in text and "look at recall" in text


async def test_export_falls_back_to_a_private_code_block(slack):
    await with_a_question(slack)
    slack.fake.fail("files.getUploadURLExternal", "not_allowed_token_type")

    reply = await slack.command("admin", "questions export")

    assert "could not be sent to your direct messages" in reply
    assert "id: suggestion-1" in reply
    assert slack.fake.responses()[-1]["response_type"] == "ephemeral"


async def test_import_names_the_host_command_for_this_workspace(slack):
    reply = await slack.command("admin", "questions import")

    assert f"qotd questions import --group slack:{TEAM} FILE" in reply


async def test_retire_takes_a_question_out_of_use(slack):
    await with_a_question(slack)

    reply = await slack.command("admin", "questions retire suggestion-1")

    assert "Retired `suggestion-1`" in reply
    assert "`suggestion-1` (retired)" in await slack.command("admin", "questions list")
    assert "retired already" in await slack.command("admin", "questions retire suggestion-1")


async def test_source_chooses_where_the_schedule_s_questions_come_from(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    assert "no questions of its own yet" in await slack.command("admin", "questions source 1")
    await suggesting.suggest(slack, "alice", COMPLETE)
    await slack.command("admin", "accept 1")

    assert "group's own questions only" in await slack.command("admin", "questions source 1")
    assert "One question in 3" in await slack.command("admin", "questions source 3")
    assert "pack only" in await slack.command("admin", "questions source 0")
    assert "Use 0" in await slack.command("admin", "questions source 99999")
    assert "Usage" in await slack.command("admin", "questions source often")
    assert "Only admins can" in await slack.command("bob", "questions source 0")


async def test_review_channel_off_stops_the_announcements(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    assert "announced here" in await slack.command("admin", "questions review-channel here")
    assert "not announced" in await slack.command("admin", "questions review-channel off")

    await suggesting.suggest(slack, "alice", FORM)

    assert slack.fake.posts() == []


async def test_edit_opens_the_question_filled_in_and_saves_it(slack):
    await with_a_question(slack)

    view = await suggesting.command_form(slack, "admin", "questions edit suggestion-1")
    assert suggesting.initial_form(view).key_points == EDIT["key_points"]
    changed = suggesting.initial_form(view).with_changes({"key_points": "recall matters"})
    reply = await slack.submit("admin", view, suggesting.form_values(changed))

    assert "Saved the group's question" in reply
    assert (await suggesting.group_question(slack, "suggestion-1")).key_points == (
        "recall matters",
    )


async def test_an_edit_with_an_unknown_tag_stays_open_under_the_tags(slack):
    await with_a_question(slack)
    view = await suggesting.command_form(slack, "admin", "questions edit suggestion-1")
    changed = suggesting.initial_form(view).with_changes({"tags": "beginner, astrology"})

    await slack.submit("admin", view, suggesting.form_values(changed))

    assert "'astrology' is not a difficulty" in slack.view_errors()["tags"]


async def test_edit_with_words_saves_at_once(slack):
    await with_a_question(slack)

    reply = await slack.command(
        "admin", "questions edit suggestion-1 key_points=one point; another point"
    )

    assert "Saved `suggestion-1`" in reply
    question = await suggesting.group_question(slack, "suggestion-1")
    assert question.key_points == ("one point", "another point")


async def test_unknown_words_get_the_usage(slack):
    assert "Usage: `/qotd questions list" in await slack.command("admin", "questions frobnicate")
    assert "Usage" in await slack.command("admin", "questions review-channel maybe")
    assert "Usage" in await slack.command("admin", "questions retire")
