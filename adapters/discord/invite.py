"""`qotd discord invite-url`: the OAuth2 link that adds the bot to a server."""

from __future__ import annotations

import base64
import binascii

import discord

from bot.config import Settings
from bot.errors import QotdError

SCOPES = ("bot", "applications.commands")


def permissions() -> discord.Permissions:
    """Exactly what the bot uses: see and post in its channel, embeds, the pictures of
    /qotd stats and leaderboard (attachments), reading back its own messages after a crash,
    and the discussion thread. Nothing more: no mentions of @everyone, no moderation."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        attach_files=True,
        read_message_history=True,
        create_public_threads=True,
        send_messages_in_threads=True,
    )


def application_id(settings: Settings) -> int:
    """QOTD_DISCORD_APP_ID, else the id encoded in the token's first segment."""
    if settings.discord_app_id is not None:
        return settings.discord_app_id
    if settings.discord_token is not None:
        first = settings.discord_token.get_secret_value().strip().split(".")[0]
        try:
            decoded = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            decoded = ""
        if decoded.isdigit():
            return int(decoded)
        raise QotdError(
            "QOTD_DISCORD_TOKEN does not look like a bot token (its first part should encode "
            "the application id). Set QOTD_DISCORD_APP_ID to the Application ID instead."
        )
    raise QotdError(
        "Set QOTD_DISCORD_APP_ID (Developer Portal > your app > General Information > "
        "Application ID) or QOTD_DISCORD_TOKEN to print the invite URL."
    )


def invite_url(settings: Settings) -> str:
    """The OAuth2 URL with scopes `bot applications.commands` and the minimal permissions."""
    return discord.utils.oauth_url(
        application_id(settings), permissions=permissions(), scopes=SCOPES
    )
