"""A burst of members answering at once through the real Slack HTTP front end, on PostgreSQL,
with one worker and then three (not a test; prints figures).

Run: python bench/burst.py [-n 500]   (needs PostgreSQL: QOTD_BENCH_POSTGRES_URL, default
postgresql+asyncpg://postgres@127.0.0.1:5432/test; takes one and a half to three minutes,
mostly waiting for each question's minute; loopback only; stops its processes and drops its
schemas on exit)

Per worker count (1, then 3), from scratch: a fresh schema with one Slack channel whose
question is due at the next whole minute at least 20 s away (revealed 3 hours later, so answers
stay open); the fake Slack Web API (tests/slack/fake_api.py) in its own process; that many
`qotd run --slack-http` workers, each ready once its /healthz answers 200. Once the fake has
the question, the bench reads its answer buttons (conversations.history, as Slack shows the
message), signs one block_actions click per member (N distinct members, response_url on the
fake) and starts every click at once, round-robin over the workers' ports as a load balancer
would.

- ack: per click, from sending the request to reading the worker's 200. The workers are
  fresh, so these are their first clicks: the first asks Slack who the bot is (auth.test)
  and the others wait for that one answer (adapters/slack/one_workspace.py).
- receipt: the fake's /response/{key} keeps the body of each private receipt but not its key,
  and a receipt names no member, so receipts cannot be matched to clicks. The k-th receipt
  time is from the burst's first send until the fake was seen (by polling /_qotd/posts)
  holding k receipts, so a percentile overstates the per-member one by at most the send
  spread plus one poll gap (both printed). A missing receipt counts as infinitely late.
- failures: clicks not answered 200 within 30 s, receipts that never came (60 s), and
  receipts without a verdict (Right! / Not quite.): the answer was NOT saved, or refused.
- cores busy: from the first send to the last receipt, on the whole machine and by the
  bench's own processes (PostgreSQL is counted with the rest): on a shared machine the rest
  says how much others' work may have skewed a round.

Worker logs go to a temporary folder, kept and printed when something failed. Last line:
burst=<n> ack_p99_ms_1w=<a> receipt_p99_ms_1w=<b> ack_p99_ms_3w=<c> receipt_p99_ms_3w=<d> ratio_3w_1w=<receipt_p99_3w / receipt_p99_1w> failures=<f>
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ack import percentile
from cluster import (
    SECRET,
    TOKEN,
    create_schema,
    drop,
    free_port,
    reschedule,
    start_fake,
    start_worker,
    stop,
)

from adapters.slack import ids
from bot.domain.identity import ChannelRef
from bot.domain.schedule import Schedule
from tests.slack import signing
from tests.slack.fake_state import TEAM

WORKER_COUNTS = (1, 3)
POST_MARGIN = timedelta(seconds=20)  # time for the workers to come up before the question
REVEAL = "after 3h"
READY_SECONDS = 60.0  # for a worker's /healthz to answer 200
POSTED_SECONDS = 60.0  # after the question's minute, for the fake to have it
ACK_TIMEOUT = 30.0
SLACK_ACK_SECONDS = 3.0  # Slack's limit for acknowledging a click: later acks are counted
RECEIPT_SECONDS = 60.0  # after the burst's first send
# Between polls of the fake's receipts: each poll carries every receipt so far (~1 KB each, 5 ms
# to serve and parse at 500), CPU the workers need on a small machine.
POLL_PAUSE = 0.05
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# A saved pick's receipt opens with its verdict; anything else (the answer was NOT saved, or
# refused) opens otherwise. (Its "+N points" line may be cut from `text`, kept to 300 chars.)
SAVED = re.compile(r"(Right!|Not quite\.) ")


class BenchFailed(Exception):
    """The bench could not measure (a process died, a deadline passed before the burst)."""


@dataclass
class Click:
    member: str
    port: int
    body: str
    headers: dict[str, str]
    sent_at: float = 0.0
    ack_ms: float | None = None
    outcome: str = "not sent"  # the HTTP status, timeout or the client error's name


@dataclass
class Receipts:
    arrivals: list[float] = field(default_factory=list)  # when the fake held 1, 2, ... receipts
    texts: list[str] = field(default_factory=list)
    poll_gaps: list[float] = field(default_factory=list)


@dataclass
class CpuReading:
    """CPU seconds used so far: by the whole machine, and by the bench's own processes."""

    at: float
    machine: float
    ours: float

    @classmethod
    def now(cls, pids: list[int]) -> CpuReading:
        # /proc/stat's first line: user nice system idle iowait ... in clock ticks.
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        busy = sum(ticks) - ticks[3] - ticks[4]
        ours = sum(process_ticks(pid) for pid in pids)
        return cls(time.perf_counter(), busy / CLOCK_TICKS, ours / CLOCK_TICKS)

    def cores_since(self, start: CpuReading) -> tuple[float, float]:
        """Cores kept busy between the two readings: all, and by the bench's processes."""
        seconds = self.at - start.at
        return (self.machine - start.machine) / seconds, (self.ours - start.ours) / seconds


