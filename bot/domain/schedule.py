"""When a channel gets its question and its answer: local times in an IANA time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import BadSchedule, UnknownTimeZone

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    "daily": frozenset(range(7)),
    "everyday": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}
_LONG_DAY = {name: index for index, name in enumerate(DAY_NAMES)} | {
    full: index
    for index, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
MAX_REVEAL_HOURS = 72


@cache
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name, or UnknownTimeZone."""
    cleaned = name.strip()
    if not cleaned or cleaned.startswith(("/", ".")) or ".." in cleaned:
        raise UnknownTimeZone(name)
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UnknownTimeZone(name) from None


def parse_time(text: str) -> time:
    """`09:00`, `9:30`, `17h`, `5pm` -> time; BadSchedule otherwise."""
    cleaned = text.strip().lower()
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|h)?", cleaned)
    if not match:
        raise BadSchedule(f"Cannot read the time {text!r}: use 24-hour HH:MM, such as 09:00.")
    hour, minute = int(match[1]), int(match[2] or 0)
    suffix = match[3]
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise BadSchedule(f"{text!r} is not a time: with am/pm the hour runs from 1 to 12.")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match[2] is None and suffix is None:
        raise BadSchedule(f"Cannot read the time {text!r}: use 24-hour HH:MM, such as 09:00.")
    if hour > 23 or minute > 59:
        raise BadSchedule(f"{text!r} is not a time of day: hours run 0-23 and minutes 0-59.")
    return time(hour, minute)


