"""The optional grader behind an OpenAI-compatible endpoint, against a local fake server:
a good verdict is used and named; a slow, malformed, hostile or missing one leaves the local
feedback, and the answer is saved whatever happens."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.presentation import feedback_lines
from bot.services import answers
from bot.services.answers import AnswerRequest
from bot.services.grader import RemoteGrader
from tests.conftest import member
from tests.integration.test_answers import count_answers, open_post

KEY = "sk-test-never-logged"
Reply = Callable[[web.Request, dict[str, Any]], Awaitable[web.StreamResponse]]


class FakeGrader:
    """A chat-completions endpoint whose reply each test chooses."""

    def __init__(self) -> None:
        self.reply: Reply = every_point()
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append((dict(request.headers), body))
        return await self.reply(request, body)


def completion(content: object) -> web.Response:
    return web.json_response({"choices": [{"message": {"role": "assistant", "content": content}}]})


def every_point(**extra: object) -> Reply:
    """Every key point of the question asked about is covered."""

    async def reply(_request: web.Request, body: dict[str, Any]) -> web.StreamResponse:
        asked = body["messages"][1]["content"].split("Key points:")[1].split("Answer:")[0]
        count = sum(1 for line in asked.splitlines() if line[:1].isdigit())
        return completion(json.dumps({"covered": [True] * count, **extra}))

    return reply


def verdict(covered: object, **extra: object) -> Reply:
    async def reply(_request: web.Request, _body: dict[str, Any]) -> web.StreamResponse:
        return completion(json.dumps({"covered": covered, **extra}))

    return reply


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeGrader, str]]:
    grader = FakeGrader()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", grader.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield grader, f"http://127.0.0.1:{port}/v1"
    await runner.cleanup()


async def written(core, clock, chat, channel, url: str, wait: float = 2.0):
    graded = replace(core, grader=RemoteGrader(url, "tiny-model", SecretStr(KEY), wait))
    post_id = await open_post(core, clock, chat, channel)
    question = chat.posts[-1].question
    receipt = await answers.submit(
        graded, AnswerRequest(post_id, member("ana"), channel, written=question.key_points[0])
    )
    assert receipt.wrote and await count_answers(core) == 1  # saved whatever the grader did
    return receipt, question


async def test_a_good_verdict_is_used_and_names_its_judge(core, clock, chat, channel, fake, caplog):
    grader, url = fake
    grader.reply = every_point()
    caplog.set_level(logging.DEBUG)
    receipt, question = await written(core, clock, chat, channel, url)
    assert receipt.feedback is not None and receipt.feedback.judge == "tiny-model"
    assert receipt.feedback.covered == len(question.key_points)
    headers, body = grader.requests[0]
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert body["model"] == "tiny-model" and question.prompt in body["messages"][1]["content"]
    assert "judged by tiny-model" in feedback_lines(receipt.feedback)[0]
    assert KEY not in caplog.text


async def slow(_request: web.Request, _body: dict[str, Any]) -> web.StreamResponse:
    await asyncio.sleep(5)
    return completion(json.dumps({"covered": [True]}))


async def not_json(_request: web.Request, _body: dict[str, Any]) -> web.StreamResponse:
    return completion("Sure! Here is my verdict: yes.")


async def server_error(_request: web.Request, _body: dict[str, Any]) -> web.StreamResponse:
    return web.Response(status=500, text="overloaded")


async def no_choices(_request: web.Request, _body: dict[str, Any]) -> web.StreamResponse:
    return web.json_response({"error": "bad"})


@pytest.mark.parametrize(
    "reply",
    [
        slow,
        not_json,
        server_error,
        no_choices,
        verdict([True]),  # the wrong number of key points
        verdict(["yes", "no", "yes", "no"]),  # not booleans
        verdict("@everyone"),  # not a list
    ],
    ids=["slow", "not-json", "http-500", "no-choices", "wrong-length", "strings", "text"],
)
async def test_a_bad_reply_leaves_the_local_feedback(
    core, clock, chat, channel, fake, reply, caplog
):
    grader, url = fake
    grader.reply = reply
    caplog.set_level(logging.DEBUG)
    receipt, _ = await written(core, clock, chat, channel, url, wait=0.5)
    assert receipt.feedback is not None and receipt.feedback.judge is None
    assert "checked locally" in feedback_lines(receipt.feedback)[0]
    assert KEY not in caplog.text


async def test_a_reply_cannot_put_its_own_words_in_front_of_members(
    core, clock, chat, channel, fake
):
    grader, url = fake
    grader.reply = every_point(comment="@everyone <@1> visit http://x", points=1000)
    receipt, _ = await written(core, clock, chat, channel, url)
    assert receipt.feedback is not None and receipt.feedback.judge == "tiny-model"
    text = "\n".join(feedback_lines(receipt.feedback))
    assert "@everyone" not in text and "http://x" not in text
    assert receipt.points == core.points.written  # a written answer's points, as ever


async def test_an_unreachable_grader_leaves_the_local_feedback(core, clock, chat, channel):
    receipt, _ = await written(core, clock, chat, channel, "http://127.0.0.1:9/v1")
    assert receipt.feedback is not None and receipt.feedback.judge is None
