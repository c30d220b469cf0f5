"""Group question files (YAML and CSV) are read and checked as pack files are, with every
problem reported by row and field."""

from __future__ import annotations

import pytest

from bot.content.records import QuestionsRejected, csv_of, dump_yaml, file_format, parse_questions
from bot.content.schema import QuestionSpec

TOPICS = {"validation", "evaluation"}
HEADER = "id,prompt,answer,key_points,difficulty,category,topics,choice_a,why_a,choice_b,why_b,choice_c,why_c,choice_d,why_d,correct\n"
ROW = (
    'cv-{n},What does cross-validation estimate? ({n}),"How well a model does on unseen data, '
    'averaged over folds.","held-out error\naveraged over folds",beginner,concept,validation,'
    "Generalisation,held-out folds,Training loss,fitted data,Feature count,unrelated,Step size,"
    "a hyperparameter,{correct}\n"
)


def test_a_csv_reads_lists_cells_and_the_correct_letter() -> None:
    text = "\ufeff" + HEADER + ROW.format(n=1, correct="A") + ",,,,,,,,,,,,,,,\n"
    [question] = parse_questions(text, "csv", TOPICS)
    assert question.key_points == ["held-out error", "averaged over folds"]
    assert [c.correct for c in question.choices] == [True, False, False, False]


def test_every_problem_is_reported_with_its_row_and_field() -> None:
    bad = ROW.format(n=2, correct="").replace("beginner", "easy")
    text = HEADER + ROW.format(n=1, correct="a") + bad + ROW.format(n=1, correct="b")
    with pytest.raises(QuestionsRejected) as rejected:
        parse_questions(text, "csv", TOPICS)
    assert [(p.where, p.field) for p in rejected.value.problems] == [
        ("row 3", "difficulty"),
        ("row 3", "choices"),
        ("row 4", "id"),
    ]
    assert "row 4 (cv-1): id: already used by row 2" in rejected.value.message


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("id,prompt,colour\n", "csv", "unknown column 'colour'"),
        ("prompt,answer\n", "csv", "no 'id' column"),
        ("questions: [", "yaml", "not valid YAML"),
        ("just a string", "yaml", "must be `questions:`"),
        ("questions: []", "yaml", "no questions"),
        ("questions:\n- 42\n", "yaml", "question 1: (question): not a mapping"),
    ],
)
def test_a_broken_file_is_refused_with_what_is_wrong(text: str, kind: str, message: str) -> None:
    with pytest.raises(QuestionsRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_questions(text, kind, TOPICS)


def test_yaml_and_csv_round_trip_to_the_same_questions() -> None:
    [question] = parse_questions(HEADER + ROW.format(n=1, correct="c"), "csv", TOPICS)
    assert parse_questions(dump_yaml([question]), "yaml", TOPICS) == [question]
    assert parse_questions(csv_of([question]), "csv", TOPICS) == [question]
    assert isinstance(question, QuestionSpec)


def test_only_yaml_and_csv_files_are_read() -> None:
    assert file_format("Ours.YML") == "yaml" and file_format("a.csv") == "csv"
    with pytest.raises(Exception, match="neither"):
        file_format("notes.txt")
