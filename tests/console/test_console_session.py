"""The console session in-process, on SQLite and PostgreSQL: its clock, `next`, and how it
answers what a member types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.console.chat import PLATFORM
from adapters.console.session import ConsoleSession
from bot.clock import ManualClock
from bot.domain.identity import MemberRef
from bot.errors import QotdError
from bot.services import review
from tests.integration.test_review import review_due

MONDAY_8 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class Console:
    """A console session whose output is kept, line by line, for the test to read."""

    def __init__(self, core, pictures: Path | None = None) -> None:
        self.output: list[str] = []
        self.session = ConsoleSession(core, core.clock, self.output.append, pictures)

    async def say(self, *lines: str) -> str:
        start = len(self.output)
        for line in lines:
            await self.session.handle(line)
        return "\n".join(self.output[start:])


@pytest.fixture
async def console(core, clock: ManualClock) -> Console:
    clock.set(MONDAY_8)
    session = Console(core)
    await session.session.start(None, MONDAY_8)
    return session


async def test_next_jumps_to_the_next_post_then_its_reveal_and_says_which(console, clock):
    await console.say("schedule 09:00 Europe/Berlin daily reveal after 8h")
    # The schedule was set at 09:00 Berlin (08:00 UTC) exactly: today's post is due now.
    out = await console.say("next")
    assert clock.now() == MONDAY_8
    assert "== Question of the day · Day 1" in out
    assert out.endswith("Clock: Mon 2 Mar 09:00 CET: post")
    out = await console.say("next")
    assert "== Answer · Day 1 ==" in out
    assert out.endswith("Clock: Mon 2 Mar 17:00 CET: reveal")
    out = await console.say("next")
    assert "== Question of the day · Day 2" in out
    assert out.endswith("Clock: Tue 3 Mar 09:00 CET: post")


async def test_advance_stops_at_each_post_and_reveal_on_the_way(console):
    await console.say("schedule 09:00 UTC daily reveal after 8h")
    out = await console.say("advance 2d")
    # Day 1 posted at 09:00 and revealed at 17:00 before Day 2 was posted, each at its time.
    assert out.index("== Question of the day · Day 1") < out.index("== Answer · Day 1 ==")
    assert out.index("== Answer · Day 1 ==") < out.index("== Question of the day · Day 2")
    assert "Revealed Mon 2 Mar 17:00 UTC" in out
    assert out.endswith("Clock: Wed 4 Mar 08:00 UTC")


async def test_next_stops_at_a_reminder_at_its_local_time(console, core, clock):
    await console.say("as ana", "remind 22:30 Pacific/Auckland")
    await review_due(core, clock, console_member("ana"), {"sample-1": timedelta(hours=1)})
    out = await console.say("next")
    # The console stands at 21:00 in Auckland (NZDT, UTC+13); 22:30 there is 09:30 UTC.
    assert clock.now() == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert "[reminder for ana] 1 review(s) due" in out
    assert out.endswith(": reminder")


async def test_next_says_when_nothing_is_scheduled_and_leaves_the_clock(console, clock):
    out = await console.say("next")
    assert "error: Nothing is due in the next year" in out
    assert clock.now() == MONDAY_8


async def test_the_clock_is_shown_in_the_channels_time_zone(console):
    assert (await console.say("advance 1m")).endswith("Clock: Mon 2 Mar 08:01 UTC")
    await console.say("schedule 09:00 America/New_York daily")
    assert (await console.say("advance 1m")).endswith("Clock: Mon 2 Mar 03:02 EST")


async def test_a_clock_in_the_repeated_autumn_hour_shows_its_offset(console, clock):
    await console.say("schedule 09:00 Europe/Berlin daily")
    clock.set(datetime(2026, 10, 25, 0, 0, tzinfo=UTC))  # 02:00 CEST, the first 02:00
    assert (await console.say("advance 30m")).endswith("Clock: Sun 25 Oct 02:30 CEST (UTC+02:00)")
    assert (await console.say("advance 1h")).endswith("Clock: Sun 25 Oct 02:30 CET (UTC+01:00)")
    assert (await console.say("advance 1h")).endswith("Clock: Sun 25 Oct 03:30 CET")


async def test_the_clock_is_saved_and_a_restart_resumes_it(console, core, clock):
    await console.say("schedule 09:00 UTC daily", "advance 1d")
    later = clock.now()
    restarted = ManualClock(datetime(1970, 1, 1, tzinfo=UTC))
    again = ConsoleSession(core, restarted, lambda _: None)
    core_clock_before = core.clock
    assert core_clock_before is clock
    await again.start(None, MONDAY_8)
    assert restarted.now() == later


async def test_a_start_before_the_saved_clock_is_refused(console, clock):
    await console.say("advance 1d")
    again = ConsoleSession(console.session.core, clock, lambda _: None)
    with pytest.raises(QotdError, match="never goes back"):
        await again.start(MONDAY_8, MONDAY_8)


async def test_a_start_after_the_saved_clock_plays_the_time_between(console, clock):
    await console.say("schedule 09:00 UTC daily reveal after 8h")
    await console.session.start(MONDAY_8 + timedelta(days=1, hours=1), MONDAY_8)
    out = "\n".join(console.output)
    assert "== Answer · Day 1 ==" in out  # made at 17:00 on the way, not skipped
    assert "== Question of the day · Day 2" in out
    assert clock.now() == MONDAY_8 + timedelta(days=1, hours=1)


@pytest.mark.parametrize(
    "line",
    ["status now", "today please", "streak alice", "next 3", "leaderboard week group x"],
)
async def test_extra_words_after_a_complete_command_are_refused(console, line):
    out = await console.say(line)
    assert out.startswith("error: ")
    assert "takes no words" in out or "Usage: leaderboard" in out


async def test_an_unknown_command_is_echoed_cut_short(console):
    out = await console.say("x" * 1_000_000)
    assert out.startswith("error: unknown command 'xxxx")
    assert len(out) < 120


@pytest.mark.parametrize("line", ["quiz 0", "review 0", "review -1", "review abc", "quiz 26"])
async def test_session_sizes_out_of_range_are_refused(console, line):
    out = await console.say(line)
    assert "is not a count from 1 to 25" in out
    assert "--" not in out  # no session started


async def test_a_count_of_zero_is_refused_by_the_core_too(core):
    with pytest.raises(QotdError, match="1 to 25"):
        await review.start_review(core, console_member("you"), count=0)


def console_member(name: str) -> MemberRef:
    return MemberRef(PLATFORM, name, name)


async def test_starting_a_review_stops_a_running_quiz_and_says_so(console):
    await console.say("quiz 2")
    out = await console.say("review")
    assert "Your running quiz was stopped: the new one replaces it." in out
    assert "-- Review 1/" in out


async def test_after_a_quiz_ends_the_next_pick_goes_to_todays_question(console):
    await console.say("schedule 09:00 UTC daily", "advance 1h")
    out = await console.say("quiz 1", "answer A")
    assert "The quiz is over: `answer` picks for today's question again." in out
    out = await console.say("answer B")
    assert out.startswith("Day 1: ")


async def test_a_picture_folder_that_cannot_be_written_is_one_clear_error(core, clock, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    session = Console(core, pictures=blocker / "pictures")
    await session.session.start(None, MONDAY_8)
    out = await session.say("stats")
    assert "error: Could not save the picture in" in out
    assert "set QOTD_PICTURES_DIR" in out
