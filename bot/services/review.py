"""Spaced-repetition review: private sessions of due questions, and review stats."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.domain.identity import ChannelRef, MemberRef, is_row_id
from bot.domain.post import PostStatus
from bot.domain.question import Question
from bot.domain.review import Rating
from bot.domain.schedule import zone
from bot.domain.study_words import MAX_SESSION
from bot.errors import InvalidAnswer, NoOpenPost, NoQuestions, QotdError
from bot.services.access import require_here
from bot.services.boards import MemberStats, TopicStats, member_stats
from bot.services.cards import Review, apply_reviews
from bot.services.context import Core
from bot.services.quiz import QuizStep

RETENTION_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class ReviewStats:
    due_today: int
    cards: int
    retention: float | None  # share of reviews of learnt cards recalled, last 30 days
    weakest: tuple[TopicStats, ...]


def review_facts(result: ReviewStats) -> list[tuple[str, str]]:
    """Each review figure as (label, value), for every front end to style its own way."""
    facts = [("Reviews due today", f"{result.due_today} (cards: {result.cards})")]
    if result.retention is not None:
        facts.append(("Retention (30 days)", f"{result.retention:.0%}"))
    if result.weakest:
        facts.append(
            (
                "Weakest topics",
                ", ".join(f"{item.topic} {item.accuracy:.0%}" for item in result.weakest),
            )
        )
    return facts


def weakest_topics(stats: MemberStats, minimum: int = 1) -> list[TopicStats]:
    """Topics by accuracy, weakest first: the same numbers `stats` shows."""
    answered = [item for item in stats.topics if item.answered >= minimum]
    return sorted(answered, key=lambda item: (item.accuracy, -item.answered, item.topic))


async def start_review(
    core: Core, member: MemberRef, *, count: int | None = None, pack: str | None = None
) -> QuizStep:
    """A private session: due questions, most overdue first, topped up with new questions from
    the member's weakest topics when few are due."""
    size = core.review_size if count is None else count
    if not 1 <= size <= MAX_SESSION:
        raise NoQuestions(f"A review has 1 to {MAX_SESSION} questions.")
    chosen_pack = core.library.pack(pack or core.default_pack)
    now = core.clock.now()
    async with core.storage.read() as uow:
        member_id = await uow.members.find_member(member)
        due = await uow.cards.due(member_id, now, size * 2) if member_id else []
        # Cards of the group's own questions are reviewed like the pack's.
        await core.group_packs.load_for(uow, (card.question_id for card in due))
        picked = [
            card.question_id
            for card in due
            if _reviewable(core.question(chosen_pack.id, card.question_id))
        ]
        picked = picked[:size]
        known = (
            await uow.cards.question_ids(member_id) if member_id and len(picked) < size else set()
        )
    if len(picked) < size:
        stats = await member_stats(core, member)
        picked += _new_questions(
            core, chosen_pack.id, known, stats, size - len(picked), member, now
        )
    if not picked:
        raise NoQuestions(
            "Nothing to review: no question is due and you have seen every question of the pack."
        )
    async with core.storage.write() as uow:
        member_id = await uow.members.member_id(member, now)
        quiz_id = await uow.quizzes.create(member_id, chosen_pack.id, picked, now, kind="review")
    first = core.question(chosen_pack.id, picked[0])
    assert first is not None  # every picked id resolved above
    return QuizStep(quiz_id, 0, len(picked), first, "review")


def _reviewable(question: Question | None) -> bool:
    return question is not None and question.has_choices


def _new_questions(
    core: Core,
    pack_id: str,
    known: set[str],
    stats: MemberStats,
    wanted: int,
    member: MemberRef,
    now: datetime,
) -> list[str]:
    pack = core.library.pack(pack_id)
    # Topics whose key points the member's written answers miss most come first, then the
    # topics they pick least accurately.
    order = [topic for topic, _ in stats.missed_topics]
    order += [item.topic for item in weakest_topics(stats) if item.topic not in order]
    weak_order = {topic: rank for rank, topic in enumerate(order)}
    unseen = [
        question for question in pack.questions if question.has_choices and question.id not in known
    ]
    rng = random.Random(f"{member.platform}:{member.member_id}:{now.date()}")
    rng.shuffle(unseen)
    # Weakest practised topics first, then topics never practised.
    unseen.sort(
        key=lambda question: min(
            weak_order.get(topic, len(weak_order)) for topic in question.topics
        )
    )
    return [question.id for question in unseen[:wanted]]


async def review_stats(
    core: Core, member: MemberRef, stats: MemberStats | None = None
) -> ReviewStats:
    """Due today (in the member's reminder time zone, else UTC), retention and weakest topics."""
    now = core.clock.now()
    async with core.storage.read() as uow:
        member_id = await uow.members.find_member(member)
        if member_id is None:
            return ReviewStats(0, 0, None, ())
        nudge = await uow.cards.nudge_for(member_id)
        tz = zone(nudge.timezone if nudge else "UTC")
        end_of_day = datetime.combine(
            now.astimezone(tz).date() + timedelta(days=1), time(), tzinfo=tz
        )
        due_today = await uow.cards.count_due(member_id, end_of_day)
        cards = await uow.cards.count(member_id)
        reviewed, recalled = await uow.cards.recall_counts(member_id, now - RETENTION_WINDOW)
    answered = stats if stats is not None else await member_stats(core, member)
    weakest = tuple(weakest_topics(answered, minimum=2)[:3])
    return ReviewStats(due_today, cards, recalled / reviewed if reviewed else None, weakest)


async def rate_written(
    core: Core, member: MemberRef, channel: ChannelRef, post_id: int, rating: Rating | str
) -> Rating:
    """After the reveal, the member rates their written answer to a post of this channel
    against the reference."""
    chosen = rating if isinstance(rating, Rating) else Rating.parse(rating)
    now = core.clock.now()
    if not is_row_id(post_id):
        raise NoOpenPost()
    async with core.storage.write() as uow:
        post = (await uow.answer_batches.post_facts([post_id])).get(post_id)
        if post is None:
            raise NoOpenPost()
        require_here(post.channel, channel)
        member_id = await uow.members.find_member(member)
        if PostStatus(post.status) is not PostStatus.REVEALED and now < post.reveal_at:
            raise QotdError(
                "Rate your written answer after the reveal, against the reference answer."
            )
        if member_id is None or not await uow.answers.set_self_rating(
            post.post_id, member_id, int(chosen)
        ):
            raise InvalidAnswer("There is no unrated written answer of yours for that question.")
        await apply_reviews(
            uow, core.spaced, [Review(member_id, post.question_id, chosen, "written")], now
        )
    return chosen
