"""The write modal's submission: a refused answer stays in the open modal with the reason
under the field; a saved one closes it and the receipt follows privately.

Slack closes a view submission it has no answer to after 3 seconds, so the answer is
recorded while Slack waits, but never past `WRITE_DEADLINE`. A recording still running then
is left to finish (never cancelled: a cancelled answer could be stored after the member was
told it was not); the member is told how it ended in a private message that, on any
failure, quotes back what they wrote.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import actions, ids, replies
from adapters.slack.blocks import Message
from adapters.slack.direct import ephemeral
from adapters.slack.errors import guarded
from adapters.slack.identity import form_channel, interaction_user
from bot.domain.identity import ChannelRef, MemberRef
from bot.errors import QotdError, StaleButton
from bot.services.context import Core

log = logging.getLogger(__name__)

WRITE_DEADLINE = 2.0  # seconds; Slack gives up on a view submission after 3
BROKEN = (
    "Your answer was NOT saved: that went wrong on qotd's side (the error is logged). "
    "Please send it again later."
)


@dataclass
class WriteForm:
    """Handles "Write an answer" submissions; `keep` registers work the front end must let
    finish before it stops."""

    core: Core
    keep: Callable[[asyncio.Task[Any]], None]
    deadline: float = WRITE_DEADLINE

    async def submit(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Answer Slack within the deadline: errors under the field, or close the modal."""
        member = interaction_user(body)
        text = _written_text(view)
        try:
            where, channel, post_id = _form(body, view)
        except QotdError as error:
            await ack(response_action="errors", errors={ids.WRITE_BLOCK: error.message})
            return
        recording = asyncio.create_task(actions.write(self.core, channel, member, post_id, text))
        self.keep(recording)
        done, _ = await asyncio.wait({recording}, timeout=self.deadline)
        refusal = _refusal(recording) if done else None
        if refusal is not None:
            await ack(response_action="errors", errors={ids.WRITE_BLOCK: refusal})
            return
        await ack()
        tell = self._tell(client, where.channel_id, member, recording, text)
        await guarded("write-view", tell, None)

    async def _tell(
        self,
        client: AsyncWebClient,
        channel_id: str,
        member: MemberRef,
        recording: asyncio.Task[Message],
        text: str,
    ) -> None:
        """The receipt once the answer is stored; or that it was NOT, with the text back."""
        try:
            reply = await recording
        except QotdError as error:
            reply = replies.not_saved(error.message, text)
        except Exception:
            log.exception("slack write-view: recording the answer failed")
            reply = replies.not_saved(BROKEN, text)
        await ephemeral(client, channel_id, member.member_id, reply)


def _written_text(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    state = (values.get(ids.WRITE_BLOCK) or {}).get(ids.WRITE_INPUT) or {}
    return str(state.get("value") or "")


def _form(body: dict[str, Any], view: dict[str, Any]) -> tuple[ids.ViewContext, ChannelRef, int]:
    """Where the form was opened and for which post; QotdError for a stale or foreign form."""
    where = ids.ViewContext.load(view.get("private_metadata") or "")
    channel = form_channel(body, where.team_id, where.channel_id)
    if where.post_id is None:
        raise StaleButton()
    return where, channel, where.post_id


def _refusal(recording: asyncio.Task[Message]) -> str | None:
    """Why a finished recording did not store the answer (None: it did)."""
    error = recording.exception()
    if error is None:
        return None
    if isinstance(error, QotdError):
        return error.message
    log.error("slack write-view: recording the answer failed", exc_info=error)
    return BROKEN
