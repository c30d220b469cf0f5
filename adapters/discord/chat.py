"""The core's Chat on Discord: post the daily question, post its reveal, close the original,
find what a crashed attempt already sent, and send members their private reminders.

Discord errors become ChatErrors here: a missing permission (403) or a deleted channel (404)
is permanent, so the core pauses the subscription with the reason `status` shows; server
errors and timeouts are temporary and retried on the next tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import discord

from adapters.discord import markers, render, replies, votes
from adapters.discord.components import closed_view, post_view
from adapters.discord.context import PLATFORM
from adapters.discord.limits import pack_embeds
from adapters.discord.rating import rate_view
from bot.ports import ChatError, OutgoingNudge, OutgoingPost, OutgoingReveal, SentPost
from bot.shards import Shards

log = logging.getLogger(__name__)

NEEDED = "View Channel, Send Messages, Embed Links and Read Message History"
# Discord allows 50 requests a second per bot; the scheduler's fan-out keeps well below it
# so interaction replies always have room.
SENDS_PER_SECOND = 25.0
# How far back a retry looks for what a crashed attempt sent: one page of history. The lease
# a crashed worker held lasts minutes, far less than 100 messages in a study channel.
HISTORY = 100


class Pacer:
    """Spaces outbound requests evenly: a burst of due channels never hits the global limit."""

    def __init__(self, per_second: float) -> None:
        self._gap = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when the next request may go out."""
        async with self._lock:
            now = asyncio.get_running_loop().time()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self._gap