def parse_days(text: str) -> frozenset[int]:
    """`mon-fri`, `mon,wed,fri`, `daily`, `weekdays`, `sat-mon` -> weekday numbers (Mon=0)."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned in _DAY_ALIASES:
        return _DAY_ALIASES[cleaned]
    days: set[int] = set()
    for part in filter(None, cleaned.split(",")):
        if "-" in part:
            first, _, last = part.partition("-")
            start, end = _day(first, text), _day(last, text)
            span = (end - start) % 7
            days.update((start + offset) % 7 for offset in range(span + 1))
        else:
            days.add(_day(part, text))
    if not days:
        raise BadSchedule("Say which days to post: for example mon-fri, daily or mon,wed,fri.")
    return frozenset(days)


def _day(name: str, original: str) -> int:
    if name in _LONG_DAY:
        return _LONG_DAY[name]
    raise BadSchedule(
        f"Cannot read the days {original!r}: use mon, tue, wed, thu, fri, sat, sun, "
        "ranges like mon-fri, lists like mon,wed,fri, or daily / weekdays / weekends."
    )


def format_days(days: frozenset[int]) -> str:
    """The shortest readable form of a set of weekdays."""
    for alias in ("daily", "weekdays", "weekends"):
        if days == _DAY_ALIASES[alias]:
            return alias
    return ",".join(DAY_NAMES[day] for day in sorted(days))


@dataclass(frozen=True, slots=True)
class RevealRule:
    """Reveal a fixed number of hours after the post, or at a local time of day."""

    after: timedelta | None = None
    at: time | None = None

    def __post_init__(self) -> None:
        if (self.after is None) == (self.at is None):
            raise BadSchedule("A reveal rule is either `after <N>h` or `at <HH:MM>`.")
        if self.after is not None and not (
            timedelta(minutes=1) <= self.after <= timedelta(hours=MAX_REVEAL_HOURS)
        ):
            raise BadSchedule(
                f"Reveal between 1 minute and {MAX_REVEAL_HOURS} hours after the post."
            )

    @classmethod
    def parse(cls, text: str) -> RevealRule:
        """`after 8h`, `8h`, `90m`, `at 17:00`, `17:00` -> RevealRule."""
        cleaned = text.strip().lower()
        if cleaned.startswith("at "):
            return cls(at=parse_time(cleaned[3:]))
        cleaned = cleaned.removeprefix("after ").strip()
        match = re.fullmatch(r"(\d{1,3})\s*(h|hours?|m|min|minutes?)", cleaned)
        if match:
            amount = int(match[1])
            unit = timedelta(hours=1) if match[2].startswith("h") else timedelta(minutes=1)
            return cls(after=amount * unit)
        try:
            return cls(at=parse_time(cleaned))
        except BadSchedule:
            raise BadSchedule(
                f"Cannot read the reveal rule {text!r}: use `after 8h`, `after 90m` or `at 17:00`."
            ) from None

    def describe(self) -> str:
        if self.after is not None:
            minutes = int(self.after.total_seconds() // 60)
            return f"after {minutes // 60}h" if minutes % 60 == 0 else f"after {minutes}m"
        assert self.at is not None
        return f"at {self.at:%H:%M}"


DEFAULT_REVEAL = RevealRule(after=timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class Schedule:
    """A channel's posting rhythm: local post time, time zone, weekdays and reveal rule."""

    post_time: time
    timezone: str
    days: frozenset[int]
    reveal: RevealRule = DEFAULT_REVEAL

    def __post_init__(self) -> None:
        zone(self.timezone)
        if not self.days or not self.days <= set(range(7)):
            raise BadSchedule("A schedule needs at least one weekday.")
        # Each question is revealed before the next one is posted, so at most one post of a
        # channel is open at a time.
        gap = timedelta(days=self.shortest_gap_days)
        if self.reveal.after is not None and self.reveal.after > gap:
            raise BadSchedule(
                f"Reveal each answer before the next question: with posts on "
                f"{format_days(self.days)}, reveal within {int(gap.total_seconds() // 3600)} hours."
            )

    @property
    def shortest_gap_days(self) -> int:
        """The fewest days between two consecutive post days (7 for a weekly schedule)."""
        ordered = sorted(self.days)
        gaps = [later - earlier for earlier, later in pairwise(ordered)]
        gaps.append(ordered[0] + 7 - ordered[-1])
        return min(gaps)

    @classmethod
    def parse(
        cls, post_time: str, timezone: str, days: str = "daily", reveal: str | None = None
    ) -> Schedule:
        """Build a schedule from the words a member typed."""
        rule = RevealRule.parse(reveal) if reveal else DEFAULT_REVEAL
        return cls(parse_time(post_time), timezone.strip(), parse_days(days), rule)

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def post_at(self, day: date) -> datetime:
        """The UTC instant of the post on a local date.

        A post time that falls in a spring-forward gap moves forward by the gap (02:30 becomes
        03:30); one that occurs twice in autumn uses the first occurrence.
        """
        local = datetime.combine(day, self.post_time, tzinfo=self.tz)
        return local.astimezone(UTC)

    def reveal_at(self, posted_day: date) -> datetime:
        """When the post of a local date is revealed."""
        post_at = self.post_at(posted_day)
        if self.reveal.after is not None:
            return post_at + self.reveal.after
        assert self.reveal.at is not None
        reveal_day = (
            posted_day if self.reveal.at > self.post_time else posted_day + timedelta(days=1)
        )
        return datetime.combine(reveal_day, self.reveal.at, tzinfo=self.tz).astimezone(UTC)

    def is_post_day(self, day: date) -> bool:
        return day.weekday() in self.days

    def post_days_between(self, first: date, last: date) -> list[date]:
        """Scheduled local dates from first to last, inclusive."""
        days = []
        day = first
        while day <= last:
            if self.is_post_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def next_post_at(self, after: datetime) -> datetime:
        """The first scheduled post instant strictly after `after`."""
        day = self.local_date(after) - timedelta(days=1)
        for _ in range(9):
            if self.is_post_day(day) and self.post_at(day) > after:
                return self.post_at(day)
            day += timedelta(days=1)
        raise AssertionError("a schedule with at least one weekday posts within a week")

    def describe(self) -> str:
        return (
            f"{self.post_time:%H:%M} {self.timezone} {format_days(self.days)}, "
            f"reveal {self.reveal.describe()}"
        )
