"""Answering a daily post: a multiple-choice pick and/or a written answer, once each.

Answers are recorded in batches (see GroupCommit): every request in a batch is checked and
written set-wise in one transaction, and each gets its own result or error.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

# The use case's request and receipt, importable from here by the front ends.
from bot.domain.answer import AnswerReceipt as AnswerReceipt
from bot.domain.answer import AnswerRequest as AnswerRequest
from bot.domain.feedback import Feedback
from bot.domain.identity import is_row_id
from bot.domain.periods import all_period_keys
from bot.domain.post import PostStatus
from bot.domain.question import LETTERS, Question
from bot.domain.review import rating_for_pick
from bot.domain.schedule import zone
from bot.domain.scoring import Streak
from bot.errors import (
    AlreadyAnswered,
    AnswerNotSaved,
    AnswersClosed,
    InvalidAnswer,
    NoOpenPost,
    QotdError,
    StorageUnavailable,
)
from bot.services.access import require_here
from bot.services.cards import Review, apply_reviews
from bot.services.context import Core
from bot.storage.answers import AnswerBatchQueries, PostFacts
from bot.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

_NO_COVERAGE: dict[str, Any] = {"key_points_covered": None, "key_points_missed": None}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_written(text: str, limit: int) -> str:
    """The written answer as stored: control characters removed, length checked."""
    cleaned = _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    if not cleaned:
        raise InvalidAnswer("Your written answer is empty: write something and send it again.")
    if len(cleaned) > limit:
        raise InvalidAnswer(
            f"Your answer is {len(cleaned)} characters; the limit is {limit}. Nothing was saved: "
            "shorten it and send it again."
        )
    return cleaned


def parse_letter(text: str) -> str:
    letter = text.strip().upper()
    if len(letter) != 1 or letter not in LETTERS:
        raise InvalidAnswer(f"{text!r} is not a choice: answer with A, B, C or D.")
    return letter


async def submit(core: Core, request: AnswerRequest) -> AnswerReceipt:
    """Record one answer (through the group-commit queue when the core has one)."""
    if request.choice is None and request.written is None:
        raise InvalidAnswer("Pick a choice (A-D) or write an answer.")
    if not is_row_id(request.post_id):
        raise NoOpenPost()
    if request.written is not None:
        request = replace(request, written=clean_written(request.written, core.max_written_chars))
    if request.choice is not None:
        request = replace(request, choice=parse_letter(request.choice))
    try:
        receipt = await core.answer_queue.submit(request, lambda batch: record_batch(core, batch))
    except StorageUnavailable as error:
        log.warning("answer to post=%s not saved: %s", request.post_id, error.message)
        raise AnswerNotSaved(timed_out=error.timed_out) from error
    if request.written is not None and receipt.feedback is not None and core.grader is not None:
        # A second opinion, after the answer is saved: it never moves points.
        regraded = await core.grader.regrade(receipt.question, request.written, receipt.feedback)
        receipt = replace(receipt, feedback=regraded)
    return receipt


async def record_batch(
    core: Core, requests: Sequence[AnswerRequest]
) -> list[AnswerReceipt | Exception]:
    """Record a batch of answers in one write transaction."""
    async with core.storage.write() as uow:
        outcomes = await _record(core, uow, requests)
    # Counted once committed: a batch that failed is retried one by one and counted then.
    core.metrics.answers_written(
        len(requests), sum(isinstance(outcome, AnswerReceipt) for outcome in outcomes)
    )
    return outcomes


@dataclass(frozen=True, slots=True)
class _Pick:
    request: int  # the index of the request in its batch that gave it
    letter: str
    correct: bool
    points: int


@dataclass(frozen=True, slots=True)
class _Written:
    request: int
    text: str
    points: int
    feedback: Feedback | None

    def coverage(self) -> dict[str, Any]:
        """The answer row's key-point columns."""
        if self.feedback is None:
            return {"key_points_covered": None, "key_points_missed": None}
        missed = [str(point.number) for point in self.feedback.points if not point.covered]
        return {"key_points_covered": self.feedback.covered, "key_points_missed": ",".join(missed)}


