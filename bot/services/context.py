"""What every use case needs: storage, a clock, the question library and the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

import fsrs

from bot.clock import Clock
from bot.content.loader import Library
from bot.domain.scoring import PointsPolicy
from bot.services.pulse import Pulse
from bot.storage.group_commit import GroupCommit
from bot.storage.unit_of_work import Storage

if TYPE_CHECKING:
    from bot.services.answers import AnswerReceipt, AnswerRequest


@dataclass
class Core:
    storage: Storage
    clock: Clock
    library: Library
    points: PointsPolicy = field(default_factory=PointsPolicy)
    grace: timedelta = timedelta(hours=6)
    default_pack: str = "ml"
    default_timezone: str = "UTC"
    max_written_chars: int = 4000
    quiz_size: int = 5
    lease: timedelta = timedelta(minutes=2)
    # Spaced repetition (FSRS); tests pass a scheduler without fuzzing for exact due dates.
    spaced: fsrs.Scheduler = field(default_factory=lambda: fsrs.Scheduler(enable_fuzzing=False))
    review_size: int = 10
    # Batches concurrent answers into shared transactions; set by bootstrap. None records
    # each answer in its own transaction.
    answer_queue: GroupCommit[AnswerRequest, AnswerReceipt] | None = None
    # This worker's scheduler pulse (last completed tick), for health checks; set by bootstrap.
    pulse: Pulse | None = None
