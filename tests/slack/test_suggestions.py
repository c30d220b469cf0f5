"""Suggestions on Slack: a member suggests through a form; admins review the queue, edit,
accept (as written, edited, or as a written-answer question) or decline with a reason, by
buttons or by `/qotd` words; the member is told by DM, and the admin whether that worked."""

from __future__ import annotations

from dataclasses import replace

from adapters.slack import ids
from bot.domain.question_form import LIMITS
from tests.contract.suggestion_scenario import EDIT, FORM
from tests.slack import suggesting
from tests.slack.checks import text_of
from tests.slack.harness import CHANNEL_REF, SlackHarness

COMPLETE = FORM.with_changes(EDIT)
WRITTEN = replace(COMPLETE, choices="")  # complete, but no choices and not behavioral
REVIEW = "C0REVIEW"


async def status_of(slack: SlackHarness, number: int) -> str | None:
    async with slack.core.storage.read() as uow:
        row = await uow.group_questions.suggestion(number)
    return row.status if row else None


async def test_suggest_opens_a_form_with_the_five_fields_at_their_limits(slack):
    view = await suggesting.command_form(slack, "alice", "suggest")

    inputs = {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}
    assert list(inputs) == ["prompt", "answer", "choices", "key_points", "tags"]
    for name, block in inputs.items():
        assert block["element"]["max_length"] == LIMITS[name]
        assert block.get("optional", False) is (name not in ("prompt", "answer"))
    assert inputs["prompt"]["element"]["multiline"] and inputs["answer"]["element"]["multiline"]
    where = ids.ViewContext.load(view["private_metadata"])
    assert (where.team_id, where.channel_id) == (CHANNEL_REF.group_id, CHANNEL_REF.channel_id)


async def test_a_sent_suggestion_closes_the_form_and_says_what_happens_next(slack):
    reply = await suggesting.suggest(slack, "alice", FORM)

    assert slack.view_errors() == {}
    assert "Suggestion #1 is with the group's admins" in reply
    assert await status_of(slack, 1) == "pending"


async def test_an_empty_question_stays_in_the_open_form_under_its_field(slack):
    await suggesting.suggest(slack, "alice", replace(FORM, prompt="   \n "))

    assert set(slack.view_errors()) == {"prompt"}
    assert "prompt is empty" in slack.view_errors()["prompt"]
    assert await status_of(slack, 1) is None


async def test_a_forged_over_long_answer_is_refused_under_the_answer_field(slack):
    # Slack enforces max_length in its client only.
    await suggesting.suggest(slack, "alice", replace(FORM, answer="x" * (LIMITS["answer"] + 1)))

    assert "the limit is 2800" in slack.view_errors()["answer"]
    assert await status_of(slack, 1) is None


async def test_a_fourth_suggestion_in_a_day_stays_in_the_open_form_with_the_reason(slack):
    for _ in range(3):
        await suggesting.suggest(slack, "alice", FORM)

    await suggesting.suggest(slack, "alice", FORM)

    assert "3 suggestions in the last 24 hours" in slack.view_errors()["prompt"]
    assert await status_of(slack, 4) is None


