"""The Slack side of the core's Chat port: posts, reveals, and Slack errors as ChatError."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import ids, lookup
from adapters.slack.blocks import Message, closed_post, question_post, reveal_messages, sections
from adapters.slack.direct import send_dm
from adapters.slack.replies import nudge_message
from bot.domain.identity import ChannelRef
from bot.ports import ChatError, OutgoingNudge, OutgoingPost, OutgoingReveal, SentPost

if TYPE_CHECKING:
    from adapters.slack.installations import WorkspaceClients

log = logging.getLogger(__name__)
PLATFORM = "slack"

_TOKEN = "Slack refused the bot token ({code}): reinstall the app or update SLACK_BOT_TOKEN, then `/qotd resume`."
# Errors that will not go away by retrying: the subscription is paused with this reason.
PERMANENT = {
    "not_in_channel": "The app is not a member of this channel: invite it (`/invite @qotd`), then `/qotd resume`.",
    "channel_not_found": "The channel was not found: it was deleted, or the app was removed from it. Invite the app again, then `/qotd resume`.",
    "is_archived": "The channel is archived: unarchive it, then `/qotd resume`.",
    "missing_scope": "The app lacks a permission scope it needs: reinstall it from slack-manifest.yml, then `/qotd resume`.",
    "restricted_action": "Slack does not allow the app to post in this channel (posting is restricted).",
    "ekm_access_denied": "Slack does not allow the app to post here (EKM access denied).",
    "team_access_not_granted": "The app's token has no access to this workspace.",
    **{
        code: _TOKEN.format(code=code)
        for code in (
            "invalid_auth",
            "not_authed",
            "token_revoked",
            "token_expired",
            "account_inactive",
            "not_allowed_token_type",
        )
    },
}
NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError)
# A reminder set before reminders kept their workspace names none unless a streak is at risk;
# with many workspaces there is then no telling whose bot token may DM the member.
NUDGE_WORKSPACE_UNKNOWN = (
    "This reminder does not say which workspace it was set in: set it again with /qotd remind."
)


def chat_error(error: Exception) -> ChatError:
    """A Slack or network failure as the core's ChatError (permanent or retried next tick)."""
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        code = str(error.response.get("error") or f"HTTP {status}")
        if code in PERMANENT:
            return ChatError(PERMANENT[code], permanent=True)
        if status in (401, 403, 404):
            return ChatError(f"Slack refused the request ({code}).", permanent=True)
        return ChatError(f"Slack failed the request ({code}); it is retried.", permanent=False)
    return ChatError(f"Slack could not be reached ({type(error).__name__}).", permanent=False)


