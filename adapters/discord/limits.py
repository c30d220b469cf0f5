"""Discord's documented message limits, and the helpers that keep every message inside them.

discord.py checks almost none of these before sending, and Discord answers a message that
breaks one with a 400: the post would be lost. Everything the front end sends goes through
these helpers, so long text is split or trimmed with a pointer to the rest, never rejected.
"""

from __future__ import annotations

from collections.abc import Iterable

import discord

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
EMBEDS_TOTAL = 6000
EMBEDS_PER_MESSAGE = 10
TEXT_INPUT = 4000
THREAD_NAME = 100
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
BUTTON_LABEL = 80  # a vote button names a member; every other label is short and fixed
# Custom ids and the modal's texts are short and fixed, so no limit on them is needed here;
# the test fake of Discord checks those too.

ELLIPSIS = "…"


def clip(text: str, limit: int, pointer: str = "") -> str:
    """`text` cut to `limit` characters, ending with an ellipsis and `pointer` when cut."""
    if len(text) <= limit:
        return text
    tail = ELLIPSIS + (f" {pointer}" if pointer else "")
    if len(tail) >= limit:
        return text[:limit]
    cut = text[: limit - len(tail)]
    # Prefer to cut at a word boundary, unless that throws away too much.
    space = cut.rfind(" ")
    if space > len(cut) * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + tail


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into pieces of at most `limit` characters, at paragraph, line or word
    boundaries where possible; nothing is dropped."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > limit // 2:
                break
        if cut <= limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def escape(text: str) -> str:
    """Member text made inert: no Markdown tricks and no @everyone, @here, role or user pings.

    AllowedMentions already stops pings; escaping as well means the text also reads as typed.
    """
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def embed_size(embed: discord.Embed) -> int:
    """The characters Discord counts towards the 6000 shared by a message's embeds."""
    size = len(embed.title or "") + len(embed.description or "")
    size += sum(len(field.name or "") + len(field.value or "") for field in embed.fields)
    size += len(embed.footer.text or "") + len(embed.author.name or "")
    return size


def add_field(embed: discord.Embed, name: str, value: str, *, inline: bool = False) -> None:
    """Add a field, continuing a long value over further fields (while there is room)."""
    chunks = split_text(value, FIELD_VALUE) or ["—"]
    for index, chunk in enumerate(chunks):
        if len(embed.fields) >= EMBED_FIELDS:
            return
        label = name if index == 0 else f"{name} (continued)"
        embed.add_field(name=clip(label, FIELD_NAME), value=chunk, inline=inline)


def pack_embeds(embeds: Iterable[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into messages that each stay within 10 embeds and 6000 characters."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        this = embed_size(embed)
        if current and (len(current) >= EMBEDS_PER_MESSAGE or size + this > EMBEDS_TOTAL):
            messages.append(current)
            current, size = [], 0
        current.append(embed)
        size += this
    if current:
        messages.append(current)
    return messages
