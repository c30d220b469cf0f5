"""Progress pictures are drawn from the same numbers as the text, small and readable."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot import pictures
from bot.domain.periods import Scope
from bot.domain.scoring import Streak
from bot.services import answers, posting, progress, quiz
from bot.services.answers import AnswerRequest
from bot.services.boards import MemberStats, TopicStats
from bot.services.review import ReviewStats
from tests.conftest import member
from tests.integration.helpers import subscribe

PNG = b"\x89PNG\r\n\x1a\n"


async def busy_member(core, clock, chat, channel) -> None:
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    for _ in range(5):
        await posting.tick(core, chat.chats)
        post = chat.posts[-1]
        if post.question.has_choices:
            await answers.submit(
                core, AnswerRequest(post.post_id, member("ana"), post.channel, choice="A")
            )
        else:
            await answers.submit(
                core, AnswerRequest(post.post_id, member("ana"), post.channel, written="notes")
            )
        clock.advance(timedelta(days=1))
    step = await quiz.start_quiz(core, member("ana"), count=2)
    while step is not None:
        step = (await quiz.answer_quiz(core, member("ana"), step.quiz_id, "B")).next


async def test_the_progress_card_draws_the_stats_numbers(core, clock, chat, channel):
    await busy_member(core, clock, chat, channel)
    result = await progress.member_progress(core, member("ana"), channel)
    picture = pictures.progress_card(result, "Ana")
    assert picture.png.startswith(PNG) and len(picture.png) < 200_000
    topics = result.stats.topics
    assert picture.drawn["topics"] == [item.topic for item in topics]
    assert picture.drawn["accuracy"] == [round(100 * item.accuracy) for item in topics]
    drawn_days = sum(sum(row) for row in picture.drawn["calendar"])
    assert (
        drawn_days
        == sum(result.activity.values())
        == result.stats.daily_answers + result.stats.quiz_answers
    )


async def test_the_weekly_chart_draws_the_weekly_numbers(core, clock, chat, channel):
    await busy_member(core, clock, chat, channel)
    points = await progress.weekly_points(core, channel, Scope.GROUP)
    chart = pictures.weekly_points_chart(points, "Weekly points")
    assert chart.png.startswith(PNG) and len(chart.png) < 200_000
    assert chart.drawn["weeks"] == [label for label, _ in points.weeks]
    assert chart.drawn["points"] == [value for _, value in points.weeks]
    assert sum(chart.drawn["points"]) > 0


async def test_a_member_with_no_answers_still_gets_a_card(core, channel):
    result = await progress.member_progress(core, member("newcomer"))
    picture = pictures.progress_card(result, "Newcomer")
    assert picture.drawn["topics"] == [] and picture.png.startswith(PNG)


def twelve_topics() -> progress.Progress:
    """A member who has answered in twelve topics, two of them never right."""
    topics = tuple(
        TopicStats(
            f"topic-{index:02d}", answered=4, correct=0 if index in (3, 11) else 1 + index % 4
        )
        for index in range(12)
    )
    stats = MemberStats(20, 16, 9, 4, 8, 5, Streak(3, 7, 20), topics)
    last = date(2026, 3, 2)
    first = last - timedelta(days=last.weekday(), weeks=progress.CALENDAR_WEEKS - 1)
    activity = {last - timedelta(days=offset): 1 + offset % 4 for offset in range(0, 60, 3)}
    return progress.Progress(stats, ReviewStats(0, 0, None, ()), activity, first, last)


def test_the_card_draws_every_topic_the_text_lists():
    card = twelve_topics()
    picture = pictures.progress_card(card, "Ana")
    assert picture.drawn["topics"] == [item.topic for item in card.stats.topics]
    assert picture.drawn["accuracy"] == [round(100 * item.accuracy) for item in card.stats.topics]


def test_a_topic_never_answered_right_is_labelled_zero_not_left_blank():
    card = twelve_topics()
    picture = pictures.progress_card(card, "Ana")
    labels = dict(zip(picture.drawn["topics"], picture.drawn["labels"], strict=True))
    assert labels["topic-03"] == "0% (0/4)" and labels["topic-11"] == "0% (0/4)"
    assert labels["topic-02"] == "75% (3/4)"


def test_the_calendar_has_a_legend_for_its_colours():
    picture = pictures.progress_card(twelve_topics(), "Ana")
    assert picture.drawn["legend"] == "answers per day"
    assert picture.drawn["legend_ticks"][0] == 0 and picture.drawn["legend_ticks"][-1] == 4
    assert 5_000 < len(picture.png) < 40_000  # small enough to post, big enough to read


async def test_the_card_draws_written_answer_coverage_by_week(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    for week in range(3):
        await posting.tick(core, chat.chats)
        post = chat.posts[-1]
        text = post.question.key_points[0] if week else "nothing to do with it"
        await answers.submit(
            core, AnswerRequest(post.post_id, member("ana"), channel, written=text)
        )
        clock.advance(timedelta(weeks=1))
    result = await progress.member_progress(core, member("ana"), channel)
    weeks = result.stats.coverage_by_week
    assert [week for week, _ in weeks] == ["2026-W10", "2026-W11", "2026-W12"]
    assert weeks[0][1] == 0.0 and weeks[1][1] > 0
    picture = pictures.progress_card(result, "Ana")
    assert picture.drawn["coverage_weeks"] == ["W10", "W11", "W12"]
    assert picture.drawn["coverage"] == [round(100 * share) for _, share in weeks]
