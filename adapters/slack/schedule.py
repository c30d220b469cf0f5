"""Reading a schedule from `/qotd schedule ...` words or from the schedule modal."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from adapters.slack.mrkdwn import subteam_mention
from bot.domain.schedule import Schedule
from bot.domain.schedule_words import ScheduleRequest, parse_schedule_words
from bot.errors import BadSchedule

USAGE = (
    "Usage: `/qotd schedule <HH:MM> <Time/Zone> [days] [reveal after 8h | reveal at 17:00] "
    "[topics a,b] [difficulty beginner,intermediate] [pack ml] [thread] [mention @group]`, "
    "for example `/qotd schedule 09:00 Europe/Berlin mon-fri`. "
    "`/qotd schedule` alone opens a form."
)


def from_words(text: str) -> ScheduleRequest:
    """`09:00 Europe/Berlin mon-fri reveal after 8h topics a,b thread` -> ScheduleRequest."""
    request = parse_schedule_words(text, USAGE)
    if request.mention is None:
        return request
    mention = subteam_mention(request.mention)
    if mention is None:
        raise BadSchedule(
            "`mention` takes a user group, such as `mention @ml-study` (Slack user groups only)."
        )
    return replace(request, mention=mention)


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