class DiscordChat:
    """Sends posts, reveals and reminders over discord.py's HTTP client (no gateway cache
    needed); implements the core's Chat, FindsSent and DirectMessages."""

    def __init__(
        self,
        client: discord.Client,
        per_second: float = SENDS_PER_SECOND,
        shards: Shards | None = None,
    ) -> None:
        self._client = client
        self._pacer = Pacer(per_second)
        self._shards = shards

    @property
    def platform(self) -> str:
        return PLATFORM

    @property
    def shards(self) -> Shards | None:
        """The gateway shards this process runs: the core sends only to their guilds."""
        return self._shards

    async def send_question(self, post: OutgoingPost) -> SentPost:
        """Post the question embed with its buttons; open the discussion thread if asked."""
        channel_id = int(post.channel.channel_id)
        channel = self._channel(channel_id, post.channel.group_id)
        content = None
        mentions = discord.AllowedMentions.none()
        if post.mention and post.mention.isdigit():
            # The configured role is the one mention this message may make.
            content = f"<@&{post.mention}>"
            mentions = discord.AllowedMentions(
                everyone=False, users=False, roles=[discord.Object(int(post.mention))]
            )
        async with self._platform_errors(channel_id, "post the question"):
            message = await channel.send(
                content=content,
                embed=render.post_embed(post),
                view=post_view(post.post_id, post.question),
                allowed_mentions=mentions,
                nonce=markers.question_nonce(post.post_id),
            )
        thread_ref = await self._open_thread(message, post) if post.thread else None
        return SentPost(message_ref=str(message.id), thread_ref=thread_ref)

    async def _open_thread(self, message: discord.Message, post: OutgoingPost) -> str | None:
        # The question is already out: a thread that cannot be opened must not fail the post
        # (the core would post it again), so the reveal falls back to a reply.
        await self._pacer.wait()
        try:
            thread = await message.create_thread(
                name=render.thread_name(post), auto_archive_duration=1440
            )
        except (discord.HTTPException, ValueError) as error:
            log.warning("post=%s: could not open its thread: %s", post.post_id, error)
            return None
        return str(thread.id)

    async def send_reveal(self, reveal: OutgoingReveal) -> None:
        """Post the reveal in the thread (or as a reply), then mark the original closed."""
        channel_id = int(reveal.channel.channel_id)
        embeds = [render.reveal_embed(reveal)]
        solution = render.solution_embed(reveal)
        if solution is not None:
            embeds.append(solution)
        written = reveal.results.written
        embeds += render.written_embeds(reveal.day_number, written)
        voting = votes.votable(written) if reveal.votes_open else []
        if voting:  # under the last written answer, above the buttons
            embeds[-1].set_footer(text=votes.note(len(written), len(voting)))
        target = self._channel(channel_id, reveal.channel.group_id)
        # In the thread, or else as a reply to the post (which may have been deleted).
        extra: dict[str, Any] = {}
        if reveal.thread_ref:
            target = self._channel(int(reveal.thread_ref), reveal.channel.group_id)
        elif reveal.message_ref:
            extra["reference"] = target.get_partial_message(int(reveal.message_ref)).to_reference(
                fail_if_not_exists=False
            )
        link = render.reveal_link(reveal)
        parts = pack_embeds(embeds)
        for part in range(reveal.first_part, len(parts)):
            batch = parts[part]
            if part and link:  # how a retry tells which parts went out
                batch[0].url = markers.part_link(link, part)
            view = rate_view(reveal.post_id) if part == 0 and written else None
            if part == len(parts) - 1 and voting:
                view = votes.with_votes(view, voting)
            if view is not None:
                extra["view"] = view
            try:
                async with self._platform_errors(channel_id, "post the answer"):
                    await target.send(
                        embeds=batch,
                        **extra,
                        allowed_mentions=discord.AllowedMentions.none(),
                        nonce=markers.reveal_nonce(reveal.post_id, part),
                    )
            except ChatError as error:
                raise error.after_parts(part) from error
            extra.pop("view", None)
        await self._close_original(reveal)

    async def _close_original(self, reveal: OutgoingReveal) -> None:
        # The reveal is out; failing to edit the old post is worth a log line, not a retry
        # that would post the reveal twice.
        if not reveal.message_ref:
            return
        channel = self._channel(int(reveal.channel.channel_id), reveal.channel.group_id)
        await self._pacer.wait()
        try:
            await channel.get_partial_message(int(reveal.message_ref)).edit(
                embed=render.closed_embed(reveal),
                view=closed_view(reveal.post_id, reveal.question),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as error:
            log.warning("post=%s: could not mark the original closed: %s", reveal.post_id, error)

    async def find_question(self, post: OutgoingPost) -> SentPost | None:
        """The daily post an earlier attempt sent, found by its buttons in recent history;
        its thread is opened now if that attempt died before opening it."""
        channel_id = int(post.channel.channel_id)
        channel = self._channel(channel_id, post.channel.group_id)
        found = None
        async with self._platform_errors(channel_id, "look for an earlier post"):
            async for message in channel.history(limit=HISTORY):
                if markers.is_question(message, post.post_id, self._bot_id()):
                    found = message
                    break
        if found is None:
            return None
        # Discord gives a thread started from a message that message's id.
        thread_ref = str(found.id) if found.flags.has_thread else None
        if post.thread and thread_ref is None:
            thread_ref = await self._open_thread(found, post)
        return SentPost(message_ref=str(found.id), thread_ref=thread_ref)

    async def find_reveal(self, reveal: OutgoingReveal) -> int:
        """How many of the reveal's messages an earlier attempt posted (in the thread, or in
        the channel): one more than the last part found."""
        channel_id = int(reveal.channel.channel_id)
        target = self._channel(int(reveal.thread_ref or channel_id), reveal.channel.group_id)
        link = render.reveal_link(reveal)
        found = -1
        async with self._platform_errors(channel_id, "look for an earlier answer"):
            async for message in target.history(limit=HISTORY):
                part = markers.reveal_part(message, reveal.post_id, link, self._bot_id())
                if part is not None:
                    found = max(found, part)
        return found + 1

    async def send_nudge(self, nudge: OutgoingNudge) -> None:
        """The member's daily reminder, as a direct message."""
        if self._client.user is None:
            raise ChatError("not connected to Discord yet", permanent=False)
        user_id = int(nudge.member.member_id)
        await self._pacer.wait()
        try:
            channel = await self._client.create_dm(discord.Object(id=user_id))
            await self._pacer.wait()
            await channel.send(
                replies.nudge(nudge), allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.Forbidden as error:
            # Usually the member does not accept direct messages from server members.
            raise ChatError(
                f"Discord refused a direct message to member {user_id} (403 "
                f"{error.text or 'Forbidden'}): they may have closed their DMs.",
                permanent=True,
            ) from error
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError) as error:
            raise ChatError(
                f"Discord could not deliver a reminder ({type(error).__name__}).", permanent=False
            ) from error

    def _bot_id(self) -> int:
        user = self._client.user
        if user is None:
            raise ChatError("not connected to Discord yet", permanent=False)
        return user.id

    def _channel(self, channel_id: int, group_id: str) -> discord.PartialMessageable:
        if self._client.user is None:
            raise ChatError("not connected to Discord yet", permanent=False)
        return self._client.get_partial_messageable(channel_id, guild_id=int(group_id))

    @asynccontextmanager
    async def _platform_errors(self, channel_id: int, doing: str) -> AsyncIterator[None]:
        await self._pacer.wait()
        try:
            yield
        except discord.Forbidden as error:
            raise ChatError(
                f"Discord refused to {doing} in <#{channel_id}> (403 {error.text or 'Forbidden'}). "
                f"Give the bot {NEEDED} there, then run /qotd resume.",
                permanent=True,
            ) from error
        except discord.NotFound as error:
            raise ChatError(
                f"Channel <#{channel_id}> is gone or hidden from the bot (404 "
                f"{error.text or 'Not Found'}). Schedule another channel, or run /qotd resume "
                "once the bot can see it again.",
                permanent=True,
            ) from error
        except discord.HTTPException as error:
            if error.status == 401:
                raise ChatError("Discord rejected the bot token (401).", permanent=True) from error
            raise ChatError(
                f"Discord could not {doing} ({error.status} {error.text or ''}); retrying.",
                permanent=False,
            ) from error
        except (aiohttp.ClientError, TimeoutError, OSError, discord.RateLimited) as error:
            raise ChatError(
                f"Discord could not be reached to {doing} ({type(error).__name__}); retrying.",
                permanent=False,
            ) from error
