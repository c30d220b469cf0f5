"""Unsigned requests never fill the log: Bolt logs the whole body of a request whose
signature fails, so a megabyte of junk per request must come out as one short DEBUG line.
And a start logs no warning an operator cannot act on."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from tests.processes import WORK_LIMIT, deadline
from tests.slack import signing
from tests.slack.harness import SlackHarness, serving

MARK = "JUNKBODY"
JUNK = (MARK + "x" * 990) * 1000  # 1 MB, under aiohttp's 1 MiB request limit
LONGEST_LINE = 500  # a log line with its time, level and source, and a short message


async def send_junk(url: str, body: str, content_type: str) -> int:
    # Signed with a guessed secret: as unauthenticated as a request gets.
    headers = signing.signed_headers(body, content_type, secret="guessed")
    async with (
        deadline(WORK_LIMIT, "an answer to a junk request"),
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        await response.read()
        return response.status


BODIES = {
    "form": (JUNK, signing.FORM),
    "form with a payload": ("payload=" + JUNK, signing.FORM),
    "json": (JUNK, signing.JSON),
}


@pytest.mark.parametrize("kind", BODIES)
@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO])
async def test_a_megabyte_of_unsigned_junk_logs_no_long_line_and_nothing_above_debug(
    core, fake, caplog, kind, level
):
    caplog.set_level(level)  # before Bolt is built: its loggers take the root's level
    slack = SlackHarness(core, fake)
    body, content_type = BODIES[kind]

    async with serving(slack) as url:
        caplog.clear()  # from here on, only what the junk caused
        for _ in range(3):
            assert await send_junk(url, body, content_type) == 401

    assert fake.responses() == [] and not fake.called("chat.postEphemeral")
    lines = [record.getMessage() for record in caplog.records]
    assert all(len(line) <= LONGEST_LINE for line in lines), max(map(len, lines))
    assert all(len(line) <= LONGEST_LINE for line in caplog.text.splitlines())
    loud = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert not any(MARK in line for line in loud), loud
    if level == logging.DEBUG:
        # Still findable when someone debugs: a short line saying what was refused.
        assert any(
            "refused an unsigned or stale request" in r.getMessage()
            for r in caplog.records
            if r.levelno == logging.DEBUG
        )


JUNK_SHAPES = pytest.mark.parametrize(
    ("body", "content_type", "timestamp"),
    [
        ("payload=%7Bnot+json", signing.FORM, None),
        ("[]", signing.JSON, None),
        ("command=%2Fqotd&text=status", signing.FORM, "soon"),
    ],
    ids=["form-payload-not-json", "json-list", "timestamp-not-a-number"],
)
SIGNATURES = pytest.mark.parametrize("signature", ["unsigned", "badly signed"])


def junk_headers(
    body: str, content_type: str, timestamp: str | None, signature: str
) -> dict[str, str]:
    """Headers of a request nobody with the secret made: none, or a signature of a guessed
    secret; `timestamp` replaces the signing time (a non-number is never valid)."""
    if signature == "badly signed":
        headers = signing.signed_headers(body, content_type, secret="guessed")
    else:
        headers = {"content-type": content_type}
    if timestamp is not None:
        headers |= {"x-slack-request-timestamp": timestamp, "x-slack-signature": "v0=00"}
    return headers


@JUNK_SHAPES
@SIGNATURES
async def test_unsigned_requests_of_any_shape_get_401_before_the_body_is_read(
    core, fake, caplog, body, content_type, timestamp, signature
):
    slack = SlackHarness(core, fake)
    headers = junk_headers(body, content_type, timestamp, signature)
    caplog.set_level(logging.INFO)
    async with (
        serving(slack) as url,
        deadline(WORK_LIMIT, "an answer to an unsigned request"),
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        assert response.status == 401
    assert not [record for record in caplog.records if record.levelno > logging.INFO]
    assert fake.responses() == []


@JUNK_SHAPES
@SIGNATURES
async def test_unsigned_requests_of_any_shape_get_401_from_the_bolt_dispatch_too(
    slack, caplog, body, content_type, timestamp, signature
):
    caplog.set_level(logging.INFO)

    response = await slack.dispatch(body, junk_headers(body, content_type, timestamp, signature))

    assert response.status == 401
    assert not [record for record in caplog.records if record.levelno > logging.INFO]
    assert slack.fake.responses() == [] and slack.fake.calls == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("payload=%7Bnot+json", signing.FORM), ("[]", signing.JSON)],
    ids=["form-payload-not-json", "json-list"],
)
async def test_a_signed_body_slack_never_sends_gets_400_not_a_crash(
    slack, caplog, body, content_type
):
    caplog.set_level(logging.INFO)

    response = await slack.send(body, content_type)

    assert response.status == 400
    assert not [record for record in caplog.records if record.levelno > logging.WARNING]
    assert slack.fake.responses() == []


def test_starting_with_a_token_in_the_environment_logs_no_warning_about_it(
    core, fake, caplog, monkeypatch
):
    from adapters.slack import create_front_end
    from bot.config import load_settings
    from tests.slack.fake_api import TOKEN

    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)  # Bolt reads it from here by itself too
    monkeypatch.setenv("SLACK_SIGNING_SECRET", signing.SECRET)
    caplog.set_level(logging.INFO)

    create_front_end(core, load_settings(slack_api_url=fake.api_url), http=True, port=0)

    assert [
        record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING
    ] == []
