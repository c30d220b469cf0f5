"""The Bolt app: clients, authorization and qotd's listeners. Every listener acks first."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import RandomJitter
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import actions, commands, ids, schedule
from adapters.slack.blocks import Message
from adapters.slack.chat import PLATFORM, SlackChat
from adapters.slack.direct import CardFiles, ephemeral
from adapters.slack.errors import Reply, guarded
from adapters.slack.events import GONE_EVENTS, EventHandlers
from adapters.slack.identity import (
    channel_ref,
    form_channel,
    interaction_channel,
    interaction_user,
    member_ref,
)
from adapters.slack.invocation import Invocation
from adapters.slack.replies import text as as_message
from adapters.slack.suggestion_listeners import SuggestionListeners
from adapters.slack.uninstall import EVENTS as UNINSTALL_EVENTS
from adapters.slack.uninstall import Uninstalls
from adapters.slack.write_form import WriteForm
from bot.errors import StaleButton
from bot.ports import Chat, send_still_ours
from bot.services.context import Core

log = logging.getLogger(__name__)
Authorize = Callable[..., Awaitable[AuthorizeResult]]


class _Fenced:
    """Before a retry goes out (after its wait), check the send still holds its lease; if
    not, the retry is called off and the client reports the failure it had."""

    async def prepare_for_next_attempt_async(self, **kwargs: Any) -> None:
        await super().prepare_for_next_attempt_async(**kwargs)  # type: ignore[misc]
        if not await send_still_ours():
            kwargs["state"].next_attempt_requested = False


class _FencedRateLimit(_Fenced, AsyncRateLimitErrorRetryHandler):
    pass


class _FencedServerError(_Fenced, AsyncServerErrorRetryHandler):
    pass


class _FencedConnectionError(_Fenced, AsyncConnectionErrorRetryHandler):
    pass


def make_client(api_url: str, token: str | None) -> AsyncWebClient:
    """A Web API client that waits out 429s (Retry-After) and retries 5xx responses and
    dropped connections with exponential backoff and jitter before giving up; a retry of a
    post or reveal first checks that this worker still holds the post's lease."""
    client = AsyncWebClient(token=token, base_url=api_url)
    # Not on by default in slack_sdk: without it a burst of posts fails with `ratelimited`.
    client.retry_handlers.append(_FencedRateLimit(max_retry_count=3))
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5, jitter=RandomJitter())
    client.retry_handlers.append(_FencedServerError(max_retry_count=2, interval_calculator=backoff))
    client.retry_handlers.append(
        _FencedConnectionError(max_retry_count=2, interval_calculator=backoff)
    )
    return client


class RecentIds:
    """Event ids seen lately, so Slack's retries of an event are processed once."""

    def __init__(self, size: int = 10_000) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def first_time(self, event_id: str) -> bool:
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


