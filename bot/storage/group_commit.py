"""Group commit: requests that arrive while a transaction is running share the next one.

SQLite has one writer at a time, so a burst of answers (a whole study group clicking within
seconds of a post) would otherwise queue for one transaction each. Here the first waiting
caller takes every pending request and runs them together as one batch; the others find
their result ready when their turn comes. On PostgreSQL the same batching saves round trips.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Request = TypeVar("Request")
Result = TypeVar("Result")

# A batch runner returns, per request, its result or the exception to raise for it.
BatchRunner = Callable[[Sequence[Request]], Awaitable[Sequence[Result | Exception]]]


@dataclass(eq=False, slots=True)
class _Waiting(Generic[Request, Result]):
    request: Request
    future: asyncio.Future[Result]
    due: float | None  # the loop time by which its caller must know the outcome


class GroupCommit(Generic[Request, Result]):
    """`deadline` bounds each request from its arrival: its caller learns the outcome within
    it, whether the request waited behind a slow batch or ran in one. A request still queued
    at its deadline is dropped unwritten, and a batch runs under its earliest request's
    deadline; either way the caller gets `late()` as its error (the member is told it was
    not saved) and the queue moves on."""

    def __init__(
        self,
        max_batch: int = 256,
        *,
        deadline: float | None = None,
        late: Callable[[], Exception] = TimeoutError,
    ) -> None:
        self._max_batch = max_batch
        self._deadline = deadline
        self._late = late
        self._pending: list[_Waiting[Request, Result]] = []
        self._turn = asyncio.Lock()
        self._submitting = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def drained(self, deadline: float) -> bool:
        """Wait until every request submitted so far has its outcome (a stopping worker's
        last step before closing: no acknowledged answer is left unwritten); False if that
        took longer than `deadline` seconds."""
        try:
            async with asyncio.timeout(deadline):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    async def submit(self, request: Request, run_batch: BatchRunner[Request, Result]) -> Result:
        """Run `request` in the next batch and return its result (or raise its error); the
        caller whose turn comes runs the batch with its `run_batch`."""
        self._submitting += 1
        self._idle.clear()
        try:
            return await self._submit(request, run_batch)
        finally:
            self._submitting -= 1
            if not self._submitting:
                self._idle.set()

    async def _submit(self, request: Request, run_batch: BatchRunner[Request, Result]) -> Result:
        loop = asyncio.get_running_loop()
        due = None if self._deadline is None else loop.time() + self._deadline
        waiting: _Waiting[Request, Result] = _Waiting(request, loop.create_future(), due)
        self._pending.append(waiting)
        try:
            async with asyncio.timeout_at(due):
                await self._turn.acquire()
        except TimeoutError:
            if waiting in self._pending:  # never started: nothing of it was written
                self._pending.remove(waiting)
                log.error("an answer waited %ss for its turn and was not saved", self._deadline)
                raise self._late() from None
            # A running batch took it; that batch ends by this request's deadline.
            return await waiting.future
        try:
            if not waiting.future.done():
                await self._run(self._take_batch(loop.time()), run_batch)
        finally:
            self._turn.release()
        return await waiting.future

    def _take_batch(self, now: float) -> list[_Waiting[Request, Result]]:
        batch = self._pending[: self._max_batch]
        del self._pending[: self._max_batch]
        for waiting in batch:
            if waiting.due is not None and waiting.due <= now:
                waiting.future.set_exception(self._late())
        return [waiting for waiting in batch if not waiting.future.done()]

    async def _run(
        self, batch: list[_Waiting[Request, Result]], run_batch: BatchRunner[Request, Result]
    ) -> None:
        if not batch:
            return
        dues = [waiting.due for waiting in batch if waiting.due is not None]
        try:
            async with asyncio.timeout_at(min(dues, default=None)):
                outcomes = await run_batch([waiting.request for waiting in batch])
        except TimeoutError:
            log.error("a batch of %d answers missed its deadline", len(batch))
            for waiting in batch:
                waiting.future.set_exception(self._late())
            return
        except Exception as error:
            if len(batch) == 1:
                batch[0].future.set_exception(error)
                return
            # One bad request must not fail its neighbours: retry each on its own.
            log.warning("batch of %d failed (%s); retrying one by one", len(batch), error)
            for waiting in batch:
                await self._run([waiting], run_batch)
            return
        for waiting, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Exception):
                waiting.future.set_exception(outcome)
            else:
                waiting.future.set_result(outcome)
