"""The one-line words of `suggest`, `accept` and `decline` (the console, Slack's slash command,
which keeps the line breaks typed)."""

from __future__ import annotations

import pytest

from bot.domain.form_words import accept_words, decline_words, field_changes, one_line_form
from bot.errors import QotdError

USAGE = "Usage: the words"


def test_changes_take_listed_lines_from_semicolons_or_line_breaks():
    changes = field_changes("key_points=first; second\nthird tags=beginner, concept")

    assert changes == {"key_points": "first\nsecond\nthird", "tags": "beginner, concept"}


def test_a_field_name_inside_a_value_is_not_a_new_field():
    assert field_changes("answer=use prompt=caution") == {"answer": "use", "prompt": "caution"}
    assert field_changes("answer=see the_prompt=x") == {"answer": "see the_prompt=x"}


def test_words_before_the_first_change_are_refused():
    with pytest.raises(QotdError, match="field=value"):
        field_changes("please tags=beginner")


def test_accept_reads_the_number_written_only_and_changes():
    decision = accept_words("#7 written-only tags=beginner", USAGE)

    assert (decision.number, decision.written_only) == (7, True)
    assert decision.changes == {"tags": "beginner"}
    assert accept_words("7", USAGE).changes == {}


@pytest.mark.parametrize("words", ["", "seven", "0", "-1", "1" * 19, "٣"])
def test_a_number_is_a_database_id_or_refused(words):
    with pytest.raises(QotdError):
        accept_words(words, USAGE)


def test_decline_keeps_the_whole_reason():
    assert decline_words("3 Too close to last week's | see #2", USAGE) == (
        3,
        "Too close to last week's | see #2",
    )


def test_a_one_line_suggestion_has_a_question_and_an_answer_at_least():
    form = one_line_form("Why? | Because. | *a -- right; b -- wrong", USAGE)

    assert (form.prompt, form.answer, form.choices) == (
        "Why?",
        "Because.",
        "*a -- right\nb -- wrong",
    )
    with pytest.raises(QotdError, match="Usage"):
        one_line_form("Only a question", USAGE)
