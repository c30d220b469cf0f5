"""Three workers on one PostgreSQL schema under faults: kills, long pauses, silent network cuts
and transient Slack 5xx, while members answer (not a test; prints figures).

Run: python bench/faults.py [--seed 1] [--channels 100] [--lease 8]
(needs PostgreSQL: QOTD_BENCH_POSTGRES_URL, default postgresql+asyncpg://postgres@127.0.0.1:5432/test;
takes five to six and a half minutes; loopback only; kills its processes and drops its schema on exit)

Set-up: a fresh schema; the fake Slack Web API (tests/slack/fake_api.py) in its own process,
giving a seeded share of question and reveal sends a burst of HTTP 503s and holding each send
briefly in flight; three `qotd run --slack-http` workers, each reaching PostgreSQL through its
own port of a TCP forwarder the bench controls (bench/pgproxy.py). Every channel posts in the
same minute (wave 1, revealed 2 minutes later); once wave 1 is claimed, every channel is
rescheduled into a time zone 26 hours ahead, so its next local day (wave 2) posts when wave 1's
answers are due (and reveals a minute later): each channel must show post 1, reveal 1, post 2,
reveal 2, in that order. Members click answer buttons on every question (signed requests to
the workers' /slack/events, replies through a response_url the bench serves).

Faults (seeded times, drawn inside the three busy stretches; never more than two of the
three workers faulted at once, so a fault may wait for a free worker): 6 SIGKILLs (each
worker restarted), 5 SIGSTOP/SIGCONT pauses of lease + 4..7 s (one as soon as the fake sees a
worker start a send, which it may only do holding the post's lease, so the worker stops with
the request in flight; one while pg_stat_activity shows the worker's backend idle inside a
write transaction, found by the proxy's upstream ports), 3 silent cuts of a worker's database
link for 20 s, and 503 bursts of 1-4 on a share of question and reveal sends (slack_sdk
retries a 503 twice, so bursts of 3-4 reach qotd). `--lost-reply SHARE` (off by default) also
stores some sends and still answers 503, as a reply lost on the way back would.

Progress goes to stderr: each fault as it happens, then what the fake and the database hold,
the answers (saved, told not saved and why, reply delays) and where missing items stand in the
database (a reveal the database calls done but the fake never got is lost; one still in
`posted` or `revealing` was only not done when the bench stopped waiting).

Last line:
posts_expected=N posts_made=N reveals_made=N duplicates=N missing=N out_of_order=N
answers_acked=N answers_stored=N kills=N pauses=N cuts=N elapsed_s=N
- posts_made / reveals_made: channel-days with at least one question / reveal on the fake.
- duplicates: extra copies of a question or reveal per channel-day on the fake.
- missing: expected questions plus expected reveals that never reached the fake.
- out_of_order: channels whose day-2 question came before their day-1 reveal (or without it).
- answers_acked: clicks answered 200 whose follow-up said the answer was saved;
  answers_stored: answer rows in the database at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import (
    POSTGRES,
    SECRET,
    create_schema,
    drop,
    free_port,
    reschedule,
    start_fake,
    start_worker,
    stop,
)
from pgproxy import Proxy

from adapters.slack import ids
from bot.config import Settings
from bot.content.loader import load_library
from bot.domain.identity import ChannelRef
from bot.domain.schedule import Schedule
from tests.slack import signing
from tests.slack.fake_state import TEAM

WORKERS = 3
KILLS = 6
RANDOM_PAUSES = 3  # besides the two timed ones (after a lease, inside a write transaction)
CUTS = 3
CUT_SECONDS = 20.0
MAX_FAULTED = 2  # never more than two of the three workers down, stopped or cut at once
# Local days: wave 1 in UTC-12, wave 2 in UTC+14, so wave 2 is always a later local date.
ZONE_1, ZONE_2 = "Etc/GMT+12", "Etc/GMT-14"
REVEAL_1 = "after 2m"
WAVE_2 = timedelta(minutes=2)  # after wave 1's post time: when wave 1's answers are due
REVEAL_2 = "after 1m"
# Busy stretches after wave 1's post time, in seconds: wave 1's posts; wave 1's reveals with
# wave 2's posts; wave 2's reveals. Faults are drawn inside them.
BUSY = ((3.0, 40.0), (115.0, 155.0), (175.0, 200.0))
DROP_FAULTS = 220.0  # faults still postponed (no free worker) by then are dropped, and said so
BUDGET = 375.0  # seconds from start to the final reading at the latest (the run: 5-6.3 min)
SETTLE = 320.0  # ...and after wave 1's post time: wave 2's answers are due at 180 s
# (--budget raises both: a longer wait tells a late reveal from a lost one.)
ACK_SECONDS = 3.0  # Slack's limit for acknowledging a click
SAVED = re.compile(r"\+\d+ points")  # the receipt's "+15 points · streak 1 (best 1)"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Worker:
    slot: int
    generation: int
    process: subprocess.Popen[bytes]
    http_port: int
    state: str = "starting"  # starting, up, reserved (for a fault), stopped, cut, dead

    @property
    def tag(self) -> str:
        return f"w{self.slot}g{self.generation}"

    @property
    def name(self) -> str:
        return f"w{self.slot}"


@dataclass
class Click:
    post_id: int
    member: str
    sent_at: float = 0.0
    status: str = "not sent"  # not sent (yet), 200, http <n>, timeout, error, no worker
    reply: str | None = None
    replied_at: float | None = None


@dataclass
class Fault:
    at: float  # seconds after wave 1's post time
    kind: str  # kill, pause, cut


@dataclass
class Bench:
    seed: int
    channels: int
    lease: float
    clicks_per_post: int
    fake_options: list[str]
    budget: float = BUDGET
    schema: str = field(default_factory=lambda: f"bench_faults_{uuid.uuid4().hex[:8]}")
    started: float = field(default_factory=time.monotonic)
    workers: list[Worker] = field(default_factory=list)
    proxy: Proxy | None = None
    fake: subprocess.Popen[str] | None = None
    fake_port: int = 0
    response_port: int = 0
    first_post: datetime | None = None  # wave 1's post time ("T" in the progress lines)
    rescheduled: bool = False
    lease_armed_at: float | None = None  # the pause-after-lease waits for a send since then
    kills: int = 0
    pauses: int = 0
    cuts: int = 0
    crashes: int = 0
    clicks: dict[str, Click] = field(default_factory=dict)
    fault_ended: float = 0.0
    faults_done: bool = False
    hunting: int = 0  # timed pauses looking for their moment (each holds a fault slot)
    queue: list[Fault] = field(default_factory=list)  # faults not started yet
    seen_at: dict[tuple[str, int], float] = field(default_factory=dict)  # first seen, T+s
    # Every send the fake announced, per (kind, post id): (worker tag, outcome, T+s).
    sends: dict[tuple[str, str], list[tuple[str, str, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.log_path = Path(f"/tmp/qotd-bench-faults-{self.schema}.log")
        url = make_url(POSTGRES)
        self.pg: dict[str, Any] = {
            "host": url.host or "127.0.0.1",
            "port": url.port or 5432,
            "user": url.username,
            "password": url.password,
            "database": url.database,
        }
        self.refs = [ChannelRef("slack", TEAM, f"C{n:05d}") for n in range(self.channels)]
        settings = Settings()
        self.pack = load_library(settings.content_dir).pack(settings.default_pack)

    # -- clock ------------------------------------------------------------------------------

    def since_start(self) -> float:
        return time.monotonic() - self.started

    def after_first_post(self) -> float:
        assert self.first_post is not None
        return (datetime.now(UTC) - self.first_post).total_seconds()

    def t(self) -> str:
        """Seconds relative to wave 1's post time, for progress lines."""
        if self.first_post is None:
            return f"[start+{self.since_start():5.1f}s]"
        return f"[T{self.after_first_post():+6.1f}s]"

    # -- processes (sync: quick system calls) -----------------------------------------------

    def spawn(self, slot: int, generation: int) -> Worker:
        """A worker whose database link goes through the proxy's port for `slot`, and whose
        Slack calls carry its tag (the fake's .../api/<tag>/ URLs)."""
        assert self.proxy is not None
        database = make_url(POSTGRES).set(host="127.0.0.1", port=self.proxy.port(slot))
        http_port = free_port()
        process = start_worker(
            f"http://127.0.0.1:{self.fake_port}/api/w{slot}g{generation}/",
            self.schema,
            self.log_path,
            port=http_port,
            database_url=database.render_as_string(hide_password=False),
            lease_seconds=self.lease,
        )
        return Worker(slot, generation, process, http_port)

    def kill_everything(self) -> None:
        for worker in self.workers:
            stop(worker.process)
        if self.fake is not None and self.fake.poll() is None:
            self.fake.terminate()
            try:
                self.fake.wait(10)
            except subprocess.TimeoutExpired:
                stop(self.fake)
        if self.proxy is not None:
            self.proxy.close()

    def signal_worker(self, worker: Worker, sig: signal.Signals) -> None:
        if worker.process.poll() is None:
            os.kill(worker.process.pid, sig)

    # -- the run ----------------------------------------------------------------------------

    async def run(self) -> None:
        self.loop = asyncio.get_running_loop()
        await asyncio.wait_for(create_schema(self.schema), 120)
        self.proxy = Proxy(str(self.pg["host"]), int(self.pg["port"] or 5432), WORKERS)
        self.proxy.start()
        self.fake_port = free_port()
        self.fake = start_fake(self.fake_port, *self.fake_options)
        threading.Thread(target=self.read_fake, daemon=True).start()
        responses = web.Application()
        responses.router.add_post("/response/{key}", self.on_response)
        runner = web.AppRunner(responses, access_log=None)
        await runner.setup()
        self.http = aiohttp.ClientSession()
        try:
            self.response_port = free_port()
            await web.TCPSite(runner, "127.0.0.1", self.response_port).start()
            self.db = await asyncpg.connect(**self.pg, timeout=10, command_timeout=10)
            self.watch_db = await asyncpg.connect(**self.pg, timeout=10, command_timeout=10)
            await self.faulty_run()
            await self.report()
        finally:
            await self.http.close()
            for connection in (getattr(self, "db", None), getattr(self, "watch_db", None)):
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await connection.close(timeout=5)
            await runner.cleanup()

    async def faulty_run(self) -> None:
        tasks: list[asyncio.Task[Any]] = []
        try:
            self.workers = [self.spawn(slot, 1) for slot in range(WORKERS)]
            await self.until_up(self.workers, deadline=90)
            log(f"{self.t()} {WORKERS} workers up; worker log {self.log_path}")
            await self.schedule_wave_1()
            tasks = [
                asyncio.create_task(self.supervise()),
                asyncio.create_task(self.answer_questions()),
                asyncio.create_task(self.inject_faults()),
            ]
            await self.wave_2()
            await self.settle()
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
            self.end_faults()

    async def until_up(self, workers: list[Worker], deadline: float) -> None:
        """Wait (bounded) until each worker's /healthz answers 200."""
        end = time.monotonic() + deadline
        pending = list(workers)
        while pending and time.monotonic() < end:
            for worker in list(pending):
                if worker.process.poll() is not None:
                    raise SystemExit(f"worker {worker.tag} exited at start; see {self.log_path}")
                if await self.healthy(worker):
                    worker.state = "up"
                    pending.remove(worker)
            await asyncio.sleep(0.3)
        if pending:
            raise SystemExit(f"workers not up within {deadline:.0f} s; see {self.log_path}")

    async def healthy(self, worker: Worker) -> bool:
        try:
            async with self.http.get(
                f"http://127.0.0.1:{worker.http_port}/healthz",
                timeout=aiohttp.ClientTimeout(total=2),
            ) as response:
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def schedule_wave_1(self) -> None:
        now = datetime.now(UTC)
        self.first_post = (now + timedelta(seconds=68)).replace(second=0, microsecond=0)
        zone_1 = Schedule.parse("00:00", ZONE_1).tz
        local = self.first_post.astimezone(zone_1)
        schedule = Schedule.parse(f"{local:%H:%M}", ZONE_1, "daily", REVEAL_1)
        await asyncio.wait_for(reschedule(self.schema, self.refs, schedule), 60)
        self.day_1 = local.date()
        self.second_post = self.first_post + WAVE_2
        self.day_2 = self.second_post.astimezone(Schedule.parse("00:00", ZONE_2).tz).date()
        log(
            f"{self.t()} {self.channels} channels scheduled: wave 1 posts at "
            f"{self.first_post:%H:%M:%S} UTC ({self.day_1} in {ZONE_1}), reveals 2 min later"
        )
        await asyncio.sleep(max(0.0, -self.after_first_post()))

    async def wave_2(self) -> None:
        """Once every channel's day-1 post is claimed, move every channel to a zone where the
        next local day starts at wave 1's reveal time."""
        end = time.monotonic() + 30
        claimed = 0
        while time.monotonic() < end:
            claimed = await self.db.fetchval(
                f'SELECT count(*) FROM "{self.schema}".posts WHERE local_date = $1',
                self.day_1,
                timeout=10,
            )
            if claimed >= self.channels:
                break
            await asyncio.sleep(0.3)
        zone_2 = Schedule.parse("00:00", ZONE_2).tz
        local = self.second_post.astimezone(zone_2)
        schedule = Schedule.parse(f"{local:%H:%M}", ZONE_2, "daily", REVEAL_2)
        await asyncio.wait_for(reschedule(self.schema, self.refs, schedule), 60)
        self.rescheduled = True
        log(
            f"{self.t()} day 1 claimed for {claimed}/{self.channels} channels; all rescheduled: "
            f"wave 2 posts at {self.second_post:%H:%M:%S} UTC ({self.day_2} in {ZONE_2}), "
            "reveals 1 min later"
        )

    # -- workers: restarts and the fake's send announcements --------------------------------

    async def supervise(self) -> None:
        """Restart workers that died on their own; mark restarted workers up when healthy."""
        while True:
            for index, worker in enumerate(self.workers):
                if worker.state in ("up", "cut", "stopped") and worker.process.poll() is not None:
                    self.crashes += 1
                    log(
                        f"{self.t()} {worker.tag} exited by itself (rc={worker.process.returncode})"
                    )
                    self.workers[index] = self.spawn(worker.slot, worker.generation + 1)
                elif worker.state == "starting" and await self.healthy(worker):
                    worker.state = "up"
                    log(f"{self.t()} {worker.tag} up again")
            await asyncio.sleep(0.3)

    def read_fake(self) -> None:
        """The fake's stdout, in a thread: `send <tag> <kind> <post> <outcome>` lines."""
        assert self.fake is not None and self.fake.stdout is not None
        for line in self.fake.stdout:
            parts = line.split()
            if len(parts) == 5 and parts[0] == "send":
                try:
                    self.loop.call_soon_threadsafe(self.on_send, *parts[1:])
                except RuntimeError:  # the loop is closed: the run is over
                    return
            elif line.strip():
                log(f"fake: {line.rstrip()}")

    def on_send(self, tag: str, kind: str, post_id: str, outcome: str) -> None:
        """A send is starting on the fake: its worker holds the post's lease right now."""
        at = self.after_first_post() if self.first_post else 0.0
        self.sends.setdefault((kind, post_id), []).append((tag, outcome, at))
        if self.lease_armed_at is None or outcome != "ok":
            return
        worker = next((w for w in self.workers if w.tag == tag), None)
        if worker is None or worker not in self.eligible(hunter=True):
            return
        self.lease_armed_at = None
        self.hunting -= 1
        what = "question" if kind == "qotd_post" else "reveal"
        self.pause(worker, f"mid-send of the {what} of post={post_id} (it holds the lease)")

    # -- faults -----------------------------------------------------------------------------

    def eligible(self, hunter: bool = False) -> list[Worker]:
        """Workers a new fault may hit: up, while fewer than MAX_FAULTED are faulted (a
        timed pause still looking for its moment counts, unless it is the one asking)."""
        up = [w for w in self.workers if w.state == "up"]
        faulted = sum(1 for w in self.workers if w.state != "up") + self.hunting - hunter
        return up if faulted < MAX_FAULTED else []

    def plan(self) -> list[Fault]:
        """Kills, random pauses and cuts spread over the busy stretches, plus the two timed
        pauses: after a lease while wave 1 goes out; inside a write transaction while wave 1's
        reveals and wave 2's posts go out."""
        faults = []
        for number in range(max(KILLS, RANDOM_PAUSES, CUTS)):
            for kind, count in (("kill", KILLS), ("pause", RANDOM_PAUSES), ("cut", CUTS)):
                if number < count:
                    low, high = BUSY[number % len(BUSY)]
                    faults.append(Fault(self.rng.uniform(low, high), kind))
        faults.append(Fault(self.rng.uniform(0.3, 2.0), "pause after lease"))
        faults.append(Fault(self.rng.uniform(115.0, 125.0), "pause in transaction"))
        return sorted(faults, key=lambda fault: fault.at)

    async def inject_faults(self) -> None:
        """Start each planned fault when due and a worker is free for it (one fault per
        worker at a time, at most MAX_FAULTED workers faulted at once)."""
        queue = self.queue = self.plan()
        log(
            f"{self.t()} fault plan (s after wave 1's post time): "
            + ", ".join(f"{fault.kind}@{fault.at:.0f}" for fault in queue)
        )
        running: set[asyncio.Task[None]] = set()
        while queue or running or self.lease_armed_at is not None or self.faulted():
            elapsed = self.after_first_post()
            if self.lease_armed_at is not None and time.monotonic() - self.lease_armed_at > 20:
                self.lease_armed_at = None
                self.hunting -= 1
                log(f"{self.t()} no send seen within 20 s of arming: a plain pause instead")
                queue.insert(0, Fault(elapsed, "pause"))
            if elapsed > DROP_FAULTS and queue:
                log(f"{self.t()} dropped, no free worker in time: {[f.kind for f in queue]}")
                queue.clear()
            for fault in list(queue):
                if fault.at > elapsed:
                    break
                if fault.kind == "pause after lease":
                    if not self.eligible():
                        break
                    queue.remove(fault)
                    self.lease_armed_at = time.monotonic()
                    self.hunting += 1
                    log(f"{self.t()} armed: pause the next worker that starts a send")
                    continue
                # The others may freeze row locks: not before the bench's own reschedule.
                victims = self.eligible() if self.rescheduled else []
                if not victims:
                    break  # postponed until a worker is free
                queue.remove(fault)
                if fault.kind == "pause in transaction":
                    self.hunting += 1
                    task = asyncio.create_task(self.pause_in_transaction())
                else:
                    victim = self.rng.choice(victims)
                    victim.state = "reserved"  # now, so the next fault cannot pick it too
                    task = asyncio.create_task(self.strike(fault.kind, victim))
                running.add(task)
                task.add_done_callback(running.discard)
            await asyncio.sleep(0.1)
        self.faults_done = True
        log(f"{self.t()} all faults over: kills={self.kills} pauses={self.pauses} cuts={self.cuts}")

    def faulted(self) -> bool:
        """A worker still stopped, cut off, or restarting."""
        return any(w.state != "up" for w in self.workers)

    async def strike(self, kind: str, worker: Worker) -> None:
        if kind == "kill":
            self.signal_worker(worker, signal.SIGKILL)
            worker.state = "dead"
            await asyncio.to_thread(worker.process.wait, 10)
            self.kills += 1
            log(f"{self.t()} kill {worker.tag} (pid {worker.process.pid})")
            await asyncio.sleep(self.rng.uniform(0.0, 2.0))
            replacement = self.spawn(worker.slot, worker.generation + 1)
            assert self.workers[worker.slot] is worker
            self.workers[worker.slot] = replacement
            log(f"{self.t()} restart {worker.name} as {replacement.tag}")
            self.fault_ended = time.monotonic()
        elif kind == "pause":
            self.pause(worker, "at a random moment")
        elif kind == "cut":
            await self.cut(worker)

    def pause(self, worker: Worker, why: str) -> None:
        seconds = self.rng.uniform(self.lease + 4, self.lease + 7)
        self.signal_worker(worker, signal.SIGSTOP)
        worker.state = "stopped"
        self.pauses += 1
        log(f"{self.t()} pause {worker.tag} for {seconds:.1f} s (lease {self.lease:g} s) {why}")

        def resume() -> None:
            self.signal_worker(worker, signal.SIGCONT)
            if worker.state == "stopped":
                worker.state = "up"
            self.fault_ended = time.monotonic()
            log(f"{self.t()} resume {worker.tag}")

        self.loop.call_later(seconds, resume)

    async def cut(self, worker: Worker) -> None:
        assert self.proxy is not None
        frozen = self.proxy.cut(worker.slot)
        worker.state = "cut"
        self.cuts += 1
        log(f"{self.t()} cut {worker.tag}'s database link ({frozen} connections frozen)")
        try:
            await asyncio.sleep(CUT_SECONDS)
        finally:
            self.proxy.heal(worker.slot)
            if worker.state == "cut":
                worker.state = "up"
            self.fault_ended = time.monotonic()
            log(f"{self.t()} heal {worker.tag}'s database link")

    async def pause_in_transaction(self) -> None:
        """Stop a worker while its backend sits idle inside a write transaction (it holds row
        locks): pg_stat_activity, matched to the worker by the proxy's upstream ports."""
        try:
            found = await self._find_open_write()
        finally:
            self.hunting -= 1
        if found is None:
            log(f"{self.t()} no worker seen inside a write transaction in 30 s: a plain pause")
            self.queue.insert(0, Fault(self.after_first_post(), "pause"))
            return
        worker, row = found
        tables = ", ".join(row["tables"]) or "no table"
        self.pause(
            worker,
            f"inside a write transaction (writing {tables}; last statement: {row['query']})",
        )
        still = await self.watch_db.fetchval(
            "SELECT state FROM pg_stat_activity WHERE pid = $1", row["pid"], timeout=5
        )
        log(f"{self.t()}   its backend {row['pid']} after the stop: {still}")

    async def _find_open_write(self) -> tuple[Worker, Any] | None:
        """A worker whose backend is idle inside a transaction that has written (it has a
        transaction id); for the first 15 s only one that wrote posts, answers or rotation
        rows (the posting path, rather than a heartbeat)."""
        assert self.proxy is not None
        started = time.monotonic()
        query = """
            SELECT a.pid, a.client_port,
                   left(regexp_replace(a.query, '\\s+', ' ', 'g'), 90) AS query,
                   array(SELECT DISTINCT c.relname::text FROM pg_locks l
                         JOIN pg_class c ON c.oid = l.relation
                         WHERE l.pid = a.pid AND l.mode = 'RowExclusiveLock'
                           AND c.relkind = 'r') AS tables
            FROM pg_stat_activity a
            WHERE a.datname = current_database() AND a.state = 'idle in transaction'
              AND a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
        """
        while time.monotonic() - started < 30:
            picky = time.monotonic() - started < 15
            ports = {
                port: w
                for w in self.eligible(hunter=True)
                for port in self.proxy.upstream_ports(w.slot)
            }
            for row in await self.watch_db.fetch(query, timeout=5):
                worker = ports.get(row["client_port"])
                if picky and not {"posts", "answers", "rotation"} & set(row["tables"]):
                    continue
                if worker is not None and worker in self.eligible(hunter=True):
                    return worker, row
            await asyncio.sleep(0.005)
        return None

    def end_faults(self) -> None:
        """Heal every cut and resume every stopped worker (the run is over or interrupted)."""
        for worker in self.workers:
            if worker.state == "stopped":
                self.signal_worker(worker, signal.SIGCONT)
                worker.state = "up"
            if worker.state == "cut" and self.proxy is not None:
                self.proxy.heal(worker.slot)
                worker.state = "up"

    # -- members answering ------------------------------------------------------------------

    async def answer_questions(self) -> None:
        """Each question that shows up on the fake gets clicks from new members, at random
        moments before its reveal, sent to a random running worker."""
        seen: set[int] = set()
        clicks: set[asyncio.Task[None]] = set()
        while True:
            try:
                snapshot = await self.fake_json("/_qotd/posts")
            except (aiohttp.ClientError, TimeoutError):
                await asyncio.sleep(1)
                continue
            new = {}
            for channel, data in snapshot["channels"].items():
                for message in data["messages"]:
                    meta = message.get("metadata") or {}
                    kind = meta.get("event_type")
                    if kind not in (ids.POST_EVENT, ids.REVEAL_EVENT):
                        continue
                    post_id = int(meta["event_payload"]["post_id"])
                    self.seen_at.setdefault((kind, post_id), self.after_first_post())
                    if kind == ids.POST_EVENT and post_id not in seen:
                        new[post_id] = (channel, message["ts"])
            if new:
                rows = await self.db.fetch(
                    f'SELECT id, question_id, reveal_at, status FROM "{self.schema}".posts '
                    "WHERE id = ANY($1::int[])",
                    list(new),
                    timeout=10,
                )
                for row in rows:
                    seen.add(row["id"])
                    channel, ts = new[row["id"]]
                    for task in self.plan_clicks(row, channel, ts):
                        clicks.add(task)
                        task.add_done_callback(clicks.discard)
            await asyncio.sleep(1)

    def plan_clicks(self, row: Any, channel: str, ts: str) -> list[asyncio.Task[None]]:
        question = self.pack.by_id.get(row["question_id"])
        window = (row["reveal_at"] - datetime.now(UTC)).total_seconds() - 8
        if question is None or not question.choices or window < 2 or row["status"] == "revealed":
            return []
        letters = "ABCD"[: len(question.choices)]
        tasks = []
        for number in range(self.clicks_per_post):
            member = f"b{row['id']}m{number}"
            click = self.clicks[member] = Click(row["id"], member)
            delay = self.rng.uniform(0.5, min(window, 45.0))
            letter = self.rng.choice(letters)
            tasks.append(asyncio.create_task(self.click(click, channel, ts, letter, delay)))
        return tasks

    async def click(self, click: Click, channel: str, ts: str, letter: str, delay: float) -> None:
        await asyncio.sleep(delay)
        for _ in range(20):  # a load balancer's pick among running workers (not stopped)
            targets = [w for w in self.workers if w.state in ("up", "cut")]
            if targets:
                break
            await asyncio.sleep(0.25)
        else:
            click.status = "no worker"
            return
        worker = self.rng.choice(targets)
        reply_to = f"http://127.0.0.1:{self.response_port}/response/{click.member}"
        body = signing.block_action(
            click.member,
            ids.answer(click.post_id, letter),
            letter,
            reply_to,
            channel=channel,
            message_ts=ts,
        )
        headers = signing.signed_headers(body, signing.FORM, secret=SECRET)
        click.sent_at = time.monotonic()
        try:
            async with self.http.post(
                f"http://127.0.0.1:{worker.http_port}/slack/events",
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=ACK_SECONDS),
            ) as response:
                await response.read()
                click.status = "200" if response.status == 200 else f"http {response.status}"
        except TimeoutError:
            click.status = "timeout"
        except aiohttp.ClientError:
            click.status = "error"

    async def on_response(self, request: web.Request) -> web.Response:
        click = self.clicks.get(request.match_info["key"])
        payload = await request.text()
        if click is not None and click.reply is None:
            click.reply = payload
            click.replied_at = time.monotonic()
        return web.Response(text="ok")

    async def fake_json(self, path: str) -> dict[str, Any]:
        async with self.http.get(
            f"http://127.0.0.1:{self.fake_port}{path}", timeout=aiohttp.ClientTimeout(total=10)
        ) as response:
            data: dict[str, Any] = await response.json()
            return data

    # -- the end ----------------------------------------------------------------------------

    async def settle(self) -> None:
        """Until every post and reveal is out, the faults are over and the clicks answered,
        then a quiet spell for late duplicates; bounded by the run's budget."""
        quiet = max(6.0, self.lease)
        announced = False
        settle = SETTLE + self.budget - BUDGET
        while self.since_start() < self.budget and self.after_first_post() < settle:
            await asyncio.sleep(1)
            if not self.faults_done:
                continue
            if not announced:
                log(
                    f"{self.t()} settling: until everything is out, at most until "
                    f"T+{settle:.0f}s or start+{self.budget:.0f}s"
                )
                announced = True
            made = await self.made()
            replies = all(
                c.reply is not None or c.status not in ("200", "not sent")
                for c in self.clicks.values()
            )
            calm = time.monotonic() - self.fault_ended > quiet
            if made and replies and calm:
                log(f"{self.t()} everything out; {quiet:.0f} s more for late duplicates")
                await asyncio.sleep(quiet)
                return
        log(f"{self.t()} out of time: measuring what is there")

    async def made(self) -> bool:
        try:
            snapshot = await self.fake_json("/_qotd/posts")
        except (aiohttp.ClientError, TimeoutError):
            return False
        reveals = sum(min(2, c["reveals"]) for c in snapshot["channels"].values())
        return reveals >= 2 * self.channels

    async def report(self) -> None:
        snapshot = await self.fake_json("/_qotd/posts")
        injected = await self.fake_json("/_qotd/faults")
        schema = self.schema
        rows = await self.db.fetch(
            f'SELECT p.id, s.channel_id, p.local_date, p.status FROM "{schema}".posts p '
            f'JOIN "{schema}".subscriptions s ON s.id = p.subscription_id',
            timeout=10,
        )
        day_of = {row["id"]: (row["channel_id"], row["local_date"]) for row in rows}
        status_of = {(row["channel_id"], row["local_date"]): row["status"] for row in rows}
        statuses: dict[str, int] = {}
        for row in rows:
            statuses[row["status"]] = statuses.get(row["status"], 0) + 1
        stored = await self.db.fetch(
            f'SELECT a.post_id, m.external_id FROM "{schema}".answers a '
            f'JOIN "{schema}".members m ON m.id = a.member_id',
            timeout=10,
        )
        figures = measure(snapshot["channels"], day_of, [self.day_1, self.day_2], self.refs)
        stored_keys = {(row["post_id"], row["external_id"]) for row in stored}
        clicks = list(self.clicks.values())
        acked = [c for c in clicks if c.status == "200" and c.reply and SAVED.search(c.reply)]
        told_not = [c for c in clicks if c.reply and not SAVED.search(c.reply)]
        silent = [c for c in clicks if c.status == "200" and c.reply is None]
        lost = [c for c in acked if (c.post_id, signing.user_id(c.member)) not in stored_keys]
        waits = sorted(
            c.replied_at - c.sent_at for c in clicks if c.replied_at is not None and c.sent_at
        )
        by_status: dict[str, int] = {}
        for click in clicks:
            by_status[click.status] = by_status.get(click.status, 0) + 1
        log(f"fake: injected {injected.get('injected')}, stored sends {injected.get('sent')}")
        for number, day in enumerate((self.day_1, self.day_2), start=1):
            out = {
                kind: max(
                    (
                        at
                        for (k, post), at in self.seen_at.items()
                        if k == kind and day_of.get(post, ("", None))[1] == day
                    ),
                    default=None,
                )
                for kind in (ids.POST_EVENT, ids.REVEAL_EVENT)
            }
            log(
                f"wave {number} ({day}): last question first seen at T+{out[ids.POST_EVENT] or 0:.0f}s, "
                f"last reveal at T+{out[ids.REVEAL_EVENT] or 0:.0f}s (seen by a 1 s poll)"
            )
        log(f"database: posts by status {statuses}; worker crashes (not kills): {self.crashes}")
        log(f"detail: channel-days on the fake that were never scheduled: {figures['unexpected']}")
        for channel, kind, post_id, copies in figures["duplicated"][:10]:
            trail = ", ".join(
                f"{outcome} by {tag} at T+{at:.1f}s"
                for tag, outcome, at in self.sends.get((kind, str(post_id)), [])
            )
            what = "question" if kind == ids.POST_EVENT else "reveal"
            log(f"duplicate: {what} of post={post_id} ({channel}) x{copies}; sends: {trail}")
        for what in ("posts", "reveals"):
            # posted/revealed in the database but not on the fake: lost; anything else:
            # not done (yet) when the bench stopped waiting, or given up (missed, failed).
            missing = Counter(status_of.get(key, "no row") for key in figures[f"{what}_missing"])
            log(f"detail: {what} missing on the fake, by their database status: {dict(missing)}")
        wait = f"p50={statistics.median(waits):.2f}s max={waits[-1]:.2f}s" if waits else "-"
        late = sum(1 for w in waits if w > ACK_SECONDS)
        log(
            f"answers: clicks={len(clicks)} by ack {by_status}; told saved={len(acked)}, "
            f"told not saved={len(told_not)}, 200 but never told={len(silent)}; "
            f"acked but not stored={len(lost)}; click-to-reply {wait}, {late} after {ACK_SECONDS:g}s"
        )
        texts = Counter(str(json.loads(c.reply).get("text", ""))[:70] for c in told_not if c.reply)
        for text, count in texts.most_common(4):
            log(f"  told not saved x{count}: {text!r}")
        tracebacks = self.log_path.read_text(errors="replace").count("Traceback")
        log(f"worker log: {self.log_path} ({tracebacks} tracebacks)")
        print(
            f"posts_expected={2 * self.channels} posts_made={figures['posts_made']} "
            f"reveals_made={figures['reveals_made']} duplicates={figures['duplicates']} "
            f"missing={figures['missing']} out_of_order={figures['out_of_order']} "
            f"answers_acked={len(acked)} answers_stored={len(stored)} kills={self.kills} "
            f"pauses={self.pauses} cuts={self.cuts} elapsed_s={self.since_start():.0f}",
            flush=True,
        )


