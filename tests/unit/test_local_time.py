"""Local times as people read them, in the channel's own zone (a unit test: no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.local_time import format_day, format_local

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_utc_instant_reads_as_the_local_day_time_and_zone():
    assert format_local(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), BERLIN) == "Mon 2 Mar 09:00 CET"
    assert format_local(datetime(2026, 7, 1, 7, 5, tzinfo=UTC), BERLIN) == "Wed 1 Jul 09:05 CEST"


def test_the_two_autumn_half_past_twos_carry_their_utc_offsets():
    first = datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=BERLIN)
    second = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN)
    assert format_local(first, BERLIN) == "Sun 25 Oct 02:30 CEST (UTC+02:00)"
    assert format_local(second, BERLIN) == "Sun 25 Oct 02:30 CET (UTC+01:00)"
    assert second - first == timedelta(0)  # same wall time: only the offset tells them apart
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)


def test_the_hours_around_the_repeated_one_need_no_offset():
    before = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN)
    after = datetime(2026, 10, 25, 3, 30, tzinfo=BERLIN)
    assert format_local(before, BERLIN) == "Sun 25 Oct 01:30 CEST"
    assert format_local(after, BERLIN) == "Sun 25 Oct 03:30 CET"


def test_a_time_in_the_spring_gap_reads_as_the_time_the_clocks_show():
    # 02:30 does not exist on 29 March 2026 in Berlin: the clocks jump from 02:00 to 03:00.
    in_gap = datetime(2026, 3, 29, 2, 30, tzinfo=BERLIN)
    assert format_local(in_gap, BERLIN) == "Sun 29 Mar 03:30 CEST"
    before = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    after = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert format_local(before, BERLIN) == "Sun 29 Mar 01:59 CET"
    assert format_local(after, BERLIN) == "Sun 29 Mar 03:00 CEST"


def test_the_same_instant_reads_differently_in_each_zone():
    instant = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert format_local(instant, ZoneInfo("Asia/Kolkata")) == "Tue 3 Mar 05:00 IST"
    assert format_local(instant, ZoneInfo("UTC")) == "Mon 2 Mar 23:30 UTC"


def test_a_zone_without_a_letter_abbreviation_shows_its_offset():
    instant = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert format_local(instant, ZoneInfo("America/Sao_Paulo")) == "Mon 2 Mar 09:00 UTC-03:00"
    assert format_local(instant, timezone(timedelta(hours=5, minutes=45))).endswith("UTC+05:45")


def test_a_naive_time_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="aware"):
        format_local(datetime(2026, 3, 2, 9, 0), BERLIN)


def test_a_post_day_reads_like_the_date_of_a_local_time():
    assert format_day(date(2026, 3, 2)) == "Mon 2 Mar"