def process_ticks(pid: int) -> int:
    """utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat, after its name)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


@dataclass
class Round:
    workers: int
    acks_ms: list[float]
    receipts_ms: list[float]
    not_acked: int
    late_acks: int
    missing: int
    not_saved: int
    send_spread_ms: float
    poll_gap_ms: float
    log_errors: int
    cores_busy: float
    cores_ours: float

    @property
    def failures(self) -> int:
        return self.not_acked + self.missing + self.not_saved

    @property
    def ack_p99(self) -> float:
        return percentile(self.acks_ms, 0.99) if self.acks_ms else math.inf

    @property
    def receipt_p99(self) -> float:
        return percentile(self.receipts_ms, 0.99)

    def describe(self) -> str:
        acks = self.acks_ms or [math.inf]
        return (
            f"{self.workers} worker(s): ack p50 {percentile(acks, 0.5):.1f} ms, "
            f"p99 {self.ack_p99:.1f} ms, max {max(acks):.1f} ms, "
            f"{self.late_acks} over {SLACK_ACK_SECONDS:g} s; receipt p50 "
            f"{percentile(self.receipts_ms, 0.5):.1f} ms, p99 {self.receipt_p99:.1f} ms, "
            f"max {max(self.receipts_ms):.1f} ms; failures {self.failures} (not acked "
            f"{self.not_acked}, no receipt {self.missing}, not saved {self.not_saved}); "
            f"send spread {self.send_spread_ms:.0f} ms, poll gap max {self.poll_gap_ms:.0f} ms; "
            f"worker log errors {self.log_errors}; cores busy {self.cores_busy:.1f} of "
            f"{os.cpu_count()}, {self.cores_ours:.1f} by the bench, fake and workers"
        )


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def next_post_time() -> datetime:
    """The next whole minute at least POST_MARGIN away (schedules are to the minute)."""
    return (datetime.now(UTC) + POST_MARGIN + timedelta(minutes=1)).replace(second=0, microsecond=0)


async def wait_healthy(
    http: aiohttp.ClientSession, worker: subprocess.Popen[bytes], port: int
) -> None:
    """Until the worker's /healthz answers 200 (it ticked and reached the database)."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise BenchFailed(f"the worker on port {port} exited (rc={worker.returncode})")
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        except (aiohttp.ClientError, TimeoutError):
            pass  # not listening yet
        await asyncio.sleep(0.2)
    raise BenchFailed(f"the worker on port {port} was not healthy within {READY_SECONDS:g} s")


