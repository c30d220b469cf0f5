"""Scale benchmark (not a test): a big fan-out, idle ticks, ranks on a million-member board,
answers, memory, start-up, reminders and review picks, each on a database seeded to size.

Run: python bench/scale.py                  (SQLite files in a temporary folder)
     python bench/scale.py --postgres       (PostgreSQL: QOTD_BENCH_POSTGRES_URL, default
                                             postgresql+asyncpg://postgres@127.0.0.1:5432/test;
                                             one fresh schema, dropped at the end)
     python bench/scale.py --quick          (every size 10x smaller: a smoke run)

A full run takes about four and a half minutes on two cores (SQLite and PostgreSQL alike),
most of it the fan-out, which cannot take less than 200 s by construction; --quick takes
about 35 s. Timings are wall-clock and move with whatever else the machine is running.
Every figure gets a database of its own (a copy of a migrated SQLite file, or the run's
PostgreSQL schema emptied), seeded with plain SQL. On PostgreSQL the seeded tables are
ANALYZEd, as autovacuum would soon do; SQLite is left as qotd leaves it. Sizes below are
the full ones; --quick divides each by ten (samples and repeat counts stay the same).

Last line (in this order), each figure's target in brackets:
- fanout_10k_s: 10,000 subscriptions fall due at 09:00; one `posting.tick` sends them all
  through a fake chat whose send takes 100 ms and waits for Discord's global limit (a token
  bucket of 50 requests per second, as discord.py waits rather than fails), with the default
  QOTD_SEND_CONCURRENCY. fanout_floor_s = 10,000 / 50 = 200 s, the fastest any sender can
  go; fanout_ratio = fanout_10k_s / fanout_floor_s [<= 1.1]. (The bucket starts full, so
  the first 50 go at once and a perfect sender lands just under 1, at about 0.996.)
- idle_tick_10k_ms, idle_tick_100k_ms: median of 10 ticks when 10,000 / 100,000
  subscriptions exist and none is due [<= 10 at 100k].
- rank_p50_ms_1m, rank_p99_ms_1m: `boards.leaderboard` (top 10 plus the asker's own rank)
  on a group's weekly board of 1,000,000 members with points from 1 to 400, for 200 random
  askers after 3 unmeasured warm-up calls [p99 <= 20].
- lone_answer_ms: median of 200 members (each answering for the first time) answering one
  open post one after another, nothing else in flight [<= 3 on SQLite].
- burst500_receipt_p99_ms: 500 members answer one open post at once; p99 from each call to
  its receipt [<= 500].
- rss_10k_mb, rss_100k_mb: resident memory of a fresh process that built the core over the
  database with 10,000 / 100,000 subscriptions and ran one idle tick [<= 150 / <= 200].
- help_s: `python -m qotd --help`, median of 3 [< 0.5].
- console_ready_s: `python -m qotd console --start 2026-03-02T08:00Z` with `quit` on stdin,
  on a SQLite file in a temporary working directory; median of the 3 runs after the first
  (which creates the database and is printed above) [< 2].
- reminders_tick_10k_ms: 10,000 members' reminders have come and have nothing to say (no
  card due, no streak); after one tick looks at them all, median of 10 ticks later the same
  day [<= 50].
- first_post_s: from the start of the fan-out tick to its first send starting [<= 1].
- loop_block_ms: the longest the event loop was blocked during 10 idle ticks with 100,000
  subscriptions (a task sleeping 1 ms in a loop records its worst lateness; those ticks are
  not the timed ones) [<= 50]. The same monitor's worst during the fan-out is printed above.
- review_pick_few_due_ms: picking a review session for a member holding 10,000 cards of
  which only 3 are due (the session is topped up with new questions from a 11,000-question
  synthetic pack); median of 50 [<= 20].
- rank_p99_ms_monday: as rank_p99_ms_1m on a tie-heavy board (a quarter of the members on
  one points value, as on the first day of a week) [<= 20].
Printed above the last line only: a tick among 250,000 subscriptions of which 1,000 are due
posts exactly those 1,000 (the tick must work at that size on both databases), and the idle
tick that follows.
A figure that could not be measured is `na`, with the reason on a line above.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, bindparam, text

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
sys.path.insert(0, str(ROOT))

from bench.core import synthetic_library  # noqa: E402
from bot.bootstrap import build_core, keep_start_up_out_of_collections  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.domain.identity import ChannelRef, MemberRef  # noqa: E402
from bot.domain.periods import Period, Scope, period_key, scope_key  # noqa: E402
from bot.domain.schedule import Schedule  # noqa: E402
from bot.ports import OutgoingNudge, OutgoingPost, OutgoingReveal, SentPost  # noqa: E402
from bot.services import answers, boards, posting, review, subscriptions  # noqa: E402
from bot.services.access import Actor  # noqa: E402
from bot.services.context import Core  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.tables import UtcDateTime, cards, groups  # noqa: E402

POSTGRES_URL = os.environ.get(
    "QOTD_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
KEYS = (
    "fanout_10k_s",
    "fanout_floor_s",
    "fanout_ratio",
    "idle_tick_10k_ms",
    "idle_tick_100k_ms",
    "rank_p50_ms_1m",
    "rank_p99_ms_1m",
    "lone_answer_ms",
    "burst500_receipt_p99_ms",
    "rss_10k_mb",
    "rss_100k_mb",
    "help_s",
    "console_ready_s",
    "reminders_tick_10k_ms",
    "first_post_s",
    "loop_block_ms",
    "review_pick_few_due_ms",
    "rank_p99_ms_monday",
)

PLATFORM = "bench"
# A Monday 09:00 UTC: every scheduled subscription posts at this minute.
NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EARLIER = NINE - timedelta(days=1)
# The fake platform: each request takes this long, and all of them share Discord's global
# limit of 50 requests per second (a bucket of 50 tokens refilled at 50 a second).
SEND_LATENCY_S = 0.1
GLOBAL_RATE = 50.0
GLOBAL_BURST = 50.0

IDLE_TICKS = 10
RANK_QUERIES = 200
RANK_WARMUP = 3
LONE_ANSWERS = 200
REVIEW_PICKS = 50
REVIEW_DUE = 3
REVIEW_UNSEEN = 1_000
CLI_RUNS = 3
SUBPROCESS_TIMEOUT_S = 120.0
# Generous bounds on each stage, so a hang ends the run instead of stalling it.
SEED_TIMEOUT_S = 900.0
STAGE_TIMEOUT_S = 600.0
STEP_TIMEOUT_S = 2400.0  # a whole figure, seeding included


@dataclass(frozen=True, slots=True)
class Sizes:
    fanout: int = 10_000
    idle_small: int = 10_000
    idle_large: int = 100_000
    board: int = 1_000_000
    burst: int = 500
    reminders: int = 10_000
    review_cards: int = 10_000
    crowd: int = 250_000
    crowd_due: int = 1_000

    def divided(self, factor: int) -> Sizes:
        return replace(
            self, **{item.name: getattr(self, item.name) // factor for item in fields(self)}
        )


# --- the fake platform -------------------------------------------------------------------


class TokenBucket:
    """A shared rate limit that makes a request wait for its token (discord.py waits out
    Discord's global limit; it does not fail the request)."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self._tokens = capacity
        self._stamp = time.monotonic()
        self._turn = asyncio.Lock()  # waiters are served in order, as a client's queue would

    async def take(self) -> None:
        async with self._turn:
            while True:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)


