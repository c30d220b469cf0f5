"""Leaderboards, streaks and a member's own stats."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.periods import Period, Scope, period_key, scope_key
from bot.domain.post import Post
from bot.domain.scoring import Streak
from bot.errors import NotSubscribed
from bot.services.context import Core


@dataclass(frozen=True, slots=True)
class BoardEntry:
    rank: int
    name: str
    points: int
    member_id: int


@dataclass(frozen=True, slots=True)
class OwnRank:
    """Where the asking member stands: rank None while they have no points in the period."""

    rank: int | None
    name: str
    points: int
    member_id: int | None  # None for a member qotd has not seen yet


@dataclass(frozen=True, slots=True)
class Leaderboard:
    period: Period
    scope: Scope
    entries: tuple[BoardEntry, ...]
    me: OwnRank
    members: int


PERIOD_WORDS = {Period.WEEK: "this week", Period.MONTH: "this month", Period.ALL: "so far"}


def own_rank(board: Leaderboard) -> str:
    """The asker's own line in words, for every front end to style: shown on every board."""
    me = board.me
    if me.rank is None:
        return f"you: — not ranked yet (0 points {PERIOD_WORDS[board.period]}): answer a daily question to get on the board"
    unit = "point" if me.points == 1 else "points"
    return f"you: #{me.rank} of {board.members} with {me.points} {unit}"


async def leaderboard(
    core: Core,
    channel: ChannelRef,
    member: MemberRef,
    period: Period = Period.WEEK,
    scope: Scope = Scope.GROUP,
    limit: int = 10,
) -> Leaderboard:
    """Top members for a period, plus the asker's own rank even outside the top."""
    async with core.storage.read() as uow:
        subscription = await uow.subscriptions.for_channel(channel)
        if subscription is None:
            raise NotSubscribed()
        group_id = await uow.members.find_group(channel.platform, channel.group_id)
        assert group_id is not None
        member_id = await uow.members.find_member(member)
        scope_id = scope_key(scope, group_id, subscription.id)
        period_id = period_key(period, core.clock.now(), subscription.schedule.tz)
        top = await uow.answers.top(scope_id, period_id, limit)
        total = await uow.answers.board_size(scope_id, period_id)
        me = OwnRank(None, member.label, 0, member_id)
        if member_id is not None:
            mine = await uow.answers.points_of(scope_id, period_id, member_id)
            if mine is not None:
                above = await uow.answers.count_above(scope_id, period_id, mine)
                me = OwnRank(above + 1, member.label, mine, member_id)
    entries: list[BoardEntry] = []
    for row in top:
        # Competition ranking: equal points share a rank.
        rank = (
            entries[-1].rank if entries and entries[-1].points == row.points else len(entries) + 1
        )
        entries.append(BoardEntry(rank, row.name, row.points, row.member_id))
    return Leaderboard(period, scope, tuple(entries), me, total)


async def member_streak(core: Core, channel: ChannelRef, member: MemberRef) -> Streak:
    """The member's streak in this channel, as of the latest post."""
    async with core.storage.read() as uow:
        subscription = await uow.subscriptions.for_channel(channel)
        if subscription is None:
            raise NotSubscribed()
        member_id = await uow.members.find_member(member)
        latest = await uow.posts.latest_visible(subscription.id)
        if member_id is None or latest is None:
            return Streak()
        stored = (await uow.answer_batches.streaks([(subscription.id, member_id)])).get(
            (subscription.id, member_id), Streak()
        )
    return live_streak(stored, latest, core.clock.now())


def live_streak(stored: Streak, latest: Post | None, now: datetime) -> Streak:
    """A stored streak as of the subscription's latest visible post: the one streak rule.

    The stored row only moves when the member answers, so a post revealed without their
    answer has not reset it yet; every board and report reads streaks through here.
    """
    if latest is None:
        return Streak(0, stored.best, stored.last_day)
    current = stored.as_of(latest.day_number or 0, latest.is_open(now))
    return Streak(current=current, best=stored.best, last_day=stored.last_day)


@dataclass(frozen=True, slots=True)
class TopicStats:
    topic: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class MemberStats:
    daily_answers: int
    daily_picks: int
    daily_correct: int
    written: int
    quiz_answers: int
    quiz_correct: int
    streak: Streak | None
    topics: tuple[TopicStats, ...] = field(default=())
    best_answers: int = 0  # written answers the group voted the most helpful
    # Share of key points the member's written answers covered: all time, and the last 4 weeks.
    written_coverage: float | None = None
    recent_coverage: float | None = None
    # Topics whose key points the member missed most, with how many missed (most first).
    missed_topics: tuple[tuple[str, int], ...] = ()
    # Share of key points covered per ISO week ("2026-W10", 0.5), oldest first, weeks with
    # written answers only.
    coverage_by_week: tuple[tuple[str, float], ...] = ()

    @property
    def accuracy(self) -> float | None:
        picks = self.daily_picks + self.quiz_answers
        return (self.daily_correct + self.quiz_correct) / picks if picks else None


