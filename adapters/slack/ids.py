"""Action and view ids: the state a button needs travels in its id, so it survives restarts."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack import limits
from bot.domain import action_ids
from bot.domain.identity import is_row_id
from bot.errors import QotdError

# The buttons' formats are shared with Discord (bot/domain/action_ids.py); any other `qotd:`
# action (old, forged, an id past 64 bits) is answered as stale (STALE). Bolt routes an action
# to the first listener whose pattern it matches.
ANSWER = action_ids.ANSWER.pattern
WRITE = action_ids.WRITE.pattern
QUIZ = action_ids.QUIZ.pattern
QUIZ_STOP = action_ids.QUIZ_STOP.pattern
RATE = action_ids.RATE.pattern
SUGGESTION = action_ids.SUGGESTION
VOTE = action_ids.VOTE.pattern
STALE = re.compile(f"^{action_ids.PREFIX}")
WRITE_VIEW = "qotd:write-view"
SCHEDULE_VIEW = "qotd:schedule-view"
SUGGEST_VIEW = "qotd:suggest-view"
SUGGESTION_EDIT_VIEW = "qotd:suggestion-edit-view"
DECLINE_VIEW = "qotd:decline-view"
QUESTION_EDIT_VIEW = "qotd:question-edit-view"
WRITE_BLOCK = "answer"
WRITE_INPUT = "text"


def answer(post_id: int, letter: str) -> str:
    return _checked(action_ids.ANSWER.build(post=post_id, letter=letter))


def write(post_id: int) -> str:
    return _checked(action_ids.WRITE.build(post=post_id))


def quiz(quiz_id: int, position: int, letter: str, kind: str = "quiz") -> str:
    return _checked(
        action_ids.QUIZ.build(kind=_kind(kind), quiz=quiz_id, position=position, letter=letter)
    )


def quiz_stop(quiz_id: int, kind: str = "quiz") -> str:
    return _checked(action_ids.QUIZ_STOP.build(kind=_kind(kind), quiz=quiz_id))


def rate(post_id: int, rating: str) -> str:
    return _checked(action_ids.RATE.build(post=post_id, rating=rating))


def suggestion(verb: str, number: int) -> str:
    """A suggestion's button: the action and the suggestion's number, nothing else."""
    return _checked(SUGGESTION.build(verb=verb, number=number))


def vote(answer_id: int) -> str:
    """A vote button: the written answer's id only; the channel comes from the click."""
    return _checked(action_ids.VOTE.build(answer=answer_id))


def _kind(kind: str) -> str:
    return "review" if kind == "review" else "quiz"


def _checked(action_id: str) -> str:
    assert len(action_id) <= limits.ACTION_ID, action_id
    return action_id


@dataclass(frozen=True, slots=True)
class ViewContext:
    """What a modal remembers between opening and submission (its private_metadata)."""

    team_id: str
    channel_id: str
    post_id: int | None = None
    # What else the form is about: a suggestion's number, a group question's id.
    target: str | None = None

    def dump(self) -> str:
        data: dict[str, object] = {"t": self.team_id, "c": self.channel_id, "p": self.post_id}
        if self.target is not None:
            data["s"] = self.target
        text = json.dumps(data)
        assert len(text) <= limits.PRIVATE_METADATA
        return text

    @classmethod
    def load(cls, text: str) -> ViewContext:
        try:
            data = json.loads(text)
            post_id = data.get("p")
            if post_id is not None and not (type(post_id) is int and is_row_id(post_id)):
                raise ValueError(post_id)
            target = data.get("s")
            if target is not None and not isinstance(target, str):
                raise ValueError(target)
            return cls(str(data["t"]), str(data["c"]), post_id, target)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise QotdError("This form is out of date: open it again.") from None


# Message metadata marks qotd's own channel messages, so a retry can find what a crashed
# attempt already posted (conversations.history with include_all_metadata).
POST_EVENT = "qotd_post"
REVEAL_EVENT = "qotd_reveal"


def metadata(event_type: str, post_id: int, part: int = 0) -> dict[str, Any]:
    """The `metadata` of a question or reveal message (`part`: which of a reveal's messages)."""
    payload: dict[str, Any] = {"post_id": post_id}
    if part:
        payload["part"] = part
    return {"event_type": event_type, "event_payload": payload}


def part(message: Mapping[str, Any]) -> int:
    """Which of a reveal's messages this is (0, the first, when the metadata does not say)."""
    payload = message["metadata"]["event_payload"]
    value = payload.get("part", 0)
    return value if type(value) is int and 0 <= value < 1000 else 0


def carries(message: Mapping[str, Any], event_type: str, post_id: int) -> bool:
    """Whether a message from conversations.history/replies is qotd's `event_type` for post_id."""
    data = message.get("metadata")
    if not isinstance(data, Mapping) or data.get("event_type") != event_type:
        return False
    payload = data.get("event_payload")
    return isinstance(payload, Mapping) and str(payload.get("post_id")) == str(post_id)
