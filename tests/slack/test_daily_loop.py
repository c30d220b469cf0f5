"""The whole product through slack-bolt and the fake Slack API: schedule, post, answers,
reveal, boards, quizzes, the App Home tab and admin checks."""

from __future__ import annotations

from datetime import timedelta

from bot.services.today import today
from tests.quizzes import right_and_wrong
from tests.slack.checks import text_of
from tests.slack.harness import CHANNEL_REF, SlackHarness
from tests.slack.signing import CHANNEL, user_id


async def _posted(slack: SlackHarness) -> str:
    """Schedule the channel and let the first question go out; its correct letter."""
    reply = await slack.command("admin", "schedule 09:00 UTC daily reveal after 8h")
    assert "Scheduled" in reply
    await slack.advance(timedelta(days=1))
    current = await today(slack.core, CHANNEL_REF)
    assert current.question.correct_letter
    return current.question.correct_letter


async def test_an_admin_schedules_the_channel_and_the_question_is_posted_with_buttons(slack):
    reply = await slack.command("admin", "schedule 09:00 Europe/Berlin mon-fri")
    assert "09:00 Europe/Berlin weekdays" in reply

    await slack.advance(timedelta(days=1))

    post = slack.last_post()
    assert post["channel"] == CHANNEL
    assert "Question of the day · Day 1" in text_of(post)
    assert set(slack.post_buttons()) == {"A", "B", "C", "D", "Write an answer"}
    assert all(len(action_id) <= 255 for action_id in slack.post_buttons().values())


async def test_a_member_answers_by_button_and_gets_private_feedback_with_the_why(slack):
    right = await _posted(slack)
    wrong = next(letter for letter in "ABCD" if letter != right)

    assert "Right!" in await slack.pick("alice", right)
    feedback = await slack.pick("bob", wrong)

    assert "Not quite" in feedback and f"The answer is *{right}.*" in feedback
    assert all(reply["response_type"] == "ephemeral" for reply in slack.fake.responses())
    assert "already picked" in await slack.pick("bob", right)


async def test_a_written_answer_goes_through_the_modal_and_is_saved(slack):
    await _posted(slack)

    reply = await slack.write("alice", "Regularisation trades variance for bias")

    view = slack.fake.called("views.open")[-1].args["view"]
    assert view["title"]["text"] == "Your answer"
    assert view["blocks"][-1]["element"]["max_length"] <= 3000
    assert "saved" in reply
    assert "already sent a written answer" in await slack.write("alice", "again")


async def test_the_reveal_goes_in_the_thread_and_the_post_is_closed(slack):
    right = await _posted(slack)
    await slack.pick("alice", right)
    await slack.write("bob", "Something about <!channel> and <@U0BOSS> & co")

    await slack.advance(timedelta(hours=9))

    post = slack.fake.posts()[0]
    thread = slack.fake.thread(post["ts"])
    reveal = "\n".join(text_of(message) for message in thread)
    assert "Answer · Day 1" in reveal and "2 answered" in reveal and "100% correct" in reveal
    raw = str(thread)
    assert "&lt;!channel&gt;" in raw and "&lt;@U0BOSS&gt;" in raw and "&amp; co" in raw
    (update,) = slack.fake.called("chat.update")
    assert update.args["ts"] == post["ts"]
    assert "closed" in text_of(update.args)
    assert all(block["type"] != "actions" for block in update.args["blocks"])
    assert "closed" in await slack.pick("carol", right)


async def test_a_long_written_answer_is_split_over_sections_never_refused(slack):
    await _posted(slack)
    long_answer = ("A very thorough answer with <angle brackets> & more. " * 80).strip()
    assert len(long_answer) > 3000

    assert "saved" in await slack.write("alice", long_answer[:3000])
    await slack.advance(timedelta(hours=9))

    thread = slack.fake.thread(slack.fake.posts()[0]["ts"])
    sections = [b for message in thread for b in message["blocks"] if b["type"] == "section"]
    assert all(len(block["text"]["text"]) <= 3000 for block in sections)
    assert "A very thorough answer" in "\n".join(text_of(message) for message in thread)


async def test_leaderboard_and_streak_after_the_reveal(slack):
    right = await _posted(slack)
    await slack.pick("alice", right)
    await slack.pick("bob", next(letter for letter in "ABCD" if letter != right))
    await slack.advance(timedelta(hours=9))

    board = await slack.command("bob", "leaderboard")
    assert board.index("alice") < board.index("bob")
    assert "streak 1 (best 1)" in await slack.command("alice", "streak")
    assert "alice: streak 1" in await slack.command("bob", f"streak <@{user_id('alice')}|alice>")
    assert "*Daily answers:* 1" in await slack.command("alice", "stats")


