"""The group's best answer on Slack: a "Vote: <name>" button per written answer under the
reveal, one vote each and never for one's own, counted only from the post's own channel and
workspace, still working after a restart; when the votes close the winner earns points and
the next post credits them, their name as text."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from adapters.slack import blocks, ids, limits
from bot.domain import action_ids
from bot.ports import OutgoingReveal, Results, WrittenAnswer
from tests.slack.checks import check_message, text_of
from tests.slack.harness import CHANNEL_REF, SlackHarness
from tests.slack.signing import CHANNEL
from tests.slack.test_question_bank import BANK

# The longest name qotd keeps (100 characters), with mass mentions and an ampersand in it
# (letters past ASCII keep the test's user id, made of the name's ASCII letters, short).
ADA = ("Ada <!channel> & @here Lovelace " + "ø" * 100)[:100]
SHOWN = ADA.replace("@here", "@\u2060here")  # as a reader sees it: never a ping
OTHER_TEAM = "T0OTHER"
OTHER_CHANNEL = "C0OTHER"


async def revealed(slack: SlackHarness) -> dict[str, Any]:
    """Day 1 posted, written answers from Ada and bob, then the reveal; the post."""
    slack.add_user(ADA)
    assert "Scheduled" in await slack.command("admin", "schedule 09:00 UTC daily reveal after 8h")
    await slack.advance(timedelta(days=1))
    assert "saved" in await slack.write(ADA, "Shrink the weights: less variance, more bias.")
    assert "saved" in await slack.write("bob", "Penalise large weights so the model is simpler.")
    await slack.advance(timedelta(hours=9))
    return slack.fake.posts()[0]


def vote_buttons(slack: SlackHarness, post: dict[str, Any]) -> list[dict[str, Any]]:
    """The vote buttons in the reveal of `post`, in order."""
    return [
        element
        for message in slack.fake.thread(post["ts"])
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if action_ids.VOTE.match(element["action_id"])
    ]


async def vote(slack: SlackHarness, user: str, button: dict[str, Any], **options: Any) -> str:
    return await slack.click(user, button["action_id"], **options)


async def points(slack: SlackHarness, name: str) -> int:
    """`name`'s points on this week's group board, as `/qotd leaderboard` shows them."""
    board = await slack.command("carol", "leaderboard")
    found = re.search(rf"^\d+\. {re.escape(name)} — (\d+)$", board, re.MULTILINE)
    return int(found[1]) if found else 0


async def test_the_reveal_has_a_vote_button_per_written_answer_named_as_text(slack):
    post = await revealed(slack)

    ada, bob = vote_buttons(slack, post)
    assert bob["text"]["text"] == "Vote: bob"
    assert len(ada["text"]["text"]) <= limits.BUTTON_TEXT == 75
    assert ada["text"]["text"].startswith("Vote: Ada &lt;!channel&gt; &amp; @\u2060here")
    assert ada["text"]["text"].endswith("…") and ada["text"]["emoji"] is False
    for button in (ada, bob):
        assert button["value"] == button["action_id"]
    reveal = "\n".join(text_of(message) for message in slack.fake.thread(post["ts"]))
    assert "Vote for it: one vote each, not for your own" in reveal


async def test_a_member_votes_once_and_never_for_their_own_answer(slack):
    ada, bob = vote_buttons(slack, await revealed(slack))

    reply = await vote(slack, "carol", ada)

    assert f"Vote counted for {SHOWN}'s answer" in reply
    assert "&lt;!channel&gt;" in str(slack.fake.responses()[-1])
    assert slack.fake.responses()[-1]["response_type"] == "ephemeral"
    assert "cannot vote for your own answer" in await vote(slack, "bob", bob)
    assert "already voted on Day 1's answers" in await vote(slack, "carol", bob)


async def test_a_vote_button_still_counts_after_a_restart(slack):
    ada, _ = vote_buttons(slack, await revealed(slack))

    restarted = SlackHarness(slack.core, slack.fake)  # a new app, the same database

    assert "Vote counted" in await vote(restarted, "carol", ada)


async def test_a_click_from_another_channel_or_workspace_is_refused_and_not_counted(slack):
    ada, _ = vote_buttons(slack, await revealed(slack))

    elsewhere = await vote(slack, "carol", ada, channel=OTHER_CHANNEL)
    other_team = await vote(slack, "carol", ada, team=OTHER_TEAM)

    assert "belongs to another channel" in elsewhere
    assert "belongs to another channel" in other_team
    assert "Vote counted" in await vote(slack, "carol", ada, channel=CHANNEL)


async def test_a_forged_vote_for_an_unknown_answer_changes_nothing(slack):
    await revealed(slack)

    reply = await slack.click("carol", ids.vote(999_999))

    assert "not there any more" in reply


async def test_when_votes_close_the_winner_earns_points_and_the_next_post_credits_them(slack):
    post = await revealed(slack)
    ada, bob = vote_buttons(slack, post)
    assert "Vote counted" in await vote(slack, "carol", ada)
    before = await points(slack, SHOWN)

    await slack.advance(slack.core.vote_window + timedelta(minutes=1))

    assert await points(slack, SHOWN) == before + slack.core.points.best_answer > before
    assert "closed" in await vote(slack, "admin", bob)
    await slack.advance(timedelta(days=1))
    day_two = slack.last_post()
    assert "Question of the day · Day 2" in text_of(day_two)
    assert f"Best answer of Day 1: {SHOWN} (1 vote)" in text_of(day_two)
    lines = [e["text"] for b in day_two["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert any(
        line.startswith("Best answer of Day 1: Ada &lt;!channel&gt; &amp; @\u2060here")
        for line in lines
    )
    assert slack.fake.violations == []


async def test_a_reveal_with_one_written_answer_has_no_vote_buttons(slack):
    assert "Scheduled" in await slack.command("admin", "schedule 09:00 UTC daily reveal after 8h")
    await slack.advance(timedelta(days=1))
    assert "saved" in await slack.write("alice", "Less variance, more bias.")

    await slack.advance(timedelta(hours=9))

    assert vote_buttons(slack, slack.fake.posts()[0]) == []
    assert "not there any more" not in str(slack.fake.thread(slack.fake.posts()[0]["ts"]))


def test_more_answers_than_the_buttons_hold_get_none_and_the_reveal_says_so():
    room = limits.ACTIONS_ELEMENTS * blocks.VOTE_BLOCKS
    written = tuple(WrittenAnswer(ADA, "An answer.", number) for number in range(1, room + 8))
    results = Results(len(written), 0, 0, None, written)
    reveal = OutgoingReveal(
        7, CHANNEL_REF, BANK.questions[0], 1, "1.0", "1.0", results, votes_open=True
    )

    messages = [
        {"text": message.text, "blocks": message.dicts()}
        for message in blocks.reveal_messages(reveal)
    ]

    assert len(messages) > 1
    assert [problem for message in messages for problem in check_message(message)] == []
    buttons = [
        element
        for message in messages
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if action_ids.VOTE.match(element["action_id"])
    ]
    assert [button["action_id"] for button in buttons] == [ids.vote(n) for n in range(1, room + 1)]
    shown = "\n".join(text_of(message) for message in messages)
    assert f"Only the first {room} answers have a vote button; 7 more cannot be voted for" in shown
