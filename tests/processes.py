"""Waiting in tests without depending on the machine's speed: poll a readiness signal with a
generous limit, fail at once (with its stderr) when the process being waited for exits, and
bound everything else so a hung handler fails its test in seconds, saying what it awaited."""

from __future__ import annotations

import asyncio
import inspect
import signal
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

T = TypeVar("T")

# A process start takes seconds on a loaded machine; waiting longer costs nothing when it
# comes up early, and a process that dies is reported at once.
START_LIMIT = 60.0
# Work a test drives (a request, a reply) finishes in well under a second; a hang fails fast.
WORK_LIMIT = 30.0
POLL = 0.1


@asynccontextmanager
async def deadline(seconds: float, what: str) -> AsyncIterator[None]:
    """Fail with "gave up waiting for <what>" if the block takes longer than `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError as error:
        raise AssertionError(f"gave up after {seconds:.0f} s waiting for {what}") from error


async def wait_until(
    predicate: Callable[[], T | Awaitable[T]],
    *,
    what: str,
    limit: float = START_LIMIT,
    process: asyncio.subprocess.Process | None = None,
) -> T:
    """Poll `predicate` every 0.1 s until it returns something truthy, and return that.

    Fails after `limit` seconds, or as soon as `process` exits, with the process's stderr.
    """
    async with deadline(limit, what):
        while True:
            result = predicate()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return result  # type: ignore[return-value]
            if process is not None and process.returncode is not None:
                raise AssertionError(
                    f"the process exited with {process.returncode} before {what}; "
                    f"its stderr:\n{await stderr_of(process)}"
                )
            await asyncio.sleep(POLL)


async def stderr_of(process: asyncio.subprocess.Process) -> str:
    """What an exited process wrote to its stderr pipe (empty when it was not piped)."""
    if process.stderr is None:
        return ""
    try:
        async with asyncio.timeout(5):
            return (await process.stderr.read()).decode(errors="replace")
    except TimeoutError:
        return "(stderr still open: a child of the process holds it)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def listening(port: int) -> bool:
    """Whether something accepts connections on the local port."""
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


async def wait_for_port(
    port: int, process: asyncio.subprocess.Process, *, what: str = "the process"
) -> None:
    await wait_until(
        lambda: listening(port), what=f"{what} to listen on port {port}", process=process
    )


async def next_line(
    stream: asyncio.StreamReader, process: asyncio.subprocess.Process, *, what: str
) -> str:
    """The next line the process writes to `stream` (its stdout or stderr)."""

    async def line() -> str | None:
        try:
            read = await asyncio.wait_for(stream.readline(), POLL)
        except TimeoutError:  # readline leaves a partial line buffered: nothing is lost
            return None
        return read.decode() or None  # b"" is end of file: the process is exiting

    return await wait_until(line, what=what, process=process)


async def stop(process: asyncio.subprocess.Process, grace: float = 10.0) -> None:
    """Interrupt the process as Ctrl-C would, and kill it if it does not stop in `grace` s."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        async with asyncio.timeout(grace):
            await process.wait()
    except TimeoutError:
        process.kill()
        await process.wait()
