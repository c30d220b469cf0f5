"""/qotd schedule's options merged with the channel's current schedule.

Discord sends only the options an admin filled in. A new schedule takes the defaults for the
rest; an existing one keeps its current values, so `/qotd schedule time:09:30` moves the post
time and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.schedule import RevealRule, Schedule, parse_days, parse_time
from bot.domain.schedule_words import ScheduleRequest
from bot.domain.subscription import Subscription
from bot.errors import BadSchedule

CLEAR = "all"  # `topics:all` or `difficulty:all` removes that filter
NEEDS_TIME = "A new schedule needs a post time: for example `/qotd schedule time:09:00`."
ROLE_AND_NO_ROLE = "Give either `role` or `no_role`, not both."


@dataclass(frozen=True, slots=True)
class ScheduleOptions:
    """What an admin typed into /qotd schedule; None means the option was left out."""

    time: str | None = None
    timezone: str | None = None
    days: str | None = None
    reveal: str | None = None
    pack: str | None = None
    difficulty: str | None = None
    topics: str | None = None
    role: str | None = None  # the role's id
    no_role: bool = False
    thread: bool | None = None


def merged_request(
    given: ScheduleOptions, current: Subscription | None, default_timezone: str
) -> ScheduleRequest:
    """The schedule to save: the options given, and for the others the channel's current
    values (or the defaults when the channel has no schedule yet)."""
    if given.role is not None and given.no_role:
        raise BadSchedule(ROLE_AND_NO_ROLE)
    if current is None:
        return _new(given, default_timezone)
    kept = current.filter
    return ScheduleRequest(
        schedule=_changed(current.schedule, given),
        pack=given.pack or current.pack,
        difficulties=_list(given.difficulty, sorted(level.value for level in kept.difficulties)),
        topics=_list(given.topics, sorted(kept.topics)),
        thread=current.thread if given.thread is None else given.thread,
        mention=None if given.no_role else given.role or current.mention,
    )


def _new(given: ScheduleOptions, default_timezone: str) -> ScheduleRequest:
    if given.time is None:
        raise BadSchedule(NEEDS_TIME)
    return ScheduleRequest(
        schedule=Schedule.parse(
            given.time, given.timezone or default_timezone, given.days or "daily", given.reveal
        ),
        pack=given.pack,
        difficulties=_list(given.difficulty, []),
        topics=_list(given.topics, []),
        thread=bool(given.thread),
        mention=given.role,
    )


def _changed(schedule: Schedule, given: ScheduleOptions) -> Schedule:
    return Schedule(
        parse_time(given.time) if given.time else schedule.post_time,
        given.timezone.strip() if given.timezone else schedule.timezone,
        parse_days(given.days) if given.days else schedule.days,
        RevealRule.parse(given.reveal) if given.reveal else schedule.reveal,
    )


def _list(text: str | None, kept: list[str]) -> tuple[str, ...]:
    """A comma-separated option: the items given, none for `all`, else the kept ones."""
    if text is None:
        return tuple(kept)
    items = tuple(item.strip() for item in text.split(",") if item.strip())
    return () if [item.lower() for item in items] == [CLEAR] else items
