"""Finding qotd's own messages in a channel by their metadata (crash-safe sending)."""

from __future__ import annotations

import logging
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
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        response = await client.conversations_history(
            channel=channel, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor
        )
        found = _first(response.get("messages"), event_type, post_id)
        cursor = _next_cursor(response)
        if found is not None or cursor is None:
            return found
    return None


async def in_thread(
    client: AsyncWebClient, channel: str, parent: str, event_type: str, post_id: int
) -> str | None:
    """The ts of a message marked `event_type` for post_id in the thread under `parent`."""
    cursor: str | None = None
    for _ in range(REPLIES_PAGES):
        response = await client.conversations_replies(
            channel=channel,
            ts=parent,
            limit=REPLIES_PAGE,
            include_all_metadata=True,
            cursor=cursor,
        )
        found = _first(response.get("messages"), event_type, post_id)
        cursor = _next_cursor(response)
        if found is not None or cursor is None:
            return found
    return None


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


def _first(messages: Any, event_type: str, post_id: int) -> str | None:
    for message in messages or []:
        if isinstance(message, dict) and ids.carries(message, event_type, post_id):
            return str(message["ts"])
    return None


def _next_cursor(response: Any) -> str | None:
    if not response.get("has_more"):
        return None
    cursor = (response.get("response_metadata") or {}).get("next_cursor")
    return str(cursor) if cursor else None
