"""The group's-own-question loop every front end must play the same way: a member suggests,
an admin sees the queue, accepts it with an edit, the member is told privately, the question
is posted on its day with credit, answered, revealed and counted on the board.

A front end joins by implementing `SuggestionDriver` (the daily-loop Driver's steps plus the
ones below, each driving the real front end: its form, its buttons, its commands) and calling
`play_suggestion_loop`. Shared markers in replies:

- a sent suggestion's reply contains "with the group's admins";
- the review queue shows each suggestion's number as "#<n>" and the member's name;
- an accepted suggestion's private notice to its member contains "was accepted";
- the post of a suggested question contains "suggested by" and the member's name, which
  never becomes a mention.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from bot.domain.question_form import QuestionForm
from tests.contract.scenario import Driver

HOSTILE_NAME = "Ada @everyone"
FORM = QuestionForm(
    prompt="Why can a model with 99% accuracy still be useless on a rare-disease test?",
    answer="Accuracy hides the minority class: predicting healthy for everyone already scores "
    "99%, so recall on the sick cases is the number that matters.",
    choices="*Accuracy hides the rare class | the majority class alone scores 99%\n"
    "The model is overfitted | nothing says train and test differ\n"
    "The data set is too small | size is not the issue here\n"
    "Accuracy is always wrong | it is fine on balanced classes",
)
EDIT = {
    "key_points": "accuracy hides the rare class\nlook at recall on the sick cases",
    "tags": "intermediate, concept, evaluation",
}


class SuggestionDriver(Driver, Protocol):
    async def suggest(self, member: str, form: QuestionForm) -> str:
        """The member opens the suggest form, fills it in and sends it; returns the reply."""
        ...

    async def review_queue(self, admin: str) -> str:
        """The admin lists the waiting suggestions; returns what they see."""
        ...

    async def accept_with_edit(self, admin: str, number: int, changes: dict[str, str]) -> str:
        """The admin edits suggestion #number's fields (the Edit form) and accepts it."""
        ...

    async def use_group_questions_only(self, admin: str) -> str:
        """The admin makes the channel's schedule draw from the group's own questions."""
        ...

    def private_notices(self, member: str) -> list[str]:
        """The private messages the bot sent the member (DMs), as text."""
        ...


async def play_suggestion_loop(driver: SuggestionDriver) -> None:
    reply = await driver.schedule("admin", "09:00", "UTC", "daily", "after 8h")
    assert "09:00" in reply, reply
    assert "with the group's admins" in await driver.suggest(HOSTILE_NAME, FORM)
    queue = await driver.review_queue("admin")
    assert "#1" in queue and "Ada" in queue and FORM.prompt[:40] in queue, queue
    reply = await driver.accept_with_edit("admin", 1, EDIT)
    assert "accepted" in reply.lower(), reply
    assert any("was accepted" in notice for notice in driver.private_notices(HOSTILE_NAME))
    await driver.use_group_questions_only("admin")

    await driver.advance(timedelta(days=1))
    post = driver.posts()[-1]
    assert FORM.prompt[:40] in post and "suggested by" in post.lower(), post
    assert "Ada" in post and "@everyone" not in post.replace("\\@everyone", ""), post
    assert "Right" in await driver.pick("bob", "A")
    await driver.advance(timedelta(hours=9))
    assert "look at recall" in driver.reveals()[-1]
    board = await driver.leaderboard("bob")
    assert "bob" in board.lower(), board
