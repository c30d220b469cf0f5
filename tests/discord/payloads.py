"""Builders of the gateway INTERACTION_CREATE payloads Discord sends: slash commands,
autocomplete, button clicks (carrying the clicked message) and modal submits."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord.invite import permissions
from tests.discord.fake_api import APP_ID

GUILD_ID = 700000000000000001
CHANNEL_ID = 700000000000000002
FORUM_ID = 700000000000000004
ADMIN = discord.Permissions(manage_guild=True, view_channel=True, send_messages=True)
MEMBER = discord.Permissions(view_channel=True, send_messages=True, use_application_commands=True)
# What the invite link grants the bot, as Discord reports it in `app_permissions`.
BOT_PERMISSIONS = permissions()

_ids = itertools.count(800000000000000001)
_users: dict[str, int] = {}


@dataclass(frozen=True)
class User:
    """A user option's value (resolved from the payload's `resolved` block)."""

    name: str


@dataclass(frozen=True)
class Attachment:
    """An attachment option's value: the attachment object (see FakeDiscord.member_upload)."""

    data: dict[str, Any]


@dataclass(frozen=True)
class Role:
    id: int
    name: str


def user_id(name: str) -> int:
    return _users.setdefault(name, 600000000000000001 + len(_users))


def user(name: str) -> dict[str, Any]:
    return {
        "id": str(user_id(name)),
        "username": name,
        "discriminator": "0",
        # A plain test name reads capitalised (`alice` is Alice); a name with capitals or
        # spaces is a display name as a member chose it (`Ada @everyone`).
        "global_name": name.title() if name == name.lower() else name,
        "avatar": None,
    }


def member(name: str, permissions: discord.Permissions) -> dict[str, Any]:
    return {
        "user": user(name),
        "roles": [],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "pending": False,
        "permissions": str(permissions.value),
    }


def _base(
    kind: int,
    who: str,
    permissions: discord.Permissions,
    channel_id: int,
    guild_id: int = GUILD_ID,
) -> dict[str, Any]:
    interaction_id = next(_ids)
    return {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": kind,
        "token": f"token-{interaction_id}",
        "version": 1,
        "guild_id": str(guild_id),
        "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
        "channel_id": str(channel_id),
        "channel": {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(guild_id),
            "name": "study-group",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        },
        "member": member(who, permissions),
        "app_permissions": str(BOT_PERMISSIONS.value),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
        "attachment_size_limit": 8 * 1024 * 1024,
    }


def guild_create() -> dict[str, Any]:
    """The GUILD_CREATE the gateway sends on connect (the guilds intent fills the cache)."""
    return {
        "id": str(GUILD_ID),
        "name": "Study group",
        "unavailable": False,
        "owner_id": str(user_id("owner")),
        "member_count": 3,
        "preferred_locale": "en-US",
        "features": [],
        "emojis": [],
        "stickers": [],
        "members": [],
        "threads": [],
        "roles": [
            {
                "id": str(GUILD_ID),
                "name": "@everyone",
                "color": 0,
                "hoist": False,
                "position": 0,
                "permissions": str(MEMBER.value),
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "channels": [
            {
                "id": str(CHANNEL_ID),
                "type": 0,
                "guild_id": str(GUILD_ID),
                "name": "study-group",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            },
            {
                "id": str(FORUM_ID),
                "type": 15,
                "guild_id": str(GUILD_ID),
                "name": "questions-forum",
                "position": 1,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            },
        ],
    }


def _option(name: str, value: Any, resolved: dict[str, Any]) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"name": name, "type": 5, "value": value}
    if isinstance(value, int):
        return {"name": name, "type": 4, "value": value}
    if isinstance(value, Role):
        resolved.setdefault("roles", {})[str(value.id)] = {
            "id": str(value.id),
            "name": value.name,
            "color": 0,
            "hoist": False,
            "position": 1,
            "permissions": "0",
            "managed": False,
            "mentionable": True,
            "flags": 0,
        }
        return {"name": name, "type": 8, "value": str(value.id)}
    if isinstance(value, Attachment):
        resolved.setdefault("attachments", {})[value.data["id"]] = value.data
        return {"name": name, "type": 11, "value": value.data["id"]}
    if isinstance(value, User):
        data = member(value.name, MEMBER)
        resolved.setdefault("users", {})[data["user"]["id"]] = data["user"]
        resolved.setdefault("members", {})[data["user"]["id"]] = {
            key: item for key, item in data.items() if key != "user"
        }
        return {"name": name, "type": 6, "value": data["user"]["id"]}
    return {"name": name, "type": 3, "value": str(value)}


def slash(
    subcommand: str,
    who: str,
    permissions: discord.Permissions = MEMBER,
    channel_id: int = CHANNEL_ID,
    focused: str | None = None,
    guild_id: int = GUILD_ID,
    **options: Any,
) -> dict[str, Any]:
    """`/qotd <subcommand> option:value ...`; with `focused`, the autocomplete request instead."""
    payload = _base(4 if focused else 2, who, permissions, channel_id, guild_id)
    resolved: dict[str, Any] = {}
    built = [_option(name, value, resolved) for name, value in options.items()]
    for option in built:
        if option["name"] == focused:
            option["focused"] = True
    payload["data"] = {
        "id": "1",
        "name": "qotd",
        "type": 1,
        "guild_id": str(guild_id),
        "options": [{"name": subcommand, "type": 1, "options": built}],
        "resolved": resolved,
    }
    return payload


def click(
    message: dict[str, Any],
    custom_id: str,
    who: str,
    permissions: discord.Permissions = MEMBER,
    guild_id: int = GUILD_ID,
) -> dict[str, Any]:
    """A button click on `message` (as the fake stored it), as Discord sends it."""
    payload = _base(3, who, permissions, int(message["channel_id"]), guild_id)
    payload["message"] = {key: value for key, value in message.items() if key != "_pings"}
    payload["data"] = {"custom_id": custom_id, "component_type": 2}
    return payload


def modal_submit(
    custom_id: str,
    values: dict[str, str],
    who: str,
    channel_id: int = CHANNEL_ID,
    guild_id: int = GUILD_ID,
    permissions: discord.Permissions = MEMBER,
) -> dict[str, Any]:
    """A modal submitted with a text input per `values` key, each inside a label."""
    payload = _base(5, who, permissions, channel_id, guild_id)
    payload["data"] = {
        "custom_id": custom_id,
        "components": [
            {
                "type": 18,
                "id": index + 1,
                "component": {"type": 4, "id": index + 10, "custom_id": key, "value": value},
            }
            for index, (key, value) in enumerate(values.items())
        ],
    }
    return payload


def in_thread(payload: dict[str, Any], thread_id: int, parent_id: int) -> dict[str, Any]:
    """The same interaction sent from a thread of `parent_id` (a forum's posts are threads)."""
    payload["channel_id"] = str(thread_id)
    payload["channel"] = {
        "id": str(thread_id),
        "type": 11,
        "guild_id": payload["guild_id"],
        "parent_id": str(parent_id),
        "owner_id": str(user_id("owner")),
        "name": "a thread",
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-01-01T00:00:00+00:00",
            "locked": False,
        },
    }
    return payload
