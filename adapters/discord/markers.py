"""How qotd recognises its own messages on Discord: nonces, custom ids and jump links.

A worker can die after Discord accepted a message but before the database recorded it. Two
things keep the retry from posting twice: each send carries a nonce derived from the post id
with `enforce_nonce` (Discord returns the existing message for a repeat within a few
minutes), and `DiscordChat.find_*` look through recent history for the markers below, which
survive any delay: the post's button ids, and the reveal's rating-button ids or its title link
back to the question (a follow-up message of a long reveal links back with `#part-N`, so a
retry resumes after the last part that went out).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import discord

from bot.domain.action_ids import (
    ANSWER,
    RATE,
    WRITE,
    ActionId,
    is_stale,
)

MAX_NONCE = 25  # Discord's limit on a nonce's length

# The daily post's buttons share their formats with Slack (bot/domain/action_ids.py); the
# written-answer modal's id is Discord's own.
WRITTEN = ActionId("qotd:written:{post}", post=r"\d{1,18}")

# The forms of the group's own questions carry only the suggestion's number or the
# question's id: the group always comes from the interaction.
SUGGEST_FORM = ActionId("qotd:suggest")
SUGGESTION_EDIT_FORM = ActionId("qotd:suggestion-edit:{suggestion}", suggestion=r"\d{1,18}")
DECLINE_FORM = ActionId("qotd:suggestion-decline:{suggestion}", suggestion=r"\d{1,18}")
QUESTION_EDIT_FORM = ActionId("qotd:question-edit:{slug}", slug=r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_stale_button(custom_id: str) -> bool:
    """A `qotd:` button id no handler takes: an old format, a forged or out-of-range id."""
    return is_stale(custom_id)


def post_of(custom_id: str, *formats: ActionId) -> int | None:
    """The post id a custom id of one of `formats` carries, or None."""
    for custom in formats:
        match = custom.match(custom_id)
        if match is not None:
            return int(match["post"])
    return None


def _nonce(kind: str, post_id: int, suffix: str = "") -> str:
    decimal = f"qotd-{kind}{post_id}{suffix}"
    if len(decimal) <= MAX_NONCE:
        return decimal
    # Past the limit Discord would refuse the message: base 36 keeps any 64-bit id short.
    digits, rest = "", post_id
    while rest:
        rest, digit = divmod(rest, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
    return f"qotd-{kind}~{digits}{suffix}"[:MAX_NONCE]


def question_nonce(post_id: int) -> str:
    """The nonce of the daily post's message."""
    return _nonce("p", post_id)


def reveal_nonce(post_id: int, part: int = 0) -> str:
    """The nonce of the reveal's first message, or of its `part`-th follow-up."""
    return _nonce("r", post_id, f".{part}" if part else "")


def jump_url(guild_id: str, channel_id: str, message_id: str) -> str:
    """The link that opens a message in Discord."""
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def custom_ids(message: discord.Message) -> Iterator[str]:
    """The custom ids of a message's buttons, in rows or at the top level."""
    stack: list[Any] = list(message.components)
    while stack:
        component = stack.pop()
        stack.extend(getattr(component, "children", []))
        custom_id = getattr(component, "custom_id", None)
        if isinstance(custom_id, str):
            yield custom_id


def is_question(message: discord.Message, post_id: int, bot_id: int) -> bool:
    """Whether the bot posted this message as the daily post `post_id`."""
    return message.author.id == bot_id and any(
        post_of(custom_id, ANSWER, WRITE) == post_id for custom_id in custom_ids(message)
    )


def part_link(link: str, part: int) -> str:
    """The link a reveal's `part`-th follow-up message carries on its first embed."""
    return f"{link}#part-{part + 1}" if part else link


def reveal_part(
    message: discord.Message, post_id: int, link: str | None, bot_id: int
) -> int | None:
    """Which of the reveal of `post_id`'s messages this is, if the bot posted it as one."""
    if message.author.id != bot_id:
        return None
    if any(post_of(custom_id, RATE) == post_id for custom_id in custom_ids(message)):
        return 0
    if link is None or not message.embeds:
        return None
    url = message.embeds[0].url or ""
    if url == link:
        return 0
    prefix = f"{link}#part-"
    number = url.removeprefix(prefix)
    if url.startswith(prefix) and number.isdecimal() and 1 < int(number) <= 100:
        return int(number) - 1
    return None
