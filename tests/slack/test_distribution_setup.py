"""Setting up distribution: the settings that turn it on, what it needs, and scopes that
match the manifest."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from adapters.slack import create_front_end
from bot.config import Settings
from bot.errors import QotdError

ROOT = Path(__file__).resolve().parents[2]
OAUTH = {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "client-secret"}


def _settings(**values: str) -> Settings:
    return Settings.model_validate(values)


def test_distribution_is_on_only_with_both_client_id_and_secret():
    assert _settings(**OAUTH).slack_oauth_enabled
    assert _settings(**OAUTH).slack_enabled
    assert not _settings(SLACK_CLIENT_ID="1111.2222").slack_oauth_enabled
    assert not _settings(SLACK_BOT_TOKEN="xoxb-1").slack_oauth_enabled


def test_the_default_scopes_are_the_manifest_s_bot_scopes():
    manifest = yaml.safe_load((ROOT / "slack-manifest.yml").read_text(encoding="utf-8"))
    assert _settings().slack_scopes.split(",") == manifest["oauth_config"]["scopes"]["bot"]


def test_the_manifest_registers_the_redirect_and_the_uninstall_events():
    manifest = yaml.safe_load((ROOT / "slack-manifest.yml").read_text(encoding="utf-8"))
    (redirect,) = manifest["oauth_config"]["redirect_urls"]
    assert redirect.endswith(_settings().slack_redirect_path)
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(events)


@pytest.mark.parametrize(
    ("values", "http", "message"),
    [
        ({**OAUTH, "SLACK_SIGNING_SECRET": "s", "SLACK_APP_TOKEN": "xapp-1"}, False, "HTTP mode"),
        (OAUTH, True, "SLACK_SIGNING_SECRET"),
    ],
)
def test_distribution_without_what_it_needs_is_one_clear_message(core, values, http, message):
    with pytest.raises(QotdError, match=message) as raised:
        create_front_end(core, _settings(**values), http=http, port=3000)
    assert "client-secret" not in raised.value.message


def test_distribution_serves_the_install_pages_over_http(core):
    settings = _settings(
        **OAUTH,
        SLACK_SIGNING_SECRET="s",
        SLACK_BOT_TOKEN="xoxb-unused",
        slack_install_path="/add",
        slack_redirect_path="/added",
    )

    front_end = create_front_end(core, settings, http=True, port=3000)

    flow = front_end.bolt.app.oauth_flow
    assert front_end.http and flow is not None
    assert (flow.install_path, flow.redirect_uri_path) == ("/add", "/added")
    assert flow.settings.scopes == settings.slack_scopes.split(",")
    assert front_end.chat.workspaces is not None  # sends pick each workspace's token
