"""The one place where errors become replies: a QotdError's message, or a generic line."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from adapters.slack.mrkdwn import escape
from bot.errors import QotdError

log = logging.getLogger(__name__)

GENERIC = "Sorry, that went wrong on qotd's side. The error is logged; please try again later."

Reply = Callable[[str], Awaitable[None]]


async def guarded(name: str, work: Awaitable[None], reply: Reply | None) -> None:
    """Run an interaction's work after its ack; tell the member what went wrong, privately."""
    try:
        await work
    except QotdError as error:
        # Messages may quote what the member typed (and usage such as `<HH:MM>`): made inert.
        await _tell(name, reply, escape(error.message))
    except Exception:
        log.exception("slack %s failed", name)
        await _tell(name, reply, GENERIC)


async def _tell(name: str, reply: Reply | None, message: str) -> None:
    if reply is None:
        return
    try:
        await reply(message)
    except Exception:  # the member cannot be told; the log is all that is left
        log.exception("slack %s: could not send the error reply", name)
