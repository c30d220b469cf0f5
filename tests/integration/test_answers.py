"""Invariant 4: one answer per member per post; none after the reveal; nothing typed is lost."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.errors import AlreadyAnswered, AnswersClosed, InvalidAnswer, NoOpenPost
from bot.services import answers, boards, posting
from bot.services.answers import AnswerRequest
from bot.storage.tables import answers as answers_table
from tests.conftest import member
from tests.integration.helpers import subscribe


async def open_post(core, clock, chat, channel) -> int:
    """Post a multiple-choice question (the sample pack's first post is one)."""
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    assert chat.posts[-1].question.has_choices
    return chat.posts[-1].post_id


def wrong_letter(question) -> str:
    return next(letter for letter in "ABCD" if letter != question.correct_letter)


async def count_answers(core) -> int:
    async with core.storage.read() as uow:
        return int(await uow.connection.scalar(select(func.count()).select_from(answers_table)))


async def test_a_correct_pick_is_scored_at_once(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    question = chat.posts[-1].question
    receipt = await answers.submit(
        core, AnswerRequest(post_id, member("ana"), channel, choice=question.correct_letter)
    )
    assert receipt.correct is True
    assert receipt.points == core.points.for_choice(question.difficulty, True)
    assert receipt.streak == 1


async def test_a_second_pick_is_refused_and_the_first_stands(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    question = chat.posts[-1].question
    await answers.submit(
        core, AnswerRequest(post_id, member("ana"), channel, choice=wrong_letter(question))
    )
    with pytest.raises(AlreadyAnswered, match="already picked"):
        await answers.submit(
            core, AnswerRequest(post_id, member("ana"), channel, choice=question.correct_letter)
        )
    async with core.storage.read() as uow:
        member_id = await uow.members.find_member(member("ana"))
        row = await uow.answers.get(post_id, member_id)
    assert row.choice == wrong_letter(question)


async def test_a_double_click_race_records_one_answer(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    question = chat.posts[-1].question
    request = AnswerRequest(post_id, member("ana"), channel, choice=question.correct_letter)
    results = await asyncio.gather(
        *(answers.submit(core, request) for _ in range(10)), return_exceptions=True
    )
    accepted = [result for result in results if not isinstance(result, Exception)]
    refused = [result for result in results if isinstance(result, AlreadyAnswered)]
    assert len(accepted) == 1 and len(refused) == 9
    assert await count_answers(core) == 1


async def test_many_members_answering_at_once_are_all_recorded(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    question = chat.posts[-1].question
    requests = [
        AnswerRequest(post_id, member(f"m{index}"), channel, choice="ABCD"[index % 4])
        for index in range(120)
    ]
    results = await asyncio.gather(*(answers.submit(core, request) for request in requests))
    assert [result.correct for result in results] == [
        request.choice == question.correct_letter for request in requests
    ]
    assert await count_answers(core) == 120


async def test_a_written_answer_and_a_pick_share_one_row(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    await answers.submit(
        core,
        AnswerRequest(
            post_id, member("ana"), channel, written="Regularisation trades bias for variance."
        ),
    )
    receipt = await answers.submit(core, AnswerRequest(post_id, member("ana"), channel, choice="A"))
    assert receipt.choice == "A"
    assert await count_answers(core) == 1
    with pytest.raises(AlreadyAnswered, match="written answer"):
        await answers.submit(core, AnswerRequest(post_id, member("ana"), channel, written="again"))


async def test_answers_close_at_the_reveal_time_with_a_reason(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    clock.set(chat.posts[-1].reveal_at)
    with pytest.raises(AnswersClosed, match="revealed"):
        await answers.submit(core, AnswerRequest(post_id, member("ana"), channel, choice="A"))
    await posting.tick(core, chat.chats)
    with pytest.raises(AnswersClosed):
        await answers.submit(
            core, AnswerRequest(post_id, member("ana"), channel, written="late thoughts")
        )
    assert await count_answers(core) == 0


async def test_an_early_reveal_closes_answers(core, clock, chat, channel):
    from tests.integration.helpers import ADMIN

    post_id = await open_post(core, clock, chat, channel)
    await posting.reveal_now(core, chat.chats, channel, ADMIN)
    assert len(chat.reveals) == 1
    with pytest.raises(AnswersClosed):
        await answers.submit(core, AnswerRequest(post_id, member("ana"), channel, choice="A"))


async def test_an_unknown_post_or_another_platform_is_refused(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    with pytest.raises(NoOpenPost):
        await answers.submit(core, AnswerRequest(post_id + 100, member("ana"), channel, choice="A"))
    from bot.domain.identity import MemberRef

    with pytest.raises(NoOpenPost):
        await answers.submit(
            core, AnswerRequest(post_id, MemberRef("other", "ana"), channel, choice="A")
        )


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01"])
async def test_an_empty_written_answer_is_refused(core, clock, chat, channel, text):
    post_id = await open_post(core, clock, chat, channel)
    with pytest.raises(InvalidAnswer, match="empty"):
        await answers.submit(core, AnswerRequest(post_id, member("ana"), channel, written=text))


async def test_an_overlong_written_answer_is_refused_with_the_limit(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    with pytest.raises(InvalidAnswer, match="limit is 4000"):
        await answers.submit(
            core, AnswerRequest(post_id, member("ana"), channel, written="x" * 4001)
        )
    assert await count_answers(core) == 0


async def test_written_text_is_stored_as_typed_apart_from_control_characters(
    core, clock, chat, channel
):
    post_id = await open_post(core, clock, chat, channel)
    text = "Use <@everyone> & **bold** — ünïcödé 🚀\nsecond line\x00"
    await answers.submit(core, AnswerRequest(post_id, member("ana"), channel, written=text))
    clock.set(chat.posts[-1].reveal_at + timedelta(minutes=1))
    await posting.tick(core, chat.chats)
    written = chat.reveals[-1].results.written
    assert [(item.member_name, item.text) for item in written] == [
        ("Ana", text.replace("\x00", ""))
    ]


async def test_an_empty_request_is_refused(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    with pytest.raises(InvalidAnswer, match="Pick a choice"):
        await answers.submit(core, AnswerRequest(post_id, member("ana"), channel))


@pytest.mark.parametrize("letter", ["E", "AB", "1", ""])
async def test_a_letter_outside_a_to_d_is_refused(core, clock, chat, channel, letter):
    post_id = await open_post(core, clock, chat, channel)
    with pytest.raises(InvalidAnswer):
        await answers.submit(core, AnswerRequest(post_id, member("ana"), channel, choice=letter))


async def test_the_reveal_reports_the_groups_results(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    question = chat.posts[-1].question
    await answers.submit(
        core, AnswerRequest(post_id, member("slow"), channel, choice=wrong_letter(question))
    )
    clock.advance(timedelta(minutes=1))
    await answers.submit(
        core, AnswerRequest(post_id, member("quick"), channel, choice=question.correct_letter)
    )
    clock.advance(timedelta(minutes=1))
    await answers.submit(
        core, AnswerRequest(post_id, member("late"), channel, choice=question.correct_letter)
    )
    await answers.submit(
        core, AnswerRequest(post_id, member("writer"), channel, written="An essay")
    )
    clock.set(chat.posts[-1].reveal_at)
    await posting.tick(core, chat.chats)
    results = chat.reveals[-1].results
    assert (results.answered, results.picked, results.correct) == (4, 3, 2)
    assert results.percent_correct == 67
    assert results.fastest_correct == "Quick"


async def test_a_written_answer_gets_key_point_feedback(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    question = chat.posts[-1].question
    receipt = await answers.submit(
        core, AnswerRequest(post_id, member("ana"), channel, written=question.key_points[0])
    )
    assert receipt.feedback is not None and receipt.feedback.points[0].covered


async def test_feedback_that_fails_leaves_the_answer_saved(core, clock, chat, channel, monkeypatch):
    post_id = await open_post(core, clock, chat, channel)

    def broken(*_args, **_kwargs):
        raise RuntimeError("matcher bug")

    monkeypatch.setattr("bot.domain.feedback.Matcher.check", broken)
    receipt = await answers.submit(
        core, AnswerRequest(post_id, member("ana"), channel, written="Shrink the weights.")
    )
    assert receipt.wrote and receipt.feedback is None
    assert await count_answers(core) == 1


async def test_covered_key_points_add_points_when_configured(core, clock, chat, channel):
    scaled = replace(core, points=replace(core.points, per_key_point=3))
    post_id = await open_post(scaled, clock, chat, channel)
    question = chat.posts[-1].question
    receipt = await answers.submit(
        scaled, AnswerRequest(post_id, member("ana"), channel, written=question.key_points[0])
    )
    assert receipt.feedback is not None
    assert receipt.points == core.points.written + 3 * receipt.feedback.covered
    assert receipt.feedback.covered >= 1


async def test_stats_show_key_point_coverage_and_the_topics_missed(core, clock, chat, channel):
    post_id = await open_post(core, clock, chat, channel)
    question = chat.posts[-1].question
    off_topic = "Gradient boosting grows shallow trees one after another on the residuals."
    await answers.submit(core, AnswerRequest(post_id, member("ana"), channel, written=off_topic))
    stats = await boards.member_stats(core, member("ana"))
    assert stats.written_coverage == 0.0 and stats.recent_coverage == 0.0
    missed = len(question.key_points)
    assert stats.missed_topics == tuple(sorted((topic, missed) for topic in question.topics))[:3]
    facts = dict(boards.stats_facts(stats))
    assert facts["Key points covered"] == "0% (last 4 weeks: 0%)"
