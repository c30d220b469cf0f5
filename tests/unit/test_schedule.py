"""Reading schedules as members type them, and local times across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.schedule import RevealRule, Schedule, format_days, parse_days, parse_time
from bot.errors import BadSchedule, UnknownTimeZone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9)),
        ("9:30", time(9, 30)),
        ("17h", time(17)),
        ("5pm", time(17)),
        ("12am", time(0)),
        ("23:59", time(23, 59)),
    ],
)
def test_times_in_common_forms_are_read(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9", "09:60", "noon", "", "13pm", "0am", "9:5"])
def test_bad_times_are_refused_with_the_expected_form(text):
    with pytest.raises(BadSchedule):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("daily", set(range(7))),
        ("weekends", {5, 6}),
        ("mon,wed,fri", {0, 2, 4}),
        ("fri-mon", {4, 5, 6, 0}),
        ("Monday", {0}),
        ("tue, thu", {1, 3}),
    ],
)
def test_days_in_common_forms_are_read(text, expected):
    assert parse_days(text) == expected


@pytest.mark.parametrize("text", ["", "funday", "mon-xyz", ",", "1-5"])
def test_bad_days_are_refused(text):
    with pytest.raises(BadSchedule):
        parse_days(text)


def test_day_sets_are_written_back_briefly():
    assert format_days(parse_days("mon-fri")) == "weekdays"
    assert format_days(parse_days("sun,mon")) == "mon,sun"


@pytest.mark.parametrize("name", ["Mars/Olympus", "../etc/passwd", "", "Europe/", "/UTC"])
def test_an_unknown_time_zone_is_named_in_the_error(name):
    with pytest.raises(UnknownTimeZone, match="IANA"):
        Schedule.parse("09:00", name)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("after 8h", RevealRule(after=timedelta(hours=8))),
        ("90m", RevealRule(after=timedelta(minutes=90))),
        ("at 17:00", RevealRule(at=time(17))),
        ("21:30", RevealRule(at=time(21, 30))),
    ],
)
def test_reveal_rules_are_read(text, rule):
    assert RevealRule.parse(text) == rule


@pytest.mark.parametrize("text", ["after 0h", "after 100h", "soon", "at 25:00"])
def test_bad_reveal_rules_are_refused(text):
    with pytest.raises(BadSchedule):
        RevealRule.parse(text)


def test_a_reveal_later_than_the_next_post_is_refused():
    with pytest.raises(BadSchedule, match="before the next question"):
        Schedule.parse("09:00", "UTC", "daily", "after 30h")
    assert Schedule.parse("09:00", "UTC", "mon", "after 72h").shortest_gap_days == 7


def test_reveal_at_an_earlier_time_of_day_means_the_next_day():
    schedule = Schedule.parse("18:00", "UTC", "daily", "at 09:00")
    assert schedule.reveal_at(date(2026, 3, 2)) == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def test_spring_forward_gap_moves_the_post_later():
    schedule = Schedule.parse("02:30", "America/New_York")
    # 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist and becomes 03:30 EDT.
    assert schedule.post_at(date(2026, 3, 8)) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_reveal_after_n_hours_is_n_real_hours_across_a_dst_change():
    schedule = Schedule.parse("00:30", "Europe/Berlin", "daily", "after 4h")
    day = date(2026, 3, 29)
    assert schedule.reveal_at(day) - schedule.post_at(day) == timedelta(hours=4)


def test_next_post_skips_days_without_a_post():
    schedule = Schedule.parse("09:00", "Europe/Berlin", "mon-fri")
    friday_evening = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)
    assert schedule.next_post_at(friday_evening) == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)


@given(
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    zone=st.sampled_from(
        [
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "Australia/Lord_Howe",
            "Asia/Kathmandu",
            "America/Sao_Paulo",
        ]
    ),
    start=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
)
def test_next_post_is_always_later_and_on_a_post_day(hour, minute, zone, start):
    schedule = Schedule(time(hour, minute), zone, frozenset({0, 2, 4}))
    upcoming = schedule.next_post_at(start)
    assert upcoming > start
    assert upcoming - start <= timedelta(days=7, hours=3)
    assert schedule.local_date(upcoming).weekday() in {0, 2, 4}


@given(st.text(max_size=40))
def test_any_typed_days_are_read_or_refused_cleanly(text):
    try:
        days = parse_days(text)
    except BadSchedule:
        return
    assert days and days <= set(range(7))


def test_schedule_words_read_every_option():
    from bot.domain.schedule_words import parse_schedule_words

    request = parse_schedule_words(
        "09:30 Europe/Berlin mon-fri reveal at 17:00 topics nlp,vision difficulty advanced pack ml thread "
        "mention @study",
        "usage",
    )
    assert request.schedule.describe() == "09:30 Europe/Berlin weekdays, reveal at 17:00"
    assert request.topics == ("nlp", "vision") and request.difficulties == ("advanced",)
    assert (request.pack, request.thread, request.mention) == ("ml", True, "@study")


@pytest.mark.parametrize(
    "text", ["", "09:00", "09:00 UTC daily colour blue", '09:00 UTC "unclosed']
)
def test_bad_schedule_words_give_the_usage(text):
    from bot.domain.schedule_words import parse_schedule_words

    with pytest.raises(BadSchedule, match="usage"):
        parse_schedule_words(text, "usage: schedule <HH:MM> <TZ>")
