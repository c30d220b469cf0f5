"""Issue 7 on Slack: private reviews on the quiz buttons, rating a written answer after the
reveal, daily reminders by DM, and progress pictures by DM and in the Home tab (with the
same numbers in text)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.slack.replies import nudge_message
from bot.domain.identity import MemberRef
from bot.domain.periods import Scope
from bot.ports import OutgoingNudge, StreakAtRisk
from bot.services import progress, review
from tests.quizzes import right_and_wrong
from tests.slack.checks import check_message, text_of
from tests.slack.harness import CHANNEL_REF, SlackHarness
from tests.slack.signing import CHANNEL, user_id


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    return {
        element["text"]["text"]: element["action_id"]
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    }


def _slack_member(name: str) -> MemberRef:
    return MemberRef("slack", user_id(name), name)


async def test_a_review_runs_privately_on_the_quiz_buttons_and_schedules_each_card(slack):
    first = await slack.command("alice", "review 2")
    assert "Review 1/2" in first
    buttons = _buttons(slack.fake.responses()[-1])
    assert buttons["A"].startswith("qotd:review:")

    feedback = await slack.click("alice", buttons["A"], ephemeral=True)
    assert "Review 2/2" in feedback and slack.fake.responses()[-1]["replace_original"] is True
    done = await slack.click("alice", _buttons(slack.fake.responses()[-1])["B"], ephemeral=True)

    assert "Review done" in done
    assert (await review.review_stats(slack.core, _slack_member("alice"))).cards == 2


async def test_one_member_cannot_answer_or_stop_another_members_review(slack):
    await slack.command("alice", "review 1")
    buttons = _buttons(slack.fake.responses()[-1])

    assert "never started" in await slack.click("bob", buttons["A"], ephemeral=True)
    assert "never started" in await slack.click("bob", buttons["Stop"], ephemeral=True)
    assert "Review done" in await slack.click("alice", buttons["A"], ephemeral=True)


async def test_bad_review_counts_get_the_usage(slack):
    assert "Usage: `/qotd review [count]`" in await slack.command("alice", "review 99")
    assert "Usage: `/qotd review [count]`" in await slack.command("alice", "review lots")


async def _revealed_with_a_written_answer(slack: SlackHarness) -> dict[str, str]:
    await slack.command("admin", "schedule 09:00 UTC daily reveal after 8h")
    await slack.advance(timedelta(days=1))
    assert "saved" in await slack.write("alice", "Bias <b>and</b> variance")
    assert "after the reveal" in await slack.command("alice", "rate good")
    await slack.advance(timedelta(hours=9))
    thread = slack.fake.thread(slack.fake.posts()[0]["ts"])
    return _buttons(thread[-1])


async def test_after_the_reveal_a_writer_rates_their_answer_with_buttons(slack):
    buttons = await _revealed_with_a_written_answer(slack)
    assert set(buttons) == {"Again", "Hard", "Good", "Easy"}

    reply = await slack.click("alice", buttons["Good"])

    assert "Rated good" in reply
    assert slack.fake.responses()[-1]["response_type"] == "ephemeral"
    assert "no unrated written answer" in await slack.click("alice", buttons["Easy"])
    assert "no unrated written answer" in await slack.click("bob", buttons["Again"])


async def test_the_rate_command_is_the_text_alternative_to_the_buttons(slack):
    await _revealed_with_a_written_answer(slack)

    assert "is not a rating" in await slack.command("alice", "rate splendid")
    assert "Rated easy" in await slack.command("alice", "rate easy")


async def test_a_reminder_comes_by_dm_when_a_review_is_due_and_can_be_turned_off(slack):
    await slack.command("alice", "review 1")
    button = _buttons(slack.fake.responses()[-1])
    _, wrong = await right_and_wrong(slack.core, button["A"])
    await slack.click("alice", button[wrong], ephemeral=True)  # Again: due again soon

    reply = await slack.command("alice", "remind 10:30 UTC")
    assert "10:30 UTC" in reply
    await slack.advance(timedelta(hours=1))

    (opened,) = slack.fake.called("conversations.open")
    assert opened.args["users"] == user_id("alice")
    (nudge,) = slack.fake.channel_posts(slack.fake.dms[user_id("alice")])
    assert "1 review(s) due" in text_of(nudge) and "/qotd review" in text_of(nudge)
    assert "Reminders are off" in await slack.command("alice", "remind off")
    assert "You had no reminder" in await slack.command("alice", "remind off")


async def test_bad_reminder_times_get_a_clear_reply(slack):
    assert "Usage: `/qotd remind" in await slack.command("alice", "remind")
    assert "Usage: `/qotd remind" in await slack.command("alice", "remind 08:00 UTC extra")
    assert "Unknown time zone 'Mars/Olympus'" in await slack.command(
        "alice", "remind 08:00 Mars/Olympus"
    )


async def test_stats_show_the_text_and_send_the_progress_card_by_dm_and_to_home(slack):
    reply = await slack.command("alice", "stats")

    assert "Daily answers" in reply and "Reviews due today" in reply
    assert "direct messages" in reply
    (complete,) = slack.fake.called("files.completeUploadExternal")
    dm = slack.fake.dms[user_id("alice")]
    assert complete.args["channel_id"] == dm
    (asked,) = slack.fake.called("files.getUploadURLExternal")
    assert asked.args["alt_txt"].startswith("Progress card")
    (file_id,) = slack.fake.uploads
    assert slack.fake.png(file_id).startswith(b"\x89PNG")

    await slack.event({"type": "app_home_opened", "user": user_id("alice"), "tab": "home"})

    (publish,) = slack.fake.called("views.publish")
    images = [b for b in publish.args["view"]["blocks"] if b["type"] == "image"]
    assert images[0]["slack_file"] == {"id": file_id}
    assert "Reviews due today" in text_of(publish.args["view"])


async def test_an_unchanged_progress_card_is_not_uploaded_twice(slack):
    await slack.command("alice", "stats")
    await slack.command("alice", "stats")

    assert len(slack.fake.called("files.completeUploadExternal")) == 1


async def test_the_leaderboard_chart_goes_by_dm_with_the_same_numbers_in_text(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    await slack.advance(timedelta(days=1))
    await slack.pick("alice", "A")

    reply = await slack.command("alice", "leaderboard week group chart")

    points = await progress.weekly_points(slack.core, CHANNEL_REF, Scope.GROUP)
    numbers = " · ".join(f"{label} {value}" for label, value in points.weeks)
    assert f"*Weekly points (group):* {numbers}" in reply
    assert "1. alice" in reply
    (complete,) = slack.fake.called("files.completeUploadExternal")
    assert complete.args["channel_id"] == slack.fake.dms[user_id("alice")]
    assert "Weekly points" not in await slack.command("alice", "leaderboard")


async def test_a_failed_upload_still_gives_the_numbers(slack):
    slack.fake.fail("files.getUploadURLExternal", "file_uploads_disabled")

    reply = await slack.command("alice", "stats")

    assert "Daily answers" in reply and "could not be sent" in reply


async def test_the_help_lists_review_rate_remind_and_the_chart(slack):
    text = await slack.command("alice", "help")
    for command in ("/qotd review", "/qotd rate", "/qotd remind", "[chart]"):
        assert command in text


def test_a_reminder_names_the_channel_whose_streak_is_at_risk_within_limits():
    closes = datetime(2026, 3, 3, 17, tzinfo=UTC)
    nudge = OutgoingNudge(_slack_member("alice"), 0, (StreakAtRisk(CHANNEL_REF, 4, closes),) * 3)

    message = nudge_message(nudge)

    payload = {"text": message.text, "blocks": message.dicts()}
    assert check_message(payload) == []
    assert f"4-day streak in <#{CHANNEL}>" in text_of(payload)
    assert "review(s) due" not in text_of(payload)
