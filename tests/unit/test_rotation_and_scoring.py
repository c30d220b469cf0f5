"""The shuffle behind the no-repeat rotation, and streak arithmetic."""

from __future__ import annotations

from collections import Counter

from bot.domain.question import Difficulty
from bot.domain.rotation import cycle_order, next_question
from bot.domain.scoring import PointsPolicy, Streak

IDS = [f"q{index}" for index in range(10)]


def test_the_order_is_reproducible_from_subscription_and_cycle():
    assert cycle_order(IDS, 7, 3) == cycle_order(reversed(IDS), 7, 3)
    assert cycle_order(IDS, 7, 3) != cycle_order(IDS, 7, 4)
    assert cycle_order(IDS, 7, 3) != cycle_order(IDS, 8, 3)


def test_the_shuffle_is_fair_every_question_leads_about_equally_often():
    firsts = Counter(cycle_order(IDS, subscription, 0)[0] for subscription in range(5000))
    assert set(firsts) == set(IDS)
    assert max(firsts.values()) < 2 * min(firsts.values())


def test_a_cycle_uses_every_question_once_then_a_new_cycle_starts():
    used: set[str] = set()
    cycle = 0
    picked = []
    for _ in range(len(IDS)):
        question, cycle = next_question(IDS, used, 1, cycle)
        used.add(question)
        picked.append(question)
    assert sorted(picked) == sorted(IDS) and cycle == 0
    question, cycle = next_question(IDS, used, 1, cycle)
    assert cycle == 1 and question == cycle_order(IDS, 1, 1)[0]


def test_points_follow_the_policy():
    policy = PointsPolicy(beginner=1, intermediate=2, advanced=3, wrong=0)
    assert policy.for_choice(Difficulty.ADVANCED, True) == 3
    assert policy.for_choice(Difficulty.ADVANCED, False) == 0


def test_streaks_count_consecutive_post_numbers():
    streak = Streak()
    for day in (1, 2, 3):
        streak = streak.after_answering(day)
    assert (streak.current, streak.best) == (3, 3)
    streak = streak.after_answering(5)
    assert (streak.current, streak.best) == (1, 3)
    assert streak.after_answering(5) == streak  # second part of the same answer


def test_a_streak_is_alive_while_the_latest_post_is_still_open():
    streak = Streak(current=4, best=4, last_day=9)
    assert streak.as_of(latest_day=10, latest_open=True) == 4
    assert streak.as_of(latest_day=10, latest_open=False) == 0
    assert streak.as_of(latest_day=9, latest_open=False) == 4
