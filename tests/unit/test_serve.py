"""The runner owns the front ends' lifetimes: one failing leaves the others running, and
every front end is closed on the way out."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from qotd.app import serve
from tests.fakes import RecordingChat
from tests.memory import memory_core


@pytest.fixture
def core(clock, library):
    return memory_core(clock, library)


class FakeFrontEnd:
    def __init__(self, platform: str, failure: Exception | None = None) -> None:
        self.chat = RecordingChat(platform)
        self.failure = failure
        self.finished = asyncio.Event()
        self.closed = 0

    async def run(self) -> None:
        await asyncio.sleep(0)
        if self.failure is not None:
            raise self.failure
        self.finished.set()

    async def close(self) -> None:
        self.closed += 1


async def test_one_front_end_failing_leaves_the_other_to_finish(core, caplog):
    caplog.set_level(logging.ERROR)
    broken = FakeFrontEnd("slack", RuntimeError("the token was refused"))
    working = FakeFrontEnd("discord")

    assert await serve(core, {"slack": broken, "discord": working}, tick_seconds=None) == 0

    assert working.finished.is_set()
    assert (broken.closed, working.closed) == (1, 1)
    assert "the slack front end stopped: the token was refused" in caplog.text


async def test_every_front_end_failing_exits_1_and_still_closes_them(core):
    front_ends = {name: FakeFrontEnd(name, RuntimeError("down")) for name in ("slack", "discord")}

    assert await serve(core, front_ends, tick_seconds=None) == 1

    assert [front_end.closed for front_end in front_ends.values()] == [1, 1]


async def test_what_start_up_loaded_is_kept_out_of_garbage_collections(core):
    class Watching(FakeFrontEnd):
        async def run(self) -> None:
            self.frozen = gc.get_freeze_count()
            await super().run()

    front_end = Watching("slack")
    gc.unfreeze()
    try:
        assert await serve(core, {"slack": front_end}, tick_seconds=None) == 0
    finally:
        gc.unfreeze()
    # The core's question bank is among what is frozen: it is start-up's bulk.
    questions = sum(len(pack.questions) for pack in core.library.packs.values())
    assert front_end.frozen > questions > 0
