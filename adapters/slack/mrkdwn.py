"""Slack mrkdwn text: escaping member text, converting pack Markdown, splitting long text."""

from __future__ import annotations

import re

# Slack reads `<...>` as links and mentions, so a member's `<!channel>` must reach Slack as
# `&lt;!channel&gt;`. Only these three characters are escaped (Slack's own rule).
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Plain "@here" is not a mention without link_names, but a zero-width joiner keeps it inert
# even if a later change turns link_names on.
# No word boundary: whatever follows, `@here…` never reaches Slack as it was typed.
_MASS = re.compile(r"@(?=channel|here|everyone)", re.IGNORECASE)
_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")
_CODE = re.compile(r"(```.*?```|`[^`\n]+`)", re.DOTALL)
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,32}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,32}$")
_SUBTEAM = re.compile(r"^<!subteam\^([A-Z0-9]{2,32})(?:\|[^>]*)?>$")


def escape(text: str) -> str:
    """Member text made inert for mrkdwn: no links, mentions or mass pings survive."""
    return _MASS.sub("@\u2060", text.translate(_ESCAPES))


def from_markdown(text: str) -> str:
    """Trusted pack Markdown as Slack mrkdwn (bold, italics, links, bullets), escaped."""
    parts = _CODE.split(text)
    converted = []
    for index, part in enumerate(parts):
        if index % 2:  # code spans keep their content verbatim (escaped only)
            converted.append(escape(part))
            continue
        part = escape(part)
        part = re.sub(r"(?<![*\w])\*(?!\*)([^*\n]+?)\*(?!\*)", r"_\1_", part)
        part = re.sub(r"\*\*([^*\n]+?)\*\*", r"*\1*", part)
        part = re.sub(r"(?m)^(\s*)[-*] ", r"\1• ", part)
        part = re.sub(r"(?m)^#{1,6} +(.+)$", r"*\1*", part)
        part = _LINK.sub(r"<\2|\1>", part)
        converted.append(part)
    return "".join(converted)


def split(text: str, limit: int) -> list[str]:
    """Chunks of at most `limit` characters, cut at a paragraph, line or word if possible."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
            # never cut an entity such as `&amp;` in half
            tail = _ENTITY_TAIL.search(window)
            if tail:
                cut = tail.start()
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def code_chunks(code: str, limit: int) -> list[str]:
    """Code in ``` fences, split by lines so each fenced chunk fits in `limit`."""
    body_limit = limit - 8  # the two fences and their newlines
    chunks: list[str] = []
    current = ""
    for line in escape(code.rstrip()).split("\n"):
        for piece in _pieces(line, body_limit):
            if current and len(current) + 1 + len(piece) > body_limit:
                chunks.append(current)
                current = piece
            else:
                current = f"{current}\n{piece}" if current else piece
    chunks.append(current)
    return [f"```\n{chunk}\n```" for chunk in chunks]


def _pieces(line: str, limit: int) -> list[str]:
    """A line of escaped code in pieces of at most `limit` characters, every character kept
    (indentation matters in code), never cutting an entity such as `&amp;` in half."""
    pieces = []
    while len(line) > limit:
        tail = _ENTITY_TAIL.search(line[:limit])
        cut = tail.start() if tail and tail.start() > 0 else limit
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def trim(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    tail = _ENTITY_TAIL.search(cut)
    if tail:
        cut = cut[: tail.start()]
    return cut.rstrip() + "…"


def subteam_mention(text: str | None) -> str | None:
    """A user-group mention in Slack's form `<!subteam^ID>`, or None for anything else."""
    match = _SUBTEAM.match((text or "").strip())
    return f"<!subteam^{match[1]}>" if match else None


def user_mention(member_id: str) -> str:
    """`<@U123>` for a well-formed Slack user id; anything else is shown escaped."""
    return f"<@{member_id}>" if _USER_ID.match(member_id) else escape(member_id)


def channel_mention(channel_id: str) -> str:
    """`<#C123>` for a well-formed Slack channel id; anything else is shown escaped."""
    return f"<#{channel_id}>" if _CHANNEL_ID.match(channel_id) else escape(channel_id)
