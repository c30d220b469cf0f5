"""The Slack front end for many workspaces: Bolt's OAuth v2 install flow, installations in
qotd's database, and every request and send authorized by its own workspace's bot token."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackBolt, make_client
from adapters.slack.chat import SlackChat
from adapters.slack.installations import WorkspaceClients, installation_store, state_store
from adapters.slack.request_log import quiet_bolt_logs
from adapters.slack.runner import SlackFrontEnd
from adapters.slack.uninstall import Uninstalls
from bot.config import Settings
from bot.errors import QotdError
from bot.services.context import Core
from bot.storage.database import Database

log = logging.getLogger(__name__)
# slack_sdk logs each response body at DEBUG, and oauth.v2.access answers with the new token.
_EXCHANGE_LOG = logging.getLogger(f"{__name__}.exchange")
_SLACK_TOKEN = re.compile(r"xox[a-z]-[A-Za-z0-9-]+")


class _NoTokens(logging.Filter):
    """Blanks every Slack token in a line (the line itself stays, for debugging)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if _SLACK_TOKEN.search(text):
            record.msg, record.args = _SLACK_TOKEN.sub("xox?-(hidden)", text), None
        return True


_EXCHANGE_LOG.addFilter(_NoTokens())


@dataclass(frozen=True, slots=True)
class OAuthApp:
    """The app's credentials and install URLs (Basic Information, OAuth & Permissions)."""

    client_id: str
    client_secret: str = field(repr=False)
    scopes: tuple[str, ...]
    install_path: str = "/slack/install"
    redirect_path: str = "/slack/oauth_redirect"
    redirect_uri: str | None = None  # needed only when the app registers several


def oauth_settings(oauth: OAuthApp, database: Database) -> AsyncOAuthSettings:
    """Bolt's install flow over qotd's database: `install_path` sends the browser straight to
    Slack's consent page with a one-use state (also set as a cookie in that browser), and
    `redirect_path` checks both before it trades the code for the workspace's bot token."""
    return AsyncOAuthSettings(
        client_id=oauth.client_id,
        client_secret=oauth.client_secret,
        scopes=list(oauth.scopes),
        user_scopes=[],
        redirect_uri=oauth.redirect_uri,
        install_path=oauth.install_path,
        redirect_uri_path=oauth.redirect_path,
        install_page_rendering_enabled=False,
        installation_store=installation_store(database, oauth.client_id),
        state_store=state_store(database),
    )


def build_distributed_bolt(
    core: Core, *, api_url: str, signing_secret: str, oauth: OAuthApp
) -> SlackBolt:
    """The Bolt app and the Chat for an app installed in many workspaces."""
    quiet_bolt_logs()
    settings = oauth_settings(oauth, core.storage.database)
    # Its own client: the one call that receives a token in a response body.
    exchange = AsyncWebClient(base_url=api_url, logger=_EXCHANGE_LOG)
    app = AsyncApp(
        name="qotd",
        client=make_client(api_url, None),  # each request's token comes from the store
        signing_secret=signing_secret,
        oauth_flow=AsyncOAuthFlow(client=exchange, settings=settings),
        process_before_response=False,  # ack first, then the listener's slow work
    )
    clients = WorkspaceClients(
        settings.installation_store,  # type: ignore[arg-type]  # the SQLAlchemy store above
        lambda token: make_client(api_url, token),
    )
    chat = SlackChat(make_client(api_url, None), workspaces=clients)
    return SlackBolt(core, app, chat, signing_secret, uninstalls=Uninstalls(core, clients))


def distributed_front_end(
    core: Core, settings: Settings, *, http: bool, port: int = 3000
) -> SlackFrontEnd:
    """The front end `qotd run --slack-http` starts when SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET are set: the install pages and Slack's requests on one HTTP server."""
    secret = settings.slack_signing_secret
    if not http:
        raise QotdError(
            "Installing qotd in many workspaces (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set) "
            "needs HTTP mode for the install pages: `qotd run --slack-http --port 3000`."
        )
    if secret is None or not secret.get_secret_value():
        raise QotdError(
            "--slack-http needs SLACK_SIGNING_SECRET (Basic Information > App Credentials) "
            "to verify Slack's requests."
        )
    if settings.slack_bot_token is not None:
        log.info(
            "Slack: SLACK_BOT_TOKEN is not used: each workspace's token comes from its install"
        )
    assert settings.slack_client_id and settings.slack_client_secret  # slack_oauth_enabled
    oauth = OAuthApp(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=tuple(scope.strip() for scope in settings.slack_scopes.split(",") if scope.strip()),
        install_path=settings.slack_install_path,
        redirect_path=settings.slack_redirect_path,
        redirect_uri=settings.slack_redirect_uri,
    )
    bolt = build_distributed_bolt(
        core,
        api_url=settings.slack_api_url,
        signing_secret=secret.get_secret_value(),
        oauth=oauth,
    )
    return SlackFrontEnd(bolt, http=True, port=port)