async def fake_json(
    http: aiohttp.ClientSession, fake_port: int, path: str, **params: str
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    url = f"http://127.0.0.1:{fake_port}{path}"
    async with http.get(url, params=params, headers=headers) as response:
        data: dict[str, Any] = await response.json()
        return data


async def wait_for_question(
    http: aiohttp.ClientSession, fake_port: int, channel: str, post_at: datetime
) -> dict[str, Any]:
    """The question as members see it in the channel, once the fake has it."""
    deadline = post_at + timedelta(seconds=POSTED_SECONDS)
    while datetime.now(UTC) < deadline:
        posts = await fake_json(http, fake_port, "/_qotd/posts")
        if posts["channels"].get(channel, {}).get("questions"):
            # /_qotd/posts leaves out blocks: read the message the way Slack serves it.
            history = await fake_json(
                http,
                fake_port,
                "/api/conversations.history",
                channel=channel,
                include_all_metadata="true",
            )
            return next(
                message
                for message in history["messages"]
                if (message.get("metadata") or {}).get("event_type") == ids.POST_EVENT
            )
        await asyncio.sleep(0.5)
    raise BenchFailed(f"the fake had no question in {channel} by {deadline:%H:%M:%S} UTC")


def answer_buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(action_id, value) of each answer button (A-D) under the question."""
    return [
        (element["action_id"], element["value"])
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if ids.ANSWER.match(element["action_id"])
    ]


def signed_clicks(
    count: int,
    workers: int,
    ports: list[int],
    fake_port: int,
    channel: str,
    message: dict[str, Any],
) -> list[Click]:
    """One signed click per new member, built before the burst so signing costs nothing in it;
    members pick the letters in turn and go to the workers in turn."""
    buttons = answer_buttons(message)
    clicks = []
    for number in range(count):
        member = f"b{workers}w{number}"
        action_id, value = buttons[number % len(buttons)]
        reply_to = f"http://127.0.0.1:{fake_port}/response/{member}"
        body = signing.block_action(
            member, action_id, value, reply_to, channel=channel, message_ts=message["ts"]
        )
        headers = signing.signed_headers(body, signing.FORM, secret=SECRET)
        clicks.append(Click(member, ports[number % len(ports)], body, headers))
    return clicks


async def send(http: aiohttp.ClientSession, click: Click) -> None:
    click.sent_at = time.perf_counter()
    try:
        async with http.post(
            f"http://127.0.0.1:{click.port}/slack/events",
            data=click.body,
            headers=click.headers,
            timeout=aiohttp.ClientTimeout(total=ACK_TIMEOUT),
        ) as response:
            await response.read()
            click.ack_ms = (time.perf_counter() - click.sent_at) * 1000
            click.outcome = str(response.status)
    except TimeoutError:
        click.outcome = "timeout"
    except aiohttp.ClientError as error:
        click.outcome = type(error).__name__


async def watch_receipts(
    http: aiohttp.ClientSession, fake_port: int, expected: int, until: float
) -> Receipts:
    """Poll the fake's receipts until `expected` are in or `until` (perf_counter) passes; a
    receipt counts as arrived when a poll's answer first shows it."""
    receipts = Receipts()
    last_poll = time.perf_counter()
    while len(receipts.arrivals) < expected and time.perf_counter() < until:
        responses = (await fake_json(http, fake_port, "/_qotd/posts"))["responses"]
        now = time.perf_counter()
        receipts.poll_gaps.append(now - last_poll)
        last_poll = now
        receipts.arrivals += [now] * (len(responses) - len(receipts.arrivals))
        receipts.texts = [str(response.get("text", "")) for response in responses]
        await asyncio.sleep(POLL_PAUSE)
    return receipts


async def burst(
    http: aiohttp.ClientSession, fake_port: int, clicks: list[Click], pids: list[int]
) -> tuple[Receipts, tuple[float, float]]:
    """Every click started in the same turn of the event loop, receipts watched meanwhile; and
    the cores busy meanwhile (others' work on a shared machine skews the figures)."""
    cpu = CpuReading.now(pids)
    watcher = asyncio.create_task(
        watch_receipts(http, fake_port, len(clicks), cpu.at + RECEIPT_SECONDS)
    )
    await asyncio.gather(*(send(http, click) for click in clicks))
    receipts = await watcher
    return receipts, CpuReading.now(pids).cores_since(cpu)


def measure(
    workers: int,
    clicks: list[Click],
    receipts: Receipts,
    cores: tuple[float, float],
    worker_log: Path,
) -> Round:
    first_sent = min(click.sent_at for click in clicks)
    acked = [click for click in clicks if click.outcome == "200"]
    acks_ms = [click.ack_ms for click in acked if click.ack_ms is not None]
    missing = max(0, len(clicks) - len(receipts.arrivals))
    receipts_ms = [(at - first_sent) * 1000 for at in receipts.arrivals[: len(clicks)]]
    log_text = worker_log.read_text(errors="replace")
    return Round(
        workers=workers,
        acks_ms=acks_ms,
        receipts_ms=receipts_ms + [math.inf] * missing,
        not_acked=len(clicks) - len(acked),
        late_acks=sum(1 for ms in acks_ms if ms > SLACK_ACK_SECONDS * 1000),
        missing=missing,
        not_saved=sum(1 for text in receipts.texts if not SAVED.match(text)),
        send_spread_ms=(max(click.sent_at for click in clicks) - first_sent) * 1000,
        poll_gap_ms=max(receipts.poll_gaps, default=math.inf) * 1000,
        log_errors=log_text.count("Traceback") + log_text.count("ERROR"),
        cores_busy=cores[0],
        cores_ours=cores[1],
    )


async def run_round(
    workers: int, count: int, logs: Path, processes: list[subprocess.Popen[Any]], schemas: list[str]
) -> Round:
    """One worker count from scratch: its own schema, fake, workers and members."""
    schema = f"bench_burst_{uuid.uuid4().hex[:8]}"
    schemas.append(schema)
    channel = f"CBURST{workers}W"
    await create_schema(schema)
    post_at = next_post_time()
    schedule = Schedule.parse(f"{post_at:%H:%M}", "UTC", "daily", REVEAL)
    await reschedule(schema, [ChannelRef("slack", TEAM, channel)], schedule)
    fake_port = free_port()
    fake = start_fake(fake_port)
    processes.append(fake)
    api_url = f"http://127.0.0.1:{fake_port}/api/"
    worker_log = logs / f"{workers}w.log"
    ports = [free_port() for _ in range(workers)]
    started = [start_worker(api_url, schema, worker_log, port=port) for port in ports]
    processes.extend(started)
    # No connection limit (aiohttp's default is 100): every click gets its own connection now.
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=10)
    ) as http:
        for worker, port in zip(started, ports, strict=True):
            await wait_healthy(http, worker, port)
        log(f"{workers} worker(s) healthy; question due at {post_at:%H:%M:%S} UTC")
        message = await wait_for_question(http, fake_port, channel, post_at)
        clicks = signed_clicks(count, workers, ports, fake_port, channel, message)
        ours = [os.getpid(), fake.pid, *(worker.pid for worker in started)]
        receipts, cores = await burst(http, fake_port, clicks, ours)
    stop(fake)
    for worker in started:
        stop(worker)
    return measure(workers, clicks, receipts, cores, worker_log)


