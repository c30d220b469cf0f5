"""Driving the real Bolt app the way Slack does: signed requests in, the fake API out."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from itertools import count
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.response import BoltResponse

from adapters.slack import SlackBolt, build_bolt, signed
from adapters.slack.ids import WRITE_BLOCK, WRITE_INPUT
from adapters.slack.runner import SlackFrontEnd
from bot.clock import ManualClock
from bot.domain.identity import ChannelRef
from bot.services import timeline
from bot.services.context import Core
from tests.processes import WORK_LIMIT, deadline
from tests.slack import signing
from tests.slack.checks import text_of
from tests.slack.fake_api import BOT_USER, TEAM, TOKEN, FakeSlack

_replies = count(1)
CHANNEL_REF = ChannelRef("slack", TEAM, signing.CHANNEL)


async def authorize(
    enterprise_id: str | None, team_id: str | None, user_id: str | None
) -> AuthorizeResult:
    """A custom authorize: no auth.test round trip in unit tests."""
    return AuthorizeResult(
        enterprise_id=enterprise_id,
        team_id=team_id,
        bot_token=TOKEN,
        bot_user_id=BOT_USER,
        bot_id="B0QOTD",
    )


class SlackHarness:
    """The Slack front end of a core, with helpers that act as members."""

    def __init__(self, core: Core, fake: FakeSlack, bolt: SlackBolt | None = None) -> None:
        self.core = core
        self.fake = fake
        # One workspace's bot token by default; a test of many workspaces brings its own.
        self.bolt: SlackBolt = bolt or build_bolt(
            core,
            api_url=fake.api_url,
            bot_token=TOKEN,
            signing_secret=signing.SECRET,
            authorize=authorize,
        )
        self.last_view_response: BoltResponse | None = None
        for name, admin in (("admin", True), ("alice", False), ("bob", False), ("carol", False)):
            self.add_user(name, admin=admin)

    def add_user(self, name: str, *, admin: bool = False) -> None:
        uid = signing.user_id(name)
        self.fake.users[uid] = {"id": uid, "name": name, "is_admin": admin, "is_owner": False}

    @property
    def chats(self) -> dict[str, Any]:
        return {"slack": self.bolt.chat}

    async def send(self, body: str, content_type: str, **signing_options: Any) -> BoltResponse:
        """Dispatch one signed request and wait for the work it started."""
        return await self.dispatch(
            body, signing.signed_headers(body, content_type, **signing_options)
        )

    async def dispatch(self, body: str, headers: dict[str, str]) -> BoltResponse:
        """Dispatch one request with exactly these headers, the way the HTTP server does, and
        wait for the work it started."""
        response = await signed.dispatch(self.bolt, body, headers)
        assert await self.bolt.idle(), "a Slack handler did not finish within 10 s"
        return response

    async def command(self, user: str, text: str, **where: str) -> str:
        """`/qotd <text>` from a member (in `team=`, `channel=` if given); the private
        reply's text."""
        start = len(self.fake.responses())
        url = self.fake.response_url(f"r{next(_replies)}")
        response = await self.send(signing.command(text, user, url, **where), signing.FORM)
        assert response.status == 200, response.body
        return "\n".join(text_of(reply) for reply in self.fake.responses()[start:])

    async def click(self, user: str, action_id: str, **options: Any) -> str:
        """A button click; the text of the private replies it produced."""
        start = len(self.fake.responses())
        url = self.fake.response_url(f"r{next(_replies)}")
        value = action_id.rsplit(":", 1)[-1]
        body = signing.block_action(user, action_id, value, url, **options)
        response = await self.send(body, signing.FORM)
        assert response.status == 200, response.body
        return "\n".join(text_of(reply) for reply in self.fake.responses()[start:])

    def last_post(self) -> dict[str, Any]:
        return self.fake.posts()[-1]

    def post_buttons(self, post: dict[str, Any] | None = None) -> dict[str, str]:
        """The action ids of a posted message's buttons, by their text (A-D, Write an answer)."""
        message = post or self.last_post()
        return {
            element["text"]["text"]: element["action_id"]
            for block in message["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
        }

    async def pick(self, user: str, letter: str) -> str:
        post = self.last_post()
        return await self.click(user, self.post_buttons(post)[letter], message_ts=post["ts"])

    async def open_write(self, user: str) -> dict[str, Any] | None:
        """Click "Write an answer" under the last post; the modal Slack opened, if any."""
        post = self.last_post()
        opened = len(self.fake.called("views.open"))
        await self.click(user, self.post_buttons(post)["Write an answer"], message_ts=post["ts"])
        views = self.fake.called("views.open")
        return views[-1].args["view"] if len(views) > opened else None

    async def write(self, user: str, text: str) -> str:
        """Click "Write an answer", then submit the modal Slack opened with `text`; what the
        member sees: the refusal under the field or in a private reply, or the receipt."""
        start = len(self.fake.responses())
        view = await self.open_write(user)
        if view is None:
            return "\n".join(text_of(reply) for reply in self.fake.responses()[start:])
        return await self.submit_answer(user, view, text)

    async def submit_answer(self, user: str, view: dict[str, Any], text: str) -> str:
        """Submit a write modal with `text` in its answer field."""
        values = {WRITE_BLOCK: {WRITE_INPUT: {"type": "plain_text_input", "value": text}}}
        return await self.submit(user, view, values)

    async def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> str:
        """Submit a modal; the errors Slack shows under its fields (the modal stays open) and
        the text of the ephemeral messages it produced."""
        start = len(self.fake.called("chat.postEphemeral"))
        response = await self.send(signing.view_submission(user, view, values), signing.FORM)
        assert response.status == 200, response.body
        self.last_view_response = response
        shown = list(self.view_errors().values())
        shown += [text_of(call.args) for call in self.fake.called("chat.postEphemeral")[start:]]
        return "\n".join(shown)

    def view_errors(self) -> dict[str, str]:
        """The errors the last modal submission was answered with, by block id ({}: closed)."""
        response = self.last_view_response
        if response is None or not response.body:
            return {}
        answer = json.loads(response.body)
        if answer.get("response_action") != "errors":
            return {}
        errors: dict[str, str] = answer["errors"]
        return errors

    async def event(self, inner: dict[str, Any], **options: Any) -> BoltResponse:
        retry = options.pop("retry_num", None)
        return await self.send(signing.event(inner, **options), signing.JSON, retry_num=retry)

    async def advance(self, delta: timedelta) -> None:
        """Move the clock, ticking at every due post, reveal and reminder on the way."""
        clock = self.core.clock
        assert isinstance(clock, ManualClock)
        await timeline.advance_to(self.core, self.chats, clock, clock.now() + delta)


@asynccontextmanager
async def serving(slack: SlackHarness) -> AsyncIterator[str]:
    """The front end's own HTTP server on a free local port; yields /slack/events' URL."""
    front_end = SlackFrontEnd(slack.bolt, http=True, port=0, host="127.0.0.1")
    task = asyncio.create_task(front_end.run())
    async with deadline(WORK_LIMIT, "the Slack front end to serve HTTP"):
        await front_end.ready.wait()
    try:
        yield f"http://127.0.0.1:{front_end.port_bound}/slack/events"
    finally:
        await front_end.close()
        await task
