"""The metrics count what the front end saw: a day with a failed send, a post, two answers and
a reveal; late posts and reveals; leases taken and lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.bootstrap import build_core
from bot.config import Settings
from bot.ports import ChatError
from bot.scheduler import Heartbeat
from bot.services import answers, posting
from bot.services.answers import AnswerRequest
from tests.conftest import FIXTURES, member
from tests.fakes import RecordingChat, claimed_by_a_dying_worker
from tests.integration.helpers import subscribe
from tests.scrape import Samples, count, parse, value

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)  # 09:00 in Berlin is 08:00 UTC; reveal 8 h later


def scrape(core) -> Samples:
    return parse(core.metrics.exposition().decode())


async def test_a_day_is_counted_as_the_chat_saw_it(core, clock, chat: RecordingChat, channel):
    await subscribe(core, channel)
    heartbeat = Heartbeat(core, chat.chats, interval_seconds=30)  # beats driven by the test
    chat.post_failures.append(ChatError("503 from the platform", permanent=False))

    clock.set(MONDAY.replace(hour=8))
    await heartbeat.beat()  # the send fails
    clock.advance(timedelta(seconds=20))
    await heartbeat.beat()  # the retry goes out, within a tick of its time
    question = chat.posts[-1].question
    post_id = chat.posts[-1].post_id
    await answers.submit(
        core, AnswerRequest(post_id, member("ana"), channel, choice=question.correct_letter)
    )
    await answers.submit(core, AnswerRequest(post_id, member("bo"), channel, written="Bias."))
    clock.set(MONDAY.replace(hour=16, second=30))
    await heartbeat.beat()  # the reveal, 10 s after its time (8 h after the post went out)

    samples = scrape(core)
    assert len(chat.posts) == 1 and len(chat.reveals) == 1
    assert count(samples, "qotd_posts_total", platform="test", outcome="made") == len(chat.posts)
    assert count(samples, "qotd_posts_total", platform="test", outcome="failed") == 1
    assert count(samples, "qotd_posts_total", platform="test", outcome="late") == 0
    assert count(samples, "qotd_reveals_total", platform="test", outcome="made") == len(
        chat.reveals
    )
    assert count(samples, "qotd_reveals_total", platform="test", outcome="failed") == 0
    assert chat.reveals[0].results.answered == 2
    assert count(samples, "qotd_answers_recorded_total") == 2
    assert value(samples, "qotd_answer_batch_size_sum") == 2
    # Every send is timed, the failed one too: two tries of the post, one reveal.
    assert value(samples, "qotd_send_latency_seconds_count", platform="test", kind="post") == 2
    assert value(samples, "qotd_send_latency_seconds_count", platform="test", kind="reveal") == 1
    assert value(samples, "qotd_tick_duration_seconds_count") == 3
    # The claim's lease, the retry's and the reveal's; none lost.
    assert count(samples, "qotd_leases_taken_total") == 3
    assert count(samples, "qotd_leases_lost_total") == 0
    assert value(samples, "qotd_last_tick_age_seconds") == 0

    clock.advance(timedelta(seconds=95))
    assert value(scrape(core), "qotd_last_tick_age_seconds") == 95


async def test_a_post_and_a_reveal_made_more_than_a_tick_late_count_as_late(
    core, clock, chat, channel
):
    await subscribe(core, channel)
    clock.set(MONDAY.replace(hour=8, minute=5))  # the bot was down at 09:00 Berlin
    await posting.tick(core, chat.chats)
    # The reveal is due 8 h after the post went out, at 16:05: made at 16:10, it is late.
    clock.set(MONDAY.replace(hour=16, minute=10))
    await posting.tick(core, chat.chats)

    samples = scrape(core)
    assert len(chat.posts) == len(chat.reveals) == 1
    assert count(samples, "qotd_posts_total", platform="test", outcome="late") == 1
    assert count(samples, "qotd_posts_total", platform="test", outcome="made") == 0
    assert count(samples, "qotd_reveals_total", platform="test", outcome="late") == 1


async def test_a_failed_reveal_is_counted_and_its_retry_too(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(MONDAY.replace(hour=8))
    await posting.tick(core, chat.chats)
    chat.reveal_failures.append(ChatError("rate limited", permanent=False))
    clock.set(MONDAY.replace(hour=16))
    await posting.tick(core, chat.chats)
    clock.advance(timedelta(seconds=20))
    await posting.tick(core, chat.chats)

    samples = scrape(core)
    assert len(chat.reveals) == 1
    assert count(samples, "qotd_reveals_total", platform="test", outcome="failed") == 1
    assert count(samples, "qotd_reveals_total", platform="test", outcome="made") == 1


async def test_a_worker_that_stalls_past_its_lease_counts_it_lost(
    database, clock, library, chat, channel
):
    settings = Settings(content_dir=FIXTURES / "packs", default_pack="sample")
    stalled = build_core(settings, database, clock=clock, library=library)
    other = build_core(settings, database, clock=clock, library=library)
    await subscribe(stalled, channel)
    clock.set(MONDAY.replace(hour=8))
    (claimed,) = await claimed_by_a_dying_worker(stalled, [chat.platform])

    clock.advance(stalled.lease + timedelta(seconds=1))
    await posting.tick(other, chat.chats)  # takes the post over and sends it
    assert await posting.send_claimed(stalled, chat.chats, claimed) is None

    assert len(chat.posts) == 1
    mine, theirs = scrape(stalled), scrape(other)
    assert count(mine, "qotd_leases_taken_total") == 1
    assert count(mine, "qotd_leases_lost_total") == 1
    assert count(mine, "qotd_posts_total", platform="test", outcome="late") == 0
    # Each core counts in its own registry.
    assert count(theirs, "qotd_leases_taken_total") == 1
    assert count(theirs, "qotd_leases_lost_total") == 0
    # Taken over once the lease ran out, minutes after its time: late.
    assert count(theirs, "qotd_posts_total", platform="test", outcome="late") == 1
