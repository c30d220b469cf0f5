"""Authorizing requests with the one bot token from the environment (SLACK_BOT_TOKEN).

slack-bolt's own single-workspace authorization calls auth.test for every request that
arrives before its first call has answered: a burst of clicks just after a start made one
auth.test per click (500 for 500), and each ack waited for its own. Here the first request
asks, the others wait for that answer, and every later request reuses it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient


class OneWorkspace:
    """One bot token; `authorize` is the Bolt authorize function over it."""

    def __init__(self, client: AsyncWebClient, bot_token: str) -> None:
        self._client = client
        self._bot_token = bot_token
        self._identity: Any = None
        self._asking = asyncio.Lock()

        # Bolt passes a function the arguments it names (a method's `self` would be one).
        async def authorize(team_id: str | None) -> AuthorizeResult:
            return await self._result()

        self.authorize = authorize

    async def _result(self) -> AuthorizeResult:
        if self._identity is None:
            async with self._asking:
                if self._identity is None:  # a failed call leaves it to the next request
                    self._identity = await self._client.auth_test(token=self._bot_token)
        return AuthorizeResult.from_auth_test_response(
            bot_token=self._bot_token, auth_test_response=self._identity
        )