async def test_a_practice_quiz_runs_privately_one_question_at_a_time(slack):
    first = await slack.command("alice", "quiz evaluation 2")
    assert "Quiz 1/2" in first
    message = slack.fake.responses()[-1]
    buttons = {
        e["text"]["text"]: e["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
    }

    right, _ = await right_and_wrong(slack.core, buttons["A"])

    feedback = await slack.click("alice", buttons[right], ephemeral=True)

    assert "Right!" in feedback and "Not quite" not in feedback and "Quiz 2/2" in feedback
    assert slack.fake.responses()[-1]["replace_original"] is True
    assert "already answered" in await slack.click("alice", buttons["B"], ephemeral=True)


async def test_the_app_home_shows_stats_streaks_and_the_leaderboard(slack):
    right = await _posted(slack)
    await slack.pick("alice", right)

    await slack.event({"type": "app_home_opened", "user": user_id("alice"), "tab": "home"})

    (publish,) = slack.fake.called("views.publish")
    assert publish.args["user_id"] == user_id("alice")
    home = text_of(publish.args["view"])
    assert "Daily answers: 1" in home
    assert f"<#{CHANNEL}>: streak 1" in home
    assert "1. alice" in home


async def test_a_member_who_is_not_an_admin_cannot_change_the_schedule(slack):
    reply = await slack.command("alice", "schedule 09:00 UTC daily")
    assert "Only admins" in reply
    await slack.command("admin", "schedule 09:00 UTC daily")
    assert "Only admins" in await slack.command("alice", "pause")
    assert "Only workspace admins" in await slack.command(
        "alice", f"admins <@{user_id('alice')}|alice>"
    )


async def test_a_member_listed_as_channel_admin_may_pause(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    await slack.command("admin", f"admins <@{user_id('alice')}|alice>")

    assert "Paused" in await slack.command("alice", "pause")
    assert "*Paused:* paused by alice" in await slack.command("alice", "status")
    assert "Only admins can see the schedule's status" in await slack.command("bob", "status")


async def test_unknown_subcommands_and_bad_arguments_get_a_clear_reply(slack):
    assert "Unknown subcommand `dance`" in await slack.command("alice", "dance")
    assert "Unknown time zone 'Mars/Olympus'" in await slack.command(
        "admin", "schedule 09:00 Mars/Olympus"
    )
    assert "Usage: `/qotd schedule" in await slack.command("admin", "schedule 09:00")
    assert "Unknown period 'fortnight'" in await slack.command("alice", "leaderboard fortnight")
    assert "no schedule yet" in await slack.command("alice", "today")
    assert "/qotd schedule" in await slack.command("alice", "help")


async def test_the_schedule_modal_opens_and_saves_the_schedule(slack):
    await slack.command("admin", "schedule")
    view = slack.fake.called("views.open")[-1].args["view"]
    assert view["title"]["text"] == "Question schedule"
    values = {
        "time": {"value": {"type": "timepicker", "selected_time": "07:30"}},
        "timezone": {"value": {"type": "plain_text_input", "value": "Europe/Paris"}},
        "days": {
            "value": {
                "type": "checkboxes",
                "selected_options": [{"value": "mon"}, {"value": "wed"}],
            }
        },
        "reveal": {"value": {"type": "plain_text_input", "value": "after 4h"}},
        "topics": {"value": {"type": "multi_static_select", "selected_options": []}},
        "difficulty": {"value": {"type": "checkboxes", "selected_options": []}},
        "thread": {"value": {"type": "checkboxes", "selected_options": [{"value": "thread"}]}},
    }

    reply = await slack.submit("admin", view, values)

    assert "Scheduled" in reply and "07:30 Europe/Paris mon,wed, reveal after 4h" in reply


async def test_a_bad_field_in_the_schedule_modal_is_shown_under_that_field(slack):
    await slack.command("admin", "schedule")
    view = slack.fake.called("views.open")[-1].args["view"]
    values = {
        "time": {"value": {"type": "timepicker", "selected_time": "07:30"}},
        "timezone": {"value": {"type": "plain_text_input", "value": "Nowhere/Land"}},
        "days": {"value": {"type": "checkboxes", "selected_options": [{"value": "mon"}]}},
        "reveal": {"value": {"type": "plain_text_input", "value": "after 4h"}},
    }

    await slack.submit("admin", view, values)

    assert slack.last_view_response is not None
    body = slack.last_view_response.body
    assert '"response_action": "errors"' in body and "timezone" in body


async def test_post_now_today_and_forget_me(slack):
    await slack.command("admin", "schedule 18:00 UTC daily")
    assert "Posted today's question" in await slack.command("admin", "post-now")
    assert "Day 1 (open)" in await slack.command("alice", "today")
    await slack.pick("alice", "A")
    assert "deleted" in await slack.command("alice", "forget-me")
    assert "Nothing was stored" in await slack.command("alice", "forget-me")


async def test_the_only_mention_a_post_carries_is_the_admins_user_group(slack):
    await slack.command(
        "admin", "schedule 09:00 UTC daily mention <!subteam^S0STUDY|@ml-study> thread"
    )
    await slack.advance(timedelta(days=1))

    post = slack.last_post()
    assert post["blocks"][0]["text"]["text"] == "<!subteam^S0STUDY>"
    assert post["text"].startswith("<!subteam^S0STUDY> Question of the day")
    assert "Discuss the question here" in text_of(slack.fake.thread(post["ts"])[0])
    assert "user group" in await slack.command("admin", "schedule 09:00 UTC daily mention <!here>")


async def test_uninstalling_a_single_token_app_pauses_its_schedules_with_the_reason(slack):
    from adapters.slack.uninstall import UNINSTALLED
    from bot.services.subscriptions import channel_status
    from tests.slack import signing

    await _posted(slack)
    posts = len(slack.fake.posts())

    response = await slack.send(signing.event({"type": "app_uninstalled"}), signing.JSON)
    assert response.status == 200
    await slack.bolt.idle()

    status = (await channel_status(slack.core, CHANNEL_REF)).subscription
    assert status.paused and status.pause_reason == UNINSTALLED
    await slack.advance(timedelta(days=1))
    assert len(slack.fake.posts()) == posts  # nothing more is sent to a workspace that left
