"""The group's own questions on the console: suggest, review, accept with an edit, the post
with its credit, the answer, the reveal and the board; import and export by file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.console.test_console_session import MONDAY_8, Console


@pytest.fixture
async def console(core, clock) -> Console:
    clock.set(MONDAY_8)
    session = Console(core)
    await session.session.start(None, MONDAY_8)
    return session


SUGGESTION = (
    "suggest Why can a model with 99% accuracy still be useless on a rare-disease test? | "
    "Accuracy hides the minority class: predicting healthy for everyone already scores 99%. | "
    "*Accuracy hides the rare class -- the majority already scores 99%; "
    "The model is overfitted -- nothing says so; The data is too small -- size is not it; "
    "Accuracy is always wrong -- it is fine on balanced classes"
)


async def test_the_whole_loop_from_suggestion_to_the_board(console: Console) -> None:
    await console.say("schedule 09:00 Europe/Berlin daily reveal after 8h", "as ada")
    out = await console.say(SUGGESTION)
    assert "Suggestion #1 is with the group's admins" in out
    out = await console.say("as you", "suggestions")
    assert "#1 from ada" in out and "choices: *Accuracy hides" in out
    out = await console.say("accept 1")
    assert "error: The question is not complete" in out and "key_points: missing" in out
    out = await console.say(
        "accept 1 key_points=accuracy hides the rare class; look at recall "
        "tags=intermediate, concept, evaluation"
    )
    assert "[private to ada] Your suggested question #1 was accepted" in out
    assert "One question in 1" not in await console.say("questions source 1")
    out = await console.say("next")
    assert "(suggested by ada)" in out and "A) Accuracy hides the rare class" in out
    assert "Right!" in await console.say("as bo", "answer A")
    out = await console.say("next")
    assert "== Answer · Day 1 ==" in out and "look at recall" in out
    assert "bo" in await console.say("leaderboard")
    assert "No suggestions are waiting." in await console.say("as you", "suggestions")


async def test_a_declined_suggestion_tells_the_member_the_reason(console: Console) -> None:
    await console.say("schedule 09:00 Europe/Berlin", "as ada", SUGGESTION, "as you")
    out = await console.say("decline 1 We had this one last week.")
    assert (
        "[private to ada] Your suggested question #1 was declined. The admin's reason: We had this one last week."
        in out
    )
    assert "error: Suggestion #1 was declined already." in await console.say("accept 1")


async def test_export_then_import_into_a_file_round_trip(console: Console, tmp_path: Path) -> None:
    await console.say("schedule 09:00 Europe/Berlin", SUGGESTION)
    await console.say("accept 1 key_points=the rare class tags=beginner, concept, evaluation")
    exported = tmp_path / "ours.yaml"
    assert "Wrote the group's questions" in await console.say(f"questions export {exported}")
    out = await console.say(f"questions import {exported} dry-run")
    assert "error:" in out and "already has a question with this id" in out
    assert "Retired 'suggestion-1'" in await console.say("questions retire suggestion-1")
    assert "(retired)" in await console.say("questions list")


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("suggest only a prompt", "Usage: suggest"),
        ("accept x", "not a suggestion number"),
        ("accept 1 colour=red", "Changes are written field=value"),
        ("questions import /no/such/file.yaml", "Cannot read"),
        ("questions import notes.txt", "neither a .yaml nor a .csv"),
        ("questions source -1", "Use 0"),
        ("questions frobnicate", "Usage: questions"),
    ],
)
async def test_bad_input_gets_a_specific_error(console: Console, line: str, error: str) -> None:
    await console.say("schedule 09:00 Europe/Berlin")
    out = await console.say(line)
    assert out.startswith("error:") and error in out, out
