"""Group commit batches concurrent requests and isolates a failing one."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage.group_commit import GroupCommit


async def test_concurrent_requests_share_batches_and_keep_their_own_results():
    batches: list[list[int]] = []

    async def run(requests):
        batches.append(list(requests))
        await asyncio.sleep(0.01)
        return [request * 2 for request in requests]

    queue: GroupCommit[int, int] = GroupCommit()
    results = await asyncio.gather(*(queue.submit(number, run) for number in range(50)))
    assert results == [number * 2 for number in range(50)]
    assert len(batches) < 10
    assert sorted(number for batch in batches for number in batch) == list(range(50))


async def test_a_per_request_error_reaches_only_that_caller():
    async def run(requests):
        return [ValueError("bad") if request == 3 else request for request in requests]

    queue: GroupCommit[int, int] = GroupCommit()
    results = await asyncio.gather(
        *(queue.submit(number, run) for number in range(6)), return_exceptions=True
    )
    assert isinstance(results[3], ValueError)
    assert [result for index, result in enumerate(results) if index != 3] == [0, 1, 2, 4, 5]


async def test_a_failing_batch_is_retried_one_by_one():
    async def run(requests):
        if 4 in requests and len(requests) > 1:
            raise RuntimeError("constraint violated somewhere in the batch")
        if requests == [4]:
            raise RuntimeError("this one")
        await asyncio.sleep(0)
        return list(requests)

    queue: GroupCommit[int, int] = GroupCommit()
    first = asyncio.create_task(queue.submit(0, run))
    await asyncio.sleep(0)
    others = [asyncio.create_task(queue.submit(number, run)) for number in range(1, 8)]
    results = await asyncio.gather(first, *others, return_exceptions=True)
    assert results[0] == 0
    assert isinstance(results[4], RuntimeError)
    assert [results[index] for index in (1, 2, 3, 5, 6, 7)] == [1, 2, 3, 5, 6, 7]


async def test_batches_are_capped():
    sizes: list[int] = []

    async def run(requests):
        sizes.append(len(requests))
        await asyncio.sleep(0)
        return list(requests)

    queue: GroupCommit[int, int] = GroupCommit(max_batch=8)
    await asyncio.gather(*(queue.submit(number, run) for number in range(40)))
    assert max(sizes) <= 8


@pytest.mark.parametrize("size", [1, 2])
async def test_single_requests_still_work(size):
    async def run(requests):
        return list(requests)

    queue: GroupCommit[int, int] = GroupCommit()
    assert await asyncio.gather(*(queue.submit(n, run) for n in range(size))) == list(range(size))


async def test_a_batch_past_its_deadline_tells_every_caller_at_once():
    class NotSaved(Exception):
        pass

    async def hang(batch):
        await asyncio.Event().wait()

    queue: GroupCommit[int, int] = GroupCommit(deadline=0.2, late=NotSaved)
    results = await asyncio.wait_for(
        asyncio.gather(*(queue.submit(n, hang) for n in range(3)), return_exceptions=True), 10
    )
    assert [type(result) for result in results] == [NotSaved] * 3


@pytest.mark.looptime  # the loop's clock is virtual: deadlines are exact, nothing waits
async def test_a_request_queued_behind_a_hung_batch_is_answered_by_its_own_deadline():
    class NotSaved(Exception):
        pass

    async def hang(batch):
        await asyncio.Event().wait()

    loop = asyncio.get_running_loop()
    queue: GroupCommit[int, int] = GroupCommit(deadline=8, late=NotSaved)
    answered: dict[int, float] = {}

    async def answer(n: int) -> None:
        arrived = loop.time()
        with pytest.raises(NotSaved):
            await queue.submit(n, hang)
        answered[n] = loop.time() - arrived

    first = asyncio.create_task(answer(1))
    await asyncio.sleep(3)  # the first batch hangs (a database that stopped answering)
    await asyncio.gather(first, answer(2))
    # The second waited 5 s for its turn and its own batch got the 3 s left, not 8 s more.
    assert answered == {1: pytest.approx(8), 2: pytest.approx(8)}


async def test_drained_waits_for_every_request_submitted_so_far():
    writing = asyncio.Event()
    written: list[int] = []

    async def run(requests):
        await writing.wait()
        written.extend(requests)
        return list(requests)

    queue: GroupCommit[int, int] = GroupCommit()
    assert await queue.drained(0.01)  # nothing submitted
    submitted = [asyncio.create_task(queue.submit(number, run)) for number in range(3)]
    await asyncio.sleep(0)
    assert not await queue.drained(0.05)  # still being written: not drained
    writing.set()
    assert await queue.drained(5)
    assert sorted(written) == [0, 1, 2]
    assert all(task.done() for task in submitted)