async def run_all(
    count: int, logs: Path, processes: list[subprocess.Popen[Any]], schemas: list[str]
) -> list[Round]:
    return [await run_round(w, count, logs, processes, schemas) for w in WORKER_COUNTS]


def summary(count: int, rounds: list[Round]) -> str:
    one, three = rounds
    ratio = three.receipt_p99 / one.receipt_p99 if one.receipt_p99 else math.inf
    return (
        f"burst={count} ack_p99_ms_1w={one.ack_p99:.1f} receipt_p99_ms_1w={one.receipt_p99:.1f} "
        f"ack_p99_ms_3w={three.ack_p99:.1f} receipt_p99_ms_3w={three.receipt_p99:.1f} "
        f"ratio_3w_1w={ratio:.2f} failures={sum(r.failures for r in rounds)}"
    )


def clean_up(processes: list[subprocess.Popen[Any]], schemas: list[str]) -> None:
    for process in processes:
        stop(process)
    for schema in schemas:
        try:
            asyncio.run(asyncio.wait_for(drop(schema), 60))
        except Exception as error:  # the figures still count; say what was left behind
            log(f"could not drop schema {schema}: {error!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=500, help="members clicking at once (500)")
    count = parser.parse_args().n

    def terminate(*_: Any) -> None:
        raise KeyboardInterrupt

    # Ctrl-C and SIGTERM alike: out of the event loop at once, then the cleanup below.
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    logs = Path(tempfile.mkdtemp(prefix="qotd-bench-burst-"))
    processes: list[subprocess.Popen[Any]] = []
    schemas: list[str] = []
    rounds: list[Round] = []
    try:
        rounds = asyncio.run(run_all(count, logs, processes, schemas))
    except BenchFailed as error:
        log(f"bench failed: {error}")
    except KeyboardInterrupt:
        log("interrupted: stopping every process and dropping the schemas")
    finally:
        clean_up(processes, schemas)
        # In `finally`, so the folder is named after an unexpected error too.
        if len(rounds) < len(WORKER_COUNTS) or any(r.failures for r in rounds):
            log(f"worker logs kept in {logs}")
        else:
            shutil.rmtree(logs)
    if len(rounds) < len(WORKER_COUNTS):
        sys.exit(1)
    for one_round in rounds:
        print(one_round.describe())
    print(summary(count, rounds), flush=True)


if __name__ == "__main__":
    main()
