"""A member's rank and a board's size come from the members-per-points counts kept with the
scores: they must always agree with counting the score rows themselves, through batches of
answers, members leaving, and the upgrade that builds the counts from existing scores."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Connection, func, select

from bot.domain.identity import MemberRef
from bot.storage.database import alembic_config
from bot.storage.tables import score_counts, scores

BOARDS = [("g1", "all"), ("g1", "w2026-10"), ("s1", "all")]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def add_random_scores(core, generator: random.Random, members: int, batches: int) -> None:
    async with core.storage.write() as uow:
        ids = await uow.members.member_ids(
            [MemberRef("test", f"m{number}", f"M{number}") for number in range(members)], NOW
        )
    for _ in range(batches):
        totals: dict[tuple[str, str, int], int] = {}
        for member_id in generator.sample(sorted(ids.values()), k=members // 2):
            for scope, period in generator.sample(BOARDS, k=2):
                totals[(scope, period, member_id)] = generator.choice([2, 5, 10, 15, 20])
        async with core.storage.write() as uow:
            await uow.answers.add_scores(totals)


async def assert_counts_match_rows(core) -> None:
    async with core.storage.read() as uow:
        for scope, period in BOARDS:
            rows = (
                await uow.connection.execute(
                    select(scores.c.member_id, scores.c.points).where(
                        scores.c.scope == scope, scores.c.period == period
                    )
                )
            ).all()
            assert await uow.answers.board_size(scope, period) == len(rows)
            for member_id, points in rows:
                above = sum(other > points for _, other in rows)
                assert await uow.answers.count_above(scope, period, points) == above, member_id


async def test_ranks_from_the_counts_match_the_score_rows(core):
    generator = random.Random(7)
    await add_random_scores(core, generator, members=40, batches=12)
    await assert_counts_match_rows(core)


async def test_a_member_who_leaves_leaves_every_count(core):
    generator = random.Random(11)
    await add_random_scores(core, generator, members=20, batches=5)
    async with core.storage.write() as uow:
        leaving = await uow.members.find_member(MemberRef("test", "m3", "M3"))
        assert leaving is not None
        await uow.members.delete_member(leaving)
    await assert_counts_match_rows(core)


async def test_the_upgrade_counts_the_existing_scores(database, core):
    await add_random_scores(core, random.Random(3), members=16, batches=4)

    def rebuild(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "d4a9e1c7b2f6")
        command.upgrade(alembic_config(connection), "head")

    async with database.engine.begin() as connection:
        before = await connection.scalar(select(func.sum(score_counts.c.members)))
        await connection.run_sync(rebuild)
        after = await connection.scalar(select(func.sum(score_counts.c.members)))
    assert before and before == after  # dropped by the downgrade, rebuilt from the scores
    await assert_counts_match_rows(core)
