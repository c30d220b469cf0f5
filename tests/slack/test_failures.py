"""Slack failing: a removed app, a revoked token or a lost channel pause the schedule with a
reason `status` shows; 429s wait for Retry-After; 5xx are retried on the next tick."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.subscriptions import channel_status
from tests.slack import signing
from tests.slack.harness import CHANNEL_REF, SlackHarness


async def _schedule(slack: SlackHarness) -> None:
    await slack.command("admin", "schedule 09:00 UTC daily")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("not_in_channel", "not a member of this channel"),
        ("channel_not_found", "channel was not found"),
        ("token_revoked", "refused the bot token (token_revoked)"),
        ("is_archived", "archived"),
    ],
)
async def test_a_permanent_slack_error_pauses_the_channel_with_a_reason(slack, error, reason):
    await _schedule(slack)
    slack.fake.fail("chat.postMessage", error)

    await slack.advance(timedelta(days=1))

    status = await channel_status(slack.core, CHANNEL_REF)
    assert status.subscription.paused
    assert reason in (status.subscription.pause_reason or "")
    assert reason in await slack.command("admin", "status")


async def test_a_channel_the_app_was_removed_from_is_paused_on_the_next_post(slack):
    await _schedule(slack)
    slack.fake.removed_from.add(signing.CHANNEL)

    await slack.advance(timedelta(days=1))

    assert "/invite @qotd" in await slack.command("admin", "status")
    slack.fake.removed_from.clear()
    assert "Resumed" in await slack.command("admin", "resume")


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({"type": "group_archive", "channel": signing.CHANNEL, "user": "UOWNER"}, "archived"),
        ({"type": "group_deleted", "channel": signing.CHANNEL}, "deleted"),
        ({"type": "group_left", "channel": signing.CHANNEL, "actor_id": "UOWNER"}, "removed"),
        ({"type": "channel_archive", "channel": signing.CHANNEL, "user": "UOWNER"}, "archived"),
        ({"type": "channel_deleted", "channel": signing.CHANNEL}, "deleted"),
        ({"type": "channel_left", "channel": signing.CHANNEL, "actor_id": "UOWNER"}, "removed"),
    ],
    ids=lambda value: value["type"] if isinstance(value, dict) else value,
)
async def test_a_signed_event_about_a_lost_channel_pauses_its_schedule(slack, event, reason):
    # Private channels' events are Slack's `group_*` ones; public channels' `channel_*`.
    await _schedule(slack)

    response = await slack.event(event)

    assert response.status == 200
    status = await channel_status(slack.core, CHANNEL_REF)
    assert status.subscription.paused
    assert reason in (status.subscription.pause_reason or "")
    assert reason in await slack.command("admin", "status")


async def test_a_lost_channel_event_for_a_channel_without_a_schedule_changes_nothing(slack):
    response = await slack.event({"type": "group_archive", "channel": "C0ELSEWHERE"})

    assert response.status == 200
    assert slack.fake.responses() == [] and slack.fake.posts() == []


async def test_a_revoked_token_pauses_the_channel(slack):
    await _schedule(slack)
    slack.fake.revoked = True

    await slack.advance(timedelta(days=1))

    status = await channel_status(slack.core, CHANNEL_REF)
    assert status.subscription.paused and "token_revoked" in (
        status.subscription.pause_reason or ""
    )


async def test_a_rate_limited_post_waits_for_retry_after_and_goes_out(slack):
    await _schedule(slack)
    slack.fake.fail("chat.postMessage", status=429, retry_after=0)

    await slack.advance(timedelta(days=1))

    assert len(slack.fake.called("chat.postMessage")) == 2
    assert len(slack.fake.posts()) == 1
    assert not (await channel_status(slack.core, CHANNEL_REF)).subscription.paused


async def test_a_brief_server_error_is_retried_at_once_with_backoff(slack):
    await _schedule(slack)
    slack.fake.fail("chat.postMessage", "internal_error", status=500)

    await slack.advance(timedelta(hours=23))

    first, second = slack.fake.called("chat.postMessage")
    assert "ts" not in first.args and "ts" in second.args
    assert len(slack.fake.posts()) == 1


async def test_a_lasting_server_error_is_retried_on_the_next_tick_without_pausing(slack, caplog):
    await _schedule(slack)
    for _ in range(3):  # the first call and both in-process retries
        slack.fake.fail("chat.postMessage", "internal_error", status=500)

    await slack.advance(timedelta(hours=23))  # a tick at 09:00 fails, the next one posts

    calls = slack.fake.called("chat.postMessage")
    assert "internal_error" in caplog.text and "it is retried" in caplog.text
    assert all("ts" not in call.args for call in calls[:3]) and "ts" in calls[3].args
    status = await channel_status(slack.core, CHANNEL_REF)
    assert not status.subscription.paused and status.subscription.last_error is None


async def test_a_reveal_whose_post_was_deleted_goes_to_the_channel(slack):
    await _schedule(slack)
    await slack.advance(timedelta(days=1))
    slack.fake.fail("chat.postMessage", "thread_not_found")

    await slack.advance(timedelta(hours=9))

    last = slack.fake.called("chat.postMessage")[-1].args
    assert "thread_ts" not in last and "Answer · Day 1" in str(last)


async def test_a_retry_after_a_5xx_is_not_sent_once_the_lease_was_taken_over(slack):
    """slack_sdk retries a 5xx by itself after a wait: a worker paused in that wait must
    not send over the worker that took the post over (the retry re-checks the lease)."""
    from datetime import UTC, datetime

    from bot.ports import SEND_FENCE, ChatError, OutgoingPost

    await _schedule(slack)
    slack.fake.fail("chat.postMessage", "internal_error", status=503)
    question = slack.core.library.pack(slack.core.default_pack).questions[0]
    post = OutgoingPost(1, CHANNEL_REF, question, 1, datetime(2026, 3, 3, 17, tzinfo=UTC), "UTC")

    async def taken_over() -> bool:
        raise TimeoutError  # the database did not answer: not ours, to be safe

    token = SEND_FENCE.set(taken_over)
    try:
        with pytest.raises(ChatError) as failed:  # the 503 it had: the core releases the lease
            await slack.bolt.chat.send_question(post)
        assert not failed.value.permanent
    finally:
        SEND_FENCE.reset(token)
    assert len(slack.fake.called("chat.postMessage")) == 1  # the failed first try only
    assert slack.fake.posts() == []