def measure(
    channels: dict[str, Any],
    day_of: dict[int, tuple[str, date]],
    days: list[date],
    refs: list[ChannelRef],
) -> dict[str, Any]:
    """What members saw on the fake, per channel-day (a post id is one channel-day)."""
    seen: dict[tuple[str, date | None, str], list[int]] = {}
    post_of: dict[tuple[str, date | None, str], int] = {}
    for channel, data in channels.items():
        for index, message in enumerate(data["messages"]):
            meta = message.get("metadata") or {}
            kind = meta.get("event_type")
            if kind not in (ids.POST_EVENT, ids.REVEAL_EVENT):
                continue
            post_id = int(meta["event_payload"]["post_id"])
            day = day_of.get(post_id, (channel, None))[1]
            seen.setdefault((channel, day, kind), []).append(index)
            post_of[(channel, day, kind)] = post_id
    expected = [(ref.channel_id, day) for ref in refs for day in days]
    expected_keys = set(expected)
    posts_missing = [(c, d) for c, d in expected if not seen.get((c, d, ids.POST_EVENT))]
    reveals_missing = [(c, d) for c, d in expected if not seen.get((c, d, ids.REVEAL_EVENT))]
    posts = len(expected) - len(posts_missing)
    reveals = len(expected) - len(reveals_missing)
    out_of_order = 0
    for ref in refs:
        second = seen.get((ref.channel_id, days[1], ids.POST_EVENT))
        first_reveal = seen.get((ref.channel_id, days[0], ids.REVEAL_EVENT))
        if second and (not first_reveal or second[0] < first_reveal[0]):
            out_of_order += 1
    unexpected = sum(1 for c, d, _ in seen if (c, d) not in expected_keys)
    return {
        "posts_made": posts,
        "reveals_made": reveals,
        "duplicates": sum(len(found) - 1 for found in seen.values()),
        "duplicated": [
            (channel, kind, post_of[(channel, day, kind)], len(found))
            for (channel, day, kind), found in seen.items()
            if len(found) > 1
        ],
        "missing": 2 * len(expected) - posts - reveals,
        "posts_missing": posts_missing,
        "reveals_missing": reveals_missing,
        "out_of_order": out_of_order,
        "unexpected": unexpected,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="fault timing, 503s, clicks")
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--lease", type=float, default=8.0, help="QOTD_LEASE_SECONDS (>= 5)")
    parser.add_argument("--clicks", type=int, default=3, help="members answering each question")
    parser.add_argument("--fail-questions", type=float, default=0.3, metavar="SHARE")
    parser.add_argument("--fail-reveals", type=float, default=0.3, metavar="SHARE")
    parser.add_argument(
        "--lost-reply",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="posts whose first stored send is still answered 503 (off by default)",
    )
    parser.add_argument("--send-delay", type=float, default=0.15, metavar="SECONDS")
    parser.add_argument(
        "--budget",
        type=float,
        default=BUDGET,
        metavar="SECONDS",
        help="latest final reading, from the start (a longer wait tells late from lost)",
    )
    options = parser.parse_args()
    fake_options = [
        "--announce-sends",
        f"--seed={options.seed}",
        f"--fail-questions={options.fail_questions}",
        f"--fail-reveals={options.fail_reveals}",
        "--fail-burst=1-4",
        f"--lost-reply={options.lost_reply}",
        f"--send-delay={options.send_delay}",
    ]
    bench = Bench(
        options.seed,
        options.channels,
        options.lease,
        options.clicks,
        fake_options,
        max(options.budget, 120.0),
    )
    log(
        f"seed={options.seed} channels={options.channels} lease={options.lease:g}s schema={bench.schema}"
    )

    def terminate(*_: Any) -> None:
        raise KeyboardInterrupt

    # Ctrl-C and SIGTERM alike (also when started with SIGINT ignored, as a script's
    # background job): out of the event loop at once, then the cleanup below.
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    try:
        asyncio.run(bench.run())
    except KeyboardInterrupt:
        log("interrupted: stopping every process and dropping the schema")
        sys.exit(130)
    finally:
        bench.kill_everything()
        try:
            asyncio.run(asyncio.wait_for(drop(bench.schema), 60))
        except Exception as error:  # the figures are out; say what was left behind
            log(f"could not drop schema {bench.schema}: {error!r}")


if __name__ == "__main__":
    main()
