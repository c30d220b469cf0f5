"""Which question a subscription gets next: a fair shuffle per cycle, no repeats within one."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence


def cycle_order(question_ids: Iterable[str], subscription_id: int, cycle: int) -> list[str]:
    """The cycle's order of questions: a Fisher-Yates shuffle seeded by (subscription, cycle).

    The ids are sorted first so the order does not depend on how the pack was read.
    """
    order = sorted(set(question_ids))
    random.Random(f"qotd:{subscription_id}:{cycle}").shuffle(order)
    return order


def next_question(
    eligible: Sequence[str], used_this_cycle: set[str], subscription_id: int, cycle: int
) -> tuple[str, int]:
    """The next question and the cycle it belongs to.

    When every eligible question has been used in the current cycle, the next cycle starts.
    """
    if not eligible:
        raise ValueError("no eligible questions")
    for question_id in cycle_order(eligible, subscription_id, cycle):
        if question_id not in used_this_cycle:
            return question_id, cycle
    return cycle_order(eligible, subscription_id, cycle + 1)[0], cycle + 1