@dataclass
class _Row:
    """One member's answer row for one post, built from the batch's requests in order."""

    post: PostFacts
    question: Question
    member_id: int
    choice: _Pick | None = None
    written: _Written | None = None

    def add(self, index: int, request: AnswerRequest, core: Core) -> None:
        if request.choice is not None and self.choice is not None:
            raise _already_picked(self.choice.letter)
        if request.written is not None and self.written is not None:
            raise _already_wrote()
        if request.choice is not None:
            correct = self.question.correct_letter == request.choice
            self.choice = _Pick(
                index,
                request.choice,
                correct,
                core.points.for_choice(self.question.difficulty, correct),
            )
        if request.written is not None:
            # Worked out here, in-process and in well under a millisecond, so the coverage is
            # stored with the answer (stats, review) and may add points; never a reason to
            # refuse it (no feedback is None).
            feedback = core.feedback.check(self.question, request.written)
            points = core.points.written + core.points.per_key_point * (
                feedback.covered if feedback else 0
            )
            self.written = _Written(index, request.written, points, feedback)

    def values(self, now: datetime) -> dict[str, Any]:
        return {
            "post_id": self.post.post_id,
            "member_id": self.member_id,
            "choice": self.choice.letter if self.choice else None,
            "correct": self.choice.correct if self.choice else None,
            "written": self.written.text if self.written else None,
            **(self.written.coverage() if self.written else _NO_COVERAGE),
            "points": (self.choice.points if self.choice else 0)
            + (self.written.points if self.written else 0),
            "answered_at": now,
            "written_at": now if self.written else None,
        }


def _already_picked(letter: str) -> AlreadyAnswered:
    return AlreadyAnswered(
        f"You already picked {letter} for this question: one pick per member. "
        "The answer is revealed at the reveal time."
    )


def _already_wrote() -> AlreadyAnswered:
    return AlreadyAnswered("You already sent a written answer for this question.")


async def _record(
    core: Core, uow: UnitOfWork, requests: Sequence[AnswerRequest]
) -> list[AnswerReceipt | Exception]:
    now = core.clock.now()
    queries = uow.answer_batches
    facts = await queries.post_facts(request.post_id for request in requests)
    await core.group_packs.load_for(uow, (post.question_id for post in facts.values()))
    outcomes: list[AnswerReceipt | Exception | None] = [None] * len(requests)
    valid: list[tuple[int, AnswerRequest, PostFacts, Question]] = []
    for index, request in enumerate(requests):
        try:
            valid.append(
                (index, request, *_check_open(core, facts.get(request.post_id), request, now))
            )
        except QotdError as error:
            outcomes[index] = error
    member_ids = await uow.members.member_ids((request.member for _, request, _, _ in valid), now)
    rows: dict[tuple[int, int], _Row] = {}
    for index, request, post, question in valid:
        member_id = member_ids[(request.member.platform, request.member.member_id)]
        row = rows.setdefault((post.post_id, member_id), _Row(post, question, member_id))
        try:
            row.add(index, request, core)
        except AlreadyAnswered as error:
            outcomes[index] = error
    # Optimistic insert: a member's first answer to a post (the common case) is one row here.
    inserted = await queries.insert_new([row.values(now) for row in rows.values()])
    conflicting = [row for key, row in rows.items() if key not in inserted]
    if conflicting:
        existing = await queries.existing((row.post.post_id, row.member_id) for row in conflicting)
        for row in conflicting:
            await _complete_existing(
                uow, row, existing.get((row.post.post_id, row.member_id)), outcomes, now
            )
    earned = _earned(rows.values(), outcomes)
    await _add_scores(uow, rows.values(), earned, now)
    # Every pick is also a review of that question for that member (spaced repetition).
    picks = [
        row
        for row in rows.values()
        if row.choice is not None and outcomes[row.choice.request] is None
    ]
    await apply_reviews(
        uow,
        core.spaced,
        [
            Review(row.member_id, row.question.id, rating_for_pick(row.choice.correct), "daily")
            for row in picks
            if row.choice
        ],
        now,
        mostly_new=True,
    )
    streaks = await _advance_streaks(queries, [row for row in rows.values() if earned.get(id(row))])
    for row in rows.values():
        for part in (row.choice, row.written):
            if part is None or outcomes[part.request] is not None:
                continue
            index = part.request
            request = requests[index]
            streak = streaks.get((row.post.subscription_id, row.member_id), Streak())
            outcomes[index] = AnswerReceipt(
                post_id=row.post.post_id,
                question=row.question,
                choice=request.choice,
                correct=(row.question.correct_letter == request.choice) if request.choice else None,
                wrote=request.written is not None,
                points=(row.choice.points if row.choice and row.choice.request == index else 0)
                + (row.written.points if row.written and row.written.request == index else 0),
                streak=streak.current,
                best_streak=streak.best,
                feedback=row.written.feedback
                if row.written and row.written.request == index
                else None,
            )
    return [outcome if outcome is not None else QotdError("not recorded") for outcome in outcomes]


