"""Domain errors: each carries a message a member or admin can read as it is.

Front ends map `QotdError` to a reply in exactly one place; anything else is a bug.
"""

from __future__ import annotations


class QotdError(Exception):
    """Base of every error a person can fix or should be told about."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadSchedule(QotdError):
    """A schedule string (time, days, reveal rule) that cannot be read."""


class UnknownTimeZone(BadSchedule):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"Unknown time zone {name!r}. Use an IANA name such as Europe/Berlin, "
            "America/New_York or UTC."
        )
        self.name = name


class NotSubscribed(QotdError):
    def __init__(self) -> None:
        super().__init__("This channel has no schedule yet. An admin can set one with `schedule`.")


class NotThisChannel(QotdError):
    """An action on a post, review or schedule of another workspace/guild or channel."""

    def __init__(self, what: str = "question") -> None:
        super().__init__(f"That {what} belongs to another channel.")


class StaleButton(QotdError):
    """A button or form id that does not parse: an old format, or not one qotd made."""

    def __init__(self) -> None:
        super().__init__("That button is out of date or not one of ours.")


class PermissionDenied(QotdError):
    """The member lacks the platform permission an admin action needs."""


class UnknownQuestion(QotdError):
    def __init__(self, question_id: str) -> None:
        super().__init__(f"There is no question {question_id!r} in this channel's pack.")
        self.question_id = question_id


class NoOpenPost(QotdError):
    def __init__(self) -> None:
        super().__init__("There is no open question in this channel right now.")


class AlreadyAnswered(QotdError):
    """A second attempt at the same part of an answer."""


class AnswersClosed(QotdError):
    def __init__(self) -> None:
        super().__init__(
            "Answers for this question are closed: the reference answer has been revealed."
        )


class InvalidAnswer(QotdError):
    """An answer the bot cannot accept as given (unknown letter, empty or overlong text)."""


class NoQuestions(QotdError):
    """No question matches the filters asked for."""


class QuizNotFound(QotdError):
    def __init__(self) -> None:
        super().__init__("That quiz is over or was never started. Start a new one with `quiz`.")


class DayTaken(QotdError):
    """A subscription's local day already has its post (one per day, whoever claimed it)."""

    def __init__(self) -> None:
        super().__init__("Today's question is already out (one per day): see it with `today`.")


class StorageConflict(QotdError):
    """A change clashed with one made at the same time (a constraint the database enforces):
    nothing was stored, and the same request may work when tried again."""

    def __init__(self) -> None:
        super().__init__(
            "That clashed with another change made at the same moment; nothing was saved. "
            "Please try again."
        )


class StorageUnavailable(QotdError):
    """The database did not answer: unreachable, or past its time limit. Not a bug in qotd
    and not bad input; the same request may work in a minute."""

    def __init__(self, *, timed_out: bool) -> None:
        self.timed_out = timed_out
        super().__init__(
            "The bot's database did not answer in time. Please try again in a minute."
            if timed_out
            else "The bot cannot reach its database right now. Please try again in a minute."
        )


class AnswerNotSaved(QotdError):
    """The database could not take the answer: the member must know it was not recorded."""

    def __init__(self, *, timed_out: bool = True) -> None:
        super().__init__(
            "Your answer was NOT saved: the bot's database did not answer in time. "
            "Please send it again in a minute."
            if timed_out
            else "Your answer was NOT saved: the bot cannot reach its database right now. "
            "Please send it again in a minute."
        )
