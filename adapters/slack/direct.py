"""Private messages to a member: an ephemeral message in a channel, a DM (conversations.open,
then chat.postMessage) and pictures uploaded into it (files_upload_v2). Ephemeral messages
cannot carry files."""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import Message
from adapters.slack.mrkdwn import trim
from bot.pictures import Picture

ALT_TEXT = 1000  # files.getUploadURLExternal refuses a longer alt_txt
# pyplot keeps global state: draw one picture at a time, off the event loop.
_drawing = asyncio.Lock()


async def draw(render: Callable[[], Picture]) -> Picture:
    """Run a matplotlib drawing in a thread so the event loop keeps serving."""
    async with _drawing:
        return await asyncio.to_thread(render)


async def ephemeral(client: AsyncWebClient, channel: str, user: str, message: Message) -> None:
    """A message in `channel` that only `user` sees (chat.postEphemeral)."""
    await client.chat_postEphemeral(
        channel=channel, user=user, text=message.text, blocks=message.dicts()
    )


async def open_dm(client: AsyncWebClient, user_id: str) -> str:
    """The id of the app's DM with a member (opened if needed)."""
    response = await client.conversations_open(users=user_id)
    return str(response["channel"]["id"])


async def send_dm(client: AsyncWebClient, user_id: str, message: Message) -> str:
    """Post a message in the member's DM; returns the DM's channel id."""
    channel = await open_dm(client, user_id)
    await client.chat_postMessage(
        channel=channel,
        text=message.text,
        blocks=message.dicts(),
        unfurl_links=False,
        unfurl_media=False,
    )
    return channel


@dataclass(frozen=True, slots=True)
class SentPicture:
    file_id: str
    channel: str


async def send_picture(
    client: AsyncWebClient, user_id: str, picture: Picture, *, name: str, title: str, alt: str
) -> SentPicture:
    """Upload a PNG into the member's DM (files.getUploadURLExternal + completeUploadExternal)."""
    channel = await open_dm(client, user_id)
    response = await client.files_upload_v2(
        channel=channel,
        file=picture.png,
        filename=f"{name}.png",
        title=trim(title, 250),
        alt_txt=trim(alt, ALT_TEXT),
    )
    file = response.get("file") or {}
    return SentPicture(str(file.get("id")), channel)


class CardFiles:
    """The latest progress card uploaded to each member's DM, for the Home tab's image.

    Kept in memory: after a restart the Home tab shows the text until the next `stats`.
    """

    def __init__(self, size: int = 5000) -> None:
        self._files: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._size = size

    def remember(self, user_id: str, picture: Picture, file_id: str) -> None:
        self._files[user_id] = (file_id, _digest(picture))
        self._files.move_to_end(user_id)
        if len(self._files) > self._size:
            self._files.popitem(last=False)

    def file_of(self, user_id: str) -> str | None:
        entry = self._files.get(user_id)
        return entry[0] if entry else None

    def unchanged(self, user_id: str, picture: Picture) -> str | None:
        """The file id already showing exactly this picture, if any (no upload needed)."""
        entry = self._files.get(user_id)
        return entry[0] if entry and entry[1] == _digest(picture) else None


def _digest(picture: Picture) -> str:
    return hashlib.sha256(picture.png).hexdigest()
