"""What every part of the fake Slack Web API shares: ids, recorded state, violations."""

from __future__ import annotations

from typing import Any

TOKEN = "xoxb-test-token"
TEAM = "T0TEAM"
BOT_USER = "U0QOTD"


class FakeState:
    """The attributes the fake's parts use (FakeSlack defines them as dataclass fields)."""

    url: str
    violations: list[str]
    removed_from: set[str]
    messages: dict[str, list[dict[str, Any]]]
    cursors: dict[str, int]
    dms: dict[str, str]
    uploads: dict[str, dict[str, Any]]

    def _violation(
        self, method: str, problem: str, error: str = "invalid_arguments"
    ) -> dict[str, Any]:
        """Record a request Slack would refuse, and refuse it the way Slack does."""
        self.violations.append(f"{method}: {problem}")
        return {"ok": False, "error": error}

    def store(self, channel: str, args: dict[str, Any], ts: str) -> dict[str, Any]:
        raise NotImplementedError  # Conversations keeps messages

    def next_ts(self) -> str:
        raise NotImplementedError  # FakeSlack numbers messages
