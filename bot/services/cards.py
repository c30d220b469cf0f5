"""Applying reviews to members' spaced-repetition cards with FSRS (the `fsrs` package)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import fsrs

from bot.domain.review import Rating
from bot.storage.cards import CardRow
from bot.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Review:
    member_id: int
    question_id: str
    rating: Rating
    source: str  # daily, quiz, review or written


def new_scheduler(*, fuzz: bool = True, desired_retention: float = 0.9) -> fsrs.Scheduler:
    """The FSRS scheduler with its published default parameters."""
    return fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzz)


async def apply_reviews(
    uow: UnitOfWork, scheduler: fsrs.Scheduler, reviews: Sequence[Review], now: datetime
) -> dict[tuple[int, str], CardRow]:
    """Review each card (creating it on its first review) and log every review."""
    keys = {(review.member_id, review.question_id) for review in reviews}
    cards = await uow.cards.get_many(keys)
    logs = []
    for review in reviews:
        key = (review.member_id, review.question_id)
        before = cards.get(key)
        card = _to_fsrs(before) if before else fsrs.Card(card_id=1, due=now)
        reviewed, _ = scheduler.review_card(
            card, fsrs.Rating(int(review.rating)), review_datetime=now
        )
        cards[key] = CardRow(
            member_id=review.member_id,
            question_id=review.question_id,
            state=int(reviewed.state),
            step=reviewed.step,
            stability=reviewed.stability,
            difficulty=reviewed.difficulty,
            due=reviewed.due,
            last_review=reviewed.last_review,
            reviews=(before.reviews if before else 0) + 1,
            lapses=(before.lapses if before else 0) + int(review.rating is Rating.AGAIN),
        )
        logs.append(
            {
                "member_id": review.member_id,
                "question_id": review.question_id,
                "rating": int(review.rating),
                "source": review.source,
                "first": before is None,
                "reviewed_at": now,
            }
        )
    await uow.cards.save_many([cards[key] for key in sorted(keys)])
    await uow.cards.log(logs)
    # A member's reminder is looked at by the time their next card falls due.
    soonest: dict[int, datetime] = {}
    for member_id, question_id in keys:
        due = cards[(member_id, question_id)].due
        soonest[member_id] = min(due, soonest.get(member_id, due))
    await uow.cards.check_nudges_at(soonest, only_sooner=True)
    return {key: cards[key] for key in keys}


def _to_fsrs(row: CardRow) -> fsrs.Card:
    return fsrs.Card(
        card_id=1,
        state=fsrs.State(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
    )
