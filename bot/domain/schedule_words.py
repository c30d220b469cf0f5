"""Reading a schedule typed as words: `09:00 Europe/Berlin mon-fri reveal after 8h topics a,b`.

Text front ends (the console, Slack's /qotd) share this one reading; Discord's slash-command
options arrive already split and go straight to `Schedule.parse`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from bot.domain.schedule import Schedule
from bot.errors import BadSchedule

OPTION_WORDS = ("reveal", "topics", "difficulty", "pack", "thread", "mention")


@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    """Everything `schedule_channel` needs, read from what an admin typed."""

    schedule: Schedule
    pack: str | None = None
    difficulties: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    thread: bool = False
    mention: str | None = None  # as typed; each front end reads its own mention syntax


def parse_schedule_words(text: str, usage: str) -> ScheduleRequest:
    """`<HH:MM> <Time/Zone> [days] [reveal after 8h|reveal at 17:00] [topics a,b]
    [difficulty x,y] [pack id] [thread] [mention who]` -> ScheduleRequest; BadSchedule otherwise."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise BadSchedule(usage) from None
    if len(words) < 2:
        raise BadSchedule(usage)
    post_time, timezone, rest = words[0], words[1], words[2:]
    days = "daily"
    if rest and rest[0].lower() not in OPTION_WORDS:
        days = rest.pop(0)
    options = _options(rest, usage)
    return ScheduleRequest(
        schedule=Schedule.parse(post_time, timezone, days, options.get("reveal")),
        pack=options.get("pack"),
        difficulties=_list(options.get("difficulty")),
        topics=_list(options.get("topics")),
        thread="thread" in options,
        mention=options.get("mention"),
    )


def _options(words: list[str], usage: str) -> dict[str, str]:
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
            raise BadSchedule(f"Cannot read {words[index]!r} in the schedule options. {usage}")
    return options


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(item for item in (value or "").split(",") if item)
