"""Starting and watching the Slack front end: a dead token stops it with one clear line
naming the setting (never the token), `qotd run` keeps going without it, and /healthz
says whether the database answers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy.exc import OperationalError

from adapters.slack import create_front_end
from adapters.slack.runner import SlackFrontEnd
from bot.config import Settings
from bot.errors import QotdError
from qotd.app import run_bot
from tests.processes import WORK_LIMIT, deadline
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness, serving

DEAD = "xoxb-0000-dead-TOKEN-never-logged"


def _settings(fake: FakeSlack, **values: Any) -> Settings:
    return Settings.model_validate(
        {
            "SLACK_BOT_TOKEN": DEAD,
            "SLACK_SIGNING_SECRET": "signing-secret-never-logged",
            "slack_api_url": fake.api_url,
            **values,
        }
    )


async def test_a_token_slack_refuses_with_401_stops_the_front_end_naming_the_setting(core, fake):
    fake.auth_status = 401
    front_end = create_front_end(core, _settings(fake), http=True, port=0)

    with pytest.raises(QotdError) as raised:
        await front_end.run()

    message = raised.value.message
    assert "SLACK_BOT_TOKEN" in message and "invalid_auth" in message
    assert DEAD not in message and "\n" not in message


async def test_qotd_run_logs_one_line_and_returns_when_the_slack_token_is_dead(
    fake, tmp_path: Path, caplog
):
    fake.auth_status = 401
    settings = _settings(
        fake, database_url=f"sqlite+aiosqlite:///{tmp_path / 'qotd.db'}", tick_seconds=60
    )
    caplog.set_level(logging.DEBUG)

    async with deadline(WORK_LIMIT, "qotd run to give up on the dead token"):
        assert await run_bot(settings, slack_http=True, port=0) == 1

    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "the slack front end stopped" in errors[0].getMessage()
    assert "SLACK_BOT_TOKEN" in errors[0].getMessage()
    assert DEAD not in caplog.text


async def test_a_refused_app_token_stops_socket_mode_naming_slack_app_token(slack: SlackHarness):
    slack.fake.fail("apps.connections.open", "invalid_auth")
    front_end = SlackFrontEnd(slack.bolt, http=False, app_token="xapp-1-dead-APP-token")

    with pytest.raises(QotdError, match="SLACK_APP_TOKEN") as raised:
        await front_end.run()

    assert "xapp-1-dead-APP-token" not in raised.value.message


@asynccontextmanager
async def _serving(slack: SlackHarness) -> AsyncIterator[str]:
    """The front end's HTTP server; yields its /healthz URL."""
    async with serving(slack) as events_url:
        yield events_url.replace("/slack/events", "/healthz")


async def _get(url: str) -> tuple[int, dict[str, Any]]:
    async with (
        deadline(WORK_LIMIT, f"an answer from {url}"),
        aiohttp.ClientSession() as session,
        session.get(url) as response,
    ):
        return response.status, await response.json()


async def test_healthz_is_200_while_the_database_answers(slack):
    async with _serving(slack) as url:
        status, body = await _get(url)

    assert status == 200 and body["ok"] is True and body["database"] == "ok"


async def test_healthz_is_503_when_the_database_does_not_answer(slack, monkeypatch, caplog):
    @asynccontextmanager
    async def unreachable() -> AsyncIterator[None]:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        yield

    async with _serving(slack) as url:
        monkeypatch.setattr(slack.core.storage, "read", unreachable)
        status, body = await _get(url)

    assert status == 503 and body["ok"] is False and body["database"] == "unavailable"
    assert "did not answer" in caplog.text


async def test_healthz_is_503_when_the_scheduler_has_not_ticked_for_several_intervals(slack):
    from bot.health import HEALTHY_WITHIN_TICKS

    clock = slack.core.clock
    assert slack.core.pulse.interval == timedelta(seconds=30)
    slack.core.pulse.start(clock.now())  # this process's scheduler starts
    async with _serving(slack) as url:
        assert (await _get(url))[0] == 200  # just started: not stale yet
        clock.advance(timedelta(seconds=30 * HEALTHY_WITHIN_TICKS + 1))
        status, body = await _get(url)
        assert status == 503
        assert body["scheduler"] == "stalled" and body["database"] == "ok"
        slack.core.pulse.beat(clock.now())  # a tick completes: healthy again
        status, body = await _get(url)
    assert status == 200 and body["last_tick"] == clock.now().isoformat()