class SlackChat:
    """Posts questions, reveals and reminders with the bot token's client; finds its own
    earlier posts by their message metadata (the core's FindsSent and DirectMessages)."""

    def __init__(self, client: AsyncWebClient, workspaces: WorkspaceClients | None = None) -> None:
        self.client = client
        # Installed in many workspaces (OAuth): each channel's workspace has its own token.
        self.workspaces = workspaces

    @property
    def platform(self) -> str:
        return PLATFORM

    async def client_for(self, channel: ChannelRef) -> AsyncWebClient:
        """The client whose token may post in `channel`: its workspace's bot token, or the
        one SLACK_BOT_TOKEN. A workspace without an installation is a permanent ChatError."""
        if self.workspaces is None:
            return self.client
        return await self.workspaces.client_for(channel.group_id)

    async def send_question(self, post: OutgoingPost) -> SentPost:
        """Post the question; with `thread` on, open the discussion thread under it."""
        client = await self.client_for(post.channel)
        channel = post.channel.channel_id
        response = await _call(self._post(client, channel, question_post(post)))
        ts = str(response["ts"])
        if not post.thread:
            return SentPost(message_ref=ts)
        try:
            await self._post(client, channel, _thread_opener(), thread_ts=ts)
        except (SlackApiError, *NETWORK_ERRORS) as error:
            # The question is out; failing now would post it twice on the next tick.
            log.warning("could not open the thread of post=%s: %s", post.post_id, error)
        return SentPost(message_ref=ts, thread_ref=ts)

    async def send_reveal(self, reveal: OutgoingReveal) -> None:
        """Post the reveal's messages in the post's thread (from the first not yet posted),
        then mark the post closed."""
        client = await self.client_for(reveal.channel)
        channel = reveal.channel.channel_id
        parent = reveal.thread_ref or reveal.message_ref
        messages = reveal_messages(reveal)
        for part in range(reveal.first_part, len(messages)):
            try:
                parent = await self._post_in_thread(client, channel, messages[part], parent)
            except ChatError as error:
                raise error.after_parts(part) from error
        await self._close(client, reveal)

    async def _post_in_thread(
        self, client: AsyncWebClient, channel: str, message: Message, parent: str | None
    ) -> str | None:
        """Post in the thread under `parent`, or in the channel once the parent is deleted;
        returns where the next message goes."""
        try:
            await self._post(client, channel, message, thread_ts=parent)
            return parent
        except SlackApiError as error:
            if parent is None or error.response.get("error") not in lookup.PARENT_GONE:
                raise chat_error(error) from error
        except NETWORK_ERRORS as error:
            raise chat_error(error) from error
        await _call(self._post(client, channel, message))
        return None

    async def _close(self, client: AsyncWebClient, reveal: OutgoingReveal) -> None:
        if reveal.message_ref is None:
            return
        closed = closed_post(reveal)
        try:
            await client.chat_update(
                channel=reveal.channel.channel_id,
                ts=reveal.message_ref,
                text=closed.text,
                blocks=closed.dicts(),
            )
        except (SlackApiError, *NETWORK_ERRORS) as error:
            # The reveal is out; the old buttons answer "closed" anyway.
            log.warning("could not mark post=%s closed: %s", reveal.post_id, error)

    async def find_question(self, post: OutgoingPost) -> SentPost | None:
        """The question an earlier, crashed attempt posted, found by its metadata."""
        client = await self.client_for(post.channel)
        channel = post.channel.channel_id
        try:
            ts = await lookup.in_history(client, channel, ids.POST_EVENT, post.post_id)
        except SlackApiError as error:
            if lookup.cannot_look(error):
                return None
            raise chat_error(error) from error
        except NETWORK_ERRORS as error:
            raise chat_error(error) from error
        if ts is None:
            return None
        return SentPost(message_ref=ts, thread_ref=ts if post.thread else None)

    async def find_reveal(self, reveal: OutgoingReveal) -> int:
        """How many of the reveal's messages an earlier attempt posted in the thread (or,
        when there is no thread or its parent was deleted, in the channel)."""
        client = await self.client_for(reveal.channel)
        try:
            return await self._reveal_parts(client, reveal)
        except SlackApiError as error:
            if lookup.cannot_look(error):
                return 0
            raise chat_error(error) from error
        except NETWORK_ERRORS as error:
            raise chat_error(error) from error

    async def _reveal_parts(self, client: AsyncWebClient, reveal: OutgoingReveal) -> int:
        channel = reveal.channel.channel_id
        parent = reveal.thread_ref or reveal.message_ref
        in_thread = 0
        if parent is not None:
            try:
                in_thread = await lookup.reveal_parts(client, channel, parent, reveal.post_id)
            except SlackApiError as error:
                if error.response.get("error") not in lookup.PARENT_GONE:
                    raise
        # Parts after the parent was deleted went to the channel itself.
        if parent is None or in_thread < len(reveal_messages(reveal)):
            in_channel = await lookup.reveal_parts(client, channel, None, reveal.post_id)
            return max(in_thread, in_channel)
        return in_thread

    async def send_nudge(self, nudge: OutgoingNudge) -> None:
        """The member's daily reminder, by DM (installed in many workspaces: through the
        workspace the reminder was set in, else that of a streak at risk)."""
        client = self.client
        if self.workspaces is not None:
            workspace = nudge.home_group or next(
                (risk.channel.group_id for risk in nudge.streaks_at_risk), None
            )
            if workspace is None:
                raise ChatError(NUDGE_WORKSPACE_UNKNOWN, permanent=True)
            client = await self.workspaces.client_for(workspace)
        await _call(send_dm(client, nudge.member.member_id, nudge_message(nudge)))

    async def _post(
        self, client: AsyncWebClient, channel: str, message: Message, thread_ts: str | None = None
    ) -> AsyncSlackResponse:
        return await client.chat_postMessage(
            channel=channel,
            text=message.text,
            blocks=message.dicts(),
            thread_ts=thread_ts,
            metadata=message.metadata,
            unfurl_links=False,
            unfurl_media=False,
        )


def _thread_opener() -> Message:
    return Message(
        "Discuss the question here",
        tuple(sections("Discuss the question here. The answer is revealed in this thread.")),
    )


async def _call(request: Awaitable[Any]) -> Any:
    try:
        return await request
    except (SlackApiError, *NETWORK_ERRORS) as error:
        raise chat_error(error) from error
