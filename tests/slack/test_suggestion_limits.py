"""Suggestions at their longest stay within Slack's documented limits: every field at its
LIMITS maximum, written in characters that grow when escaped, in the queue, the review
channel's announcement, the Edit form and the DM; the post and reveal of the longest question
that passes, with a hostile credit. The fake refuses (and records) anything over a limit."""

from __future__ import annotations

from adapters.slack import ids
from bot.domain.question_form import FIELDS, LIMITS, QuestionForm
from bot.services.suggestions import QUEUE_PAGE
from tests.slack import suggesting
from tests.slack.checks import text_of
from tests.slack.harness import SlackHarness

# Each of these characters becomes an entity (or gains a joiner) when escaped.
HOSTILE = "<!channel> & @here <@U123> "
# Ending in a full stop: a stored field is stripped, and this one must come back as it was.
LONGEST = QuestionForm.from_dict(
    {name: (HOSTILE * 200)[: LIMITS[name] - 1] + "." for name in FIELDS}
)
NAME = "Ada <!everyone> & @here " * 3


def longest_valid() -> QuestionForm:
    """The longest form that also passes as a pack question (each choice, key point and the
    prompt and answer at the pack model's own maximum)."""
    choices = "\n".join(
        ("*" if n == 0 else "") + f"{n}" + "&" * 74 + " | " + "<" * 300 for n in range(4)
    )
    key_points = "\n".join(f"{n}" + ">" * 299 for n in range(8))
    return QuestionForm(
        prompt="&" * LIMITS["prompt"],
        answer="<b>" * (LIMITS["answer"] // 3),
        choices=choices,
        key_points=key_points,
        tags="advanced, concept, evaluation",
    )


def no_violations(slack: SlackHarness) -> None:
    assert slack.fake.violations == [], slack.fake.violations


async def test_the_longest_suggestions_fit_the_queue_the_announcement_and_the_edit_form(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    await slack.command("admin", "questions review-channel here")
    members = [f"member{n}" for n in range(4)]
    for n in range(QUEUE_PAGE):
        assert "with the group's admins" in await suggesting.suggest(
            slack, members[n // 3], LONGEST
        )
    no_violations(slack)  # ten announcements, each at its longest

    queue = await slack.command("admin", "suggestions")
    assert "10 suggestions waiting" in queue and "Showing" in queue and "of 10" in queue
    assert len(slack.fake.responses()[-1]["blocks"]) <= 50

    view, _ = await suggesting.button_form(slack, "admin", "edit", 1)
    assert view is not None and suggesting.initial_form(view) == LONGEST
    saved = await slack.submit("admin", view, suggesting.form_values(LONGEST))
    assert "Saved your changes" in saved
    no_violations(slack)


async def test_the_longest_question_is_posted_and_revealed_with_an_inert_credit(slack):
    await slack.command("admin", "schedule 09:00 UTC daily reveal after 8h")
    slack.add_user(NAME)
    await suggesting.suggest(slack, NAME, longest_valid())
    accepted = await slack.command("admin", "accept 1")
    assert "Accepted suggestion #1" in accepted, accepted
    await slack.command("admin", "questions source 1")

    await slack.advance(suggesting.A_DAY)
    post = slack.last_post()
    assert "Suggested by Ada" in text_of(post)
    await slack.click("bob", slack.post_buttons(post)["A"], message_ts=post["ts"])
    await slack.advance(suggesting.A_HALF_DAY)

    assert slack.fake.thread(post["ts"]), "the reveal went out"
    raw = str(post["blocks"])
    assert "<!everyone>" not in raw and "&lt;!everyone&gt;" in raw
    assert any("was accepted" in text for text in suggesting.dms(slack, NAME))
    no_violations(slack)


async def test_a_refusal_listing_every_problem_fits_one_reply(slack):
    await suggesting.suggest(slack, "alice", LONGEST)

    reply = await slack.command("admin", "accept 1")

    assert "was not accepted" in reply
    assert ids.suggestion("edit", 1) in str(slack.fake.responses()[-1]["blocks"])
    no_violations(slack)
