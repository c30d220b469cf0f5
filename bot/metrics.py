"""What a worker counts for Prometheus: posts, reveals, answers, ticks, sends and leases.

Each core owns one registry (not prometheus_client's global one), so two cores in one
process, or in one test session, never add to each other's figures. The services call the
short helpers below and never import prometheus_client themselves.

Durations (a tick, a send) are measured on the process's monotonic counter, not the core's
clock: they describe how fast this machine and the platform answered, not the schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import MappingProxyType

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.clock import Clock
from bot.ports import FrontEnd
from bot.services.pulse import Pulse

__all__ = ["CONTENT_TYPE_LATEST", "Metrics", "tick_age"]

# Answers arrive in bursts after a post; batches of one are the quiet case.
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
# A tick is milliseconds when idle, minutes while a wave of thousands of posts goes out.
TICK_SECONDS = (0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 600)
# One platform request, including the client's own waits for rate limits.
SEND_SECONDS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


def tick_age(pulse: Pulse, now: datetime) -> timedelta | None:
    """How long ago the scheduler last completed a tick (counted from its start before the
    first one); None in a process that runs no scheduler."""
    since = pulse.last_tick_at or pulse.started_at
    return None if since is None else now - since


class Metrics:
    """One worker's metrics, over the core's pulse and clock."""

    def __init__(self, pulse: Pulse, clock: Clock) -> None:
        self.registry = CollectorRegistry()
        self._pulse = pulse
        self._clock = clock
        self._front_ends: Mapping[str, FrontEnd] = MappingProxyType({})
        self._posts = Counter(
            "qotd_posts",
            "Posts by outcome: made on time, made late, or a send that failed.",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self._reveals = Counter(
            "qotd_reveals",
            "Reveals by outcome: made on time, made late, or a send that failed.",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self._answers = Counter("qotd_answers_recorded", "Answers stored.", registry=self.registry)
        self._batch_size = Histogram(
            "qotd_answer_batch_size",
            "Answers written together in one transaction.",
            buckets=BATCH_SIZES,
            registry=self.registry,
        )
        self._tick_seconds = Histogram(
            "qotd_tick_duration_seconds",
            "How long a scheduler tick took.",
            buckets=TICK_SECONDS,
            registry=self.registry,
        )
        self._send_seconds = Histogram(
            "qotd_send_latency_seconds",
            "How long the front end took to send a post or a reveal.",
            ["platform", "kind"],
            buckets=SEND_SECONDS,
            registry=self.registry,
        )
        self._leases_taken = Counter(
            "qotd_leases_taken",
            "Leases taken on a post to send or reveal it.",
            registry=self.registry,
        )
        self._leases_lost = Counter(
            "qotd_leases_lost",
            "Leases found taken over by another worker before their work was recorded.",
            registry=self.registry,
        )
        # The gauges read when Prometheus asks (see `collect`).
        self.registry.register(self)

    def post_made(self, platform: str, scheduled_at: datetime, made_at: datetime) -> None:
        self._posts.labels(platform, self._made_or_late(scheduled_at, made_at)).inc()

    def post_failed(self, platform: str) -> None:
        self._posts.labels(platform, "failed").inc()

    def reveal_made(self, platform: str, due_at: datetime, made_at: datetime) -> None:
        self._reveals.labels(platform, self._made_or_late(due_at, made_at)).inc()

    def reveal_failed(self, platform: str) -> None:
        self._reveals.labels(platform, "failed").inc()

    def answers_written(self, batch_size: int, recorded: int) -> None:
        """One committed batch of `batch_size` answers, `recorded` of them stored."""
        self._batch_size.observe(batch_size)
        self._answers.inc(recorded)

    @contextmanager
    def timing_tick(self) -> Iterator[None]:
        with self._tick_seconds.time():
            yield

    @contextmanager
    def timing_send(self, platform: str, kind: str) -> Iterator[None]:
        """Around the front end's send of a post (`kind` "post") or a reveal ("reveal")."""
        with self._send_seconds.labels(platform, kind).time():
            yield

    def lease_taken(self) -> None:
        self._leases_taken.inc()

    def lease_lost(self) -> None:
        self._leases_lost.inc()

    def watch_front_ends(self, front_ends: Mapping[str, FrontEnd]) -> None:
        """The front ends this worker runs, by name: read at each scrape and health check."""
        self._front_ends = MappingProxyType(dict(front_ends))

    @property
    def front_ends(self) -> Mapping[str, FrontEnd]:
        return self._front_ends

    def exposition(self) -> bytes:
        """Every metric in Prometheus's text format (serve it as CONTENT_TYPE_LATEST)."""
        return generate_latest(self.registry)

    def collect(self) -> Iterable[Metric]:
        """The gauges whose value is read at each scrape: the scheduler's last tick, and
        whether each front end is connected."""
        tick = GaugeMetricFamily(
            "qotd_last_tick_age_seconds",
            "Seconds since the scheduler last completed a tick (absent without a scheduler).",
        )
        age = tick_age(self._pulse, self._clock.now())
        if age is not None:
            tick.add_metric([], age.total_seconds())
        yield tick
        connected = GaugeMetricFamily(
            "qotd_front_end_connected",
            "1 while the front end is connected to its platform, else 0.",
            labels=["platform"],
        )
        for front_end in self._front_ends.values():
            connected.add_metric([front_end.chat.platform], 1.0 if front_end.connected else 0.0)
        yield connected

    def _made_or_late(self, due_at: datetime, made_at: datetime) -> str:
        # A tick interval of delay is the schedule's normal resolution; more is late.
        return "late" if made_at - due_at > self._pulse.interval else "made"