async def _complete_existing(
    uow: UnitOfWork,
    row: _Row,
    existing: Any,
    outcomes: list[AnswerReceipt | Exception | None],
    now: datetime,
) -> None:
    """The member already had a row (say, a written answer before the pick): fill in only the
    parts still empty, and refuse the parts already given."""
    pick, written = row.choice, row.written
    if pick is not None:
        taken = existing is not None and existing.choice is not None
        if taken or not await uow.answers.set_choice(
            row.post.post_id, row.member_id, pick.letter, pick.correct, pick.points, now
        ):
            outcomes[pick.request] = _already_picked(existing.choice if taken else "a choice")
            row.choice = None
    if written is not None:
        taken = existing is not None and existing.written is not None
        if taken or not await uow.answers.set_written(
            row.post.post_id, row.member_id, written.text, written.points, now, written.coverage()
        ):
            outcomes[written.request] = _already_wrote()
            row.written = None


def _earned(
    rows: Iterable[_Row], outcomes: list[AnswerReceipt | Exception | None]
) -> dict[int, int]:
    """Points each row earned from the parts that were accepted."""
    earned = {}
    for row in rows:
        points = 0
        if row.choice is not None and outcomes[row.choice.request] is None:
            points += row.choice.points
        if row.written is not None and outcomes[row.written.request] is None:
            points += row.written.points
        earned[id(row)] = points
    return earned


async def _add_scores(
    uow: UnitOfWork, rows: Iterable[_Row], earned: dict[int, int], now: datetime
) -> None:
    totals: dict[tuple[str, str, int], int] = defaultdict(int)
    for row in rows:
        points = earned.get(id(row), 0)
        if not points:
            continue
        for period in all_period_keys(now, zone(row.post.timezone)):
            totals[(f"g{row.post.group_id}", period, row.member_id)] += points
            totals[(f"s{row.post.subscription_id}", period, row.member_id)] += points
    await uow.answers.add_scores(totals)


async def _advance_streaks(
    queries: AnswerBatchQueries, rows: list[_Row]
) -> dict[tuple[int, int], Streak]:
    numbered = [row for row in rows if row.post.day_number > 0]
    after = await queries.advance_streaks(
        [(row.post.subscription_id, row.member_id, row.post.day_number) for row in numbered]
    )
    # A post without a number (made before posts were numbered) moves no streak.
    unnumbered = {(row.post.subscription_id, row.member_id) for row in rows} - after.keys()
    return after | await queries.streaks(unnumbered)


def _check_open(
    core: Core, post: PostFacts | None, request: AnswerRequest, now: datetime
) -> tuple[PostFacts, Question]:
    if post is None:
        raise NoOpenPost()
    require_here(post.channel, request.channel)
    if post.channel.platform != request.member.platform or not PostStatus(post.status).visible:
        raise NoOpenPost()
    if post.status != PostStatus.POSTED or now >= post.reveal_at:
        raise AnswersClosed()
    question = core.question(post.pack, post.question_id)
    if question is None:
        raise NoOpenPost()
    if request.choice is not None and not question.has_choices:
        raise InvalidAnswer("This question has no multiple choice: send a written answer instead.")
    return post, question
