"""Slack's HTTP requests into Bolt: the signature is checked before anything reads the body.

Bolt parses a request's body when the request object is built, before its own signature
check runs, so a body nobody signed (`payload={not json`, a JSON list) would raise there.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack.app import SlackBolt

log = logging.getLogger(__name__)


async def dispatch(
    bolt: SlackBolt, body: str, headers: Mapping[str, str], query: str = ""
) -> BoltResponse:
    """One request as it came over HTTP: 401 unless signed and fresh, 400 for a signed body
    Slack never sends, else Bolt's answer."""
    if not signed(bolt, body, headers):
        # A request no one signed gets one short DEBUG line: never its body, no traceback.
        log.debug("refused an unsigned or stale request")
        return BoltResponse(status=401, body={"error": "invalid signature"})
    try:
        request = AsyncBoltRequest(body=body, query=query, headers=dict(headers))
    except (ValueError, TypeError, AttributeError) as error:  # signed, yet not Slack's shape
        log.warning("refused an unreadable signed request: %s", type(error).__name__)
        return BoltResponse(status=400, body={"error": "invalid request"})
    return await bolt.app.async_dispatch(request)


def signed(bolt: SlackBolt, body: str, headers: Mapping[str, str]) -> bool:
    """Whether the request carries a valid, fresh signature (always, without a secret)."""
    verifier = bolt.verifier
    if verifier is None:
        return True  # Bolt checks (tests build it without a secret only for Socket Mode)
    try:
        return verifier.is_valid_request(body, headers)
    except ValueError:  # a timestamp that is not a number
        return False
