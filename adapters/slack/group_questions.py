"""`/qotd questions …`: an admin's view of the group's own questions (list, export, edit,
retire), where a schedule's questions come from, and where suggestions are announced.

Slash commands carry no files, so importing is done on the host with `qotd questions import`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from adapters.slack import ids, limits, replies
from adapters.slack.blocks import Message, sections
from adapters.slack.chat import NETWORK_ERRORS
from adapters.slack.direct import open_dm
from adapters.slack.invocation import Invocation
from adapters.slack.mrkdwn import code_chunks, escape, trim
from adapters.slack.question_forms import question_modal
from bot.domain.form_words import field_changes
from bot.errors import QotdError
from bot.services import group_questions, suggestions

log = logging.getLogger(__name__)
USAGE = (
    "Usage: `/qotd questions list | export | edit <id> [field=value ...] | retire <id> | "
    "source <0|1|N> | review-channel here|off | import`"
)
LISTED = 100  # question lines in one reply; `export` has them all
PROMPT_SHOWN = 200
EXPORT_NAME = "qotd-questions.yaml"
SOURCES = {
    0: "Questions come from the pack only.",
    1: "Questions come from the group's own questions only.",
}

Word = Callable[[Invocation, str], Awaitable[Message | None]]


async def questions(inv: Invocation, args: str) -> Message | None:
    """`/qotd questions <word> …` (no word: `list`)."""
    word, _, rest = args.strip().partition(" ")
    handler = WORDS.get(word.lower() or "list")
    if handler is None:
        raise QotdError(USAGE)
    return await handler(inv, rest.strip())


async def _list(inv: Invocation, _: str) -> Message:
    lines = await group_questions.list_questions(inv.core, inv.channel, await inv.actor())
    if not lines:
        return replies.text(
            "The group has no questions of its own yet: members `/qotd suggest` them, or an "
            "admin imports a file (`/qotd questions import` says how)."
        )
    shown = []
    for line in lines[:LISTED]:
        state = " (retired)" if line.retired else ""
        credit = f" · suggested by {escape(line.credit)}" if line.credit else ""
        prompt = escape(trim(line.prompt, PROMPT_SHOWN))
        shown.append(f"• `{escape(line.slug)}`{state}{credit}: {prompt}")
    if len(lines) > LISTED:
        shown.append(f"… and {len(lines) - LISTED} more: `/qotd questions export` has them all.")
    return replies.text(f"*The group's own questions ({len(lines)})*\n" + "\n".join(shown))


async def _export(inv: Invocation, _: str) -> Message:
    """The YAML as a file in the admin's DM (it holds answers not yet revealed, so never in
    the channel); in a private reply when the upload fails and it is short enough."""
    text = await group_questions.export_questions(inv.core, inv.channel, await inv.actor())
    try:
        channel = await open_dm(inv.client, inv.member.member_id)
        await inv.client.files_upload_v2(
            channel=channel,
            content=text,
            filename=EXPORT_NAME,
            title="The group's own questions",
        )
    except (SlackApiError, *NETWORK_ERRORS) as error:
        log.warning("could not upload the group's questions: %s", error)
        return _export_inline(inv, text)
    return replies.text(
        f"The group's questions are in your direct messages with qotd, as `{EXPORT_NAME}`. "
        f"Edit it and import it on the host: `{_import_command(inv)}`."
    )


def _export_inline(inv: Invocation, text: str) -> Message:
    chunks = code_chunks(text, limits.SECTION_TEXT)
    if len(chunks) > limits.MESSAGE_BLOCKS - 1:
        raise QotdError(
            "Slack would not take the file, and it is too long for a message: export it on "
            f"the host with `qotd questions export --group slack:{inv.channel.group_id}`."
        )
    head = sections("The file could not be sent to your direct messages; here it is:")
    body = [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in chunks]
    return Message("The group's questions", (*head, *body))


async def _import(inv: Invocation, _: str) -> Message:
    return replies.text(
        "Slash commands cannot carry a file: import a YAML or CSV file on the host running "
        f"qotd with `{_import_command(inv)}` (add `--dry-run` to check it first)."
    )


def _import_command(inv: Invocation) -> str:
    return f"qotd questions import --group slack:{escape(inv.channel.group_id)} FILE"


async def _edit(inv: Invocation, args: str) -> Message | None:
    """`edit <id>` opens the form; `edit <id> field=value …` saves the changes at once."""
    slug, _, changes = args.partition(" ")
    if not slug:
        raise QotdError(USAGE)
    actor = await inv.actor()
    if changes.strip():
        edited = await group_questions.edit_question(
            inv.core, inv.channel, actor, slug, field_changes(changes)
        )
        return replies.text(f"Saved `{escape(slug)}`: {escape(trim(edited.prompt, 300))}")
    if inv.trigger_id is None:
        raise QotdError(USAGE)
    form = await group_questions.question_form(inv.core, inv.channel, actor, slug)
    where = ids.ViewContext(inv.channel.group_id, inv.channel.channel_id, target=slug)
    intro = f"The group's question `{escape(slug)}`. Code and stem, if any, are kept as they are."
    view = question_modal(ids.QUESTION_EDIT_VIEW, "Edit a question", where, intro, form, "Save")
    await inv.client.views_open(trigger_id=inv.trigger_id, view=view)
    return None


async def _retire(inv: Invocation, args: str) -> Message:
    if not args:
        raise QotdError(USAGE)
    retired = await group_questions.retire_question(inv.core, inv.channel, await inv.actor(), args)
    return replies.text(
        f"Retired `{escape(args)}`; past posts, answers and reviews keep it. "
        f"({escape(trim(retired.prompt, 300))})"
    )


async def _source(inv: Invocation, args: str) -> Message:
    word = args.strip()
    if not (word.isascii() and word.isdigit()):
        raise QotdError(USAGE)
    every = int(word) if len(word) <= 4 else 366  # the service refuses anything past 365
    await group_questions.set_source(inv.core, inv.channel, await inv.actor(), every)
    said = SOURCES.get(every, f"One question in {every} comes from the group's own questions.")
    return replies.text(said)


async def _review_channel(inv: Invocation, args: str) -> Message:
    choice = args.strip().lower()
    if choice not in ("here", "off"):
        raise QotdError(USAGE)
    await suggestions.set_review_channel(inv.core, inv.channel, await inv.actor(), choice == "here")
    return replies.text(
        "New suggestions are announced here, with their buttons."
        if choice == "here"
        else "New suggestions are not announced; `/qotd suggestions` lists them."
    )


WORDS: dict[str, Word] = {
    "list": _list,
    "export": _export,
    "import": _import,
    "edit": _edit,
    "retire": _retire,
    "source": _source,
    "review-channel": _review_channel,
}
