"""Finding qotd's own messages in a channel by their metadata (crash-safe sending)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import ids

log = logging.getLogger(__name__)

# A crashed attempt's message is among the channel's latest: look at a few pages only.
# 100 is conversations.history's default page (its maximum is 999).
HISTORY_PAGE = 100
HISTORY_PAGES = 3
REPLIES_PAGE = 200  # conversations.replies allows up to 1000
REPLIES_PAGES = 3
# Without the history scopes (an app installed from an older manifest) the lookup is
# skipped rather than pausing the channel: the worst case is the old duplicate.
CANNOT_LOOK = {"missing_scope", "not_allowed_token_type"}
PARENT_GONE = {"thread_not_found", "message_not_found"}


async def in_history(
    client: AsyncWebClient, channel: str, event_type: str, post_id: int
) -> str | None:
    """The ts of the channel's latest message marked `event_type` for post_id, if any."""
    async for message in _history(client, channel):
        if ids.carries(message, event_type, post_id):
            return str(message["ts"])
    return None


async def reveal_parts(
    client: AsyncWebClient, channel: str, parent: str | None, post_id: int
) -> int:
    """How many messages of post_id's reveal are in the thread under `parent` (or in the
    channel when `parent` is None): one more than the highest part found, 0 for none."""
    messages = _history(client, channel) if parent is None else _replies(client, channel, parent)
    found = -1
    async for message in messages:
        if ids.carries(message, ids.REVEAL_EVENT, post_id):
            found = max(found, ids.part(message))
    return found + 1


async def _history(client: AsyncWebClient, channel: str) -> AsyncIterator[Mapping[str, Any]]:
    """The channel's latest messages, newest first, a few pages at most."""
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        response = await client.conversations_history(
            channel=channel, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor
        )
        for message in _messages(response):
            yield message
        cursor = _next_cursor(response)
        if cursor is None:
            return


async def _replies(
    client: AsyncWebClient, channel: str, parent: str
) -> AsyncIterator[Mapping[str, Any]]:
    """The messages of the thread under `parent`, oldest first, a few pages at most."""
    cursor: str | None = None
    for _ in range(REPLIES_PAGES):
        response = await client.conversations_replies(
            channel=channel,
            ts=parent,
            limit=REPLIES_PAGE,
            include_all_metadata=True,
            cursor=cursor,
        )
        for message in _messages(response):
            yield message
        cursor = _next_cursor(response)
        if cursor is None:
            return


def cannot_look(error: SlackApiError) -> bool:
    """True (and logged) when the app lacks the scopes to read history."""
    code = str(error.response.get("error"))
    if code not in CANNOT_LOOK:
        return False
    log.warning(
        "cannot look for already-sent messages (%s): add channels:history and groups:history "
        "to the app (slack-manifest.yml) so a crash never posts twice",
        code,
    )
    return True


def _messages(response: Any) -> list[Mapping[str, Any]]:
    return [message for message in response.get("messages") or [] if isinstance(message, dict)]


def _next_cursor(response: Any) -> str | None:
    if not response.get("has_more"):
        return None
    cursor = (response.get("response_metadata") or {}).get("next_cursor")
    return str(cursor) if cursor else None
