"""The reveal's results as facts every front end styles its own way."""

from __future__ import annotations

from bot.ports import Results


def test_the_results_name_the_share_right_and_the_fastest_member_escaped():
    results = Results(answered=3, picked=3, correct=2, fastest_correct="*Ada*")
    assert results.facts(lambda name: name.replace("*", r"\*")) == [
        "3 answered",
        "67% correct",
        r"fastest correct: \*Ada\*",
    ]


def test_results_without_picks_or_a_right_answer_say_only_how_many_answered():
    assert Results(answered=1, picked=0, correct=0, fastest_correct=None).facts() == ["1 answered"]
