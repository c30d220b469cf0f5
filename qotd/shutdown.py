"""Stopping on SIGTERM or SIGINT: finish what is under way, give the rest back, exit 0.

A host stops a worker to deploy, scale down or move it. The worker then takes no new lease,
lets the sends it started finish (for at most SEND_DEADLINE_S), gives back every lease it
still holds so another worker takes the work over at once, writes every answer it has
acknowledged, and closes its front ends. A second signal exits at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Mapping
from types import TracebackType

from bot.ports import FrontEnd
from bot.scheduler import Heartbeat
from bot.services.context import Core

log = logging.getLogger(__name__)

# In-flight sends get this long; a systemd TimeoutStopSec or a platform's stop timeout should
# be longer than the sum of these.
SEND_DEADLINE_S = 30.0
ANSWERS_DEADLINE_S = 10.0


class StopSignals:
    """`with StopSignals() as stop:` sets `stop.requested` on the first SIGTERM or SIGINT,
    and exits the process at once on a second one."""

    def __init__(self, signals: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)):
        self.requested = asyncio.Event()
        self._signals = signals
        self._installed: list[signal.Signals] = []

    def __enter__(self) -> StopSignals:
        loop = asyncio.get_running_loop()
        for signum in self._signals:
            try:
                loop.add_signal_handler(signum, self._received, signum)
            except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
                continue
            self._installed.append(signum)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        loop = asyncio.get_running_loop()
        for signum in self._installed:
            loop.remove_signal_handler(signum)

    def _received(self, signum: signal.Signals) -> None:
        if self.requested.is_set():
            log.warning("%s again: exiting at once", signum.name)
            os._exit(128 + signum)
        log.warning(
            "%s: stopping (finishing sends for up to %.0fs); send it again to exit at once",
            signum.name,
            SEND_DEADLINE_S,
        )
        self.requested.set()


async def shut_down(
    core: Core,
    heartbeat: Heartbeat | None,
    front_ends: Mapping[str, FrontEnd],
    *,
    send_deadline: float = SEND_DEADLINE_S,
    answers_deadline: float = ANSWERS_DEADLINE_S,
) -> None:
    """Stop taking work, finish or give back what is under way, then close the front ends."""
    core.pulse.stopping = True  # health checks now report the worker as stopping
    if heartbeat is not None:
        await heartbeat.drain(send_deadline)
    # Answers acknowledged before the front ends close are written first, then any that
    # arrived while they were closing.
    await core.answer_queue.drained(answers_deadline)
    for front_end in front_ends.values():
        await front_end.close()
    if not await core.answer_queue.drained(answers_deadline):
        log.error("answers were still being written after %ss on the way out", answers_deadline)
    log.info("stopped cleanly")