@dataclass
class BenchChat:
    """A Chat (and DirectMessages, so reminders are looked at) that records what it sends;
    with a bucket and a latency it behaves like a paced platform."""

    bucket: TokenBucket | None = None
    latency: float = 0.0
    first_send_at: float | None = None  # perf_counter when the first send started
    sent: int = 0
    nudges: int = 0
    post_ids: dict[str, int] = field(default_factory=dict)  # channel id -> last post id

    @property
    def platform(self) -> str:
        return PLATFORM

    @property
    def chats(self) -> dict[str, BenchChat]:
        return {PLATFORM: self}

    async def send_question(self, post: OutgoingPost) -> SentPost:
        if self.first_send_at is None:
            self.first_send_at = time.perf_counter()
        if self.bucket is not None:
            await self.bucket.take()
        if self.latency:
            await asyncio.sleep(self.latency)
        self.sent += 1
        self.post_ids[post.channel.channel_id] = post.post_id
        return SentPost(message_ref=f"msg-{post.post_id}")

    async def send_reveal(self, reveal: OutgoingReveal) -> None:
        return None

    async def send_nudge(self, nudge: OutgoingNudge) -> None:
        self.nudges += 1


class LoopMonitor:
    """Records the worst lateness of a task that sleeps 1 ms over and over: how long the
    event loop was kept from running anything else."""

    def __init__(self) -> None:
        self.worst_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LoopMonitor:
        self._task = asyncio.create_task(self._watch())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with suppress(asyncio.CancelledError):
            await asyncio.wait_for(self._task, 5)

    async def _watch(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            late = (time.perf_counter() - started - 0.001) * 1000
            self.worst_ms = max(self.worst_ms, late)


# --- databases ----------------------------------------------------------------------------


class Backend:
    """A fresh, migrated, empty database for each figure: a copy of a migrated SQLite file in
    the temporary folder, or the run's own PostgreSQL schema emptied."""

    def __init__(self, folder: Path, postgres: bool) -> None:
        self.folder = folder
        self.postgres = postgres
        self.schema = f"bench_scale_{uuid.uuid4().hex[:10]}" if postgres else None
        self._template = folder / "template.db"
        self._empty = ""  # PostgreSQL: the TRUNCATE that empties the schema
        self._created = False

    def url(self, name: str) -> str:
        return POSTGRES_URL if self.postgres else f"sqlite+aiosqlite:///{self.folder / name}.db"

    async def start(self) -> None:
        if not self.postgres:
            template = Database(f"sqlite+aiosqlite:///{self._template}")
            try:
                await template.upgrade()
            finally:
                await template.dispose()
            return
        admin = Database(POSTGRES_URL)
        try:
            async with admin.engine.begin() as connection:
                await connection.exec_driver_sql(f'CREATE SCHEMA "{self.schema}"')
            self._created = True
        finally:
            await admin.dispose()
        database = Database(POSTGRES_URL, schema=self.schema)
        try:
            await database.upgrade()
            async with database.engine.begin() as connection:
                rows = await connection.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'alembic_version'"
                )
                tables = ", ".join(f'"{row[0]}"' for row in rows)
            self._empty = f"TRUNCATE {tables} RESTART IDENTITY CASCADE"
        finally:
            await database.dispose()

    async def close(self) -> None:
        if not self._created:
            return
        admin = Database(POSTGRES_URL)
        try:
            async with admin.engine.begin() as connection:
                # A connection left open would make the drop wait forever: give up instead.
                await connection.exec_driver_sql("SET LOCAL lock_timeout = '20s'")
                await connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
            self._created = False
        finally:
            await admin.dispose()

    @asynccontextmanager
    async def fresh(self, name: str) -> AsyncIterator[Database]:
        """A migrated, empty database for one figure, closed on exit."""
        if not self.postgres:
            shutil.copyfile(self._template, self.folder / f"{name}.db")
        database = Database(self.url(name), schema=self.schema)
        try:
            if self.postgres:
                async with database.engine.begin() as connection:
                    await connection.exec_driver_sql("SET LOCAL lock_timeout = '20s'")
                    await connection.exec_driver_sql(self._empty)
            yield database
        finally:
            await database.dispose()
            if not self.postgres:  # a million-member board is hundreds of MB: free it now
                for suffix in ("", "-wal", "-shm"):
                    (self.folder / f"{name}.db{suffix}").unlink(missing_ok=True)


