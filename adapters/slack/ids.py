"""Action and view ids: the state a button needs travels in its id, so it survives restarts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from adapters.slack import limits
from bot.errors import QotdError

ANSWER = re.compile(r"^qotd:answer:(\d{1,18}):([A-D])$")
WRITE = re.compile(r"^qotd:write:(\d{1,18})$")
QUIZ = re.compile(r"^qotd:quiz:(\d{1,18}):(\d{1,3}):([A-D])$")
QUIZ_STOP = re.compile(r"^qotd:quiz-stop:(\d{1,18})$")
WRITE_VIEW = "qotd:write-view"
SCHEDULE_VIEW = "qotd:schedule-view"
WRITE_BLOCK = "answer"
WRITE_INPUT = "text"


def answer(post_id: int, letter: str) -> str:
    return _checked(f"qotd:answer:{post_id}:{letter}")


def write(post_id: int) -> str:
    return _checked(f"qotd:write:{post_id}")


def quiz(quiz_id: int, position: int, letter: str) -> str:
    return _checked(f"qotd:quiz:{quiz_id}:{position}:{letter}")


def quiz_stop(quiz_id: int) -> str:
    return _checked(f"qotd:quiz-stop:{quiz_id}")


def _checked(action_id: str) -> str:
    assert len(action_id) <= limits.ACTION_ID, action_id
    return action_id


@dataclass(frozen=True, slots=True)
class ViewContext:
    """What a modal remembers between opening and submission (its private_metadata)."""

    team_id: str
    channel_id: str
    post_id: int | None = None

    def dump(self) -> str:
        text = json.dumps({"t": self.team_id, "c": self.channel_id, "p": self.post_id})
        assert len(text) <= limits.PRIVATE_METADATA
        return text

    @classmethod
    def load(cls, text: str) -> ViewContext:
        try:
            data = json.loads(text)
            return cls(str(data["t"]), str(data["c"]), data.get("p"))
        except (ValueError, KeyError, TypeError):
            raise QotdError("This form is out of date: open it again.") from None
