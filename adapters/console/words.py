"""Reading console lines: comments, durations and commands that take no words."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.errors import QotdError

MAX_ADVANCE = timedelta(days=366)
# How much of an unknown or surplus word an error repeats: enough to recognise, never a flood.
ECHO_CHARS = 40

_COMMENT = re.compile(r"(?:^|(?<=\s))#.*$")
_DURATION_UNITS = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
}


def strip_comment(line: str) -> str:
    """Drop a `#` comment: `#` at the start or after a space begins one, as in a shell.

    A `#` inside a word (`C#`, `item#3`) is kept, and `\\#` is a literal `#`.
    """
    escaped = line.replace("\\#", "\0")
    return _COMMENT.sub("", escaped).replace("\0", "#").strip()


def echo(text: str) -> str:
    """`text` as an error may repeat it: cut to a few dozen characters."""
    return repr(text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS] + "…")


def no_words(command: str, args: str) -> None:
    """Refuse words after a command that takes none, instead of silently ignoring them."""
    if args:
        raise QotdError(f"`{command}` takes no words after it (got {echo(args)}).")


def parse_duration(text: str) -> timedelta:
    """`1d`, `3h`, `30m`, `1w`, `1d12h` -> timedelta."""
    cleaned = text.strip().lower().replace(" ", "")
    parts = re.findall(r"(\d+)([wdhm])", cleaned)
    if not cleaned or "".join(number + unit for number, unit in parts) != cleaned:
        raise QotdError("Usage: advance <duration>, such as 1d, 3h, 30m, 1w or 1d12h.")
    if any(len(number) > 6 for number, _ in parts):
        raise QotdError("Advance by 1 minute up to 366 days.")
    delta = sum((int(number) * _DURATION_UNITS[unit] for number, unit in parts), timedelta())
    if not timedelta(minutes=1) <= delta <= MAX_ADVANCE:
        raise QotdError("Advance by 1 minute up to 366 days.")
    return delta
