"""Spaced repetition with FSRS: cards move as FSRS says, reviews come in the right order,
new questions come from weak topics, and reminders come at most once a day."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import fsrs
import pytest
from sqlalchemy import select

from bot.domain.review import Rating, rating_for_pick
from bot.errors import InvalidAnswer, QotdError
from bot.services import answers, members, nudges, posting, quiz, review, timeline
from bot.services.answers import AnswerRequest
from bot.services.cards import Review, apply_reviews
from bot.storage.tables import cards, review_log
from tests.conftest import member
from tests.integration.helpers import subscribe


def fsrs_due(rating: Rating, at: datetime) -> datetime:
    """What FSRS itself says for a new card rated at `at`."""
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card, _ = scheduler.review_card(
        fsrs.Card(card_id=1, due=at), fsrs.Rating(int(rating)), review_datetime=at
    )
    return card.due


async def card_of(core, who: str, question_id: str):
    async with core.storage.read() as uow:
        member_id = await uow.members.find_member(member(who))
        return (await uow.cards.get_many([(member_id, question_id)]))[(member_id, question_id)]


async def open_post(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    return chat.posts[-1]


@pytest.mark.parametrize("correct", [True, False])
async def test_a_daily_pick_becomes_a_review_due_when_fsrs_says(
    core, clock, chat, channel, correct
):
    post = await open_post(core, clock, chat, channel)
    question = post.question
    letter = (
        question.correct_letter
        if correct
        else next(c for c in "ABCD" if c != question.correct_letter)
    )
    await answers.submit(core, AnswerRequest(post.post_id, member("ana"), channel, choice=letter))
    card = await card_of(core, "ana", question.id)
    expected = Rating.GOOD if correct else Rating.AGAIN
    assert card.due == fsrs_due(expected, clock.now())


@pytest.mark.parametrize("rating", list(Rating))
async def test_each_rating_moves_the_due_date_as_fsrs_does(core, clock, rating):
    async with core.storage.write() as uow:
        member_id = await uow.members.member_id(member("ana"), clock.now())
        await apply_reviews(
            uow, core.spaced, [Review(member_id, "sample-1", rating, "quiz")], clock.now()
        )
    assert (await card_of(core, "ana", "sample-1")).due == fsrs_due(rating, clock.now())


async def test_a_second_review_builds_on_the_first(core, clock):
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    expected, _ = scheduler.review_card(
        fsrs.Card(card_id=1, due=clock.now()), fsrs.Rating.Good, clock.now()
    )
    async with core.storage.write() as uow:
        member_id = await uow.members.member_id(member("ana"), clock.now())
        await apply_reviews(
            uow, core.spaced, [Review(member_id, "sample-1", Rating.GOOD, "quiz")], clock.now()
        )
    clock.set(expected.due)
    expected, _ = scheduler.review_card(expected, fsrs.Rating.Good, clock.now())
    async with core.storage.write() as uow:
        await apply_reviews(
            uow, core.spaced, [Review(member_id, "sample-1", Rating.GOOD, "review")], clock.now()
        )
    card = await card_of(core, "ana", "sample-1")
    assert card.due == expected.due and card.stability == pytest.approx(expected.stability)
    assert card.reviews == 2


def test_right_and_fast_is_easy_right_is_good_wrong_is_again():
    assert rating_for_pick(True, timedelta(seconds=5)) is Rating.EASY
    assert rating_for_pick(True, timedelta(minutes=3)) is Rating.GOOD
    assert rating_for_pick(True, None) is Rating.GOOD
    assert rating_for_pick(False, timedelta(seconds=1)) is Rating.AGAIN


async def test_a_quick_right_quiz_answer_is_an_easy_review(core, clock):
    step = await quiz.start_quiz(core, member("ana"), count=1)
    clock.advance(timedelta(seconds=8))
    await quiz.answer_quiz(core, member("ana"), step.quiz_id, step.question.correct_letter)
    async with core.storage.read() as uow:
        rating = await uow.connection.scalar(select(review_log.c.rating))
    assert rating == Rating.EASY


async def test_a_written_answer_is_rated_by_its_author_after_the_reveal(core, clock, chat, channel):
    post = await open_post(core, clock, chat, channel)
    await answers.submit(
        core, AnswerRequest(post.post_id, member("ana"), channel, written="my attempt")
    )
    with pytest.raises(QotdError, match="after the reveal"):
        await review.rate_written(core, member("ana"), channel, post.post_id, "good")
    clock.set(post.reveal_at + timedelta(minutes=1))
    await posting.tick(core, chat.chats)
    assert (
        await review.rate_written(core, member("ana"), channel, post.post_id, "hard") is Rating.HARD
    )
    assert (await card_of(core, "ana", post.question.id)).due == fsrs_due(Rating.HARD, clock.now())
    with pytest.raises(InvalidAnswer):
        await review.rate_written(core, member("ana"), channel, post.post_id, "easy")  # once only
    with pytest.raises(InvalidAnswer):
        await review.rate_written(core, member("bo"), channel, post.post_id, "easy")
    with pytest.raises(InvalidAnswer, match="not a rating"):
        await review.rate_written(core, member("ana"), channel, post.post_id, "meh")


async def review_due(core, clock, who, overdue: dict[str, timedelta]) -> None:
    """Give a member (a name on the test platform, or a MemberRef) cards overdue by `by`."""
    who = member(who) if isinstance(who, str) else who
    async with core.storage.write() as uow:
        member_id = await uow.members.member_id(who, clock.now())
        for question_id in overdue:
            await apply_reviews(
                uow,
                core.spaced,
                [Review(member_id, question_id, Rating.AGAIN, "quiz")],
                clock.now(),
            )
        for question_id, by in overdue.items():
            await uow.connection.execute(
                cards.update()
                .where(cards.c.member_id == member_id, cards.c.question_id == question_id)
                .values(due=clock.now() - by)
            )


async def test_a_review_session_puts_the_most_overdue_first(core, clock):
    await review_due(
        core,
        clock,
        "ana",
        {
            "sample-1": timedelta(days=1),
            "sample-2": timedelta(days=9),
            "sample-3": timedelta(hours=1),
        },
    )
    step = await review.start_review(core, member("ana"), count=3)
    order = [step.question.id]
    while step is not None:
        feedback = await quiz.answer_quiz(core, member("ana"), step.quiz_id, "A", step.position)
        step = feedback.next
        if step is not None:
            order.append(step.question.id)
    assert order == ["sample-2", "sample-1", "sample-3"]


async def test_few_due_cards_are_topped_up_from_the_weakest_topic(core, clock, library):
    # ana keeps failing "evaluation" questions and gets "validation" ones right.
    evaluation = [q for q in library.pack("sample").questions if "evaluation" in q.topics]
    validation = [q for q in library.pack("sample").questions if "validation" in q.topics]
    for question in (evaluation[0], validation[0]):
        step = await quiz.start_quiz(core, member("ana"), topic=question.topics[0], count=1)
        letter = step.question.correct_letter
        wrong = next(c for c in "ABCD" if c != letter)
        await quiz.answer_quiz(
            core,
            member("ana"),
            step.quiz_id,
            wrong if "evaluation" in step.question.topics else letter,
        )
    clock.advance(timedelta(seconds=1))
    step = await review.start_review(core, member("ana"), count=1)
    async with core.storage.read() as uow:
        member_id = await uow.members.find_member(member("ana"))
        known = await uow.cards.question_ids(member_id)
    if step.question.id not in known:  # a new question, not a due card
        assert "evaluation" in step.question.topics


async def test_review_stats_show_due_retention_and_weakest_topics(core, clock):
    await review_due(core, clock, "ana", {"sample-1": timedelta(hours=2)})
    stats = await review.review_stats(core, member("ana"))
    assert stats.due_today >= 1 and stats.cards == 1
    assert stats.retention is None  # only a first review so far


async def test_forget_me_also_removes_cards_and_reminders(core, clock):
    await review_due(core, clock, "ana", {"sample-1": timedelta(hours=2)})
    await nudges.set_reminder(core, member("ana"), "08:00", "Europe/Berlin")
    await members.forget_member(core, member("ana"))
    async with core.storage.read() as uow:
        assert await uow.connection.scalar(select(cards.c.member_id)) is None


@pytest.mark.parametrize("timezone", ["Pacific/Auckland", "America/Los_Angeles", "Europe/Berlin"])
async def test_a_reminder_comes_once_a_day_at_the_local_time_and_only_with_something_due(
    core, clock, chat, timezone
):
    from zoneinfo import ZoneInfo

    sent: list = []

    async def send_nudge(nudge) -> None:
        sent.append((clock.now(), nudge))

    chat.send_nudge = send_nudge  # the recording chat gains direct messages
    await nudges.set_reminder(core, member("ana"), "07:30", timezone)
    clock.set(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    # A day of time passing (the clock stops at each reminder check) with nothing due: silence.
    await timeline.advance_to(core, chat.chats, clock, clock.now() + timedelta(days=1))
    assert sent == []
    await review_due(
        core, clock, "ana", {"sample-1": timedelta(hours=1), "sample-2": timedelta(hours=1)}
    )
    start = clock.now()
    # Three days pass, ticking every hour: repeated ticks after 07:30 send nothing more.
    for _ in range(3 * 24):
        clock.advance(timedelta(hours=1))
        await posting.tick(core, chat.chats)
    tz = ZoneInfo(timezone)
    local_days = [moment.astimezone(tz).date() for moment, _ in sent]
    # One reminder for every local day whose 07:30 (or the window's start) lies in the window.
    first, last = start.astimezone(tz), clock.now().astimezone(tz)
    expected = [
        first.date() + timedelta(days=offset)
        for offset in range((last.date() - first.date()).days + 1)
        if max(
            first, datetime.combine(first.date() + timedelta(days=offset), time(7, 30), tzinfo=tz)
        )
        <= last
    ]
    assert local_days == expected
    for moment, nudge in sent:
        local = moment.astimezone(ZoneInfo(timezone))
        assert (local.hour, local.minute) >= (7, 30)
        assert nudge.due_reviews == 2
    assert await nudges.stop_reminder(core, member("ana"))
    clock.advance(timedelta(days=1))
    await posting.tick(core, chat.chats)
    assert len(sent) == len(expected)


@pytest.mark.parametrize("timezone", ["Pacific/Auckland", "America/Los_Angeles"])
async def test_moving_the_clock_stops_at_each_reminder_at_its_local_time(
    core, clock, chat, timezone
):
    from zoneinfo import ZoneInfo

    sent: list = []

    async def send_nudge(nudge) -> None:
        sent.append(clock.now())

    chat.send_nudge = send_nudge
    await nudges.set_reminder(core, member("ana"), "07:30", timezone)
    tz = ZoneInfo(timezone)
    clock.set(datetime(2026, 3, 2, 6, 0, tzinfo=tz))  # before the first local 07:30
    await review_due(core, clock, "ana", {"sample-1": timedelta(hours=1)})
    stops = await timeline.advance_to(core, chat.chats, clock, clock.now() + timedelta(days=3))
    # Each day's reminder went out exactly at 07:30 local time, not at the end of the jump.
    assert [moment.astimezone(tz).time() for moment in sent] == [time(7, 30)] * 3
    assert [stop.events for stop in stops] == [("reminder",)] * 3
    assert [stop.at for stop in stops] == sent
