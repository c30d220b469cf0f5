"""A bad pack is one clear error naming file, question and field; nothing half-loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.content.checks import check_pack
from bot.content.loader import PackError, load_library, load_pack
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "packs" / "sample"


def pack_with(tmp_path: Path, questions: list[dict]) -> Path:
    folder = tmp_path / "sample"
    folder.mkdir()
    shutil.copy(SAMPLE / "pack.yaml", folder / "pack.yaml")
    (folder / "questions.yaml").write_text(
        yaml.safe_dump({"questions": questions}), encoding="utf-8"
    )
    return folder


def good_question(**changes) -> dict:
    question = yaml.safe_load((SAMPLE / "questions.yaml").read_text())["questions"][0]
    question.update(changes)
    return question


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"difficulty": "expert"}, "difficulty", "beginner"),
        ({"category": "trivia"}, "category", "concept"),
        ({"topics": ["astrology"]}, "topics", "unknown topic"),
        ({"id": "Bad Id!"}, "id", "pattern"),
        ({"prompt": ""}, "prompt", "at least"),
        ({"extra": 1}, "extra", "not permitted"),
    ],
)
def test_a_bad_field_names_the_file_the_question_and_the_field(tmp_path, changes, field, problem):
    folder = pack_with(
        tmp_path, [good_question(id="fine-one"), good_question(**{"id": "broken-one", **changes})]
    )
    with pytest.raises(PackError) as raised:
        load_pack(folder)
    message = raised.value.message
    assert "questions.yaml" in message
    assert field in message
    assert problem.lower() in message.lower()
    if "id" not in changes:
        assert "broken-one" in message


def test_choices_need_exactly_four_with_one_correct(tmp_path):
    three = good_question(id="three")
    three["choices"] = three["choices"][:3]
    with pytest.raises(PackError, match="exactly 4 choices"):
        load_pack(pack_with(tmp_path, [three]))
    two_right = good_question(id="two-right")
    for choice in two_right["choices"][:2]:
        choice["correct"] = True
    shutil.rmtree(tmp_path / "sample")
    with pytest.raises(PackError, match="exactly one choice must be correct"):
        load_pack(pack_with(tmp_path, [two_right]))


def test_a_behavioral_question_with_choices_is_refused(tmp_path):
    question = good_question(id="talk", category="behavioral")
    with pytest.raises(PackError, match="behavioral"):
        load_pack(pack_with(tmp_path, [question]))


def test_duplicate_ids_across_files_are_refused(tmp_path):
    folder = pack_with(tmp_path, [good_question(id="same")])
    (folder / "more.yaml").write_text(yaml.safe_dump({"questions": [good_question(id="same")]}))
    with pytest.raises(PackError, match="already used"):
        load_pack(folder)


def test_broken_yaml_names_the_line(tmp_path):
    folder = pack_with(tmp_path, [good_question()])
    (folder / "questions.yaml").write_text("questions:\n  - id: x\n    prompt: [unclosed\n")
    with pytest.raises(PackError, match=r"questions.yaml: line \d+: not valid YAML"):
        load_pack(folder)


def test_a_library_with_one_bad_pack_loads_nothing(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "sample")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pack.yaml").write_text("id: broken\ntitle: x\ntopics: {a: b}\n")
    (broken / "q.yaml").write_text("questions: []\n")
    with pytest.raises(PackError, match="broken"):
        load_library(tmp_path)


def test_the_sample_pack_passes_its_checks():
    assert check_pack(load_pack(SAMPLE)) == []


def test_quality_checks_find_each_problem(tmp_path):
    question = good_question(
        id="short", answer="Too short an answer to teach anything at all.", key_points=["only one"]
    )
    coding = good_question(
        id="coder", category="coding", prompt="Write code that does something useful here?"
    )
    broken_code = good_question(
        id="broken-code", code="def f(:\n  pass", prompt="Another different prompt entirely here?"
    )
    dupe = good_question(id="dupe", prompt=question["prompt"])
    findings = [
        str(finding)
        for finding in check_pack(
            load_pack(pack_with(tmp_path, [question, coding, broken_code, dupe]))
        )
    ]
    assert any("'short'" in f and "answer" in f and "words" in f for f in findings)
    assert any("'short'" in f and "key_points" in f for f in findings)
    assert any("'coder'" in f and "needs code or solution_code" in f for f in findings)
    assert any("'broken-code'" in f and "does not compile" in f for f in findings)
    assert any("near-duplicate" in f for f in findings)


def test_give_aways_in_a_multiple_choice_set_are_found(tmp_path):
    printed = good_question(
        id="printed",
        prompt="What is the output size and parameter count of this convolution layer?",
        code="print(112, 9472)  # 112 9472",
    )
    printed["choices"][0]["text"] = "112 x 112 x 64 output, 9,472 parameters"
    stemless = good_question(id="stemless", prompt="A prompt about nothing in particular at all?")
    del stemless["stem"]
    absolute = good_question(id="absolute", prompt="Yet another prompt about other things?")
    absolute["choices"][1]["text"] = "It always works on every dataset"
    findings = [
        str(finding)
        for finding in check_pack(load_pack(pack_with(tmp_path, [printed, stemless, absolute])))
    ]
    assert any("'printed'" in f and "move it to solution_code" in f for f in findings)
    assert any("'stemless'" in f and "one-line question" in f for f in findings)
    assert any("'absolute'" in f and "absolute words" in f for f in findings)
    solved = good_question(id="solved", prompt="Write code for this task, please?")
    solved |= {"category": "coding", "solution_code": "print(112, 9472)"}
    (tmp_path / "solved").mkdir()
    assert check_pack(load_pack(pack_with(tmp_path / "solved", [solved]))) == []


def test_the_shipped_give_aways_of_the_first_edition_are_found():
    from bot.content.checks import gives_away

    code = "v = beta * v + grad   # accumulate\nw = w - lr * v"
    assert gives_away(code, "v = beta * v + grad, then w = w - lr * v")
    assert gives_away("# 112 9472", "112 x 112 x 64 output, 9,472 parameters")
    assert not gives_away("hours = [8, 23, 0]", "Sine and cosine place 23:00 next to 00:00")


def test_balance_checks_flag_a_pack_where_a_is_always_right(tmp_path):
    questions = []
    for index in range(24):
        question = good_question(
            id=f"q-{index}", prompt=f"Distinct prompt {index} about subject {index * 7}?"
        )
        for position, choice in enumerate(question["choices"]):
            choice["correct"] = position == 0
            choice["text"] = "the long right answer here" if position == 0 else f"short {position}"
        questions.append(question)
    findings = [str(finding) for finding in check_pack(load_pack(pack_with(tmp_path, questions)))]
    assert any("correct letter A on 100%" in f for f in findings)
    assert any("longest on 100%" in f for f in findings)
