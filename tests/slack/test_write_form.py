"""The write modal on Slack: a refused answer keeps the modal open with the reason under the
answer field and the member's text still in it; a saved answer closes it. A recording that
outlasts Slack's patience closes the modal and reports later, never losing what was typed."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from adapters.slack import ids, signed
from bot.clock import ManualClock
from bot.services import answers
from bot.services.today import today
from tests.processes import WORK_LIMIT, deadline
from tests.slack import signing
from tests.slack.checks import text_of
from tests.slack.harness import CHANNEL_REF, SlackHarness

GOOD = "Regularisation trades variance for bias"


async def posted(slack: SlackHarness) -> int:
    """Schedule the channel and let the first question go out; its post id."""
    assert "Scheduled" in await slack.command("admin", "schedule 09:00 UTC daily reveal after 8h")
    await slack.advance(timedelta(days=1))
    return (await today(slack.core, CHANNEL_REF)).post.id


async def stored(slack: SlackHarness, post_id: int) -> dict[str, str | None]:
    """The written answers of a post, by member name."""
    async with slack.core.storage.read() as uow:
        return {answer.name: answer.written for answer in await uow.answers.for_post(post_id)}


async def opened_form(slack: SlackHarness, user: str) -> dict[str, Any]:
    view = await slack.open_write(user)
    assert view is not None, "the write modal did not open"
    return view


def answer_field(view: dict[str, Any]) -> dict[str, Any]:
    (field,) = [block for block in view["blocks"] if block.get("block_id") == ids.WRITE_BLOCK]
    return field


def refusal(slack: SlackHarness) -> str:
    """The message Slack shows under the answer field (the modal stays open)."""
    response = slack.last_view_response
    assert response is not None and response.status == 200
    errors = slack.view_errors()
    assert set(errors) == {ids.WRITE_BLOCK}, response.body
    return errors[ids.WRITE_BLOCK]


def closed_the_modal(slack: SlackHarness) -> bool:
    response = slack.last_view_response
    return response is not None and response.status == 200 and slack.view_errors() == {}


class HeldAnswers:
    """Holds every answer submission until released: a database slower than Slack waits."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.release = asyncio.Event()
        self.started = asyncio.Event()
        real = answers.submit

        async def held(core: Any, request: answers.AnswerRequest) -> answers.AnswerReceipt:
            self.started.set()
            await self.release.wait()
            return await real(core, request)

        monkeypatch.setattr(answers, "submit", held)


async def submit_without_waiting(slack: SlackHarness, view: dict[str, Any], text: str) -> Any:
    """Submit the write modal as Slack does and return Slack's answer, without waiting for
    the work the submission started."""
    values = {ids.WRITE_BLOCK: {ids.WRITE_INPUT: {"type": "plain_text_input", "value": text}}}
    body = signing.view_submission("alice", view, values)
    async with deadline(WORK_LIMIT, "Slack's answer to the write modal"):
        return await signed.dispatch(slack.bolt, body, signing.signed_headers(body, signing.FORM))


async def test_a_good_answer_closes_the_modal_and_is_stored(slack):
    post_id = await posted(slack)
    view = await opened_form(slack, "alice")

    reply = await slack.submit_answer("alice", view, GOOD)

    assert closed_the_modal(slack)
    assert "Written answer saved" in reply
    assert (await stored(slack, post_id))["alice"] == GOOD


async def test_an_answer_over_the_limit_stays_in_the_open_modal_with_the_reason(slack):
    # Slack enforces max_length in its client only: a submission may still carry more.
    post_id = await posted(slack)
    view = await opened_form(slack, "alice")
    too_long = "x" * (slack.core.max_written_chars + 1)

    reply = await slack.submit_answer("alice", view, too_long)

    reason = refusal(slack)
    assert (
        f"the limit is {slack.core.max_written_chars}" in reason and "Nothing was saved" in reason
    )
    assert reply == reason  # no private message: the modal says it
    assert not slack.fake.called("chat.postEphemeral")
    assert await stored(slack, post_id) == {}


async def test_a_smaller_limit_is_the_form_s_cap_and_its_hint(slack):
    small = SlackHarness(replace(slack.core, max_written_chars=120), slack.fake)
    post_id = await posted(slack)
    view = await opened_form(small, "alice")
    field = answer_field(view)
    assert field["element"]["max_length"] == 120
    assert "Up to 120 characters." in field["hint"]["text"]

    await small.submit_answer("alice", view, "y" * 121)

    assert "the limit is 120" in refusal(small)
    assert await stored(slack, post_id) == {}


async def test_a_limit_above_slack_s_cap_is_stated_as_slack_s_cap_in_the_hint(slack):
    assert slack.core.max_written_chars > 3000  # the default, 4000
    await posted(slack)

    field = answer_field(await opened_form(slack, "alice"))

    assert field["element"]["max_length"] == 3000
    assert "Up to 3,000 characters (Slack's limit for a form field)." in field["hint"]["text"]


