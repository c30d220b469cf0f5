"""Bad input, fuzzed, on Slack: any command words get a clear reply or a value, member text
renders inert and within Slack's limits, and what is stored is what was typed."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.slack import arguments, blocks, replies, schedule
from adapters.slack.commands import HANDLERS
from adapters.slack.errors import GENERIC
from adapters.slack.mrkdwn import escape
from bot.errors import QotdError
from bot.ports import Results, WrittenAnswer
from bot.services.answers import clean_written
from bot.services.today import today
from tests.slack.checks import check_message
from tests.slack.harness import CHANNEL_REF, SlackHarness

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=300)
HOSTILE = st.sampled_from(
    [
        "<!channel>",
        "<!here|here>",
        "@everyone",
        "<@U0BOSS>",
        "<!subteam^S1>",
        "&amp;",
        "*_~`",
        "\x00\x1b",
    ]
)
MEMBER_TEXT = st.lists(st.one_of(ANY_TEXT, HOSTILE), max_size=30).map("".join)
PARSERS = (
    arguments.review_count,
    arguments.remind,
    arguments.rating,
    arguments.leaderboard,
    schedule.from_words,
)
_members = count(1)


def _error_reply_is_safe(error: QotdError) -> None:
    """The one error mapping's reply: escaped, within Slack's limits."""
    message = replies.text(escape(error.message))
    assert error.message
    assert check_message({"text": message.text, "blocks": message.dicts()}) == []


@FUZZ
@given(words=ANY_TEXT)
def test_any_command_arguments_parse_or_fail_with_a_clear_error(words):
    for parse in PARSERS:
        try:
            parse(words)
        except QotdError as error:
            _error_reply_is_safe(error)


@FUZZ
@given(name=MEMBER_TEXT, text=st.one_of(MEMBER_TEXT, st.text(min_size=3000, max_size=6000)))
def test_member_text_in_a_reveal_is_inert_and_within_limits(name, text):
    results = Results(3, 2, 1, name or None, (WrittenAnswer(name, text),) * 3)

    rendered = blocks.written_answers(results)
    board_names = replies.text(f"1. {escape(name)} — 10")

    for message in (blocks.Message("reveal", tuple(rendered)), board_names):
        payload = {"text": message.text, "blocks": message.dicts()}
        assert check_message(payload) == []
        raw = json.dumps(payload["blocks"], ensure_ascii=False)
        assert "<" not in raw and ">" not in raw
        for ping in ("@channel", "@here", "@everyone"):
            assert ping not in raw.lower()


@FUZZ
@given(word=st.sampled_from(sorted(HANDLERS)), rest=ANY_TEXT)
async def test_any_command_from_a_member_gets_a_reply_never_a_crash(slack, word, rest):
    reply = await slack.command("alice", f"{word} {rest}")

    # `schedule` and `suggest` alone open a form instead of replying.
    assert reply.strip() or (word in ("schedule", "suggest") and not rest.strip())
    assert GENERIC not in reply
    assert slack.fake.violations == []


async def _open_post(slack: SlackHarness) -> int:
    try:
        return (await today(slack.core, CHANNEL_REF)).post.id
    except QotdError:
        await slack.command("admin", "schedule 09:00 UTC daily")
        await slack.advance(timedelta(days=1))
        return (await today(slack.core, CHANNEL_REF)).post.id


@settings(FUZZ, max_examples=30)
@given(text=st.one_of(MEMBER_TEXT, st.text(max_size=3000)))
async def test_a_written_answer_is_stored_as_typed_or_refused_clearly(slack, text):
    post_id = await _open_post(slack)
    name = f"fuzz{next(_members)}"

    reply = await slack.write(name, text)

    async with slack.core.storage.read() as uow:
        stored = {answer.name: answer.written for answer in await uow.answers.for_post(post_id)}
    try:
        expected = clean_written(text, slack.core.max_written_chars)
    except QotdError as error:
        assert error.message.split(":")[0] in reply and name not in stored
        return
    assert "saved" in reply and stored[name] == expected
