"""The Slack front end: slack-bolt (async) with Block Kit, over HTTP or Socket Mode."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack.app import Authorize, SlackBolt, make_client
from adapters.slack.chat import PLATFORM, SlackChat
from adapters.slack.distribution import distributed_front_end
from adapters.slack.one_workspace import OneWorkspace
from adapters.slack.request_log import quiet_bolt_logs
from adapters.slack.runner import SlackFrontEnd
from bot.config import Settings
from bot.errors import QotdError
from bot.services.context import Core

__all__ = ["PLATFORM", "SlackBolt", "SlackFrontEnd", "build_bolt", "create_front_end"]


def build_bolt(
    core: Core,
    *,
    api_url: str,
    bot_token: str,
    signing_secret: str,
    authorize: Authorize | None = None,
) -> SlackBolt:
    """The Bolt app and the Chat; `authorize` replaces the single-workspace auth.test lookup."""
    quiet_bolt_logs()
    # With a custom authorize Bolt takes the token from it; its client must then have none.
    app_client = make_client(api_url, None if authorize else bot_token)
    app = AsyncApp(
        name="qotd",
        client=app_client,
        signing_secret=signing_secret,
        authorize=authorize,
        process_before_response=False,  # ack first, then the listener's slow work
    )
    return SlackBolt(core, app, SlackChat(make_client(api_url, bot_token)), signing_secret)


def create_front_end(
    core: Core, settings: Settings, *, http: bool = False, port: int = 3000, **_: Any
) -> SlackFrontEnd:
    """The Slack front end `qotd run` starts: HTTP mode with `--slack-http`, else Socket Mode;
    installed in many workspaces (OAuth) when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set."""
    if settings.slack_oauth_enabled:
        return distributed_front_end(core, settings, http=http, port=port)
    if settings.slack_bot_token is None:
        raise QotdError("Slack needs SLACK_BOT_TOKEN: the app's Bot User OAuth Token (xoxb-...).")
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    if http and not secret:
        raise QotdError(
            "--slack-http needs SLACK_SIGNING_SECRET (Basic Information > App Credentials) "
            "to verify Slack's requests."
        )
    if not http and app_token is None:
        raise QotdError(
            "Slack Socket Mode needs SLACK_APP_TOKEN (an app-level token, xapp-..., with "
            "connections:write). Or serve HTTP: `qotd run --slack-http --port 3000` with "
            "SLACK_SIGNING_SECRET set."
        )
    bot_token = settings.slack_bot_token.get_secret_value()
    bolt = build_bolt(
        core,
        api_url=settings.slack_api_url,
        bot_token=bot_token,
        signing_secret=secret,
        authorize=OneWorkspace(make_client(settings.slack_api_url, None), bot_token).authorize,
    )
    return SlackFrontEnd(bolt, http=http, port=port, app_token=app_token)