@pytest.mark.parametrize("blank", ["", "   ", " \n\t \n"])
async def test_an_empty_answer_stays_in_the_open_modal_with_the_reason(slack, blank):
    post_id = await posted(slack)
    view = await opened_form(slack, "alice")

    await slack.submit_answer("alice", view, blank)

    assert "Your written answer is empty" in refusal(slack)
    assert await stored(slack, post_id) == {}


async def test_a_second_written_answer_stays_in_the_open_modal_with_the_reason(slack):
    post_id = await posted(slack)
    first = await opened_form(slack, "alice")
    second = await opened_form(slack, "alice")  # two modals opened before either was sent
    await slack.submit_answer("alice", first, GOOD)

    await slack.submit_answer("alice", second, "A second thought")

    assert "already sent a written answer" in refusal(slack)
    assert (await stored(slack, post_id))["alice"] == GOOD


async def test_an_answer_sent_after_the_reveal_stays_in_the_open_modal_with_the_reason(slack):
    post_id = await posted(slack)
    view = await opened_form(slack, "alice")
    await slack.advance(timedelta(hours=9))  # the reveal goes out while the modal is open

    await slack.submit_answer("alice", view, GOOD)

    assert "Answers for this question are closed" in refusal(slack)
    assert await stored(slack, post_id) == {}


async def test_a_form_that_names_no_post_stays_open_with_the_reason(slack):
    await posted(slack)
    view = await opened_form(slack, "alice")
    stale = {**view, "private_metadata": '{"t": "T0TEAM", "c": "C0STUDY", "p": "x"}'}

    await slack.submit_answer("alice", stale, GOOD)

    assert "This form is out of date" in refusal(slack)


async def test_an_unexpected_failure_keeps_the_text_in_the_open_modal(slack, monkeypatch, caplog):
    post_id = await posted(slack)
    view = await opened_form(slack, "alice")

    async def broken(core: Any, request: answers.AnswerRequest) -> answers.AnswerReceipt:
        raise RuntimeError("a bug")

    monkeypatch.setattr(answers, "submit", broken)
    await slack.submit_answer("alice", view, GOOD)

    assert "NOT saved" in refusal(slack)
    assert "a bug" in caplog.text
    assert await stored(slack, post_id) == {}


async def test_a_slow_recording_closes_the_modal_and_sends_the_receipt_once_stored(
    slack, monkeypatch
):
    post_id = await posted(slack)
    view = await opened_form(slack, "alice")
    held = HeldAnswers(monkeypatch)
    slack.bolt.write_form.deadline = 0  # Slack's patience has run out before the database answers

    response = await submit_without_waiting(slack, view, GOOD)

    assert response.status == 200 and response.body == ""  # the modal closes
    assert held.started.is_set() and await stored(slack, post_id) == {}
    held.release.set()  # the recording was left to finish, not cancelled
    async with deadline(WORK_LIMIT, "the answer to be recorded after the modal closed"):
        assert await slack.bolt.idle()
    assert (await stored(slack, post_id))["alice"] == GOOD
    (receipt,) = slack.fake.called("chat.postEphemeral")
    assert "Written answer saved" in text_of(receipt.args)
    assert receipt.args["user"] == signing.user_id("alice")


async def test_a_slow_recording_that_fails_says_not_saved_and_quotes_the_text_back(
    slack, monkeypatch
):
    post_id = await posted(slack)
    view = await opened_form(slack, "alice")
    held = HeldAnswers(monkeypatch)
    slack.bolt.write_form.deadline = 0
    typed = "Shrink *the* weights <!channel> & see\n  second line"

    response = await submit_without_waiting(slack, view, typed)
    assert response.status == 200 and response.body == ""
    clock = slack.core.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(hours=9))  # answers close while the recording waits
    held.release.set()
    async with deadline(WORK_LIMIT, "the refusal after the modal closed"):
        assert await slack.bolt.idle()

    assert await stored(slack, post_id) == {}
    (message,) = slack.fake.called("chat.postEphemeral")
    shown = text_of(message.args)
    assert "Your answer was NOT saved" in shown and "Answers for this question are closed" in shown
    assert typed in shown  # every character typed comes back
    raw = str(message.args["blocks"])
    assert "<!channel>" not in raw and "&lt;!channel&gt; &amp; see" in raw


async def test_a_late_refusal_message_stays_within_slack_s_limits(slack, monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    await posted(slack)
    view = await opened_form(slack, "alice")
    held = HeldAnswers(monkeypatch)
    slack.bolt.write_form.deadline = 0
    longest = ("word & <b> " * 400)[:3000]

    await submit_without_waiting(slack, view, longest)
    clock = slack.core.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(hours=9))
    held.release.set()
    async with deadline(WORK_LIMIT, "the refusal after the modal closed"):
        assert await slack.bolt.idle()

    (message,) = slack.fake.called("chat.postEphemeral")  # the fake refuses one over a limit
    assert "NOT saved" in text_of(message.args)
    assert slack.fake.violations == []
