"""Signed Slack requests, built the way Slack builds them: slash commands, button clicks,
modal submissions and Events API callbacks (all payload builders live here)."""

from __future__ import annotations

import json
import re
import time
from itertools import count
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.slack.fake_api import TEAM

SECRET = "test-signing-secret"
CHANNEL = "C0STUDY"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
_ids = count(1)


def user_id(name: str) -> str:
    """A stable Slack-looking user id for a test member: alice -> UALICE, and a display name
    such as `Ada @everyone` -> UADAEVERYONE."""
    return "U" + re.sub(r"[^A-Z0-9]", "", name.upper())


def signed_headers(
    body: str,
    content_type: str,
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
    retry_num: int | None = None,
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "content-type": content_type,
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": SignatureVerifier(secret).generate_signature(
            timestamp=stamp, body=body
        ),
    }
    if retry_num is not None:
        headers["x-slack-retry-num"] = str(retry_num)
        headers["x-slack-retry-reason"] = "http_timeout"
    return headers


def command(
    text: str, user: str, response_url: str, *, channel: str = CHANNEL, team: str = TEAM
) -> str:
    """The form body of `/qotd <text>` (escaped mentions are the caller's job)."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": team,
            "team_domain": "study",
            "channel_id": channel,
            "channel_name": "ml-study",
            "user_id": user_id(user),
            "user_name": user,
            "command": "/qotd",
            "text": text,
            "api_app_id": "A0QOTD",
            "response_url": response_url,
            "trigger_id": f"trigger-{next(_ids)}",
        }
    )


def _user(name: str, team: str = TEAM) -> dict[str, str]:
    return {"id": user_id(name), "username": name, "name": name, "team_id": team}


def block_action(
    user: str,
    action_id: str,
    value: str,
    response_url: str,
    *,
    channel: str = CHANNEL,
    message_ts: str | None = None,
    ephemeral: bool = False,
    team: str = TEAM,
) -> str:
    """The form body of a button click on a channel (or ephemeral) message."""
    container: dict[str, Any] = {
        "type": "message",
        "channel_id": channel,
        "is_ephemeral": ephemeral,
    }
    if message_ts:
        container["message_ts"] = message_ts
    payload = {
        "type": "block_actions",
        "team": {"id": team, "domain": "study"},
        "user": _user(user, team),
        "api_app_id": "A0QOTD",
        "token": "legacy",
        "container": container,
        "trigger_id": f"trigger-{next(_ids)}",
        "channel": {"id": channel, "name": "ml-study"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b",
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    if message_ts:
        payload["message"] = {"type": "message", "ts": message_ts}
    return urlencode({"payload": json.dumps(payload)})


def view_submission(
    user: str, view: dict[str, Any], values: dict[str, Any], *, team: str = TEAM
) -> str:
    """The form body of a modal submission: the view as opened, with its state filled in."""
    submitted = {**view, "id": "V1", "state": {"values": values}, "hash": "h"}
    payload = {
        "type": "view_submission",
        "team": {"id": team, "domain": "study"},
        "user": _user(user, team),
        "api_app_id": "A0QOTD",
        "token": "legacy",
        "trigger_id": f"trigger-{next(_ids)}",
        "view": submitted,
    }
    return urlencode({"payload": json.dumps(payload)})


def event(inner: dict[str, Any], *, event_id: str | None = None) -> str:
    """The JSON body of an Events API callback."""
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0QOTD",
            "event": inner,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "U0QOTD", "is_bot": True}],
        }
    )
