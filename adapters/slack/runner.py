"""The Slack front end's lifetime: an HTTP server for `/slack/events`, or Socket Mode."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from adapters.slack.app import SlackBolt
from adapters.slack.chat import PERMANENT, SlackChat
from bot.errors import QotdError

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
DRAIN_SECONDS = 5.0


class SlackFrontEnd:
    """Serves Slack's requests until closed; `app_token` set means Socket Mode."""

    def __init__(
        self,
        bolt: SlackBolt,
        *,
        http: bool,
        port: int = 3000,
        host: str = "0.0.0.0",
        app_token: str | None = None,
    ) -> None:
        self.bolt = bolt
        self.http = http
        self.port = port
        self.host = host
        self.app_token = app_token
        self.ready = asyncio.Event()
        self.port_bound: int | None = None
        self._closed = asyncio.Event()

    @property
    def chat(self) -> SlackChat:
        return self.bolt.chat

    async def run(self) -> None:
        """Check the bot token, then serve until `close()`."""
        await self._check_token()
        if self.http:
            await self._serve_http()
        else:
            await self._serve_socket_mode()

    async def close(self) -> None:
        """Stop serving and let acknowledged work finish (briefly); safe to call twice."""
        self._closed.set()
        await self.bolt.idle(DRAIN_SECONDS)

    async def _check_token(self) -> None:
        try:
            identity = await self.bolt.chat.client.auth_test()
        except SlackApiError as error:
            code = str(error.response.get("error"))
            raise QotdError(
                f"Slack refused SLACK_BOT_TOKEN ({code}). " + PERMANENT.get(code, "")
            ) from None
        log.info("Slack: connected to %s as %s", identity.get("team"), identity.get("user"))

    async def _serve_http(self) -> None:
        server = web.Application()
        server.router.add_post(EVENTS_PATH, self._handle)
        server.router.add_get("/healthz", _health)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host=self.host, port=self.port)
            await site.start()
            self.port_bound = int(runner.addresses[0][1])
            log.info("Slack: serving %s on port %s", EVENTS_PATH, self.port_bound)
            self.ready.set()
            await self._closed.wait()
        finally:
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        response = await self.bolt.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def _serve_socket_mode(self) -> None:
        handler = AsyncSocketModeHandler(self.bolt.app, self.app_token)
        await handler.client.connect()  # type: ignore[no-untyped-call]  # slack_sdk leaves it untyped
        log.info("Slack: connected in Socket Mode")
        self.ready.set()
        try:
            await self._closed.wait()
        finally:
            await handler.client.close()  # type: ignore[no-untyped-call]


async def _health(_: web.Request) -> web.Response:
    return web.Response(text="ok")