def numbers(count: int) -> str:
    """A CTE `n(i)` counting 1..count, to seed rows with INSERT ... SELECT on either database."""
    return (
        f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(count)}) "
    )


def statement(sql: str, **types: Any) -> Any:
    """A text statement whose named parameters are bound with qotd's column types (so SQLite
    gets its datetimes in the same text form the product writes and compares)."""
    return text(sql).bindparams(*(bindparam(name, type_=kind) for name, kind in types.items()))


async def analyze(database: Database, *tables: str) -> None:
    """PostgreSQL only: the statistics autovacuum would gather soon after a bulk load (of the
    named tables of this schema only: other schemas on the server are not ours)."""
    if not database.is_sqlite:
        async with database.engine.begin() as connection:
            await connection.exec_driver_sql(f"ANALYZE {', '.join(tables)}")


async def seed_subscriptions(database: Database, count: int, next_post_at: datetime) -> None:
    """One group with `count` daily 09:00 UTC subscriptions, next due at `next_post_at`."""
    async with database.engine.begin() as connection:
        group_id = await connection.scalar(
            groups.insert()
            .values(platform=PLATFORM, external_id="fan", created_at=EARLIER)
            .returning(groups.c.id)
        )
        await connection.execute(
            statement(
                numbers(count)
                + "INSERT INTO subscriptions (group_id, channel_id, pack, post_time, timezone, "
                "days, reveal_after_minutes, difficulties, topics, thread, paused, admins, cycle, "
                "active_since, next_post_at, created_at, updated_at) "
                "SELECT :group_id, 'c' || i, :pack, '09:00', 'UTC', "
                "'mon,tue,wed,thu,fri,sat,sun', 720, '', '', :no, :no, '', 0, "
                ":since, :next, :since, :since FROM n",
                no=Boolean(),
                since=UtcDateTime(),
                next=UtcDateTime(),
            ),
            {
                "group_id": group_id,
                "pack": load_settings().default_pack,
                "no": False,
                "since": EARLIER,
                "next": next_post_at,
            },
        )
    await analyze(database, "groups", "subscriptions")


async def seed_members(database: Database, count: int, prefix: str) -> None:
    """`count` members of the bench platform, external ids `<prefix>1` .. `<prefix><count>`."""
    async with database.engine.begin() as connection:
        await connection.execute(
            statement(
                numbers(count) + "INSERT INTO members (platform, external_id, name, created_at) "
                "SELECT :platform, :prefix || i, 'member ' || i, :at FROM n",
                at=UtcDateTime(),
            ),
            {"platform": PLATFORM, "prefix": prefix, "at": EARLIER},
        )


