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
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Request = TypeVar("Request")
Result = TypeVar("Result")

# A batch runner returns, per request, its result or the exception to raise for it.
BatchRunner = Callable[[Sequence[Request]], Awaitable[Sequence[Result | Exception]]]


class GroupCommit(Generic[Request, Result]):
    """`deadline` bounds each batch: past it, every request in the batch gets `late()` as
    its error (the caller tells the member it was not saved) and the queue moves on."""

    def __init__(
        self,
        run_batch: BatchRunner[Request, Result],
        max_batch: int = 256,
        *,
        deadline: float | None = None,
        late: Callable[[], Exception] = TimeoutError,
    ) -> None:
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._deadline = deadline
        self._late = late
        self._pending: list[tuple[Request, asyncio.Future[Result]]] = []
        self._turn = asyncio.Lock()

    async def submit(self, request: Request) -> Result:
        """Run `request` in the next batch and return its result (or raise its error)."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((request, future))
        async with self._turn:
            if not future.done():
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                await self._run(batch)
        return await future

    async def _run(self, batch: list[tuple[Request, asyncio.Future[Result]]]) -> None:
        try:
            async with asyncio.timeout(self._deadline):
                outcomes = await self._run_batch([request for request, _ in batch])
        except TimeoutError:
            log.error("a batch of %d answers missed its %ss deadline", len(batch), self._deadline)
            for _, future in batch:
                future.set_exception(self._late())
            return
        except Exception as error:
            if len(batch) == 1:
                batch[0][1].set_exception(error)
                return
            # One bad request must not fail its neighbours: retry each on its own.
            log.warning("batch of %d failed (%s); retrying one by one", len(batch), error)
            for item in batch:
                await self._run([item])
            return
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
