"""The fake's channels: the messages qotd posted (with their metadata), read back through
conversations.history / conversations.replies under Slack's `limit` and cursor rules, and
DMs opened with conversations.open."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.slack.fake_state import BOT_USER, FakeState

# Slack's documented page sizes: history defaults to 100 (at most 999), replies to 1000.
HISTORY_LIMIT = (100, 999)
REPLIES_LIMIT = (1000, 1000)


class Conversations(FakeState):
    def store(self, channel: str, args: dict[str, Any], ts: str) -> dict[str, Any]:
        """Keep an accepted message as conversations.history would return it."""
        message: dict[str, Any] = {
            "type": "message",
            "ts": ts,
            "user": BOT_USER,
            "bot_id": "B0QOTD",
            "text": args.get("text") or "",
            "blocks": args.get("blocks") or [],
        }
        for key in ("thread_ts", "metadata", "files"):
            if args.get(key):
                message[key] = args[key]
        self.messages.setdefault(channel, []).append(message)
        return message

    def chatter(self, channel: str, count: int) -> None:
        """Members talk in the channel: `count` plain messages after qotd's."""
        for number in range(count):
            message = {"text": f"chat {number}", "blocks": []}
            self.store(channel, message, self.next_ts())["user"] = "UMEMBER"

    def delete(self, channel: str, ts: str) -> None:
        """A member deletes a message (its thread's replies stay, as in Slack)."""
        self.messages[channel] = [m for m in self.messages.get(channel, []) if m["ts"] != ts]

    def find(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)

    def check_metadata(self, args: dict[str, Any]) -> str | None:
        """Slack's rule: an object with a string event_type and an object event_payload."""
        if "metadata" not in args:
            return None
        data = args["metadata"]
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                return "invalid_metadata_format"
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("event_type"), str)
            or not data["event_type"]
            or not isinstance(data.get("event_payload"), dict)
        ):
            return "invalid_metadata_schema"
        args["metadata"] = data
        return None

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if channel in self.removed_from:
            return {"ok": False, "error": "not_in_channel"}
        top = [
            m
            for m in reversed(self.messages.get(channel, []))
            if m.get("thread_ts") in (None, m["ts"])
        ]
        return self._page("conversations.history", channel, top, args, HISTORY_LIMIT)

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        if not ts:
            return self._violation("conversations.replies", "ts is required")
        if self.find(channel, ts) is None:
            return {"ok": False, "error": "thread_not_found"}
        thread = [m for m in self.messages[channel] if ts in (m["ts"], m.get("thread_ts"))]
        return self._page("conversations.replies", channel, thread, args, REPLIES_LIMIT)

    def _page(
        self,
        method: str,
        channel: str,
        items: list[dict[str, Any]],
        args: dict[str, Any],
        limits: tuple[int, int],
    ) -> dict[str, Any]:
        default, most = limits
        try:
            limit = int(args.get("limit", default))
        except (TypeError, ValueError):
            limit = -1
        if not 1 <= limit <= most:
            return self._violation(method, f"limit {args.get('limit')!r} is not 1..{most}")
        start = 0
        if args.get("cursor"):
            cursor = str(args["cursor"])
            if cursor not in self.cursors:
                return self._violation(method, "a cursor the fake never issued", "invalid_cursor")
            start = self.cursors[cursor]
        page = items[start : start + limit]
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        messages = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page
        ]
        result: dict[str, Any] = {"ok": True, "messages": messages, "has_more": False}
        if start + limit < len(items):
            cursor = base64.b64encode(f"{method}:{channel}:{start + limit}".encode()).decode()
            self.cursors[cursor] = start + limit
            result["has_more"] = True
            result["response_metadata"] = {"next_cursor": cursor}
        return result

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = [user for user in str(args.get("users") or "").split(",") if user]
        if len(users) != 1:
            return self._violation("conversations.open", "a DM is opened with one user")
        channel = self.dms.setdefault(users[0], "D" + users[0].removeprefix("U"))
        return {"ok": True, "channel": {"id": channel}}

    def snapshot(self) -> dict[str, Any]:
        """Every message per channel, with counts of questions and reveals (for benches)."""
        channels = {}
        for channel, messages in self.messages.items():
            kinds = [(m.get("metadata") or {}).get("event_type") for m in messages]
            channels[channel] = {
                "questions": kinds.count("qotd_post"),
                "reveals": kinds.count("qotd_reveal"),
                "messages": [
                    {key: m.get(key) for key in ("ts", "thread_ts", "text", "metadata", "files")}
                    for m in messages
                ],
            }
        return {"channels": channels}