async def test_a_suggestion_is_announced_in_the_review_channel_with_its_buttons(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    reply = await suggesting.command_in(slack, "admin", "questions review-channel here", REVIEW)
    assert "announced here" in reply
    slack.add_user("Ada <!channel>")

    await suggesting.suggest(slack, "Ada <!channel>", COMPLETE)

    (notice,) = [post for post in slack.fake.posts() if post["channel"] == REVIEW]
    assert "New suggestion #1 from Ada &lt;!channel&gt;: Why can a model" in str(notice["blocks"])
    buttons = slack.post_buttons(notice)
    assert set(buttons) == {"Accept", "Edit", "Decline"}
    reply = await slack.click("admin", buttons["Accept"], channel=REVIEW, message_ts=notice["ts"])
    assert "Accepted suggestion #1" in reply
    assert any("was accepted" in text for text in suggesting.dms(slack, "Ada <!channel>"))


async def test_the_queue_shows_each_waiting_suggestion_with_its_buttons(slack):
    await suggesting.suggest(slack, "alice", FORM)
    await suggesting.suggest(slack, "bob", COMPLETE)

    queue = await slack.command("admin", "suggestions")

    assert "2 suggestions waiting" in queue
    assert "#1 from alice" in queue and "#2 from bob" in queue
    assert "look at recall on the sick cases" in queue
    buttons = slack.post_buttons(slack.fake.responses()[-1])
    assert buttons == {"Accept": ids.suggestion("accept", 2), **buttons}  # the last card's
    assert await slack.command("admin", "suggestions") == queue


async def test_a_member_may_not_see_the_queue(slack):
    await suggesting.suggest(slack, "alice", FORM)

    assert "Only admins can review suggestions" in await slack.command("bob", "suggestions")


async def test_accept_adds_the_question_and_tells_the_member_by_dm(slack):
    await suggesting.suggest(slack, "alice", COMPLETE)
    await slack.command("admin", "suggestions")

    reply = await suggesting.click_suggestion(slack, "admin", "accept", 1)

    assert "Accepted suggestion #1" in reply and "`suggestion-1`" in reply
    assert "alice was told privately" in reply
    assert any("was accepted" in text for text in suggesting.dms(slack, "alice"))
    assert await status_of(slack, 1) == "accepted"


async def test_an_incomplete_suggestion_is_refused_with_the_field_and_an_edit_button(slack):
    await suggesting.suggest(slack, "alice", FORM)  # no key points
    await slack.command("admin", "suggestions")

    reply = await suggesting.click_suggestion(slack, "admin", "accept", 1)

    assert "was not accepted" in reply and "key_points" in reply
    assert "Edit" in slack.post_buttons(slack.fake.responses()[-1])
    assert await status_of(slack, 1) == "pending"
    assert suggesting.dms(slack, "alice") == []


async def test_a_question_without_choices_may_be_accepted_as_written_answer_only(slack):
    await suggesting.suggest(slack, "alice", WRITTEN)
    await slack.command("admin", "suggestions")

    reply = await suggesting.click_suggestion(slack, "admin", "accept", 1)

    assert "has no choices" in reply and await status_of(slack, 1) == "pending"
    offered = slack.post_buttons(slack.fake.responses()[-1])
    assert offered["Accept as written-answer only"] == ids.suggestion("written", 1)
    reply = await suggesting.click_suggestion(slack, "admin", "written", 1)
    assert "Accepted suggestion #1" in reply
    assert await status_of(slack, 1) == "accepted"


async def test_accept_and_decline_as_words(slack):
    await suggesting.suggest(slack, "alice", WRITTEN)
    await suggesting.suggest(slack, "bob", FORM)

    accepted = await slack.command(
        "admin", "accept #1 written-only tags=beginner, concept, evaluation"
    )
    declined = await slack.command("admin", "decline 2 Too close to <!here> last week's")

    assert "Accepted suggestion #1" in accepted and "alice was told privately" in accepted
    assert "Declined suggestion #2" in declined
    (notice,) = suggesting.dms(slack, "bob")
    assert "was declined" in notice and "Too close to <!here> last week's" in notice
    dm = slack.fake.called("chat.postMessage")[-1].args
    assert "&lt;!here&gt;" in str(dm["blocks"])  # shown as typed, never a ping


async def test_accept_with_changes_as_words_saves_them(slack):
    await suggesting.suggest(slack, "alice", FORM)

    reply = await slack.command(
        "admin",
        "accept 1 key_points=accuracy hides it; look at recall tags=intermediate, concept, evaluation",
    )

    assert "Accepted suggestion #1" in reply
    question = await suggesting.group_question(slack, "suggestion-1")
    assert question.key_points == ("accuracy hides it", "look at recall")


async def test_words_that_are_not_a_number_get_the_usage(slack):
    assert "Usage: `/qotd accept <n>" in await slack.command("admin", "accept")
    assert "is not a suggestion number" in await slack.command("admin", "decline one")
    assert "is not a suggestion number" in await slack.command("admin", "accept 1" + "0" * 18)


async def test_edit_opens_the_suggestion_filled_in_and_saves_it_apart_from_accepting(slack):
    await suggesting.suggest(slack, "alice", FORM)
    await slack.command("admin", "suggestions")

    view, _ = await suggesting.button_form(slack, "admin", "edit", 1)
    assert view is not None and suggesting.initial_form(view) == FORM
    form = FORM.with_changes({"tags": "beginner, concept"})
    saved = await slack.submit("admin", view, suggesting.form_values(form))

    assert "Saved your changes to suggestion #1" in saved
    assert "beginner, concept" in saved and await status_of(slack, 1) == "pending"
    view, _ = await suggesting.button_form(slack, "admin", "edit", 1)
    assert view is not None and suggesting.initial_form(view) == form


async def test_an_edit_that_empties_the_answer_stays_in_the_open_form(slack):
    await suggesting.suggest(slack, "alice", FORM)
    await slack.command("admin", "suggestions")

    await suggesting.edit(slack, "admin", 1, {"answer": ""})

    assert set(slack.view_errors()) == {"answer"}
    view, _ = await suggesting.button_form(slack, "admin", "edit", 1)
    assert view is not None and suggesting.initial_form(view) == FORM


async def test_decline_asks_for_a_reason_and_tells_the_member(slack):
    await suggesting.suggest(slack, "alice", FORM)
    await slack.command("admin", "suggestions")

    view, _ = await suggesting.button_form(slack, "admin", "decline", 1)
    assert view is not None and view["callback_id"] == ids.DECLINE_VIEW
    reply = await slack.submit("admin", view, suggesting.reason_values("We had it last week"))

    assert "Declined suggestion #1" in reply and "alice was told privately" in reply
    (notice,) = suggesting.dms(slack, "alice")
    assert "was declined" in notice and "We had it last week" in notice
    assert await status_of(slack, 1) == "declined"


async def test_when_the_dm_fails_the_admin_is_told_the_member_was_not(slack):
    await suggesting.suggest(slack, "alice", COMPLETE)
    slack.fake.fail("conversations.open", "cannot_dm_bot")

    reply = await slack.command("admin", "accept 1")

    assert "Accepted suggestion #1" in reply
    assert "alice could not be told privately" in reply
    assert await status_of(slack, 1) == "accepted"


async def test_a_decided_suggestion_cannot_be_decided_again(slack):
    await suggesting.suggest(slack, "alice", COMPLETE)
    await slack.command("admin", "suggestions")
    await suggesting.click_suggestion(slack, "admin", "accept", 1)

    again = await suggesting.click_suggestion(slack, "admin", "decline", 1)

    assert "Suggestion #1 was accepted already" in again
    assert len(suggesting.dms(slack, "alice")) == 1


async def test_the_post_of_an_accepted_suggestion_credits_the_member(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    await suggesting.suggest(slack, "alice", COMPLETE)
    await slack.command("admin", "accept 1")
    await slack.command("admin", "questions source 1")

    await slack.advance(suggesting.A_DAY)

    post = slack.last_post()
    assert post["channel"] == CHANNEL_REF.channel_id
    assert "Suggested by alice" in text_of(post)


async def test_a_one_line_suggestion_is_taken_as_words_too(slack):
    reply = await slack.command(
        "alice",
        "suggest Why does dropout help? | It averages many thinned networks, so less variance.",
    )

    assert "Suggestion #1 is with the group's admins" in reply
    assert not slack.fake.called("views.open")
    assert await status_of(slack, 1) == "pending"
