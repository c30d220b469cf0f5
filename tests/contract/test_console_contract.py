"""The shared scenarios (the daily loop, the suggestion loop), played through the console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console.session import CHANNEL, ConsoleSession
from bot.clock import ManualClock
from bot.domain.question_form import QuestionForm
from bot.services.context import Core
from tests.contract.scenario import play_daily_loop
from tests.contract.suggestion_scenario import play_suggestion_loop
from tests.contract.vote_scenario import play_vote_loop


class ConsoleDriver:
    def __init__(self, core: Core, clock: ManualClock) -> None:
        self.core = core
        self.channel = CHANNEL
        self._output: list[str] = []
        self._session = ConsoleSession(core, clock, self._output.append)

    async def _say(self, member: str, line: str) -> str:
        await self._session.handle(f"as {member}")
        start = len(self._output)
        await self._session.handle(line)
        return "\n".join(self._output[start:])

    async def schedule(
        self, admin: str, post_time: str, timezone: str, days: str, reveal: str
    ) -> str:
        return await self._say(admin, f"schedule {post_time} {timezone} {days} reveal {reveal}")

    async def advance(self, delta: timedelta) -> None:
        await self._session.handle(f"advance {int(delta.total_seconds() // 60)}m")

    async def pick(self, member: str, letter: str) -> str:
        return await self._say(member, f"answer {letter}")

    async def write(self, member: str, text: str) -> str:
        return await self._say(member, f"write {text}")

    async def leaderboard(self, member: str) -> str:
        return await self._say(member, "leaderboard")

    async def streak(self, member: str) -> str:
        return await self._say(member, "streak")

    def posts(self) -> list[str]:
        return [text for text in self._output if text.startswith("== Question of the day")]

    def reveals(self) -> list[str]:
        return [text for text in self._output if text.startswith("== Answer")]

    # The group's own questions: one-line forms (see adapters/console/group_questions.py).

    async def suggest(self, member: str, form: QuestionForm) -> str:
        return await self._say(_console_name(member), f"suggest {_one_line(form)}")

    async def review_queue(self, admin: str) -> str:
        return await self._say(admin, "suggestions")

    async def accept_with_edit(self, admin: str, number: int, changes: dict[str, str]) -> str:
        edits = " ".join(
            f"{name}={value.replace(chr(10), '; ')}" for name, value in changes.items()
        )
        return await self._say(admin, f"accept {number} {edits}")

    async def use_group_questions_only(self, admin: str) -> str:
        return await self._say(admin, "questions source 1")

    async def vote(self, member: str, author: str) -> str:
        reveal = self.reveals()[-1]
        number = next(
            line.split(".")[0].strip()
            for line in reveal.splitlines()
            if line.strip()[:1].isdigit() and f". {author}:" in line
        )
        return await self._say(member, f"vote {number}")

    def private_notices(self, member: str) -> list[str]:
        mark = f"[private to {_console_name(member)}] "
        return [text.removeprefix(mark) for text in self._output if text.startswith(mark)]


def _console_name(member: str) -> str:
    """The console's member names are plain words: `Ada @everyone` plays as `Ada`."""
    return member.split()[0]


def _one_line(form: QuestionForm) -> str:
    """The console's one-line form: fields split by `|`, lines by `;`, a choice's why after
    ` -- `."""
    choices = "; ".join(line.replace(" | ", " -- ") for line in form.choices.splitlines())
    key_points = "; ".join(form.key_points.splitlines())
    fields = [form.prompt, form.answer, choices, key_points, form.tags]
    while fields and not fields[-1]:
        fields.pop()
    return " | ".join(fields)


async def test_the_daily_loop_on_the_console(core):
    clock = core.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    await play_daily_loop(ConsoleDriver(core, clock))


async def test_the_suggestion_loop_on_the_console(core):
    clock = core.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    await play_suggestion_loop(ConsoleDriver(core, clock))


async def test_the_vote_loop_on_the_console(core):
    clock = core.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    await play_vote_loop(ConsoleDriver(core, clock))
