"""What qotd's buttons carry in their ids: one format per button, shared by every front end.

A button's state travels in its id (`qotd:answer:<post>:<letter>`), so it still works after a
restart. Each format is written once: `build` makes an id, `pattern` (anchored) reads it back
and is what Discord's DynamicItem templates and Slack's action listeners route by, and
`match` gives its fields. A database id has at most 18 digits here, so it always fits a signed
64-bit integer; any other `qotd:` id (an old format, a forged or out-of-range id) is stale.
"""

from __future__ import annotations

import re
import string

PREFIX = "qotd:"
RATINGS = ("again", "hard", "good", "easy")  # the self-ratings of a written answer
_ROW_ID = r"\d{1,18}"


class ActionId:
    """One id format, read both ways, so building and routing can never drift apart."""

    def __init__(self, layout: str, **fields: str) -> None:
        self.layout = layout
        regex = ""
        for literal, name, _, _ in string.Formatter().parse(layout):
            regex += re.escape(literal)
            if name is not None:
                regex += f"(?P<{name}>{fields[name]})"
        self.pattern = re.compile(f"^{regex}$")

    def build(self, **values: object) -> str:
        """The id carrying `values`."""
        return self.layout.format(**values)

    def match(self, action_id: str) -> re.Match[str] | None:
        """The id's fields, or None when it is not of this format."""
        return self.pattern.fullmatch(action_id)


ANSWER = ActionId("qotd:answer:{post}:{letter}", post=_ROW_ID, letter="[A-D]")
WRITE = ActionId("qotd:write:{post}", post=_ROW_ID)
# A review session runs on the quiz machinery; its buttons say which, for the labels.
QUIZ = ActionId(
    "qotd:{kind}:{quiz}:{position}:{letter}",
    kind="quiz|review",
    quiz=_ROW_ID,
    position=r"\d{1,3}",
    letter="[A-D]",
)
QUIZ_STOP = ActionId("qotd:{kind}-stop:{quiz}", kind="quiz|review", quiz=_ROW_ID)
RATE = ActionId("qotd:rate:{post}:{rating}", post=_ROW_ID, rating="|".join(RATINGS))
# A suggestion's Accept / Accept as written-answer only / Edit / Decline: only the number
# travels; the group always comes from where the click came from.
SUGGESTION_VERBS = ("accept", "written", "edit", "decline")
SUGGESTION = ActionId(
    "qotd:suggestion:{verb}:{number}", verb="|".join(SUGGESTION_VERBS), number=_ROW_ID
)
# A vote for the most helpful written answer of a revealed post: the answer's id only.
VOTE = ActionId("qotd:vote:{answer}", answer=_ROW_ID)
BUTTONS = (ANSWER, WRITE, QUIZ, QUIZ_STOP, RATE, SUGGESTION, VOTE)


def is_stale(action_id: str) -> bool:
    """A `qotd:` id no button format takes."""
    return action_id.startswith(PREFIX) and not any(button.match(action_id) for button in BUTTONS)
