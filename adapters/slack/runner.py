"""The Slack front end's lifetime: an HTTP server for `/slack/events`, or Socket Mode."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from adapters.slack import signed
from adapters.slack.app import SlackBolt
from adapters.slack.chat import NETWORK_ERRORS, SlackChat
from adapters.slack.install_pages import add_install_routes
from bot.errors import QotdError
from bot.http_server import status_routes

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
DRAIN_SECONDS = 5.0
# Never the token itself: only which setting to fix, and Slack's error code.
DEAD_BOT_TOKEN = (
    "Slack refused SLACK_BOT_TOKEN ({code}): set it to the app's current Bot User OAuth "
    "Token (xoxb-..., Settings > Install App) and start qotd again."
)
DEAD_APP_TOKEN = (
    "Slack refused SLACK_APP_TOKEN ({code}): set it to an app-level token (xapp-...) with "
    "the connections:write scope (Basic Information > App-Level Tokens), or serve HTTP "
    "with `qotd run --slack-http`."
)


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

    @property
    def connected(self) -> bool:
        """The token checked and the HTTP server listening (or the socket open), until closed."""
        return self.ready.is_set() and not self._closed.is_set()

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
        """auth.test once at start: a dead token stops the front end with one clear line."""
        if self.bolt.chat.workspaces is not None:
            return  # installed per workspace: each token is checked as it is used
        client = self.bolt.chat.client
        try:
            identity = await client.auth_test()
        except SlackApiError as error:
            raise QotdError(DEAD_BOT_TOKEN.format(code=_code(error))) from None
        except NETWORK_ERRORS as error:
            raise QotdError(
                f"Cannot reach the Slack Web API at {client.base_url} ({type(error).__name__}): "
                "check the network, or QOTD_SLACK_API_URL if it is set."
            ) from None
        log.info("Slack: connected to %s as %s", identity.get("team"), identity.get("user"))

    async def _serve_http(self) -> None:
        server = web.Application()
        server.router.add_post(EVENTS_PATH, self._handle)
        add_install_routes(server, self.bolt.app)  # with OAuth: /slack/install, the redirect
        server.router.add_routes(status_routes(self.bolt.core))  # /healthz and /metrics
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
        body = await request.text()
        response = await signed.dispatch(self.bolt, body, request.headers, request.query_string)
        return await to_aiohttp_response(response)

    async def _serve_socket_mode(self) -> None:
        handler = AsyncSocketModeHandler(self.bolt.app, self.app_token)
        try:
            # Ask for the WebSocket URL first: connect() itself retries a refused token forever
            # (and logs each failure); here a refused token is one clear error.
            opened = await handler.client.web_client.apps_connections_open(
                app_token=str(self.app_token)
            )
            handler.client.wss_uri = str(opened["url"])
        except SlackApiError as error:
            raise QotdError(DEAD_APP_TOKEN.format(code=_code(error))) from None
        await handler.client.connect()  # type: ignore[no-untyped-call]  # slack_sdk leaves it untyped
        log.info("Slack: connected in Socket Mode")
        self.ready.set()
        try:
            await self._closed.wait()
        finally:
            await handler.client.close()  # type: ignore[no-untyped-call]


def _code(error: SlackApiError) -> str:
    """Slack's error code, or the HTTP status when the body had none (a bare 401)."""
    response = error.response
    code = response.get("error") if isinstance(response.data, dict) else None
    return str(code or f"HTTP {response.status_code}")