class SlackBolt:
    """qotd's listeners on one Bolt AsyncApp, and the Chat that posts with the bot token."""

    def __init__(
        self,
        core: Core,
        app: AsyncApp,
        chat: SlackChat,
        signing_secret: str = "",
        *,
        uninstalls: Uninstalls | None = None,
    ) -> None:
        self.core = core
        self.app = app
        # What an uninstall or a revoked bot token does (installed in many workspaces, also
        # deleting the installation).
        self.uninstalls = uninstalls or Uninstalls(core)
        # HTTP mode checks each request's signature before anything reads its body.
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self.chat = chat
        self.chats: dict[str, Chat] = {PLATFORM: chat}
        self._inflight: set[asyncio.Task[Any]] = set()
        self._events = RecentIds()
        self.cards = CardFiles()
        self._event_handlers = EventHandlers(core, self.cards)
        self.write_form = WriteForm(core, self._keep)
        self.suggestions = SuggestionListeners(core, self._track, self._keep)
        self._register()

    def _register(self) -> None:
        app = self.app
        app.middleware(self._skip_retried_events)
        app.command("/qotd")(self._on_command)
        app.action(ids.ANSWER)(self._on_answer)
        app.action(ids.WRITE)(self._on_write)
        app.action(ids.QUIZ)(self._on_quiz)
        app.action(ids.QUIZ_STOP)(self._on_quiz_stop)
        app.action(ids.RATE)(self._on_rate)
        app.action(ids.VOTE)(self._on_vote)
        self.suggestions.register(app)
        app.action(ids.STALE)(self._on_stale)  # after the others: Bolt runs the first match
        app.view(ids.WRITE_VIEW)(self._on_write_view)
        app.view(ids.SCHEDULE_VIEW)(self._on_schedule_view)
        app.event("app_home_opened")(self._on_home_opened)
        for name in GONE_EVENTS:
            app.event(name)(self._on_channel_gone)
        for name in UNINSTALL_EVENTS:
            app.event(name)(self._on_uninstalled)
        app.error(self._on_error)

    async def idle(self, wait_seconds: float = 10.0) -> bool:
        """Wait until the work started by acknowledged requests is done (tests, shutdown);
        False when some is still running after `wait_seconds`."""
        for _ in range(5):  # let listener tasks Bolt just scheduled start and register
            await asyncio.sleep(0)
        while self._inflight:
            done, _ = await asyncio.wait(set(self._inflight), timeout=wait_seconds)
            if not done:
                log.warning("%d Slack handlers still running", len(self._inflight))
                return False
        return True

    def _track(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._keep(task)

    def _keep(self, task: asyncio.Task[Any]) -> None:
        """Count `task` as work started by an acknowledged request (see `idle`)."""
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _skip_retried_events(
        self, body: dict[str, Any], next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not self._events.first_time(str(event_id)):
            log.info("skipped Slack's retry of event %s", event_id)
            return BoltResponse(status=200, body="")
        await next_()
        return None

    # -- slash command -------------------------------------------------------------------

    async def _on_command(
        self, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        self._track()
        await ack()
        invocation = Invocation(
            core=self.core,
            chats=self.chats,
            client=client,
            channel=channel_ref(command["team_id"], command["channel_id"]),
            member=member_ref(command["user_id"], command.get("user_name")),
            trigger_id=command.get("trigger_id"),
            cards=self.cards,
        )

        async def work() -> None:
            message = await commands.run(invocation, command.get("text") or "")
            if message is not None:
                await _respond(respond, message)

        await guarded("command", work(), _replier(respond))

    # -- buttons ---------------------------------------------------------------------------

    async def _on_answer(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        self._track()
        await ack()
        match = ids.ANSWER.match(action["action_id"])
        assert match is not None
        member = interaction_user(body)

        async def work() -> None:
            channel = interaction_channel(body)
            reply = await actions.pick(self.core, channel, member, int(match[1]), match[2])
            await _respond(respond, reply)

        await guarded("answer", work(), _replier(respond))

    async def _on_write(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        self._track()
        await ack()
        match = ids.WRITE.match(action["action_id"])
        assert match is not None

        async def work() -> None:
            await actions.open_write_modal(
                self.core,
                client,
                body["trigger_id"],
                interaction_channel(body),
                interaction_user(body),
                int(match[1]),
            )

        await guarded("write", work(), _replier(respond))

    async def _on_quiz(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        self._track()
        await ack()
        match = ids.QUIZ.match(action["action_id"])
        assert match is not None
        member = interaction_user(body)

        async def work() -> None:
            feedback = await actions.answer_quiz(
                self.core, member, int(match[2]), int(match[3]), match[4], kind=match[1]
            )
            await _respond(respond, feedback, replace=True)

        await guarded("quiz", work(), _replier(respond))

    async def _on_quiz_stop(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        self._track()
        await ack()
        match = ids.QUIZ_STOP.match(action["action_id"])
        assert match is not None
        member = interaction_user(body)

        async def work() -> None:
            stopped = await actions.stop_quiz(self.core, member, int(match[2]), kind=match[1])
            await _respond(respond, stopped, replace=True)

        await guarded("quiz-stop", work(), _replier(respond))

    async def _on_rate(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        self._track()
        await ack()
        match = ids.RATE.match(action["action_id"])
        assert match is not None
        member = interaction_user(body)

        async def work() -> None:
            channel = interaction_channel(body)
            reply = await actions.rate(self.core, channel, member, int(match[1]), match[2])
            await _respond(respond, reply)

        await guarded("rate", work(), _replier(respond))

    async def _on_vote(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        self._track()
        await ack()
        match = ids.VOTE.match(action["action_id"])
        assert match is not None
        member = interaction_user(body)

        async def work() -> None:
            channel = interaction_channel(body)  # where Slack says the click came from
            reply = await actions.vote(self.core, channel, member, int(match["answer"]))
            await _respond(respond, reply)

        await guarded("vote", work(), _replier(respond))

    async def _on_stale(self, ack: AsyncAck, respond: AsyncRespond) -> None:
        """A `qotd:` action no listener above takes: old, forged, or an id past 64 bits."""
        self._track()
        await ack()

        async def work() -> None:
            raise StaleButton()

        await guarded("stale", work(), _replier(respond))

    # -- modals ----------------------------------------------------------------------------

    async def _on_write_view(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        self._track()
        await self.write_form.submit(ack, body, view, client)

    async def _on_schedule_view(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        self._track()
        try:
            request = schedule.from_modal(view["state"]["values"])
        except schedule.FieldError as error:
            # Reading the form is instant, so a bad field is shown under that field.
            await ack(response_action="errors", errors={error.field_name: error.message})
            return
        await ack()
        member = interaction_user(body)

        async def work() -> None:
            where = ids.ViewContext.load(view.get("private_metadata") or "")
            channel = form_channel(body, where.team_id, where.channel_id)
            reply = await actions.save_schedule(self.core, client, channel, member, request)
            await ephemeral(client, where.channel_id, member.member_id, reply)

        await guarded("schedule-view", work(), _view_replier(client, view, member.member_id))

    # -- events ----------------------------------------------------------------------------

    async def _on_home_opened(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        self._track()
        await guarded("app_home_opened", self._event_handlers.home(client, body, event), None)

    async def _on_channel_gone(
        self, event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]
    ) -> None:
        self._track()
        work = self._event_handlers.channel_gone(body, event, context.get("bot_user_id"))
        await guarded(str(event.get("type")), work, None)

    async def _on_uninstalled(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        self._track()
        await guarded(str(event.get("type")), self.uninstalls.handle(event, context), None)

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("Slack request failed before a listener ran: %s", error, exc_info=error)


async def _respond(respond: AsyncRespond, message: Message, *, replace: bool = False) -> None:
    await respond(
        text=message.text,
        blocks=message.dicts(),
        response_type="ephemeral",
        replace_original=replace,
    )


def _replier(respond: AsyncRespond) -> Reply:
    async def reply(text: str) -> None:
        await _respond(respond, as_message(text))

    return reply


def _view_replier(client: AsyncWebClient, view: dict[str, Any], user: str) -> Reply:
    async def reply(text: str) -> None:
        where = ids.ViewContext.load(view.get("private_metadata") or "")
        await ephemeral(client, where.channel_id, user, as_message(text))

    return reply
