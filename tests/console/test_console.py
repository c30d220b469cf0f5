"""The console channel, driven as a user would: `qotd console` with piped input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.console.words import parse_duration, strip_comment
from bot.errors import QotdError
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
# A Monday 08:00 UTC: before the 09:00 UTC posts these sessions schedule.
START = "2026-03-02T08:00Z"


def console(
    tmp_path: Path, script: str, *, start: str | None = START, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "QOTD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'console.db'}",
        "QOTD_CONTENT_DIR": str(FIXTURES / "packs"),
        "QOTD_DEFAULT_PACK": "sample",
        "QOTD_PICTURES_DIR": str(tmp_path / "pictures"),
    }
    environment.pop("QOTD_CONSOLE_START", None)
    environment |= env
    return subprocess.run(
        [sys.executable, "-m", "qotd", "console", *(["--start", start] if start else [])],
        input=script,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )


def test_a_piped_session_plays_the_whole_daily_loop(tmp_path):
    result = console(
        tmp_path,
        "schedule 09:00 UTC daily reveal after 8h\n"
        "advance 1h\n"
        "as alice\nanswer A\nwrite The bias term shifts the boundary <!channel>\n"
        "as bob\nanswer B\nanswer C\n"
        "advance 1d\n"
        "leaderboard\nstreak\nstats\n",
    )
    assert result.returncode == 0
    assert "Traceback" not in result.stdout + result.stderr
    out = result.stdout
    assert "== Question of the day · Day 1" in out
    assert "  A) " in out and "  D) " in out
    assert "You already picked B" in out
    assert "== Answer · Day 1 ==" in out
    assert "Results: 2 answered" in out
    assert "alice: The bias term shifts the boundary <!channel>" in out
    assert "Leaderboard · group · this week:" in out
    assert "== Question of the day · Day 2" in out
    # bob answered Day 1, and Day 2 is still open: his streak stands at 1.
    assert "bob: streak 1 (best 1)" in out
    assert ": post" not in out  # `advance` names no event
    assert out.count("Clock: ") == 2


def test_reveal_closes_the_open_question_at_once(tmp_path):
    result = console(
        tmp_path, "schedule 09:00 UTC daily\nadvance 1h\nanswer A\nreveal-now\nas bob\nanswer B\n"
    )
    out = result.stdout
    assert "== Answer · Day 1 ==" in out
    # The reveal came from `reveal`, not from the clock: it precedes bob's refused pick.
    assert out.index("== Answer · Day 1 ==") < out.index("You are now bob.")
    assert "error: Answers for this question are closed" in out


def test_bad_commands_get_clear_errors_and_the_session_goes_on(tmp_path):
    result = console(
        tmp_path,
        "dance\nschedule 25:00 UTC\nschedule 09:00 Mars/Base\nanswer A\nadvance soon\nleaderboard forever\nhelp\n",
    )
    assert result.returncode == 0
    out = result.stdout
    assert "error: unknown command 'dance'" in out
    assert "error: '25:00' is not a time of day" in out
    assert "error: Unknown time zone 'Mars/Base'" in out
    assert "error: This channel has no schedule yet" in out
    assert "error: Usage: advance" in out
    assert "error: Unknown period 'forever'" in out
    assert "Commands (one per line" in out
    assert "Traceback" not in out + result.stderr
    assert not any(line.startswith("> ") for line in out.splitlines())  # no prompts when piped


def test_end_of_input_and_quit_both_exit_cleanly(tmp_path):
    assert console(tmp_path, "").returncode == 0
    result = console(tmp_path, "quit\nhelp\n")
    assert result.returncode == 0 and "Commands" not in result.stdout


def test_a_quiz_runs_in_the_console(tmp_path):
    result = console(tmp_path, "quiz evaluation 1\nanswer A\nanswer A\n")
    assert "-- Quiz 1/1" in result.stdout
    assert "Quiz done:" in result.stdout
    assert "The quiz is over: `answer` picks for today's question again." in result.stdout
    assert "error: This channel has no schedule yet" in result.stdout  # the next pick is daily


def test_forget_me_deletes_the_members_data(tmp_path):
    result = console(
        tmp_path, "schedule 09:00 UTC daily\nnext\nanswer A\nforget-me\nstats\nforget-me\n"
    )
    assert "Everything stored about you is deleted." in result.stdout
    assert "Daily answers: 0" in result.stdout
    assert "Nothing was stored about you." in result.stdout


@pytest.mark.parametrize(("text", "hours"), [("1d", 24), ("3h", 3), ("1w", 168), ("1d12h", 36)])
def test_durations_are_read(text, hours):
    assert parse_duration(text).total_seconds() == hours * 3600


@pytest.mark.parametrize(
    "text", ["", "3x", "0m", "400d", "h", "99999999999999999999999999d", "1d 3x"]
)
def test_bad_durations_are_refused(text):
    with pytest.raises(QotdError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("advance 1d          # move the clock", "advance 1d"),
        ("# a whole-line comment", ""),
        ("queue item#3", "queue item#3"),
        ("as C#dev", "as C#dev"),
        ("write \\# of samples", "write # of samples"),
    ],
)
def test_a_hash_after_a_space_starts_a_comment(line, kept):
    assert strip_comment(line) == kept


def test_qotd_run_without_credentials_opens_a_quiet_console(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("QOTD_DISCORD_TOKEN", "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "QOTD_LOG_LEVEL")
    }
    environment |= {
        "QOTD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "QOTD_CONTENT_DIR": str(FIXTURES / "packs"),
        "QOTD_DEFAULT_PACK": "sample",
        "QOTD_CONSOLE_START": START,
    }
    result = subprocess.run(
        [sys.executable, "-m", "qotd", "run"],
        input="schedule 09:00 UTC daily\nadvance 1d\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0
    assert "No Discord or Slack credentials are set" in result.stderr
    assert "QOTD_DISCORD_TOKEN" in result.stderr and "SLACK_BOT_TOKEN" in result.stderr
    assert "== Question of the day" in result.stdout
    assert " INFO " not in result.stderr


def test_a_bad_start_instant_is_one_clear_line(tmp_path):
    result = console(tmp_path, "", start="2026-03-02T08:00")
    assert result.returncode == 2
    assert "has no UTC offset: add Z or +01:00" in result.stderr
    assert "Traceback" not in result.stderr
    result = console(tmp_path, "", start=None, QOTD_CONSOLE_START="next tuesday")
    assert result.returncode == 2
    assert result.stderr.startswith("qotd: Bad setting: QOTD_CONSOLE_START:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_later_session_resumes_where_the_last_one_stopped(tmp_path):
    console(tmp_path, "schedule 09:00 UTC daily reveal after 8h\nnext\n")
    result = console(tmp_path, "next\n", start=None)
    # Day 1 was posted at 09:00 in the first session; the second resumes there and reveals it.
    assert "Clock: Mon 2 Mar 17:00 UTC: reveal" in result.stdout
    refused = console(tmp_path, "", start="2026-03-01T00:00Z")
    assert refused.returncode == 2
    assert "console clock is already at 2026-03-02T17:00Z; it never goes back" in refused.stderr


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "QOTD_CONTENT_DIR"}
    result = subprocess.run(  # the shipped bank's export is far larger than a pipe's buffer
        f"{sys.executable} -m qotd content export | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )
    assert result.stdout == "[\n"
    assert result.stderr == ""


@pytest.mark.parametrize(
    "command",
    [["console"], ["content", "validate"], ["db", "upgrade"], ["discord", "clear-commands"]],
)
def test_every_subcommand_help_page_says_what_it_does(command):
    result = subprocess.run(
        [sys.executable, "-m", "qotd", *command, "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    description = result.stdout.split("\n\n")[1]
    assert result.returncode == 0
    assert description.strip()[0].isupper() and description.strip().endswith(".")


def test_help_marks_the_days_of_a_schedule_optional():
    from adapters.console.session import HELP

    assert "schedule <HH:MM> <TZ> [days]" in HELP
