"""The README's first console session, verbatim, plays as the README says at any hour.

The block is read from README.md itself, so the example cannot drift from what works. It
runs through the real `qotd console` at instants chosen to break an hour-dependent console:
night, morning, evening, a weekend, and both daylight-saving Sundays in Berlin.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[2]
BERLIN = ZoneInfo("Europe/Berlin")


def readme_session() -> str:
    """The ```text block that follows "A first session in the console" in README.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index("A first session in the console") :]
    match = re.search(r"```text\n(.*?)```", after, re.DOTALL)
    assert match, "README.md has no first-session block"
    return match.group(1)


def next_weekday_post(after: datetime) -> datetime:
    """The first Mon-Fri 09:00 Berlin strictly after `after` (the README's schedule)."""
    day: date = after.astimezone(BERLIN).date()
    while True:
        post = datetime.combine(day, time(9, 0), tzinfo=BERLIN)
        if day.weekday() < 5 and post > after:
            return post
        day += timedelta(days=1)


def clock_line(instant: datetime) -> str:
    """How the console shows a Berlin instant: `Mon 9 Mar 09:00 CET`."""
    local = instant.astimezone(BERLIN)
    return f"Clock: {local:%a} {local.day} {local:%b %H:%M} {local.tzname()}"


def play(tmp_path: Path, start: datetime | None, script: str | None = None) -> str:
    """Run `qotd console` on this folder's database (the README session unless `script`)."""
    environment = {
        **os.environ,
        "QOTD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'readme.db'}",
        "QOTD_PICTURES_DIR": str(tmp_path / "pictures"),
    }
    for name in ("QOTD_CONTENT_DIR", "QOTD_DEFAULT_PACK", "QOTD_CONSOLE_START"):
        environment.pop(name, None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "qotd",
            "console",
            *(["--start", start.isoformat()] if start else []),
        ],
        input=readme_session() if script is None else script,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


STARTS = {
    "night": datetime(2026, 3, 4, 2, 0, tzinfo=UTC),
    "morning": datetime(2026, 3, 4, 7, 30, tzinfo=UTC),
    "evening": datetime(2026, 3, 4, 19, 30, tzinfo=UTC),
    "saturday": datetime(2026, 3, 7, 12, 0, tzinfo=UTC),
    "friday-after-the-post": datetime(2026, 3, 6, 23, 30, tzinfo=UTC),
    "spring-forward-sunday": datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
    "fall-back-sunday": datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
}


@pytest.mark.parametrize("start", STARTS.values(), ids=STARTS.keys())
def test_the_readme_first_session_plays_as_promised(tmp_path, start):
    out = play(tmp_path, start)
    assert "error:" not in out
    assert out.startswith("Scheduled. Schedule: 09:00 Europe/Berlin weekdays, reveal after 8h")

    # next: Day 1 at the next weekday's 09:00 Berlin, whatever the hour we started at.
    day1 = next_weekday_post(start)
    assert f"{clock_line(day1)}: post" in out
    assert "== Question of the day · Day 1" in out

    # next: the reveal 8 hours later, with both picks and alice's written answer.
    reveal = out[out.index("== Answer · Day 1 ==") :]
    correct = re.search(r"^Correct: ([A-D])\)", reveal, re.MULTILINE)
    assert correct, reveal
    letter = correct.group(1)
    assert f"{clock_line(day1 + timedelta(hours=8))}: reveal" in out
    assert "Results: 2 answered" in reveal
    assert "alice: Because the variance term dominates..." in reveal

    alice_pick = "Day 1: Right! B)" if letter == "B" else "Day 1: Not quite: B)"
    bob_pick = "Day 1: Right! C)" if letter == "C" else "Day 1: Not quite: C)"
    assert alice_pick in out and bob_pick in out
    assert "Day 1: Written answer saved" in out

    # leaderboard: whoever picked right leads; with both wrong, alice's written answer leads.
    board = out[out.index("Leaderboard · group · this week:") :]
    leader = "bob" if letter == "C" else "alice"
    other = "alice" if leader == "bob" else "bob"
    assert board.index(leader) < board.index(other)
    assert "bob: streak 1 (best 1)" in out

    # next: Day 2 on the following weekday.
    day2 = next_weekday_post(day1)
    assert f"{clock_line(day2)}: post" in out
    assert "== Question of the day · Day 2" in out

    # the quiz, its score, a review session, stats with a picture, and help.
    assert "-- Quiz 1/2" in out and "-- Quiz 2/2" in out
    assert "Quiz done:" in out
    assert "The quiz is over: `answer` picks for today's question again." in out
    assert "-- Review 1/" in out
    assert "Picture: " in out and (tmp_path / "pictures" / "bob-stats.png").is_file()
    assert "Commands (one per line" in out


def test_a_restart_resumes_the_saved_clock(tmp_path):
    start = STARTS["evening"]
    play(tmp_path, start)
    out = play(tmp_path, None, "status\nnext\n")  # no --start: the saved clock
    day2 = next_weekday_post(next_weekday_post(start))
    # The clock resumed at Day 2's post: the next event is Day 2's reveal, not a day in the past.
    assert f"{clock_line(day2 + timedelta(hours=8))}: reveal" in out
    assert "== Answer · Day 2 ==" in out
