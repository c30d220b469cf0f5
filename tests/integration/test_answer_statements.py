"""A member's answer takes few statements, and the statements that replaced Python-side reads
(the streak advanced in SQL, a first card inserted without a read) keep the same results."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from bot.domain.review import Rating
from bot.domain.scoring import Streak
from bot.services import answers
from bot.services.answers import AnswerRequest
from bot.services.cards import Review, apply_reviews
from bot.storage.tables import cards, review_log, subscriptions
from tests.conftest import member
from tests.integration.test_answers import open_post, wrong_letter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# Each list is the post numbers a member answers, one batch after another; a tuple is one
# batch holding two posts of the same subscription.
SEQUENCES = [
    [1, 2, 3],
    [1, 3, 4, 5],
    [5, 5, 4, 6],
    [2, 1, 3, 9, 10, 11, 12, 14],
    [(1, 2), 3],
    [(3, 1), (2, 4)],
    [(4, 4), 5],
]


@pytest.mark.parametrize("sequence", SEQUENCES, ids=str)
async def test_a_streak_advanced_in_sql_matches_the_domain_rule(
    core, clock, chat, channel, sequence
):
    await open_post(core, clock, chat, channel)
    async with core.storage.write() as uow:
        subscription_id = await uow.connection.scalar(select(subscriptions.c.id))
        member_id = await uow.members.member_id(member("ana"), NOW)
    expected = Streak()
    for batch in sequence:
        days = batch if isinstance(batch, tuple) else (batch,)
        for day in days:
            expected = expected.after_answering(day)
        async with core.storage.write() as uow:
            after = await uow.answer_batches.advance_streaks(
                [(subscription_id, member_id, day) for day in days]
            )
        assert after == {(subscription_id, member_id): expected}
    async with core.storage.read() as uow:
        stored = await uow.answer_batches.streaks([(subscription_id, member_id)])
    assert stored == {(subscription_id, member_id): expected}


async def test_a_daily_pick_on_a_card_already_held_reviews_that_card(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    question = chat.posts[-1].question
    async with core.storage.write() as uow:
        held = await uow.members.member_id(member("ana"), clock.now())
        await apply_reviews(
            uow, core.spaced, [Review(held, question.id, Rating.GOOD, "quiz")], clock.now()
        )
    for name in ("ana", "ben"):
        await answers.submit(
            core, AnswerRequest(post_id, member(name), channel, choice=wrong_letter(question))
        )
    async with core.storage.read() as uow:
        rows = {
            row.member_id: row
            for row in await uow.connection.execute(
                select(cards).where(cards.c.question_id == question.id)
            )
        }
        logged = (
            await uow.connection.execute(
                select(review_log.c.member_id, review_log.c.source, review_log.c.first).order_by(
                    review_log.c.id
                )
            )
        ).all()
    ben = next(member_id for member_id in rows if member_id != held)
    assert (rows[held].reviews, rows[held].lapses) == (2, 1)  # the quiz's review, then a lapse
    assert (rows[ben].reviews, rows[ben].lapses) == (1, 1)
    assert [tuple(row) for row in logged] == [
        (held, "quiz", True),
        (held, "daily", False),
        (ben, "daily", True),
    ]


async def test_a_members_first_pick_takes_nine_statements(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    question = chat.posts[-1].question
    await answers.submit(core, AnswerRequest(post_id, member("warm"), channel, choice="A"))
    statements: list[str] = []

    def count(_conn, _cursor, sql, *_args):  # type: ignore[no-untyped-def]
        statements.append(sql.split()[0].upper())

    event.listen(core.storage.database.engine.sync_engine, "before_cursor_execute", count)
    try:
        await answers.submit(
            core, AnswerRequest(post_id, member("ana"), channel, choice=question.correct_letter)
        )
    finally:
        event.remove(core.storage.database.engine.sync_engine, "before_cursor_execute", count)
    # The post's facts; the member; the answer; scores and their counts; the new card and its
    # log; the reminder's next check; the streak; (plus BEGIN on PostgreSQL).
    assert [kind for kind in statements if kind != "BEGIN"] == [
        "SELECT",
        "INSERT",
        "INSERT",
        "INSERT",
        "INSERT",
        "INSERT",
        "INSERT",
        "UPDATE",
        "INSERT",
    ], statements
