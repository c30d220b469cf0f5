"""Leaderboard periods and the keys their running totals are stored under."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    ALL = "all"

    @classmethod
    def parse(cls, text: str | None) -> Period:
        from bot.errors import QotdError

        cleaned = (text or "week").strip().lower()
        aliases = {
            "all-time": "all",
            "alltime": "all",
            "ever": "all",
            "weekly": "week",
            "monthly": "month",
        }
        try:
            return cls(aliases.get(cleaned, cleaned))
        except ValueError:
            raise QotdError(f"Unknown period {text!r}: use week, month or all.") from None


class Scope(StrEnum):
    GROUP = "group"
    CHANNEL = "channel"

    @classmethod
    def parse(cls, text: str | None) -> Scope:
        from bot.errors import QotdError

        cleaned = (text or "group").strip().lower()
        aliases = {"server": "group", "workspace": "group", "all": "group", "here": "channel"}
        try:
            return cls(aliases.get(cleaned, cleaned))
        except ValueError:
            raise QotdError(f"Unknown scope {text!r}: use group or channel.") from None


def period_key(period: Period, instant: datetime, tz: ZoneInfo) -> str:
    """The key of the period that contains `instant` in a time zone (ISO weeks)."""
    if period is Period.ALL:
        return "all"
    local = instant.astimezone(tz)
    if period is Period.WEEK:
        year, week, _ = local.isocalendar()
        return f"w{year}-{week:02d}"
    return f"m{local.year}-{local.month:02d}"


def all_period_keys(instant: datetime, tz: ZoneInfo) -> list[str]:
    return [period_key(period, instant, tz) for period in Period]


def scope_key(scope: Scope, group_id: int, subscription_id: int) -> str:
    return f"g{group_id}" if scope is Scope.GROUP else f"s{subscription_id}"
