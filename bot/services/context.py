"""What every use case needs: storage, a clock, the question library and the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import fsrs

from bot.clock import Clock
from bot.content.loader import Library
from bot.domain.answer import AnswerReceipt, AnswerRequest
from bot.domain.question import Question
from bot.domain.scoring import PointsPolicy
from bot.metrics import Metrics
from bot.services.feedback import WrittenFeedback
from bot.services.grader import RemoteGrader
from bot.services.group_packs import GroupPacks, find_question
from bot.services.pulse import Pulse
from bot.storage.group_commit import GroupCommit
from bot.storage.unit_of_work import Storage


@dataclass(frozen=True, slots=True)
class Core:
    """Built once by `bot.bootstrap` from the settings (which hold every default)."""

    storage: Storage
    clock: Clock
    library: Library
    points: PointsPolicy
    grace: timedelta  # how late a missed post may still go out
    lease: timedelta  # how long a worker holds a post it is sending or revealing
    send_concurrency: int  # posts or reveals one worker has in flight at once
    default_pack: str
    default_timezone: str
    max_written_chars: int
    quiz_size: int
    review_size: int
    # Spaced repetition (FSRS); tests pass a scheduler without fuzzing for exact due dates.
    spaced: fsrs.Scheduler
    # Batches concurrent answers into shared transactions.
    answer_queue: GroupCommit[AnswerRequest, AnswerReceipt]
    # This worker's scheduler pulse (last completed tick), for health checks and status.
    pulse: Pulse
    # This worker's counters and timings for Prometheus (its own registry per core).
    metrics: Metrics
    # This worker's copies of the groups' own questions.
    group_packs: GroupPacks = field(default_factory=GroupPacks)
    # Key-point feedback on written answers, and the optional remote grader's second opinion.
    feedback: WrittenFeedback = field(default_factory=WrittenFeedback)
    grader: RemoteGrader | None = None
    # How long after a reveal its written answers may be voted on (zero: no votes).
    vote_window: timedelta = timedelta(hours=12)

    def question(self, pack: str, question_id: str) -> Question | None:
        """The question a post, answer, card or quiz refers to: one of `pack`, or a group's
        own (whose group was loaded into `group_packs` in this transaction)."""
        return find_question(self.library, self.group_packs, pack, question_id)