async def member_stats(
    core: Core, member: MemberRef, channel: ChannelRef | None = None
) -> MemberStats:
    """Everything the member has answered: daily posts and quizzes, with accuracy by topic."""
    async with core.storage.read() as uow:
        member_id = await uow.members.find_member(member)
        daily = await uow.answers.member_history(member_id) if member_id else []
        quizzes = await uow.quizzes.member_history(member_id) if member_id else []
        await core.group_packs.load_for(uow, (question_id for question_id, _, _ in daily))
        best = await uow.votes.best_count(member_id) if member_id else 0
        covered = await uow.answers.written_coverage(member_id) if member_id else []
        await core.group_packs.load_for(uow, (question_id for question_id, _, _, _ in covered))
    streak = None
    if channel is not None:
        try:
            streak = await member_streak(core, channel, member)
        except NotSubscribed:
            streak = None
    by_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    graded = [(question_id, correct) for question_id, correct, _ in daily if correct is not None]
    for question_id, correct in [*graded, *quizzes]:
        question = core.library.find(question_id) or core.group_packs.question(question_id)
        for topic in question.topics if question else ():
            by_topic[topic][0] += 1
            by_topic[topic][1] += int(correct)
    topics = sorted(
        (TopicStats(topic, answered, correct) for topic, (answered, correct) in by_topic.items()),
        key=lambda item: (-item.answered, item.topic),
    )
    return MemberStats(
        daily_answers=len(daily),
        daily_picks=len(graded),
        daily_correct=sum(1 for _, correct in graded if correct),
        written=sum(1 for _, _, wrote in daily if wrote),
        quiz_answers=len(quizzes),
        quiz_correct=sum(1 for _, correct in quizzes if correct),
        streak=streak,
        topics=tuple(topics),
        best_answers=best,
        **_coverage(core, covered),
    )


RECENT = timedelta(weeks=4)
COVERAGE_WEEKS = 12  # the weeks the progress picture shows


def _coverage(core: Core, rows: list[tuple[str, int, str, datetime]]) -> dict[str, Any]:
    """Key-point coverage of written answers, overall and recent, and the topics missed most."""
    since = core.clock.now() - RECENT
    totals = {"all": [0, 0], "recent": [0, 0]}
    weekly: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed: dict[str, int] = defaultdict(int)
    for question_id, covered, missed_numbers, when in rows:
        question = core.library.find(question_id) or core.group_packs.question(question_id)
        if question is None or not question.key_points:
            continue
        for key in ("all", "recent") if when and when >= since else ("all",):
            totals[key][0] += covered
            totals[key][1] += len(question.key_points)
        if when is not None:
            year, week, _ = when.isocalendar()
            weekly[f"{year}-W{week:02d}"][0] += covered
            weekly[f"{year}-W{week:02d}"][1] += len(question.key_points)
        for _ in filter(None, missed_numbers.split(",")):
            for topic in question.topics:
                missed[topic] += 1
    share = {key: (got / out if out else None) for key, (got, out) in totals.items()}
    ranked = sorted(missed.items(), key=lambda item: (-item[1], item[0]))[:3]
    return {
        "written_coverage": share["all"],
        "recent_coverage": share["recent"],
        "missed_topics": tuple(ranked),
        "coverage_by_week": tuple(
            (week, got / out) for week, (got, out) in sorted(weekly.items())[-COVERAGE_WEEKS:]
        ),
    }


def stats_facts(result: MemberStats) -> list[tuple[str, str]]:
    """Each of a member's figures as (label, value), for every front end to style its own way."""
    facts = [
        (
            "Daily answers",
            f"{result.daily_answers} ({result.daily_correct}/{result.daily_picks} picks right, "
            f"{result.written} written)",
        ),
        ("Quiz answers", f"{result.quiz_answers} ({result.quiz_correct} right)"),
    ]
    if result.accuracy is not None:
        facts.append(("Accuracy", f"{result.accuracy:.0%}"))
    if result.streak is not None:
        facts.append(("Streak", result.streak.describe()))
    if result.best_answers:
        facts.append(("Best answers", f"{result.best_answers} voted the most helpful"))
    if result.written_coverage is not None:
        recent = (
            f" (last 4 weeks: {result.recent_coverage:.0%})"
            if result.recent_coverage is not None
            else ""
        )
        facts.append(("Key points covered", f"{result.written_coverage:.0%}{recent}"))
    if result.missed_topics:
        facts.append(
            (
                "Key points missed most",
                ", ".join(f"{topic} ({count})" for topic, count in result.missed_topics),
            )
        )
    return facts
