"""The fake Discord API's interaction routes: the callback that acknowledges an interaction
(within 3 seconds, once), follow-ups and edits of the original reply. Every reply is
recorded on the interaction's state for tests to read."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from tests.discord.fake_limits import choice_problems, message_problems, modal_problems

ATTACH_FILES = 1 << 15


@dataclass
class InteractionState:
    id: int
    type: int
    channel_id: int
    received_at: float
    message: dict[str, Any] | None = None
    acked: int | None = None  # the callback type, once acknowledged
    replies: list[dict[str, Any]] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    app_permissions: int = 0  # the bot's permissions where the interaction came from


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class InteractionRoutes:
    """Mixed into FakeDiscord, whose state and helpers these routes use."""

    interactions: dict[str, InteractionState]
    violations: list[str]
    ack_window: float

    def _violate(self, where: str, problems: list[str]) -> None:
        raise NotImplementedError

    def _message(self, channel_id: int, body: dict[str, Any], flags: int = 0) -> dict[str, Any]:
        raise NotImplementedError

    def expect(self, payload: dict[str, Any], now: float) -> None:
        """Note an interaction as sent to the bot, to check how it is answered."""
        message = payload.get("message")
        self.interactions[payload["token"]] = InteractionState(
            int(payload["id"]),
            payload["type"],
            int(payload["channel_id"]),
            now,
            message,
            app_permissions=int(payload.get("app_permissions") or 0),
        )

    def _interaction(self, token: str) -> InteractionState:
        state = self.interactions.get(token)
        if state is None:
            self.violations.append(f"unknown interaction token {token}")
            raise ApiError(404, 10062, "Unknown interaction")
        return state

    async def _callback(
        self, body: Any, query: Any, interaction_id: str, token: str
    ) -> tuple[Any, int]:
        state = self._interaction(token)
        if query.get("with_response") not in ("1", "true", "True"):
            self.violations.append("interaction callback without with_response")
        if state.acked is not None:
            self.violations.append(f"interaction {interaction_id} acknowledged twice")
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        elapsed = asyncio.get_running_loop().time() - state.received_at
        if elapsed > self.ack_window:
            self.violations.append(
                f"interaction {interaction_id} acknowledged after {elapsed:.1f} s"
            )
            raise ApiError(404, 10062, "Unknown interaction")
        kind = body.get("type")
        data = body.get("data") or {}
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[state.type]
        if kind not in allowed:
            self._violate("callback", [f"response type {kind} to interaction type {state.type}"])
        if kind == 9:
            self._violate("modal", modal_problems(data))
            state.modal = data
        elif kind == 8:
            self._violate("autocomplete", choice_problems(data.get("choices") or []))
            state.choices = data.get("choices") or []
        elif kind in (4, 7):
            self._violate("callback message", message_problems(data, edit=kind == 7))
            self._may_attach(state, data)
        state.acked = kind
        result: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": state.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & 64),
            }
        }
        if kind in (4, 5):
            message = self._message(state.channel_id, data, 128 if kind == 5 else 0)
            state.replies.append(message)
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        elif kind == 7 and state.message is not None:
            state.message.update(data)
            state.replies.append({**state.message, **data})
        return result, 200

    async def _followup(self, body: Any, query: Any, app: str, token: str) -> tuple[Any, int]:
        state = self._interaction(token)
        if state.acked is None:
            self.violations.append("a follow-up before the interaction was acknowledged")
            raise ApiError(404, 10015, "Unknown Webhook")
        self._violate("follow-up", message_problems(body))
        self._may_attach(state, body)
        message = self._message(state.channel_id, body)
        state.replies.append(message)
        return message, 200

    def _may_attach(self, state: InteractionState, body: dict[str, Any]) -> None:
        # Discord checks the bot's Attach Files in the channel for files in a reply too.
        if body.get("attachments") and not state.app_permissions & ATTACH_FILES:
            self.violations.append("an upload in a reply where the bot lacks Attach Files")
            raise ApiError(403, 50013, "Missing Permissions")

    async def _edit_reply(
        self, body: Any, query: Any, app: str, token: str, message_id: str
    ) -> tuple[Any, int]:
        state = self._interaction(token)
        if state.acked is None:
            self.violations.append("an edit before the interaction was acknowledged")
            raise ApiError(404, 10015, "Unknown Webhook")
        self._violate("edit reply", message_problems(body, edit=True))
        self._may_attach(state, body)
        base = state.message if state.acked in (6, 7) and state.message else {}
        message = {**self._message(state.channel_id, {}), **base, **body}
        if base:
            base.update(body)
        state.replies.append(message)
        return message, 200
