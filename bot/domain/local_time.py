"""Instants as a person reads them: a local time in a channel's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

# Fixed English names: strftime's %a and %b follow the machine's locale.
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_local(instant: datetime, tz: tzinfo) -> str:
    """`Mon 2 Mar 09:00 CET`: an aware instant as wall-clock time in `tz`.

    In the hour that occurs twice when the clocks go back, the UTC offset is added
    (`Sun 25 Oct 02:30 CEST (UTC+02:00)`) so the two can be told apart. A wall time given
    inside a spring-forward gap is read the way `datetime` does (02:30 as the first offset,
    which is 03:30 once the clocks have gone forward).
    """
    if instant.utcoffset() is None:
        raise ValueError("format_local needs an aware datetime (the clock gives aware UTC)")
    local = instant.astimezone(UTC).astimezone(tz)  # normalises gap times and sets the fold
    offset = local.utcoffset() or timedelta()
    name = local.tzname() or ""
    if not name or name[0] in "+-":  # zones without a letter abbreviation, such as "-03"
        name = _utc_offset(offset)
    text = f"{format_day(local.date())} {local:%H:%M} {name}"
    if _ambiguous(local):
        text += f" ({_utc_offset(offset)})"
    return text


def format_day(day: date) -> str:
    """`Mon 2 Mar`: a local date (such as a post's day) the way `format_local` writes it."""
    return f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def _ambiguous(local: datetime) -> bool:
    """Whether this wall time also happens at another offset (the autumn repeated hour).

    `local` came from UTC, so it is never inside a spring gap, the only other place where
    the two folds of a wall time differ.
    """
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def _utc_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
