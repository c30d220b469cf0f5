"""The install link and Slack's OAuth redirect on the HTTP server, served by Bolt's flow.

A browser, not Slack, makes these requests, so they carry no Slack signature: the one-use
`state` (issued with the link, and set as a cookie in the browser that asked for it) is what
ties a redirect to an install someone started here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_install_routes(server: web.Application, app: AsyncApp) -> None:
    """GET the install path and the redirect path, when the app has an OAuth flow."""
    flow = app.oauth_flow
    if flow is None:
        return
    server.router.add_get(flow.install_path, _installer(flow))
    server.router.add_get(flow.redirect_uri_path, _redirect(flow))


def _installer(flow: AsyncOAuthFlow) -> Handler:
    async def install(request: web.Request) -> web.StreamResponse:
        """Start an install: off to Slack's consent page with a new state."""
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await flow.handle_installation(bolt_request))

    return install


def _redirect(flow: AsyncOAuthFlow) -> Handler:
    async def redirect(request: web.Request) -> web.StreamResponse:
        """Finish an install: check the state, trade the code for the bot token, store it."""
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await flow.handle_callback(bolt_request))

    return redirect
