"""Block Kit for suggestions: the review queue, one suggestion with its buttons, the
announcement in the review channel, and the replies to Accept and Decline.

Everything a member typed (their name, every field) is escaped: it never pings or formats.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from adapters.slack import ids, limits
from adapters.slack.blocks import Message, context, sections
from adapters.slack.mrkdwn import escape, trim
from bot.domain.question_form import FIELDS, QuestionForm
from bot.services.suggestions import Pending

SHORT_LABELS = {
    "prompt": "Question",
    "answer": "Reference answer",
    "choices": "Choices",
    "key_points": "Key points",
    "tags": "Tags",
}
HOW = (
    "`/qotd accept <n> [written-only] [field=value ...]` or `/qotd decline <n> [reason]` work too."
)


def buttons(number: int, *, written_only: bool = False) -> Block:
    """Accept / Edit / Decline for suggestion `number` (the id carries only the number)."""
    accept = (
        _button("Accept as written-answer only", ids.suggestion("written", number), "primary")
        if written_only
        else _button("Accept", ids.suggestion("accept", number), "primary")
    )
    elements = [
        accept,
        _button("Edit", ids.suggestion("edit", number)),
        _button("Decline", ids.suggestion("decline", number), "danger"),
    ]
    return ActionsBlock(block_id=f"qotd-suggestion-{number}", elements=elements)


def _button(label: str, action_id: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=label, emoji=False),
        action_id=action_id,
        value=action_id.rsplit(":", 1)[-1],
        style=style,
    )


def card(number: int, member_name: str | None, form: QuestionForm) -> list[Block]:
    """One suggestion: who sent it, each field filled in, and its buttons."""
    parts = [f"*#{number} from {escape(member_name)}*" if member_name else f"*#{number}*"]
    for name in FIELDS:
        value = getattr(form, name).strip()
        if value:
            parts.append(trim(f"*{SHORT_LABELS[name]}:*\n{escape(value)}", limits.SECTION_TEXT))
    return [*_packed(parts), buttons(number)]


def _packed(parts: Sequence[str]) -> list[Block]:
    """As few sections as hold the parts (each within a section's limit), in order."""
    chunks: list[str] = []
    for part in parts:
        if chunks and len(chunks[-1]) + 2 + len(part) <= limits.SECTION_TEXT:
            chunks[-1] += "\n\n" + part
        else:
            chunks.append(part)
    return [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in chunks]


def queue(waiting: Sequence[Pending], total: int) -> Message:
    """The waiting suggestions, oldest first, as many as one message holds."""
    if not waiting:
        return Message(
            "No suggestions are waiting.", tuple(sections("No suggestions are waiting."))
        )
    head = f"*{total} suggestion{'' if total == 1 else 's'} waiting*, the oldest first."
    blocks: list[Block] = [*sections(head)]
    shown = 0
    room = limits.MESSAGE_BLOCKS - 2  # the head, and the closing line
    for item in waiting:
        item_blocks = card(item.suggestion_id, item.member_name, item.form)
        if len(blocks) + len(item_blocks) > room:
            break
        blocks += item_blocks
        shown += 1
    closing = HOW
    if shown < total:
        closing = f"Showing {shown} of {total}: decide these to see the rest. {HOW}"
    blocks.append(context(closing))
    return Message(f"{total} suggestion(s) waiting", tuple(blocks))


def announcement(number: int, member_name: str, form: QuestionForm) -> Message:
    """The review channel's notice of a new suggestion, with its buttons."""
    line = f"New suggestion #{number} from {escape(member_name)}: {escape(form.prompt)}"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=trim(line, limits.SECTION_TEXT))),
        buttons(number),
    ]
    return Message(trim(line, 300), tuple(blocks))


def edited(number: int, form: QuestionForm) -> Message:
    """The reply to a saved Edit: the suggestion as it is now, ready to accept."""
    lead = sections(f"Saved your changes to suggestion #{number}.")
    blocks = [*lead, *card(number, None, form)]
    return Message(f"Saved suggestion #{number}", tuple(blocks))


def refused(number: int, reason: str, *, needs_choices: bool) -> Message:
    """Accepting did not pass: why, with Edit (and, for a question without choices, the
    button that accepts it as a written-answer question)."""
    lead = f"Suggestion #{number} was not accepted. {escape(reason)}"
    blocks = [*sections(lead), buttons(number, written_only=needs_choices)]
    return Message(trim(lead, 300), tuple(blocks))


def notice_reply(summary: str, member_name: str, told: bool) -> Message:
    """The admin's reply after Accept or Decline: done, and whether the member was told."""
    if told:
        tail = f"{escape(member_name)} was told privately."
    else:
        tail = (
            f"{escape(member_name)} could not be told privately (Slack refused the direct "
            "message): please tell them yourself."
        )
    return Message(trim(summary, 300), tuple(sections(f"{summary} {tail}")))
