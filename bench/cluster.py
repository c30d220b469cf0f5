"""What the multi-worker benches share: the fake Slack process, a fresh PostgreSQL schema with
channels scheduled in it, and `qotd run --slack-http` workers (bench/workers.py, bench/faults.py).
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.bootstrap import build_core  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.domain.identity import ChannelRef, MemberRef  # noqa: E402
from bot.domain.schedule import Schedule  # noqa: E402
from bot.services.access import Actor  # noqa: E402
from bot.services.subscriptions import schedule_channel  # noqa: E402
from bot.storage.database import Database  # noqa: E402

POSTGRES = os.environ.get(
    "QOTD_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TOKEN = "xoxb-test-token"
SECRET = "bench-signing-secret"
ADMIN = Actor(MemberRef("slack", "UADMIN", "admin"), is_admin=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_fake(port: int, *options: str, timeout: float = 30.0) -> subprocess.Popen[str]:
    """tests/slack/fake_api.py in its own process, once it has printed its URL.

    With `--announce-sends` among `options` it keeps printing: the caller must read its stdout.
    """
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.slack.fake_api", "--port", str(port), *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert fake.stdout is not None
    ready, _, _ = select.select([fake.stdout], [], [], timeout)
    line = fake.stdout.readline() if ready else ""
    if "fake Slack Web API" not in line:
        stop(fake)
        raise SystemExit(f"the fake Slack API did not start within {timeout:.0f} s: {line!r}")
    return fake


def fake_get(port: int, path: str, timeout: float = 10.0) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        data: dict[str, Any] = json.load(response)
    return data


def counts(port: int) -> dict[str, dict[str, int]]:
    """Questions and reveals per channel, as the fake saw them."""
    channels = fake_get(port, "/_qotd/posts")["channels"]
    return {
        name: {"questions": data["questions"], "reveals": data["reveals"]}
        for name, data in channels.items()
    }


async def prepare(schema: str, channels: Sequence[ChannelRef], schedule: Schedule) -> None:
    """A fresh schema, migrated, with every channel scheduled."""
    await create_schema(schema)
    await reschedule(schema, channels, schedule)


async def create_schema(schema: str) -> None:
    """A fresh schema, migrated to the newest revision."""
    admin = Database(POSTGRES)
    try:
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    finally:
        await admin.dispose()
    database = Database(POSTGRES, schema=schema)
    try:
        await database.upgrade()
    finally:
        await database.dispose()


async def reschedule(schema: str, channels: Sequence[ChannelRef], schedule: Schedule) -> None:
    """(Re)schedule every channel, as an admin's `/qotd schedule` would."""
    database = Database(POSTGRES, schema=schema)
    try:
        core = build_core(Settings(), database, clock=SystemClock())
        for channel in channels:
            await schedule_channel(core, channel, ADMIN, schedule)
    finally:
        await database.dispose()


async def drop(schema: str) -> None:
    admin = Database(POSTGRES)
    try:
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await admin.dispose()


def start_worker(
    api_url: str,
    schema: str,
    log: Path,
    *,
    port: int | None = None,
    database_url: str = POSTGRES,
    lease_seconds: float = 10,
) -> subprocess.Popen[bytes]:
    """One `qotd run --slack-http` worker (1 s ticks), its output appended to `log`."""
    environment = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "QOTD_SLACK_API_URL": api_url,
        "QOTD_DATABASE_URL": database_url,
        "QOTD_DATABASE_SCHEMA": schema,
        "QOTD_TICK_SECONDS": "1",
        "QOTD_LEASE_SECONDS": str(lease_seconds),
        "QOTD_LOG_LEVEL": "WARNING",
    }
    with log.open("ab") as output:
        command = [sys.executable, "-m", "qotd", "run", "--slack-http"]
        return subprocess.Popen(
            [*command, "--port", str(port or free_port())],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """SIGKILL (works on a stopped process too) and reap, with a deadline."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        print(f"process {process.pid} did not exit after SIGKILL", file=sys.stderr)
