"""Applying reviews to members' spaced-repetition cards with FSRS (the `fsrs` package)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    uow: UnitOfWork,
    scheduler: fsrs.Scheduler,
    reviews: Sequence[Review],
    now: datetime,
    *,
    mostly_new: bool = False,
) -> dict[tuple[int, str], CardRow]:
    """Review each card (creating it on its first review) and log every review.

    `mostly_new` (a daily post's picks: most members meet the question for the first time)
    first tries each card as a new one and inserts those that do not exist yet, one
    statement in the usual case; only the cards already held are then read and reviewed.
    """
    keys = {_key(review) for review in reviews}
    cards: dict[tuple[int, str], CardRow] = {}
    logs: list[dict[str, Any]] = []
    pending = list(reviews)
    if mostly_new:
        logs = _review_each(scheduler, pending, cards, now)
        inserted = await uow.cards.insert_new([cards[key] for key in sorted(keys)])
        pending = [review for review in reviews if _key(review) not in inserted]
        logs = [log for log in logs if (log["member_id"], log["question_id"]) in inserted]
    if pending:
        held = {_key(review) for review in pending}
        for key in held:
            cards.pop(key, None)
        cards.update(await uow.cards.get_many(held))
        logs += _review_each(scheduler, pending, cards, now)
        await uow.cards.save_many([cards[key] for key in sorted(held)])
    await uow.cards.log(logs)
    # A member's reminder is looked at by the time their next card falls due.
    soonest: dict[int, datetime] = {}
    for member_id, question_id in keys:
        due = cards[(member_id, question_id)].due
        soonest[member_id] = min(due, soonest.get(member_id, due))
    await uow.cards.check_nudges_at(soonest, only_sooner=True)
    return {key: cards[key] for key in keys}


def _key(review: Review) -> tuple[int, str]:
    return (review.member_id, review.question_id)


def _review_each(
    scheduler: fsrs.Scheduler,
    reviews: Sequence[Review],
    cards: dict[tuple[int, str], CardRow],
    now: datetime,
) -> list[dict[str, Any]]:
    """Apply the reviews in order to `cards` (a missing card is a new one); their log rows."""
    logs = []
    for review in reviews:
        key = _key(review)
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
    return logs


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
