"""Bolt listeners for suggestions and the group's questions: the Accept / Edit / Decline
buttons and the four forms (suggest, edit a suggestion, decline, edit a question).

A button acts for the workspace and channel Slack says it was clicked in; its id carries only
the suggestion's number, which the core checks belongs to that workspace's group. A form's
metadata names the channel it was opened in, and the workspace submitting it must match.

A form is answered within Slack's 3 seconds: a refusal that comes in time is shown under the
field it is about (the modal stays open, with what was typed); anything later is told in a
private message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import ids, replies
from adapters.slack import suggestions as flows
from adapters.slack.blocks import Message
from adapters.slack.direct import ephemeral
from adapters.slack.errors import GENERIC, Reply, guarded
from adapters.slack.identity import AdminCheck, form_channel, interaction_channel, interaction_user
from adapters.slack.mrkdwn import escape, trim
from adapters.slack.question_forms import REASON_BLOCK, field_of, submitted_form, submitted_reason
from bot.domain.identity import ChannelRef
from bot.errors import QotdError
from bot.services import group_questions
from bot.services.context import Core

log = logging.getLogger(__name__)
FORM_DEADLINE = 2.0  # seconds; Slack gives up on a view submission after 3
ERROR_TEXT = 2000  # what a form shows under a field is kept short

Work = Callable[[ChannelRef], Coroutine[Any, Any, Message]]


@dataclass
class SuggestionListeners:
    """`track` counts the running listener as work in flight; `keep` does so for a task."""

    core: Core
    track: Callable[[], None]
    keep: Callable[[asyncio.Task[Any]], None]
    deadline: float = FORM_DEADLINE

    def register(self, app: AsyncApp) -> None:
        """Register before any catch-all `qotd:` action listener (Bolt runs the first match)."""
        app.action(ids.SUGGESTION.pattern)(self.on_button)
        app.view(ids.SUGGEST_VIEW)(self.on_suggest_view)
        app.view(ids.SUGGESTION_EDIT_VIEW)(self.on_edit_view)
        app.view(ids.DECLINE_VIEW)(self.on_decline_view)
        app.view(ids.QUESTION_EDIT_VIEW)(self.on_question_edit_view)

    # -- buttons ---------------------------------------------------------------------------

    async def on_button(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        self.track()
        await ack()
        match = ids.SUGGESTION.match(action["action_id"])
        assert match is not None
        verb, number = match["verb"], int(match["number"])
        member = interaction_user(body)

        async def work() -> None:
            channel = interaction_channel(body)
            actor = await AdminCheck(client).actor(member)
            trigger = str(body.get("trigger_id") or "")
            if verb == "edit":
                await flows.open_edit(self.core, client, trigger, channel, actor, number)
            elif verb == "decline":
                await flows.open_decline(self.core, client, trigger, channel, actor, number)
            else:
                written = verb == "written"
                reply = await flows.accept(
                    self.core, client, channel, actor, number, written_only=written
                )
                await _respond(respond, reply)

        await guarded(f"suggestion-{verb}", work(), _replier(respond))

    # -- forms -----------------------------------------------------------------------------

    async def on_suggest_view(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        self.track()
        member = interaction_user(body)
        form = submitted_form(view)

        async def work(channel: ChannelRef) -> Message:
            return await flows.send_suggestion(self.core, client, channel, member, form)

        await self._submit("suggest-view", ack, body, view, client, work, field_of)

    async def on_edit_view(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        self.track()
        member = interaction_user(body)
        form = submitted_form(view)

        async def work(channel: ChannelRef) -> Message:
            number = _number(view)
            actor = await AdminCheck(client).actor(member)
            return await flows.save_edit(self.core, channel, actor, number, form)

        await self._submit("suggestion-edit-view", ack, body, view, client, work, field_of)

    async def on_decline_view(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        self.track()
        member = interaction_user(body)
        reason = submitted_reason(view)

        async def work(channel: ChannelRef) -> Message:
            number = _number(view)
            actor = await AdminCheck(client).actor(member)
            return await flows.decline(self.core, client, channel, actor, number, reason)

        await self._submit("decline-view", ack, body, view, client, work, _reason_block)

    async def on_question_edit_view(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        self.track()
        member = interaction_user(body)
        form = submitted_form(view)

        async def work(channel: ChannelRef) -> Message:
            slug = _context(view).target or ""
            actor = await AdminCheck(client).actor(member)
            edited = await group_questions.edit_question(
                self.core, channel, actor, slug, form.as_dict()
            )
            return replies.text(f"Saved the group's question: {escape(trim(edited.prompt, 300))}")

        await self._submit("question-edit-view", ack, body, view, client, work, field_of)

    async def _submit(
        self,
        name: str,
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        work: Work,
        block_of: Callable[[QotdError], str],
    ) -> None:
        """Run `work` for the form's channel; answer Slack with the errors under a field, or
        close the form and send the reply privately (later, if the work outlasts Slack)."""
        user = interaction_user(body).member_id
        try:
            where = _context(view)
            channel = form_channel(body, where.team_id, where.channel_id)
        except QotdError as stale:
            await _refuse(ack, block_of(stale), stale.message)
            return
        task = asyncio.create_task(work(channel))
        self.keep(task)  # never cancelled: a refusal after the deadline is still told
        done, _ = await asyncio.wait({task}, timeout=self.deadline)
        failure = task.exception() if done else None
        if isinstance(failure, QotdError):
            await _refuse(ack, block_of(failure), failure.message)
            return
        if failure is not None:
            log.error("slack %s failed", name, exc_info=failure)
            await _refuse(ack, block_of(QotdError("")), GENERIC)
            return
        await ack()

        async def tell() -> None:
            await ephemeral(client, where.channel_id, user, await task)

        await guarded(name, tell(), _view_replier(client, where.channel_id, user))


def _context(view: dict[str, Any]) -> ids.ViewContext:
    return ids.ViewContext.load(view.get("private_metadata") or "")


def _number(view: dict[str, Any]) -> int:
    target = _context(view).target or ""
    if not (target.isascii() and target.isdigit() and len(target) <= 18):
        raise QotdError("This form is out of date: open it again.")
    return int(target)


def _reason_block(_: QotdError) -> str:
    return REASON_BLOCK


async def _refuse(ack: AsyncAck, block_id: str, message: str) -> None:
    await ack(response_action="errors", errors={block_id: trim(message, ERROR_TEXT)})


async def _respond(respond: AsyncRespond, message: Message) -> None:
    await respond(
        text=message.text,
        blocks=message.dicts(),
        response_type="ephemeral",
        replace_original=False,
    )


def _replier(respond: AsyncRespond) -> Reply:
    async def reply(text: str) -> None:
        await _respond(respond, replies.text(text))

    return reply


def _view_replier(client: AsyncWebClient, channel_id: str, user: str) -> Reply:
    async def reply(text: str) -> None:
        await ephemeral(client, channel_id, user, replies.text(text))

    return reply
