"""The fake Slack's side of distribution: `oauth.v2.access` as Slack documents it, and one
bot token per installed workspace that works only in that workspace's channels."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"
APP_ID = "A0QOTD"
SCOPES = "commands,chat:write,users:read,channels:read,groups:read,im:write,files:write"


@dataclass(frozen=True)
class Workspace:
    team_id: str
    name: str
    installer: str
    redirect_uri: str | None


@dataclass
class FakeWorkspaces:
    """Codes Slack's consent page would hand out, and the tokens they are traded for."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    codes: dict[str, Workspace] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # bot token -> team id
    channels: dict[str, str] = field(default_factory=dict)  # channel id -> team id

    def consent(
        self,
        team_id: str,
        name: str,
        installer: str = "UINSTALLER",
        redirect_uri: str | None = None,
    ) -> str:
        """What Slack does when an admin of `team_id` approves the install: a one-use code
        (the browser then goes to the redirect URL with it)."""
        code = f"code-{team_id}-{secrets.token_hex(4)}"
        self.codes[code] = Workspace(team_id, name, installer, redirect_uri)
        return code

    def add_channel(self, team_id: str, channel: str) -> None:
        self.channels[channel] = team_id

    def token_of(self, team_id: str) -> str | None:
        return next((token for token, team in self.tokens.items() if team == team_id), None)

    def access(self, args: dict[str, Any], authorization: str) -> dict[str, Any]:
        """oauth.v2.access: client credentials by HTTP Basic auth or as form fields."""
        client_id, client_secret = args.get("client_id"), args.get("client_secret")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            client_id, _, client_secret = decoded.partition(":")
        if client_id != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if client_secret != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        granted = self.codes.pop(str(args.get("code")), None)
        if granted is None:
            return {"ok": False, "error": "invalid_code"}
        if granted.redirect_uri is not None and args.get("redirect_uri") != granted.redirect_uri:
            return {"ok": False, "error": "bad_redirect_uri"}
        token = f"xoxb-{granted.team_id}-{secrets.token_hex(8)}"
        self.tokens[token] = granted.team_id
        return {
            "ok": True,
            "access_token": token,
            "token_type": "bot",
            "scope": SCOPES,
            "bot_user_id": bot_user(granted.team_id),
            "app_id": APP_ID,
            "team": {"id": granted.team_id, "name": granted.name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": granted.installer},
        }

    def refuse(self, method: str, args: dict[str, Any], team_id: str) -> dict[str, Any] | None:
        """A workspace's token used on another workspace's channel: Slack's answer."""
        channel = str(args.get("channel") or "")
        owner = self.channels.get(channel)
        if owner is not None and owner != team_id:
            return {"ok": False, "error": "not_in_channel"}
        return None

    def auth_test(self, token: str) -> dict[str, Any]:
        team_id = self.tokens[token]
        return {
            "ok": True,
            "team_id": team_id,
            "team": f"Workspace {team_id}",
            "user_id": bot_user(team_id),
            "user": "qotd",
            "bot_id": f"B{team_id}",
            "app_id": APP_ID,
        }


def bot_user(team_id: str) -> str:
    return f"U0QOTD{team_id}"