def member_ref(prefix: str, index: int) -> MemberRef:
    return MemberRef(PLATFORM, f"{prefix}{index}", f"member {index}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def new_core(database: Database, clock: ManualClock, **settings: Any) -> Core:
    return ready(build_core(load_settings(**settings), database, clock=clock))


def ready(core: Core) -> Core:
    """The core as a running bot has it once started (qotd.app.serve)."""
    keep_start_up_out_of_collections()
    return core


# --- figures ------------------------------------------------------------------------------

Figures = dict[str, float]


async def fanout(backend: Backend, sizes: Sizes) -> Figures:
    """Every subscription due at 09:00, sent by one tick through a paced platform."""
    async with backend.fresh("fanout") as database:
        await asyncio.wait_for(seed_subscriptions(database, sizes.fanout, NINE), SEED_TIMEOUT_S)
        core = new_core(database, ManualClock(NINE))
        chat = BenchChat(TokenBucket(GLOBAL_RATE, GLOBAL_BURST), SEND_LATENCY_S)
        floor = sizes.fanout / GLOBAL_RATE
        async with LoopMonitor() as monitor:
            started = time.perf_counter()
            report = await asyncio.wait_for(posting.tick(core, chat.chats), floor * 5 + 300)
            elapsed = time.perf_counter() - started
    if report.posted != sizes.fanout or chat.sent != sizes.fanout:
        print(
            f"WARNING: the fan-out tick posted {report.posted} and sent {chat.sent} of "
            f"{sizes.fanout} ({report.failed} failed, {report.missed} missed)"
        )
    first = (chat.first_send_at or time.perf_counter()) - started
    print(
        f"fan-out of {sizes.fanout:,} posts due at once (send {SEND_LATENCY_S * 1000:.0f} ms, "
        f"global limit {GLOBAL_RATE:.0f}/s, concurrency {core.send_concurrency}): {elapsed:.1f} s "
        f"against a floor of {floor:.1f} s, ratio {elapsed / floor:.3f}"
    )
    print(f"  first send started {first:.3f} s after the tick began")
    print(f"  (largest event-loop stall during the fan-out: {monitor.worst_ms:.1f} ms)")
    return {
        "fanout_10k_s": elapsed,
        "fanout_floor_s": floor,
        "fanout_ratio": elapsed / floor,
        "first_post_s": first,
    }


async def timed_ticks(core: Core, chat: BenchChat, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        report = await asyncio.wait_for(posting.tick(core, chat.chats), STAGE_TIMEOUT_S)
        timings.append((time.perf_counter() - started) * 1000)
        assert report == posting.TickReport(), f"an idle tick did something: {report}"
    return timings


async def idle(backend: Backend, count: int, key: str, rss_key: str, block: bool) -> Figures:
    """Ticks with `count` subscriptions none of which is due; then the memory of a fresh
    process over the same database; with `block`, the worst event-loop stall of idle ticks."""
    figures: Figures = {}
    async with backend.fresh(f"idle{count}") as database:
        await asyncio.wait_for(
            seed_subscriptions(database, count, NINE + timedelta(days=1)), SEED_TIMEOUT_S
        )
        core = new_core(database, ManualClock(NINE))
        chat = BenchChat()
        timings = await timed_ticks(core, chat, IDLE_TICKS)
        figures[key] = statistics.median(timings)
        print(
            f"idle tick, {count:,} subscriptions none due: median {figures[key]:.2f} ms "
            f"(min {min(timings):.2f}, max {max(timings):.2f}) over {IDLE_TICKS}"
        )
        if block:
            # Separate ticks, so the monitor's own wake-ups do not slow the timed ones.
            async with LoopMonitor() as monitor:
                await timed_ticks(core, chat, IDLE_TICKS)
            figures["loop_block_ms"] = monitor.worst_ms
            print(
                f"  longest event-loop block during {IDLE_TICKS} idle ticks: {monitor.worst_ms:.2f} ms"
            )
        rss, peak = await child_memory(backend, f"idle{count}")
        figures[rss_key] = rss
        print(
            f"  fresh process, core built and one idle tick: RSS {rss:.1f} MB (peak {peak:.1f} MB)"
        )
    return figures


async def crowded(backend: Backend, sizes: Sizes) -> Figures:
    """A tick among many subscriptions (250,000 in a full run): the few that are due are all
    posted, the rest are not read. Printed above the last line; no target of its own."""
    count, due = sizes.crowd, sizes.crowd_due
    async with backend.fresh("crowd") as database:
        await asyncio.wait_for(
            seed_subscriptions(database, count, NINE + timedelta(days=1)), SEED_TIMEOUT_S
        )
        async with database.engine.begin() as connection:
            await connection.execute(
                text("UPDATE subscriptions SET next_post_at = :nine WHERE id <= :due").bindparams(
                    bindparam("nine", type_=UtcDateTime())
                ),
                {"nine": NINE, "due": due},
            )
        core = new_core(database, ManualClock(NINE))
        chat = BenchChat()
        started = time.perf_counter()
        report = await asyncio.wait_for(posting.tick(core, chat.chats), STAGE_TIMEOUT_S)
        busy_ms = (time.perf_counter() - started) * 1000
        idle_ms = statistics.median(await timed_ticks(core, chat, IDLE_TICKS))
    if report.posted != due or chat.sent != due:
        raise RuntimeError(f"the tick posted {report.posted} and sent {chat.sent} of {due} due")
    print(
        f"tick among {count:,} subscriptions: {due:,} due, all posted in {busy_ms:.0f} ms; "
        f"then an idle tick: median {idle_ms:.2f} ms"
    )
    return {}


async def child_memory(backend: Backend, name: str) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB of this script re-run as a child over the named database."""
    command = [sys.executable, str(SCRIPT), "--rss-child", backend.url(name)]
    if backend.schema:
        command += ["--schema", backend.schema]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), SUBPROCESS_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await asyncio.wait_for(process.wait(), 10)
        raise
    if process.returncode != 0:
        raise RuntimeError(f"memory child failed: {err.decode()[-2000:]}")
    fields = dict(part.split("=") for part in out.decode().split()[-2:])
    return float(fields["rss_mb"]), float(fields["peak_mb"])


def memory_mb(field_name: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field_name} in /proc/self/status")


async def rss_child(url: str, schema: str | None) -> None:
    """The child's part: build the core over the database, run one idle tick, print memory."""
    database = Database(url, schema=schema)
    try:
        core = new_core(database, ManualClock(NINE))
        report = await asyncio.wait_for(posting.tick(core, BenchChat().chats), STAGE_TIMEOUT_S)
        assert report == posting.TickReport(), report
        print(f"rss_mb={memory_mb('VmRSS'):.1f} peak_mb={memory_mb('VmHWM'):.1f}")
    finally:
        await database.dispose()


async def scheduled_channels(
    core: Core, clock: ManualClock, *channels: ChannelRef
) -> dict[str, int]:
    """Schedule each channel as an admin would, at 09:00 UTC, and tick at 09:00 so each has
    an open post; returns channel id -> post id."""
    admin = Actor(MemberRef(PLATFORM, "admin", "admin"), is_admin=True)
    schedule = Schedule.parse("09:00", "UTC", "daily", "after 12h")
    clock.set(NINE - timedelta(minutes=30))
    for channel in channels:
        await subscriptions.schedule_channel(core, channel, admin, schedule)
    clock.set(NINE)
    chat = BenchChat()
    report = await asyncio.wait_for(posting.tick(core, chat.chats), STAGE_TIMEOUT_S)
    assert report.posted == len(channels), report
    return chat.post_ids


# Each board in a group of its own; the points of its members, from a hash `h` of their id:
# 1-400 skewed towards low scores, and a Monday's board with a quarter of them on 10.
BOARDS = {
    ChannelRef(PLATFORM, "board", "board"): "1 + (h % 400) * ((h / 400) % 401) / 400",
    ChannelRef(PLATFORM, "monday", "monday"): (
        "CASE WHEN h % 4 = 0 THEN 10 ELSE 2 + (h / 4) % 24 END"
    ),
}


async def leaderboards(backend: Backend, sizes: Sizes) -> Figures:
    """Ranks on a group's weekly board of `sizes.board` members, and on a tie-heavy one."""
    normal, monday = BOARDS
    async with backend.fresh("board") as database:
        clock = ManualClock(NINE)
        core = new_core(database, clock)
        await scheduled_channels(core, clock, *BOARDS)
        await asyncio.wait_for(seed_boards(core, database, sizes.board), SEED_TIMEOUT_S)
        rng = random.Random(3)
        spread = await asyncio.wait_for(rank_timings(core, normal, sizes, rng), STAGE_TIMEOUT_S)
        tied = await asyncio.wait_for(rank_timings(core, monday, sizes, rng), STAGE_TIMEOUT_S)
    figures = {
        "rank_p50_ms_1m": percentile(spread, 0.5),
        "rank_p99_ms_1m": percentile(spread, 0.99),
        "rank_p99_ms_monday": percentile(tied, 0.99),
    }
    print(
        f"leaderboard with own rank, {sizes.board:,} members: p50 {figures['rank_p50_ms_1m']:.2f} ms, "
        f"p99 {figures['rank_p99_ms_1m']:.2f} ms over {RANK_QUERIES} askers"
    )
    print(
        f"  tie-heavy board (a quarter on one value): p50 {percentile(tied, 0.5):.2f} ms, "
        f"p99 {figures['rank_p99_ms_monday']:.2f} ms"
    )
    return figures


async def seed_boards(core: Core, database: Database, count: int) -> None:
    """`count` members, each on every board of BOARDS for this week (the same members on
    both: a member may belong to several groups), and the members-per-points counts."""
    await seed_members(database, count, "board")
    scopes = {}
    async with core.storage.read() as uow:
        for channel in BOARDS:
            subscription = await uow.subscriptions.for_channel(channel)
            group_id = await uow.members.find_group(channel.platform, channel.group_id)
            assert subscription is not None and group_id is not None
            period = period_key(Period.WEEK, NINE, subscription.schedule.tz)
            scopes[channel] = (scope_key(Scope.GROUP, group_id, subscription.id), period)
    async with database.engine.begin() as connection:
        for channel, points in BOARDS.items():
            scope, period = scopes[channel]
            await connection.execute(
                text(
                    "INSERT INTO scores (scope, period, member_id, points) "
                    f"SELECT :scope, :period, id, {points} FROM "
                    "(SELECT id, (id * 2654435761) % 4294967296 AS h FROM members "
                    "WHERE platform = :platform AND external_id LIKE 'board%') AS m"
                ),
                {"scope": scope, "period": period, "platform": PLATFORM},
            )
        # The members-per-points counts a rank is summed from, consistent with the scores.
        await connection.execute(
            text(
                "INSERT INTO score_counts (scope, period, points, members) "
                "SELECT scope, period, points, COUNT(*) FROM scores GROUP BY scope, period, points"
            )
        )
    await analyze(database, "members", "scores", "score_counts")


async def rank_timings(
    core: Core, channel: ChannelRef, sizes: Sizes, rng: random.Random
) -> list[float]:
    timings = []
    for call in range(RANK_WARMUP + RANK_QUERIES):
        asker = member_ref("board", rng.randint(1, sizes.board))
        started = time.perf_counter()
        board = await boards.leaderboard(core, channel, asker, Period.WEEK, Scope.GROUP)
        elapsed = (time.perf_counter() - started) * 1000
        assert len(board.entries) == 10 and board.me.rank is not None, board.me
        assert board.members == sizes.board, board.members
        if call >= RANK_WARMUP:
            timings.append(elapsed)
    return timings


async def answering(backend: Backend, sizes: Sizes) -> Figures:
    """Members answering an open post: alone, one after another; then a burst at once."""
    async with backend.fresh("answers") as database:
        clock = ManualClock(NINE)
        core = new_core(database, clock)
        lone, burst = ChannelRef(PLATFORM, "g", "lone"), ChannelRef(PLATFORM, "g", "burst")
        posts = await scheduled_channels(core, clock, lone, burst)
        alone = await asyncio.wait_for(answer_alone(core, posts["lone"], lone), STAGE_TIMEOUT_S)
        outcomes = await asyncio.wait_for(
            answer_together(core, posts["burst"], burst, sizes.burst), STAGE_TIMEOUT_S
        )
    latencies = [latency for latency, _ in outcomes]
    failed = [error for _, error in outcomes if error is not None]
    figures = {
        "lone_answer_ms": statistics.median(alone),
        "burst500_receipt_p99_ms": percentile(latencies, 0.99),
    }
    print(
        f"one member answering alone: median {figures['lone_answer_ms']:.2f} ms, "
        f"p99 {percentile(alone, 0.99):.2f} ms over {LONE_ANSWERS} members"
    )
    print(
        f"{sizes.burst} members answering one post at once: p50 {percentile(latencies, 0.5):.1f} ms, "
        f"p99 {figures['burst500_receipt_p99_ms']:.1f} ms to the receipt"
    )
    if failed:
        print(f"WARNING: {len(failed)} of the burst's answers failed, first: {failed[0]!r}")
    return figures


async def answer_alone(core: Core, post_id: int, channel: ChannelRef) -> list[float]:
    timings = []
    for index in range(LONE_ANSWERS):
        request = answers.AnswerRequest(
            post_id, member_ref("lone", index), channel, choice="ABCD"[index % 4]
        )
        started = time.perf_counter()
        await answers.submit(core, request)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def answer_together(
    core: Core, post_id: int, channel: ChannelRef, count: int
) -> list[tuple[float, Exception | None]]:
    """Each member's time from call to outcome (a failure is timed too, and returned)."""

    async def one(index: int) -> tuple[float, Exception | None]:
        request = answers.AnswerRequest(
            post_id, member_ref("burst", index), channel, choice="ABCD"[index % 4]
        )
        started = time.perf_counter()
        try:
            await answers.submit(core, request)
            error = None
        except Exception as failure:
            error = failure
        return (time.perf_counter() - started) * 1000, error

    return list(await asyncio.gather(*(one(index) for index in range(count))))


async def reminders(backend: Backend, sizes: Sizes) -> Figures:
    """Reminders whose time has come with nothing to say: looked at once, then left alone."""
    async with backend.fresh("reminders") as database:
        await asyncio.wait_for(seed_reminders(database, sizes.reminders), SEED_TIMEOUT_S)
        clock = ManualClock(NINE)
        core = new_core(database, clock)
        chat = BenchChat()
        started = time.perf_counter()
        await asyncio.wait_for(posting.tick(core, chat.chats), STAGE_TIMEOUT_S)
        first = time.perf_counter() - started
        timings = []
        for minute in range(1, IDLE_TICKS + 1):
            clock.set(NINE + timedelta(minutes=minute))
            started = time.perf_counter()
            await asyncio.wait_for(posting.tick(core, chat.chats), STAGE_TIMEOUT_S)
            timings.append((time.perf_counter() - started) * 1000)
        async with core.storage.read() as uow:
            still_due = len(await uow.cards.due_nudges([PLATFORM], clock.now()))
    if chat.nudges or still_due:
        print(f"WARNING: {chat.nudges} reminders were sent and {still_due} are still due")
    median = statistics.median(timings)
    print(
        f"reminders, {sizes.reminders:,} due with nothing to say: first tick {first:.2f} s "
        f"(looks at each), then median {median:.2f} ms over {IDLE_TICKS} ticks"
    )
    return {"reminders_tick_10k_ms": median}


async def seed_reminders(database: Database, count: int) -> None:
    """`count` members with a 08:00 UTC reminder, next looked at an hour ago (before 09:00)."""
    await seed_members(database, count, "reminded")
    async with database.engine.begin() as connection:
        await connection.execute(
            statement(
                "INSERT INTO nudges (member_id, remind_at, timezone, created_at, next_check_at) "
                "SELECT id, '08:00', 'UTC', :at, :check FROM members WHERE platform = :platform",
                at=UtcDateTime(),
                check=UtcDateTime(),
            ),
            {"at": EARLIER, "check": NINE - timedelta(hours=1), "platform": PLATFORM},
        )
    await analyze(database, "members", "nudges")


async def review_pick(backend: Backend, sizes: Sizes) -> Figures:
    """Picking a review session when a member holds many cards but only a few are due."""
    async with backend.fresh("review") as database:
        clock = ManualClock(NINE)
        library = synthetic_library(sizes.review_cards + REVIEW_UNSEEN)
        core = ready(
            build_core(load_settings(default_pack="bench"), database, clock=clock, library=library)
        )
        reviewer = MemberRef(PLATFORM, "reviewer", "reviewer")
        async with core.storage.write() as uow:
            member_id = await uow.members.member_id(reviewer, clock.now())
        await asyncio.wait_for(seed_cards(database, member_id, sizes.review_cards), SEED_TIMEOUT_S)
        timings = []
        for _ in range(REVIEW_PICKS):
            started = time.perf_counter()
            step = await asyncio.wait_for(review.start_review(core, reviewer), STAGE_TIMEOUT_S)
            timings.append((time.perf_counter() - started) * 1000)
            assert step.total == core.review_size, step.total
    median = statistics.median(timings)
    print(
        f"review pick, {sizes.review_cards:,} cards of which {REVIEW_DUE} due: median {median:.2f} ms, "
        f"p99 {percentile(timings, 0.99):.2f} ms over {REVIEW_PICKS}"
    )
    return {"review_pick_few_due_ms": median}


async def seed_cards(database: Database, member_id: int, count: int) -> None:
    """`count` learnt cards, all due in the coming weeks except REVIEW_DUE overdue ones."""
    rng = random.Random(11)
    rows = [
        {
            "member_id": member_id,
            "question_id": f"q{index}",
            "state": 2,
            "step": None,
            "stability": rng.uniform(1, 50),
            "difficulty": rng.uniform(1, 10),
            "due": NINE - timedelta(hours=index + 1)
            if index < REVIEW_DUE
            else NINE + timedelta(days=rng.uniform(1, 60)),
            "last_review": EARLIER,
            "reviews": rng.randint(1, 9),
            "lapses": rng.randint(0, 3),
        }
        for index in range(count)
    ]
    async with database.engine.begin() as connection:
        await connection.execute(cards.insert(), rows)
    await analyze(database, "cards")


# --- start-up figures (subprocesses) -----------------------------------------------------


def clean_environment(**extra: str) -> dict[str, str]:
    """This environment without any QOTD_ setting of the developer's, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QOTD_")}
    return env | extra


def timed_run(command: list[str], cwd: Path, env: dict[str, str], stdin: str = "") -> float:
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_S,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} exited {result.returncode}: {result.stderr}")
    return elapsed


def help_time(folder: Path) -> Figures:
    helps = [
        timed_run([sys.executable, "-m", "qotd", "--help"], folder, clean_environment())
        for _ in range(CLI_RUNS)
    ]
    median = statistics.median(helps)
    runs = ", ".join(f"{run:.3f}" for run in helps)
    print(f"python -m qotd --help: median {median:.3f} s ({runs})")
    return {"help_s": median}


def console_time(folder: Path) -> Figures:
    """The console started and quit at once, from a working directory of its own (no .env)."""
    env = clean_environment(QOTD_DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'console.db'}")
    command = [sys.executable, "-m", "qotd", "console", "--start", "2026-03-02T08:00Z"]
    first, *runs = [timed_run(command, folder, env, "quit\n") for _ in range(CLI_RUNS + 1)]
    median = statistics.median(runs)
    print(
        f"python -m qotd console, quit at once: first run (creates the database) {first:.3f} s; "
        f"then median {median:.3f} s ({', '.join(f'{run:.3f}' for run in runs)})"
    )
    return {"console_ready_s": median}


# --- running ------------------------------------------------------------------------------


def number(value: float) -> str:
    """A plain number with 1 to 3 decimals."""
    if abs(value) >= 100:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


Measure = Callable[[], Awaitable[Figures]]


def record_failure(
    failures: dict[str, str], name: str, keys: tuple[str, ...], error: Exception
) -> None:
    traceback.print_exc()
    reason = f"{name} failed ({type(error).__name__}: {error})"
    print(f"{name}: could not be measured: {type(error).__name__}: {error}")
    failures.update(dict.fromkeys(keys, reason))


async def measure_all(
    backend: Backend, sizes: Sizes, results: Figures, failures: dict[str, str]
) -> None:
    """Every figure measured in-process, one at a time; a failed one leaves its keys `na`
    (with the reason) and the others go on."""
    steps: list[tuple[str, tuple[str, ...], Measure]] = [
        (
            "idle ticks, 10k",
            ("idle_tick_10k_ms", "rss_10k_mb"),
            lambda: idle(backend, sizes.idle_small, "idle_tick_10k_ms", "rss_10k_mb", False),
        ),
        (
            "idle ticks, 100k",
            ("idle_tick_100k_ms", "rss_100k_mb", "loop_block_ms"),
            lambda: idle(backend, sizes.idle_large, "idle_tick_100k_ms", "rss_100k_mb", True),
        ),
        ("reminders", ("reminders_tick_10k_ms",), lambda: reminders(backend, sizes)),
        ("review pick", ("review_pick_few_due_ms",), lambda: review_pick(backend, sizes)),
        (
            "answers",
            ("lone_answer_ms", "burst500_receipt_p99_ms"),
            lambda: answering(backend, sizes),
        ),
        (
            "leaderboards",
            ("rank_p50_ms_1m", "rank_p99_ms_1m", "rank_p99_ms_monday"),
            lambda: leaderboards(backend, sizes),
        ),
        ("tick among 250k", (), lambda: crowded(backend, sizes)),
        (
            "fan-out",
            ("fanout_10k_s", "fanout_ratio", "first_post_s"),
            lambda: fanout(backend, sizes),
        ),
    ]
    results["fanout_floor_s"] = sizes.fanout / GLOBAL_RATE  # from the constants alone
    try:
        await asyncio.wait_for(backend.start(), 300)
    except Exception as error:
        record_failure(
            failures, "database set-up", tuple(key for _, keys, _ in steps for key in keys), error
        )
        return
    try:
        for name, keys, measure in steps:
            try:
                async with asyncio.timeout(STEP_TIMEOUT_S):
                    results.update(await measure())
            except Exception as error:
                record_failure(failures, name, keys, error)
    finally:
        await asyncio.wait_for(backend.close(), 60)


def measure_startup(folder: Path, results: Figures, failures: dict[str, str]) -> None:
    """The command-line figures, each in subprocesses from an empty working directory."""
    for name, key, measure in (
        ("qotd --help", "help_s", help_time),
        ("qotd console", "console_ready_s", console_time),
    ):
        work = folder / key
        work.mkdir()
        try:
            results.update(measure(work))
        except Exception as error:
            record_failure(failures, name, (key,), error)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="run on PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="every size 10x smaller")
    parser.add_argument("--rss-child", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--schema", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        asyncio.run(rss_child(args.rss_child, args.schema))
        return 0
    sizes = Sizes().divided(10) if args.quick else Sizes()
    where = f"PostgreSQL ({POSTGRES_URL})" if args.postgres else "SQLite"
    print(f"qotd scale benchmark on {where}{', quick: sizes / 10' if args.quick else ''}")
    results: Figures = {}
    failures: dict[str, str] = {}  # key -> why it could not be measured
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qotd-scale-") as folder_name:
        folder = Path(folder_name)
        asyncio.run(measure_all(Backend(folder, args.postgres), sizes, results, failures))
        measure_startup(folder, results, failures)
    print(f"(run took {time.perf_counter() - started:.0f} s)")
    for key in KEYS:
        if key not in results:
            print(f"{key}=na: {failures.get(key, 'not measured')}")
    print(" ".join(f"{key}={number(results[key]) if key in results else 'na'}" for key in KEYS))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
