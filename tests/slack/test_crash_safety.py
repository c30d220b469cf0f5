"""Crash-safe sending on Slack: a worker that reached Slack and died before recording leaves
a message the retry finds by its metadata (conversations.history / .replies), so the
question and the reveal are each posted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.errors import SlackApiError

from adapters.slack.app import make_client
from bot.domain.post import Duty, Post, PostStatus
from bot.ports import OutgoingPost, OutgoingReveal, Results
from bot.services import posting
from tests.fakes import claimed_by_a_dying_worker
from tests.slack.fake_api import TOKEN
from tests.slack.harness import CHANNEL_REF, SlackHarness
from tests.slack.signing import CHANNEL

DUE = datetime(2026, 3, 3, 9, 0, 30, tzinfo=UTC)  # the day after the fixture's Monday


async def _take(slack: SlackHarness, duty: Duty) -> Post:
    """Act as the doomed worker: take the lease on the one due post, as send_post would."""
    core, now = slack.core, slack.core.clock.now()
    async with core.storage.read() as uow:
        if duty is Duty.SEND:
            (post,) = await uow.posts.claimed(["slack"], now)
        else:
            (post,) = await uow.posts.due_reveals(["slack"], now)
    async with core.storage.write() as uow:
        assert await uow.posts.take_lease(post.id, duty, now + core.lease, now)
    return post


def _question(slack: SlackHarness, post: Post):  # type: ignore[no-untyped-def]
    return slack.core.library.pack(slack.core.default_pack).by_id[post.question_id]


async def _status(slack: SlackHarness, post_id: int) -> Post:
    async with slack.core.storage.read() as uow:
        post = await uow.posts.get(post_id)
    assert post is not None
    return post


def _marked(slack: SlackHarness, event_type: str) -> list[dict]:  # type: ignore[type-arg]
    return [
        message
        for message in slack.fake.channel_posts(CHANNEL)
        if (message.get("metadata") or {}).get("event_type") == event_type
    ]


async def _crash_after_posting(slack: SlackHarness, *, thread: bool = False) -> Post:
    await slack.command("admin", "schedule 09:00 UTC daily" + (" thread" if thread else ""))
    slack.core.clock.set(DUE)  # type: ignore[attr-defined]
    [claimed] = await claimed_by_a_dying_worker(slack.core, ["slack"])
    post = claimed.lease.post
    outgoing = OutgoingPost(
        post.id, CHANNEL_REF, _question(slack, post), 1, post.reveal_at, "UTC", thread=thread
    )
    await slack.bolt.chat.send_question(outgoing)  # reached Slack; the worker dies here
    return post


async def test_a_question_posted_by_a_crashed_worker_is_found_not_posted_again(slack):
    post = await _crash_after_posting(slack)
    # The channel moves on: the question is now past the first page of history.
    slack.fake.chatter(CHANNEL, 150)

    slack.core.clock.advance(slack.core.lease + timedelta(seconds=1))
    await posting.tick(slack.core, slack.chats)

    (question,) = _marked(slack, "qotd_post")
    assert question["metadata"]["event_payload"] == {"post_id": post.id}
    recorded = await _status(slack, post.id)
    assert recorded.status is PostStatus.POSTED and recorded.message_ref == question["ts"]
    lookups = slack.fake.called("conversations.history")
    assert len(lookups) == 2 and lookups[1].args.get("cursor")
    assert all(str(call.args["include_all_metadata"]) in ("1", "true") for call in lookups)


async def test_a_threaded_question_found_after_a_crash_keeps_its_thread(slack):
    post = await _crash_after_posting(slack, thread=True)

    slack.core.clock.advance(slack.core.lease + timedelta(seconds=1))
    await posting.tick(slack.core, slack.chats)

    (question,) = _marked(slack, "qotd_post")
    assert (await _status(slack, post.id)).thread_ref == question["ts"]


async def test_a_retry_with_nothing_on_slack_posts_the_question_once(slack):
    await slack.command("admin", "schedule 09:00 UTC daily")
    slack.core.clock.set(DUE)
    await claimed_by_a_dying_worker(slack.core, ["slack"])  # before reaching Slack

    slack.core.clock.advance(slack.core.lease + timedelta(seconds=1))
    await posting.tick(slack.core, slack.chats)

    assert len(_marked(slack, "qotd_post")) == 1
    assert slack.fake.called("conversations.history")


async def _crash_mid_reveal(slack: SlackHarness, *, delete_post: bool = False) -> Post:
    await slack.command("admin", "schedule 09:00 UTC daily reveal after 8h")
    slack.core.clock.set(DUE)
    await posting.tick(slack.core, slack.chats)
    slack.core.clock.set(DUE + timedelta(hours=8))
    post = await _take(slack, Duty.REVEAL)
    if delete_post:  # a member deleted the question: the reveal goes to the channel
        slack.fake.delete(CHANNEL, str(post.message_ref))
    reveal = OutgoingReveal(
        post.id,
        CHANNEL_REF,
        _question(slack, post),
        1,
        post.message_ref,
        post.thread_ref,
        Results(0, 0, 0, None),
    )
    await slack.bolt.chat.send_reveal(reveal)  # reached Slack; the worker dies here
    return post


async def test_a_reveal_sent_by_a_crashed_worker_is_found_in_the_thread(slack):
    post = await _crash_mid_reveal(slack)
    updates = len(slack.fake.called("chat.update"))

    slack.core.clock.advance(slack.core.lease + timedelta(seconds=1))
    await posting.tick(slack.core, slack.chats)

    assert len(_marked(slack, "qotd_reveal")) == 1
    assert (await _status(slack, post.id)).status is PostStatus.REVEALED
    (lookup,) = slack.fake.called("conversations.replies")
    assert lookup.args["ts"] == post.message_ref
    assert len(slack.fake.called("chat.update")) == updates + 1  # closed again, harmlessly


async def test_a_reveal_whose_post_was_deleted_is_looked_for_in_the_channel(slack):
    await _crash_mid_reveal(slack, delete_post=True)

    slack.core.clock.advance(slack.core.lease + timedelta(seconds=1))
    await posting.tick(slack.core, slack.chats)

    assert len(_marked(slack, "qotd_reveal")) == 1
    assert slack.fake.called("conversations.history")


async def test_history_pages_beyond_slacks_limit_are_refused_by_the_fake(fake):
    client = make_client(fake.api_url, TOKEN)
    fake.chatter(CHANNEL, 3)
    page = await client.conversations_history(channel=CHANNEL, limit=2)
    assert page["has_more"] and page["response_metadata"]["next_cursor"]
    rest = await client.conversations_history(
        channel=CHANNEL, limit=2, cursor=page["response_metadata"]["next_cursor"]
    )
    assert len(rest["messages"]) == 1 and not rest["has_more"]

    for bad in ({"limit": 1000}, {"cursor": "bm90LWlzc3VlZA=="}):
        with pytest.raises(SlackApiError, match="invalid_"):
            await client.conversations_history(channel=CHANNEL, **bad)
    assert len(fake.violations) == 2
    fake.violations.clear()


async def test_a_long_reveal_that_fails_part_way_resumes_at_the_first_part_not_sent(slack):
    await slack.command("admin", "schedule 09:00 UTC daily reveal after 8h")
    slack.core.clock.set(DUE)
    await posting.tick(slack.core, slack.chats)
    members = [f"member{number}" for number in range(24)]
    for number, name in enumerate(members):  # enough long answers for several messages
        slack.add_user(name)
        assert "saved" in (await slack.write(name, f"answer{number:02} " * 390)).lower()
    slack.core.clock.set(DUE + timedelta(hours=8))
    # The reveal's first message goes out, the second fails (not retried by the client).
    slack.fake.fail("chat.postMessage", "fatal_error", after=1)
    await posting.tick(slack.core, slack.chats)
    assert len(_marked(slack, "qotd_reveal")) == 1

    slack.core.clock.advance(timedelta(seconds=30))
    await posting.tick(slack.core, slack.chats)

    reveal = _marked(slack, "qotd_reveal")
    parts = [message["metadata"]["event_payload"].get("part", 0) for message in reveal]
    assert len(parts) >= 2 and parts == list(range(len(parts)))
    text = "".join(str(message["blocks"]) for message in reveal)
    assert all(f"answer{number:02} answer{number:02}" in text for number in range(24))
    post_id = reveal[0]["metadata"]["event_payload"]["post_id"]
    assert (await _status(slack, post_id)).status is PostStatus.REVEALED
