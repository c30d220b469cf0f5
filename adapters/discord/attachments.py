"""Progress pictures as Discord attachments: drawn off the event loop, attached when they fit.

The text versions are always sent as well (accessibility); a picture that cannot be drawn, is
over the upload limit, or may not be attached in the channel (no Attach Files) is left out
with a note, never a failed reply.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Callable

import discord

from bot.pictures import Picture

log = logging.getLogger(__name__)

# pyplot keeps global state: one drawing at a time, in a worker thread so the gateway's
# heartbeat and other interactions keep going while matplotlib works.
_DRAWING = threading.Lock()


def _locked(draw: Callable[[], Picture]) -> Picture:
    with _DRAWING:
        return draw()


async def draw(make: Callable[[], Picture]) -> Picture | None:
    """The picture, drawn in a thread; None (and a log line) if drawing failed."""
    try:
        return await asyncio.to_thread(_locked, make)
    except Exception:
        log.exception("drawing a picture failed")
        return None


def as_file(
    picture: Picture | None, filename: str, alt_text: str, limit: int
) -> discord.File | None:
    """The picture as an upload with its alt text, or None when there is none or it is over
    `limit` bytes."""
    if picture is None or len(picture.png) > limit:
        return None
    return discord.File(io.BytesIO(picture.png), filename=filename, description=alt_text)


def missing_note(picture: Picture | None, may_attach: bool = True) -> str:
    """Why a reply has no picture."""
    if not may_attach:
        return (
            "(The picture needs the bot's Attach Files permission in this channel; the numbers "
            "above are complete.)"
        )
    if picture is None:
        return "(The picture could not be drawn this time; the numbers above are complete.)"
    return "(The picture is over this server's upload limit; the numbers above are complete.)"
