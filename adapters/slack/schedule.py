"""Reading a schedule from `/qotd schedule ...` words or from the schedule modal."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from adapters.slack.mrkdwn import subteam_mention
from bot.domain.schedule import Schedule
from bot.errors import BadSchedule, QotdError

USAGE = (
    "Usage: `/qotd schedule <HH:MM> <Time/Zone> [days] [reveal after 8h | reveal at 17:00] "
    "[topics a,b] [difficulty beginner,intermediate] [pack ml] [thread] [mention @group]`, "
    "for example `/qotd schedule 09:00 Europe/Berlin mon-fri`. "
    "`/qotd schedule` alone opens a form."
)
OPTION_WORDS = ("reveal", "topics", "difficulty", "pack", "thread", "mention")


@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    """Everything `schedule_channel` needs, read from what an admin typed or picked."""

    schedule: Schedule
    pack: str | None = None
    difficulties: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    thread: bool = False
    mention: str | None = None


def from_words(text: str) -> ScheduleRequest:
    """`09:00 Europe/Berlin mon-fri reveal after 8h topics a,b thread` -> ScheduleRequest."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise QotdError(USAGE) from None
    if len(words) < 2:
        raise QotdError(USAGE)
    post_time, timezone, rest = words[0], words[1], words[2:]
    days = "daily"
    if rest and rest[0].lower() not in OPTION_WORDS:
        days = rest.pop(0)
    options = _options(rest)
    mention = None
    if "mention" in options:
        mention = subteam_mention(options["mention"])
        if mention is None:
            raise BadSchedule(
                "`mention` takes a user group, such as `mention @ml-study` (Slack user groups only)."
            )
    return ScheduleRequest(
        schedule=Schedule.parse(post_time, timezone, days, options.get("reveal")),
        pack=options.get("pack"),
        difficulties=_list(options.get("difficulty")),
        topics=_list(options.get("topics")),
        thread="thread" in options,
        mention=mention,
    )


def _options(words: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    index = 0
    while index < len(words):
        key = words[index].lower()
        if key == "thread":
            options["thread"] = "yes"
            index += 1
        elif key == "reveal" and index + 1 < len(words):
            # `reveal after 8h`, `reveal at 17:00`, or just `reveal 8h`
            width = 2 if words[index + 1].lower() in ("after", "at") else 1
            options["reveal"] = " ".join(words[index + 1 : index + 1 + width])
            index += 1 + width
        elif key in ("topics", "difficulty", "pack", "mention") and index + 1 < len(words):
            options[key] = words[index + 1]
            index += 2
        else:
            raise BadSchedule(f"Cannot read {words[index]!r} in the schedule options. {USAGE}")
    return options


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(item for item in (value or "").split(",") if item)


def from_modal(values: dict[str, dict[str, Any]]) -> ScheduleRequest:
    """The schedule modal's state -> ScheduleRequest; BadSchedule names the field at fault."""
    post_time = _value(values, "time").get("selected_time") or ""
    timezone = _value(values, "timezone").get("value") or ""
    days = ",".join(_selected(values, "days"))
    if not days:
        raise FieldError("days", "Pick at least one day.")
    reveal = _value(values, "reveal").get("value") or "after 8h"
    try:
        schedule = Schedule.parse(post_time, timezone, days, reveal)
    except BadSchedule as error:
        raise FieldError(_field_of(error), error.message) from None
    return ScheduleRequest(
        schedule=schedule,
        difficulties=tuple(_selected(values, "difficulty")),
        topics=tuple(_selected(values, "topics")),
        thread=bool(_selected(values, "thread")),
    )


class FieldError(BadSchedule):
    """A bad value in one field of the schedule modal (shown under that field)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


def _field_of(error: BadSchedule) -> str:
    text = error.message.lower()
    if "time zone" in text:
        return "timezone"
    if "reveal" in text:
        return "reveal"
    if "days" in text or "weekday" in text:
        return "days"
    return "time"


def _value(values: dict[str, dict[str, Any]], block_id: str) -> dict[str, Any]:
    state: dict[str, Any] = values.get(block_id, {}).get("value") or {}
    return state


def _selected(values: dict[str, dict[str, Any]], block_id: str) -> list[str]:
    state = _value(values, block_id)
    return [str(option["value"]) for option in state.get("selected_options") or []]
