"""Setting Slack up: clear messages for missing credentials, and a manifest that has what
the app needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.slack import create_front_end
from adapters.slack.events import GONE_EVENTS
from bot.config import Settings
from bot.errors import QotdError
from tests.slack.fake_api import TOKEN

ROOT = Path(__file__).resolve().parents[2]


def _settings(**values: str) -> Settings:
    return Settings.model_validate(values)


@pytest.mark.parametrize(
    ("values", "http", "message"),
    [
        ({}, True, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, True, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, False, "SLACK_APP_TOKEN"),
    ],
)
def test_missing_credentials_are_one_clear_message(core, values, http, message):
    with pytest.raises(QotdError, match=message):
        create_front_end(core, _settings(**values), http=http, port=3000)


async def test_socket_mode_is_chosen_when_the_app_token_is_set(core, fake):
    settings = _settings(
        SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN="xapp-1", slack_api_url=fake.api_url
    )
    front_end = create_front_end(core, settings, http=False, port=3000)
    fake.fail("apps.connections.open", "invalid_auth")  # stop right after the mode is chosen

    with pytest.raises(QotdError, match="SLACK_APP_TOKEN"):
        await front_end.run()

    (checked,) = fake.called("auth.test")
    (opened,) = fake.called("apps.connections.open")
    assert checked.token == TOKEN and opened.token == "xapp-1"
    assert front_end.port_bound is None  # no HTTP server was started
    assert front_end.chat.platform == "slack"


def test_the_manifest_declares_the_command_scopes_interactivity_home_and_socket_mode():
    manifest = yaml.safe_load((ROOT / "slack-manifest.yml").read_text(encoding="utf-8"))
    features = manifest["features"]
    settings = manifest["settings"]
    (command,) = features["slash_commands"]
    assert command["command"] == "/qotd" and command["should_escape"] is True
    assert features["app_home"]["home_tab_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read"} <= scopes
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]


def test_the_manifest_lets_members_reopen_the_app_s_direct_messages_read_only():
    app_home = _manifest()["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is True


def test_the_manifest_subscribes_to_every_lost_channel_event_the_app_handles():
    manifest = _manifest()
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert set(GONE_EVENTS) <= events
    private = {"group_archive", "group_deleted", "group_left"}
    public = {"channel_archive", "channel_deleted", "channel_left", "member_left_channel"}
    assert private | public <= set(GONE_EVENTS)
    # Public channels' events need channels:read, private channels' groups:read.
    assert {"channels:read", "groups:read"} <= set(manifest["oauth_config"]["scopes"]["bot"])


def _manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = yaml.safe_load(
        (ROOT / "slack-manifest.yml").read_text(encoding="utf-8")
    )
    return manifest


def test_the_walkthrough_covers_the_path_from_manifest_to_first_post():
    text = (ROOT / "docs" / "slack.md").read_text(encoding="utf-8")
    for step in (
        "slack-manifest.yml",
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "--slack-http",
        "/qotd schedule",
        "/qotd post-now",
        "/qotd reveal-now",
    ):
        assert step in text


def test_the_walkthrough_says_which_scopes_are_optional_and_slack_s_answer_cap():
    text = " ".join((ROOT / "docs" / "slack.md").read_text(encoding="utf-8").split())
    assert "Optional: `channels:history` and `groups:history`" in text
    assert "QOTD_MAX_WRITTEN_CHARS" in text and "3000" in text
