"""Crash-safe sending: a post or reveal that a dead worker already delivered is found on
Discord (by its buttons or its link back to the question) and recorded, never sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.discord import PLATFORM
from bot.clock import ManualClock
from bot.domain.post import Duty, Post, PostStatus
from bot.ports import ChatError, OutgoingPost, OutgoingReveal, Results, WrittenAnswer
from tests.discord import payloads
from tests.discord.harness import CHANNEL, DiscordBot
from tests.fakes import claimed_by_a_dying_worker


@pytest.fixture
def clock(clock: ManualClock) -> ManualClock:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    return clock


async def schedule(bot: DiscordBot, **options: object) -> None:
    reply = await bot.command(
        "schedule", "admin", admin=True, time="09:00", timezone="UTC", **options
    )
    assert "Scheduled" in reply.text, reply.text


async def row(bot: DiscordBot, post_id: int | None = None) -> Post:
    async with bot.core.storage.read() as uow:
        if post_id is None:
            [claimed] = await uow.posts.claimed([PLATFORM], bot.core.clock.now())
            return claimed
        found = await uow.posts.get(post_id)
    assert found is not None
    return found


async def take_lease(bot: DiscordBot, post: Post, duty: Duty) -> None:
    """What the doomed worker did before it reached Discord."""
    now = bot.core.clock.now()
    async with bot.core.storage.write() as uow:
        assert await uow.posts.take_lease(post.id, duty, now + bot.core.lease, now)


async def crash_after_sending_the_post(bot: DiscordBot, clock: ManualClock) -> Post:
    clock.set(datetime(2026, 3, 3, 9, 1, tzinfo=UTC))
    [dying] = await claimed_by_a_dying_worker(bot.core, [PLATFORM])
    claimed = dying.lease.post
    question = bot.core.library.find(claimed.question_id)
    assert question is not None
    outgoing = OutgoingPost(claimed.id, CHANNEL, question, 1, claimed.reveal_at, "UTC")
    # The dead worker's message reached Discord; it died before opening the thread or
    # recording anything.
    await bot.chat.send_question(outgoing)
    assert len(bot.posts()) == 1
    # The retry comes after the lease, and after Discord forgot the nonce: only the lookup
    # stands between it and a second post.
    clock.advance(bot.core.lease + timedelta(seconds=1))
    bot.fake.forget_nonces()
    return claimed


def history_reads(bot: DiscordBot, channel_id: int) -> list[dict[str, str]]:
    return [
        request.query
        for request in bot.fake.requests
        if request.method == "GET" and request.path == f"/channels/{channel_id}/messages"
    ]


async def test_a_post_a_crashed_worker_delivered_is_found_and_recorded_not_sent_again(bot, clock):
    await schedule(bot)
    claimed = await crash_after_sending_the_post(bot, clock)
    await bot.tick()
    [post] = bot.posts()
    recorded = await row(bot, claimed.id)
    assert recorded.status is PostStatus.POSTED
    assert recorded.message_ref == post["id"]
    assert history_reads(bot, payloads.CHANNEL_ID) == [{"limit": "100"}]


async def test_a_found_post_gets_the_thread_its_crashed_worker_never_opened(bot, clock):
    await schedule(bot, thread=True)
    claimed = await crash_after_sending_the_post(bot, clock)
    assert bot.fake.threads == {}
    await bot.tick()
    [post] = bot.posts()
    [thread] = bot.fake.threads.values()
    assert thread["id"] == post["id"]  # Discord gives the thread the message's id
    assert (await row(bot, claimed.id)).thread_ref == thread["id"]
    await bot.advance(timedelta(hours=9))
    [reveal] = bot.reveals()
    assert reveal["channel_id"] == thread["id"]


async def test_a_retry_that_finds_nothing_posts_once(bot, clock):
    await schedule(bot)
    clock.set(datetime(2026, 3, 3, 9, 1, tzinfo=UTC))
    await claimed_by_a_dying_worker(bot.core, [PLATFORM])  # the worker died before sending
    clock.advance(bot.core.lease + timedelta(seconds=1))
    await bot.tick()
    assert len(bot.posts()) == 1
    assert len(history_reads(bot, payloads.CHANNEL_ID)) == 1


async def crash_after_sending_the_reveal(
    bot: DiscordBot, clock: ManualClock, written: bool
) -> Post:
    await bot.advance(timedelta(days=1))
    [post] = bot.posts()
    if written:
        await bot.write(post, "alice", "Bias against variance")
    current = await bot.current()
    clock.set(current.post.reveal_at)
    async with bot.core.storage.read() as uow:
        [due] = await uow.posts.due_reveals([PLATFORM], clock.now())
    await take_lease(bot, due, Duty.REVEAL)
    answers = (WrittenAnswer("Alice", "Bias against variance"),) if written else ()
    reveal = OutgoingReveal(
        due.id,
        CHANNEL,
        current.question,
        1,
        due.message_ref,
        due.thread_ref,
        Results(len(answers), 0, 0, None, answers),
    )
    await bot.chat.send_reveal(reveal)  # delivered; the worker dies before recording
    clock.advance(bot.core.lease + timedelta(seconds=1))
    bot.fake.forget_nonces()
    return due


@pytest.mark.parametrize("written", [False, True], ids=["by-its-link", "by-its-rating-buttons"])
async def test_a_reveal_a_crashed_worker_delivered_is_found_not_posted_twice(bot, clock, written):
    await schedule(bot)
    due = await crash_after_sending_the_reveal(bot, clock, written)
    await bot.tick()
    assert len(bot.reveals()) == 1
    assert (await row(bot, due.id)).status is PostStatus.REVEALED
    assert history_reads(bot, payloads.CHANNEL_ID)


async def test_a_reveal_in_a_thread_is_looked_for_in_the_thread(bot, clock):
    await schedule(bot, thread=True)
    due = await crash_after_sending_the_reveal(bot, clock, written=False)
    await bot.tick()
    assert len(bot.reveals()) == 1
    assert history_reads(bot, int(due.thread_ref or 0))
    assert (await row(bot, due.id)).status is PostStatus.REVEALED


async def test_a_repeated_send_within_minutes_returns_the_first_message(bot, clock, library):
    # Discord's enforce_nonce: the retry of a send whose answer was lost gets the same message.
    question = library.pack("sample").questions[0]
    post = OutgoingPost(41, CHANNEL, question, 1, datetime(2026, 3, 3, 17, tzinfo=UTC), "UTC")
    first = await bot.chat.send_question(post)
    second = await bot.chat.send_question(post)
    assert first == second
    assert len(bot.fake.created) == 1
    [body, _] = [r.body for r in bot.fake.requests if r.path.endswith("/messages")]
    assert body["nonce"] == "qotd-p41"
    assert body["enforce_nonce"] is True


async def test_a_long_reveal_that_fails_part_way_resumes_at_the_first_part_not_sent(bot, clock):
    await schedule(bot)
    await bot.advance(timedelta(days=1))
    [post] = bot.posts()
    for who, letter in (("alice", "a"), ("bob", "b"), ("carol", "c")):
        reply = await bot.write(post, who, letter * 3900)  # each fills most of a message
        assert "saved" in reply.text.lower(), reply.text
    current = await bot.current()
    clock.set(current.post.reveal_at)
    bot.fake.fail_create(after=1)  # the reveal's first message goes out, the second fails
    await bot.tick()
    first = bot.reveals()
    assert len(first) == 1
    assert (await row(bot, current.post.id)).status is PostStatus.REVEALING
    clock.advance(timedelta(minutes=10))
    bot.fake.forget_nonces()  # past Discord's nonce memory: only the resume point helps
    await bot.tick()
    reveal = bot.reveals()
    assert reveal[0] is first[0] and len(reveal) > 2
    written = [
        embed["description"]
        for message in reveal
        for embed in message["embeds"]
        if embed["title"].startswith("Written answers")
    ]
    # Every member's answer once, in order: nothing sent twice, nothing skipped.
    assert "".join(written).count("a" * 3900) == 1
    assert [text[text.index(":** ") + 4] for text in written] == ["a", "b", "c"]
    assert (await row(bot, current.post.id)).status is PostStatus.REVEALED


async def test_a_long_reveal_a_crashed_worker_began_is_resumed_after_the_parts_it_sent(bot, clock):
    await schedule(bot)
    await bot.advance(timedelta(days=1))
    [post] = bot.posts()
    answers = []
    for who, letter in (("alice", "a"), ("bob", "b"), ("carol", "c")):
        await bot.write(post, who, letter * 3900)
        answers.append(WrittenAnswer(who.title(), letter * 3900))
    current = await bot.current()
    clock.set(current.post.reveal_at)
    async with bot.core.storage.read() as uow:
        [due] = await uow.posts.due_reveals([PLATFORM], clock.now())
    await take_lease(bot, due, Duty.REVEAL)
    reveal = OutgoingReveal(
        due.id,
        CHANNEL,
        current.question,
        1,
        due.message_ref,
        due.thread_ref,
        Results(3, 0, 0, None, tuple(answers)),
    )
    bot.fake.fail_create(after=2)
    with pytest.raises(ChatError):  # two messages reached Discord; the worker dies here
        await bot.chat.send_reveal(reveal)
    clock.advance(bot.core.lease + timedelta(seconds=1))
    bot.fake.forget_nonces()
    await bot.tick()
    links = [message["embeds"][0].get("url") for message in bot.reveals()]
    # Each part once, in order: the retry found the first two by their links.
    assert (
        len(links) >= 3
        and links[0]
        and links[1:] == [f"{links[0]}#part-{part}" for part in range(2, len(links) + 1)]
    )
    assert (await row(bot, due.id)).status is PostStatus.REVEALED
