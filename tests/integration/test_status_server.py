"""The status server: /healthz is 200 while the worker ticks, its database answers and its
front ends are connected, else 503 naming what failed; /metrics is Prometheus's text format."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from prometheus_client import CONTENT_TYPE_LATEST

from bot.errors import QotdError
from bot.health import HEALTHY_WITHIN_TICKS
from bot.http_server import serving_status
from tests.fakes import RecordingChat
from tests.processes import WORK_LIMIT, deadline
from tests.scrape import parse, value


class FakeFrontEnd:
    def __init__(self, platform: str, *, connected: bool = True) -> None:
        self.chat = RecordingChat(platform)
        self.connected = connected

    async def run(self) -> None: ...

    async def close(self) -> None: ...


@asynccontextmanager
async def status_server(core) -> AsyncIterator[str]:
    """The status server on a free local port; yields its base URL."""
    async with serving_status(core, 0, "127.0.0.1") as port:
        yield f"http://127.0.0.1:{port}"


async def get(url: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET."""
    async with (
        deadline(WORK_LIMIT, f"an answer from {url}"),
        aiohttp.ClientSession() as session,
        session.get(url) as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def health(base: str) -> tuple[int, dict[str, Any]]:
    async with (
        deadline(WORK_LIMIT, "an answer from /healthz"),
        aiohttp.ClientSession() as session,
        session.get(f"{base}/healthz") as response,
    ):
        return response.status, await response.json()


async def test_healthz_is_200_while_the_scheduler_ticks_and_everything_is_up(core, clock):
    core.pulse.start(clock.now())
    core.metrics.watch_front_ends({"slack": FakeFrontEnd("slack")})
    clock.advance(timedelta(seconds=45))
    core.pulse.beat(clock.now())

    async with status_server(core) as base:
        status, body = await health(base)

    assert status == 200
    assert body["ok"] is True and body["failed"] == []
    assert body["scheduler"] == "ok" and body["database"] == "ok"
    assert body["front_ends"] == {"slack": "connected"}
    assert body["last_tick"] == clock.now().isoformat()


async def test_healthz_is_503_once_no_tick_completed_for_three_intervals(core, clock):
    interval = core.pulse.interval
    core.pulse.beat(clock.now())
    async with status_server(core) as base:
        clock.advance(interval * HEALTHY_WITHIN_TICKS)
        assert (await health(base))[0] == 200  # three intervals exactly: still fine
        clock.advance(timedelta(seconds=1))
        status, body = await health(base)

    assert status == 503
    assert body["ok"] is False and body["failed"] == ["scheduler"]
    assert body["scheduler"] == "stalled" and body["database"] == "ok"


async def test_healthz_is_503_while_the_worker_is_stopping(core, clock):
    core.pulse.start(clock.now())
    core.pulse.stopping = True  # SIGTERM: a load balancer should send requests elsewhere
    async with status_server(core) as base:
        status, body = await health(base)

    assert status == 503
    assert body["failed"] == ["scheduler"] and body["scheduler"] == "stopping"


async def test_healthz_is_503_naming_a_front_end_that_is_not_connected(core, clock):
    core.metrics.watch_front_ends(
        {"discord": FakeFrontEnd("discord"), "slack": FakeFrontEnd("slack", connected=False)}
    )
    async with status_server(core) as base:
        status, body = await health(base)
        _, _, text = await get(f"{base}/metrics")

    assert status == 503 and body["failed"] == ["front_end:slack"]
    assert body["front_ends"] == {"discord": "connected", "slack": "disconnected"}
    samples = parse(text)
    assert value(samples, "qotd_front_end_connected", platform="discord") == 1
    assert value(samples, "qotd_front_end_connected", platform="slack") == 0


async def test_a_process_without_a_scheduler_is_not_called_stalled(core, clock):
    clock.advance(timedelta(days=3))  # the console: its clock moves, and no heartbeat runs
    async with status_server(core) as base:
        status, body = await health(base)
        _, _, text = await get(f"{base}/metrics")

    assert status == 200 and body["scheduler"] == "off" and body["last_tick"] is None
    assert value(parse(text), "qotd_last_tick_age_seconds") is None


async def test_metrics_are_served_in_prometheus_text_format(core, clock):
    core.pulse.beat(clock.now())
    core.metrics.post_failed("slack")
    clock.advance(timedelta(seconds=12))

    async with status_server(core) as base:
        status, content_type, text = await get(f"{base}/metrics")

    assert status == 200 and content_type == CONTENT_TYPE_LATEST
    assert content_type.startswith("text/plain; version=")
    samples = parse(text)
    assert value(samples, "qotd_posts_total", platform="slack", outcome="failed") == 1
    assert value(samples, "qotd_last_tick_age_seconds") == 12
    assert value(samples, "qotd_answers_recorded_total") == 0


async def test_a_port_in_use_is_one_clear_line(core):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(QotdError) as raised:
            async with serving_status(core, port, "127.0.0.1"):
                pass

    message = raised.value.message
    assert f"127.0.0.1:{port}" in message and "already in use" in message
    assert "--http-port" in message and "\n" not in message


async def test_no_port_serves_nothing(core):
    async with serving_status(core, None, "127.0.0.1") as port:
        assert port is None
