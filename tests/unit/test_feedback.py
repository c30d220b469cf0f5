"""Key-point feedback on written answers: what counts as covering a point, and what never does."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.feedback import Matcher, Strength
from bot.domain.question import Category, Difficulty, Question
from bot.presentation import feedback_lines

QUESTION = Question(
    id="ridge",
    pack="sample",
    prompt="How does regularization reduce overfitting in a linear model?",
    answer="A penalty on the weights ...",
    key_points=(
        "An L2 penalty shrinks the weights towards zero.",
        "Smaller weights lower the variance at the cost of a little bias.",
        "The penalty strength is tuned with cross-validation.",
    ),
    difficulty=Difficulty.BEGINNER,
    category=Category.CONCEPT,
    topics=("regularization",),
    code=None,
    choices=(),
    cues=((), ("less variance more bias", "bias variance trade"), ()),
)
SYNONYMS = [("l2 penalty", "ridge", "weight decay"), ("cross validation", "cv", "k-fold")]


def check(text: str):
    return Matcher(SYNONYMS).check(QUESTION, text)


def test_a_point_is_covered_by_its_own_words_or_their_synonyms():
    feedback = check("Ridge shrinks weights toward zero. Tune the strength by CV.")
    assert [point.covered for point in feedback.points] == [True, False, True]
    assert feedback.points[0].matched == ("ridge", "shrinks", "toward", "weights", "zero")
    assert feedback.suggestion == QUESTION.key_points[1]


def test_a_cue_covers_a_point_its_words_would_not():
    feedback = check("You get less variance but a bit more bias.")
    assert feedback.points[1].covered  # "more" is a function word: not shown as matched
    assert feedback.points[1].matched == ("bias", "less", "variance")


def test_the_words_must_be_in_one_sentence():
    assert not check("Less variance. More bias.").points[1].covered


def test_every_point_covered_is_strong_and_none_is_missing():
    strong = check(
        "Weight decay shrinks the weights to zero. That gives less variance, more bias. "
        "Tune its strength with k-fold."
    )
    assert strong.strength is Strength.STRONG and strong.covered == 3
    assert check("Gradient boosting builds trees one after another.").strength is Strength.MISSING


def test_copying_the_prompt_back_covers_nothing():
    assert check(QUESTION.prompt).covered == 0


def test_a_list_of_the_key_words_covers_nothing():
    feedback = check("ridge, weights, zero, variance, bias, cross-validation, strength")
    assert feedback.term_list and feedback.covered == 0


def test_british_and_american_spellings_match():
    question = replace(
        QUESTION, key_points=("Normalise the inputs first.", *QUESTION.key_points[1:])
    )
    assert Matcher(SYNONYMS).check(question, "Normalize your inputs first.").points[0].covered


def test_the_lines_escape_the_member_s_words_and_the_key_points():
    feedback = check("Ridge <@123> shrinks the weights to zero.")
    lines = feedback_lines(feedback, lambda text: text.replace("<", "&lt;"))
    assert lines[0] == "Key points: 1 of 3 covered (checked locally)."
    assert lines[1].startswith("✓ 1. An L2 penalty") and "<" not in "".join(lines)
    assert lines[-1] == f"To add next time: {QUESTION.key_points[1]}"
