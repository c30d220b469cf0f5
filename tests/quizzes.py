"""What a test needs to answer a practice quiz or review exactly: the question behind a
button, read from the quiz's own state (button ids look alike on every front end)."""

from __future__ import annotations

from bot.domain.question import Question
from bot.services.context import Core


async def quiz_question(core: Core, button: str) -> Question:
    """The question a `qotd:quiz:<quiz>:<position>:<letter>` (or review) button belongs to."""
    _, _, quiz_id, position, _ = button.split(":")
    async with core.storage.read() as uow:
        state = await uow.quizzes.get(int(quiz_id))
    assert state is not None, f"no quiz {quiz_id}"
    return core.library.pack(state.pack).by_id[state.question_ids[int(position)]]


async def right_and_wrong(core: Core, button: str) -> tuple[str, str]:
    """The right letter of the button's question, and a wrong one."""
    right = (await quiz_question(core, button)).correct_letter
    assert right is not None
    return right, next(letter for letter in "ABCD" if letter != right)
