"""Bad input, fuzzed: anything a member types gets a clear error or a safe result, and
nothing wrong is stored."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console.session import ConsoleSession
from bot.clock import ManualClock
from bot.domain.schedule import Schedule
from bot.errors import QotdError
from bot.services import answers, posting
from bot.services.answers import AnswerRequest, clean_written
from tests.conftest import member
from tests.integration.helpers import subscribe

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=300)


@FUZZ
@given(post_time=ANY_TEXT, timezone=ANY_TEXT, days=ANY_TEXT, reveal=ANY_TEXT)
def test_any_schedule_words_parse_or_fail_with_a_qotd_error(post_time, timezone, days, reveal):
    try:
        schedule = Schedule.parse(post_time, timezone, days or "daily", reveal or None)
    except QotdError as error:
        assert error.message
        return
    assert schedule.days and schedule.tz is not None


@FUZZ
@given(text=st.text(st.characters(codec="utf-8"), max_size=5000))
def test_written_answers_are_kept_as_typed_minus_control_characters(text):
    try:
        cleaned = clean_written(text, 4000)
    except QotdError as error:
        assert "empty" in error.message or "limit is 4000" in error.message
        return
    assert 0 < len(cleaned) <= 4000
    assert "\x00" not in cleaned
    kept = [character for character in text if character.isprintable() and character.strip()]
    assert all(character in cleaned for character in kept)


@FUZZ
@given(line=st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=200))
async def test_any_console_line_gets_a_reply_and_never_a_crash(core, line):
    output: list[str] = []
    session = ConsoleSession(core, ManualClock(datetime(2026, 3, 2, tzinfo=UTC)), output.append)
    assert await session.handle(line) in (True, False)
    assert not any("failed unexpectedly" in text for text in output)


async def test_hostile_written_answers_are_stored_exactly_and_only_once(core, clock, chat, channel):
    await subscribe(core, channel)
    clock.set(datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
    await posting.tick(core, chat.chats)
    post_id = chat.posts[-1].post_id
    hostile = [
        "@everyone <!channel> <@&123> <!here> <@U123>",
        "**bold** `code` ```block``` <script>alert(1)</script>",
        "'; DROP TABLE answers; --",
        "\u202eright-to-left\u200b zero width",
        "🧠" * 1000,
    ]
    for index, text in enumerate(hostile):
        receipt = await answers.submit(
            core, AnswerRequest(post_id, member(f"m{index}"), channel, written=text)
        )
        assert receipt.wrote
    async with core.storage.read() as uow:
        stored = [answer.written for answer in await uow.answers.for_post(post_id)]
    assert stored == hostile
