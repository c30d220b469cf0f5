"""Several workers on one PostgreSQL database, killed mid-fan-out (not a test).

Run: python bench/workers.py   (needs PostgreSQL: QOTD_BENCH_POSTGRES_URL, default
postgresql+asyncpg://postgres@127.0.0.1:5432/test; takes two to four minutes)

Starts the local fake Slack Web API (tests/slack/fake_api.py) as its own process, creates
200 Slack channels due in the same minute (each revealing a minute after its post) in a fresh
PostgreSQL schema, starts 3 `qotd run --slack-http` workers, SIGKILLs workers at random
moments during the fan-out and restarts them, then counts posts and reveals per channel on
the fake. Last line:
posts_expected=200 posts_made=<n> duplicates=<d> kills=<k> reveals_expected=200 reveals_made=<r> elapsed_s=<t>
"""

from __future__ import annotations

import asyncio
import random
import signal
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import counts, drop, free_port, prepare, start_fake, start_worker

from bot.domain.identity import ChannelRef
from bot.domain.schedule import Schedule

CHANNELS = 200
WORKERS = 3
MIN_KILLS = 3
TEAM = "TBENCH"
DEADLINE = timedelta(minutes=6)


def main() -> None:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    rng = random.Random()
    now = datetime.now(UTC)
    # The next whole minute at least 20 s away, so every worker is up before the fan-out.
    first_post = (now + timedelta(seconds=80)).replace(second=0, microsecond=0)
    # 200 channels scheduled at the same local minute, each revealing a minute after its post.
    channels = [ChannelRef("slack", TEAM, f"C{index:05d}") for index in range(CHANNELS)]
    schedule = Schedule.parse(f"{first_post:%H:%M}", "UTC", "daily", "after 1m")
    asyncio.run(prepare(schema, channels, schedule))
    fake_port = free_port()
    fake = start_fake(fake_port)
    api_url = f"http://127.0.0.1:{fake_port}/api/"
    log = Path(f"/tmp/qotd-bench-workers-{schema}.log")
    workers = [start_worker(api_url, schema, log) for _ in range(WORKERS)]
    kills = 0
    started = time.monotonic()
    try:
        # Kill at random moments while the 200 posts (and then the reveals) go out.
        while datetime.now(UTC) < first_post - timedelta(seconds=1):
            time.sleep(0.2)
        kill_at = sorted(rng.uniform(0.2, 75.0) for _ in range(MIN_KILLS + 2))
        fan_out = time.monotonic()
        deadline = datetime.now(UTC) + DEADLINE
        while datetime.now(UTC) < deadline:
            if kill_at and time.monotonic() - fan_out >= kill_at[0]:
                kill_at.pop(0)
                victim = rng.randrange(WORKERS)
                workers[victim].send_signal(signal.SIGKILL)
                workers[victim].wait()
                kills += 1
                time.sleep(rng.uniform(0.0, 2.0))
                workers[victim] = start_worker(api_url, schema, log)
            made = counts(fake_port)
            done = len(made) == CHANNELS and all(
                c["questions"] >= 1 and c["reveals"] >= 1 for c in made.values()
            )
            if done and not kill_at:
                time.sleep(3)  # let late duplicates, if any, show up
                break
            time.sleep(0.5)
        made = counts(fake_port)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        fake.terminate()
        fake.wait()
        asyncio.run(drop(schema))
    posts = sum(min(1, c["questions"]) for c in made.values())
    reveals = sum(min(1, c["reveals"]) for c in made.values())
    duplicates = sum(max(0, c["questions"] - 1) + max(0, c["reveals"] - 1) for c in made.values())
    print(f"worker log: {log}")
    print(
        f"posts_expected={CHANNELS} posts_made={posts} duplicates={duplicates} kills={kills} "
        f"reveals_expected={CHANNELS} reveals_made={reveals} elapsed_s={time.monotonic() - started:.0f}"
    )


if __name__ == "__main__":
    main()
