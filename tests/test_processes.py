"""The waiting helpers tests share: a process that dies is reported at once with its
stderr, and a wait that never ends fails saying what it waited for."""

from __future__ import annotations

import asyncio
import sys

import pytest

from tests.processes import deadline, next_line, wait_until


async def test_a_process_that_exits_early_fails_the_wait_with_its_stderr():
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys; sys.exit('no port for you')",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    with pytest.raises(AssertionError, match=r"(?s)exited with 1 before the port.*no port for you"):
        await wait_until(lambda: False, what="the port", process=process)


async def test_the_next_line_is_read_whole_even_when_it_comes_slowly():
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys, time; print('half', end='', flush=True); time.sleep(0.3); print(' line')",
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert await next_line(process.stdout, process, what="a line") == "half line\n"
    await process.wait()


async def test_a_wait_that_never_ends_names_what_it_waited_for():
    with pytest.raises(AssertionError, match="gave up after 0 s waiting for a reply"):
        await wait_until(lambda: None, what="a reply", limit=0.2)
    with pytest.raises(AssertionError, match="waiting for the handler"):
        async with deadline(0.2, "the handler"):
            await asyncio.Event().wait()
