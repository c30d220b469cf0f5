"""Core benchmark on SQLite (not a test): answer throughput, burst latency, leaderboard latency.

Run: python bench/core.py   (about a minute; uses a temporary folder)

Last line: ratio=<x> burst_p99_ms=<y> leaderboard_p50_ms=<z>
- ratio: answers recorded per second through the service layer (members answering
  concurrently, as they do after a post), divided by a raw aiosqlite loop doing one
  INSERT + COMMIT per answer, both measured here in this run. Target >= 0.5.
  A sequential figure (one member at a time) is printed above it for comparison.
- burst_p99_ms: 500 members answer one post at once; p99 from call to result. Target < 1000.
- leaderboard_p50_ms: top 10 plus the asker's rank over 1,000,000 answers by 100,000
  members. Target < 50.
- review_pick_p50_ms: picking a member's review session when they hold 10,000 cards
  (about half of them due), on a synthetic 10,000-question pack. Target < 20.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.bootstrap import build_core  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content.loader import Library, Pack  # noqa: E402
from bot.domain.identity import ChannelRef, MemberRef  # noqa: E402
from bot.domain.periods import Period, Scope, all_period_keys  # noqa: E402
from bot.domain.question import Category, Choice, Difficulty, Question  # noqa: E402
from bot.domain.schedule import Schedule, zone  # noqa: E402
from bot.services import answers, boards, posting, review, subscriptions  # noqa: E402
from bot.services.access import Actor  # noqa: E402
from bot.services.context import Core  # noqa: E402
from bot.storage.database import Database  # noqa: E402

THROUGHPUT_ANSWERS = 3000
CONCURRENT_MEMBERS = 64
BURST = 500
BOARD_MEMBERS = 100_000
BOARD_ANSWERS = 1_000_000
BOARD_QUERIES = 200
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


async def raw_baseline(folder: Path, count: int) -> float:
    """Answers per second for a bare aiosqlite INSERT + COMMIT loop (same pragmas as qotd)."""
    async with aiosqlite.connect(folder / "raw.db") as db:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute(
            "CREATE TABLE answers (id INTEGER PRIMARY KEY, post_id INT, member_id INT, choice TEXT, "
            "correct INT, points INT, answered_at TEXT, UNIQUE (post_id, member_id))"
        )
        await db.commit()
        started = time.perf_counter()
        for member in range(count):
            await db.execute(
                "INSERT INTO answers (post_id, member_id, choice, correct, points, answered_at) VALUES (?,?,?,?,?,?)",
                (1, member, "A", 1, 10, START.isoformat()),
            )
            await db.commit()
        return count / (time.perf_counter() - started)


async def open_post(core: Core, clock: ManualClock, channel: ChannelRef) -> int:
    """Schedule the channel and tick until its next post is out; returns the post id."""
    from tests.fakes import RecordingChat

    chat = RecordingChat(channel.platform)
    try:
        await subscriptions.channel_status(core, channel)
    except Exception:
        schedule = Schedule.parse("09:00", "Europe/Berlin", "daily", "after 12h")
        await subscriptions.schedule_channel(
            core, channel, Actor(MemberRef(channel.platform, "admin"), True), schedule
        )
    while not chat.posts:
        clock.advance(timedelta(minutes=30))
        await posting.tick(core, chat.chats)
    return chat.posts[-1].post_id


def request(post_id: int, member: int, channel: ChannelRef) -> answers.AnswerRequest:
    return answers.AnswerRequest(
        post_id,
        MemberRef("bench", f"m{member}", f"member {member}"),
        channel,
        choice="ABCD"[member % 4],
    )


async def service_throughput(
    core: Core, clock: ManualClock, channel: ChannelRef, count: int, concurrency: int
) -> float:
    post_id = await open_post(core, clock, channel)
    pending = iter(range(count))

    async def member_loop() -> None:
        for member in pending:
            await answers.submit(core, request(post_id, member, channel))

    started = time.perf_counter()
    await asyncio.gather(*(member_loop() for _ in range(concurrency)))
    return count / (time.perf_counter() - started)


async def burst(core: Core, clock: ManualClock, channel: ChannelRef) -> list[float]:
    post_id = await open_post(core, clock, channel)

    async def one(member: int) -> float:
        started = time.perf_counter()
        await answers.submit(core, request(post_id, member, channel))
        return (time.perf_counter() - started) * 1000

    return list(await asyncio.gather(*(one(member) for member in range(BURST))))


def fill_board(
    path: Path, group_id: int, subscription_id: int, timezone: str, now: datetime
) -> None:
    """1,000,000 answers by 100,000 members over ten posts, with their running scores."""
    rng = random.Random(7)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    base_post = db.execute("SELECT COALESCE(MAX(id), 0) FROM posts").fetchone()[0] + 1
    for offset in range(BOARD_ANSWERS // BOARD_MEMBERS):
        db.execute(
            "INSERT INTO posts (id, subscription_id, local_date, question_id, status, scheduled_at, reveal_at, "
            "day_number, attempts) VALUES (?, ?, ?, 'x', 'revealed', ?, ?, ?, 0)",
            (
                base_post + offset,
                subscription_id,
                f"2025-01-{offset + 1:02d}",
                now.isoformat(),
                now.isoformat(),
                offset + 1,
            ),
        )
    first_member = db.execute("SELECT COALESCE(MAX(id), 0) FROM members").fetchone()[0] + 1
    db.executemany(
        "INSERT INTO members (id, platform, external_id, name, created_at) VALUES (?, 'bench', ?, ?, ?)",
        (
            (first_member + index, f"board{index}", f"board member {index}", now.isoformat())
            for index in range(BOARD_MEMBERS)
        ),
    )
    totals = [0] * BOARD_MEMBERS
    rows = []
    for offset in range(BOARD_ANSWERS // BOARD_MEMBERS):
        for index in range(BOARD_MEMBERS):
            points = rng.choice((2, 10, 15, 20))
            totals[index] += points
            rows.append(
                (base_post + offset, first_member + index, "A", points > 2, points, now.isoformat())
            )
        db.executemany(
            "INSERT INTO answers (post_id, member_id, choice, correct, points, answered_at) VALUES (?,?,?,?,?,?)",
            rows,
        )
        rows.clear()
    keys = all_period_keys(now, zone(timezone))
    db.executemany(
        "INSERT INTO scores (scope, period, member_id, points) VALUES (?,?,?,?) "
        "ON CONFLICT (scope, period, member_id) DO UPDATE SET points = points + excluded.points",
        (
            (scope, period, first_member + index, totals[index])
            for index in range(BOARD_MEMBERS)
            for scope in (f"g{group_id}", f"s{subscription_id}")
            for period in keys
        ),
    )
    # The members-per-points counts qotd keeps with the scores, as the migration builds them.
    db.execute("DELETE FROM score_counts")
    db.execute(
        "INSERT INTO score_counts (scope, period, points, members) "
        "SELECT scope, period, points, COUNT(*) FROM scores GROUP BY scope, period, points"
    )
    db.commit()
    db.close()


async def leaderboard_latency(
    core: Core, channel: ChannelRef, path: Path, clock: ManualClock
) -> list[float]:
    status = await subscriptions.channel_status(core, channel)
    async with core.storage.read() as uow:
        group_id = await uow.members.find_group(channel.platform, channel.group_id)
    assert group_id is not None
    fill_board(
        path, group_id, status.subscription.id, status.subscription.schedule.timezone, clock.now()
    )
    rng = random.Random(3)
    timings = []
    for _ in range(BOARD_QUERIES):
        asker = MemberRef("bench", f"board{rng.randrange(BOARD_MEMBERS)}")
        started = time.perf_counter()
        board = await boards.leaderboard(core, channel, asker, Period.WEEK, Scope.GROUP)
        timings.append((time.perf_counter() - started) * 1000)
        assert len(board.entries) == 10 and board.me is not None
    return timings


REVIEW_CARDS = 10_000
REVIEW_PICKS = 100


def synthetic_library(count: int = REVIEW_CARDS) -> Library:
    """A pack of `count` multiple-choice questions (a member holds one card per question);
    bench/scale.py uses it too."""
    choices = tuple(Choice(f"option {letter}", letter == "A", "because") for letter in "ABCD")
    questions = tuple(
        Question(
            id=f"q{index}",
            pack="bench",
            prompt=f"Question {index}?",
            answer="An answer.",
            key_points=("a", "b"),
            difficulty=Difficulty.BEGINNER,
            category=Category.CONCEPT,
            topics=(f"t{index % 20}",),
            code=None,
            choices=choices,
        )
        for index in range(count)
    )
    topics = {f"t{index}": "topic" for index in range(20)}
    return Library({"bench": Pack("bench", "Bench", "", topics, questions, ROOT)})


async def review_pick(folder: Path) -> list[float]:
    database = Database(f"sqlite+aiosqlite:///{folder / 'review.db'}")
    await database.upgrade()
    clock = ManualClock(START)
    core = build_core(
        Settings(default_pack="bench"), database, clock=clock, library=synthetic_library()
    )
    reviewer = MemberRef("bench", "reviewer", "reviewer")
    async with core.storage.write() as uow:
        member_id = await uow.members.member_id(reviewer, clock.now())
    rng = random.Random(11)
    db = sqlite3.connect(folder / "review.db")
    db.executemany(
        "INSERT INTO cards (member_id, question_id, state, step, stability, difficulty, due, last_review, reviews, lapses) "
        "VALUES (?, ?, 2, NULL, ?, ?, ?, ?, ?, ?)",
        (
            (
                member_id,
                f"q{index}",
                rng.uniform(1, 50),
                rng.uniform(1, 10),
                (START + timedelta(days=rng.uniform(-30, 30))).isoformat(),
                START.isoformat(),
                rng.randint(1, 9),
                rng.randint(0, 3),
            )
            for index in range(REVIEW_CARDS)
        ),
    )
    db.commit()
    db.close()
    timings = []
    for _ in range(REVIEW_PICKS):
        started = time.perf_counter()
        step = await review.start_review(core, reviewer)
        timings.append((time.perf_counter() - started) * 1000)
        assert step.total == core.review_size
    await database.dispose()
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        raw = await raw_baseline(folder, THROUGHPUT_ANSWERS)
        print(f"raw aiosqlite INSERT+COMMIT: {raw:,.0f} answers/s")

        database = Database(f"sqlite+aiosqlite:///{folder / 'qotd.db'}")
        await database.upgrade()
        clock = ManualClock(START)
        core = build_core(Settings(), database, clock=clock)

        sequential = await service_throughput(core, clock, ChannelRef("bench", "g", "seq"), 1000, 1)
        print(
            f"service, one member at a time: {sequential:,.0f} answers/s (ratio {sequential / raw:.2f})"
        )
        concurrent = await service_throughput(
            core, clock, ChannelRef("bench", "g", "many"), THROUGHPUT_ANSWERS, CONCURRENT_MEMBERS
        )
        print(f"service, {CONCURRENT_MEMBERS} members at once: {concurrent:,.0f} answers/s")

        latencies = await burst(core, clock, ChannelRef("bench", "g", "burst"))
        print(
            f"burst of {BURST}: p50 {percentile(latencies, 0.5):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms"
        )

        board_channel = ChannelRef("bench", "g", "board")
        await open_post(core, clock, board_channel)
        board = await leaderboard_latency(core, board_channel, folder / "qotd.db", clock)
        print(
            f"leaderboard over {BOARD_ANSWERS:,} answers: p50 {percentile(board, 0.5):.1f} ms, p99 {percentile(board, 0.99):.1f} ms"
        )
        await database.dispose()
        picks = await review_pick(folder)
        print(
            f"review session pick with {REVIEW_CARDS:,} cards: p50 {percentile(picks, 0.5):.1f} ms"
        )
        print(
            f"ratio={concurrent / raw:.2f} burst_p99_ms={percentile(latencies, 0.99):.0f} "
            f"leaderboard_p50_ms={percentile(board, 0.5):.1f} review_pick_p50_ms={percentile(picks, 0.5):.1f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
