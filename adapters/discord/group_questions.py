"""/qotd questions: the group's own questions for admins: list, import a file, export one,
edit (a form), retire, choose how often schedules use them, and where suggestions are
announced. Every action is checked by the core (Manage Server or a listed admin)."""

from __future__ import annotations

import io
import re
from typing import Literal, TypeVar

import discord
from discord import app_commands

from adapters.discord import limits, question_forms
from adapters.discord.admin_commands import Callback
from adapters.discord.context import actor_of, channel_of, services_of
from adapters.discord.markers import QUESTION_EDIT_FORM
from bot.content.records import MAX_FILE_BYTES, QuestionsRejected, file_format
from bot.errors import NotSubscribed, QotdError
from bot.services import group_questions, subscriptions, suggestions
from bot.services.access import require_admin
from bot.services.group_questions import GroupQuestionLine

EXPORT_NAME = "questions.yaml"
PROBLEMS_NAME = "import-problems.txt"
LIST_MESSAGES = 3  # more than this many messages of ids and prompts is what export is for
LIST_PROMPT = 200
NEEDS = {
    "import": "Attach the file: `/qotd questions action:import file:<questions.yaml or .csv>`.",
    "edit": "Name the question: `/qotd questions action:edit question:<id>` (ids: `action:list`).",
    "retire": "Name the question: `/qotd questions action:retire question:<id>`.",
    "source": "Say how often: `/qotd questions action:source every:<0, 1 or N>`.",
    "review-channel": "Say where: `/qotd questions action:review-channel where:here` (or off).",
}
NO_ATTACH = (
    "Sending a file needs the bot's Attach Files permission in this channel; give it and try again."
)

T = TypeVar("T")
Action = Literal["list", "import", "export", "edit", "retire", "source", "review-channel"]


@app_commands.describe(
    action="list (default), import, export, edit, retire, source or review-channel",
    file="import: a .yaml or .csv file of questions (see /qotd questions action:export)",
    dry_run="import: only check the file; nothing is imported",
    question="edit, retire: the question's id (see action:list)",
    every="source: 0 the pack only, 1 the group's questions only, N one in every N posts",
    where="review-channel: announce new suggestions in this channel, or nowhere",
)
async def questions(
    interaction: discord.Interaction,
    action: Action = "list",
    file: discord.Attachment | None = None,
    dry_run: bool = False,
    question: str | None = None,
    every: app_commands.Range[int, 0, 365] | None = None,
    where: Literal["here", "off"] | None = None,
) -> None:
    """The group's own questions: list, import, export, edit, retire, source, review-channel."""
    if action == "edit":
        await _open_edit(interaction, _needed(action, question))
        return
    # Acknowledge before any core call: Discord drops interactions not answered within 3 s.
    await interaction.response.defer(ephemeral=True, thinking=True)
    if action == "list":
        await _list(interaction)
    elif action == "import":
        await _import(interaction, _needed(action, file), dry_run)
    elif action == "export":
        await _export(interaction)
    elif action == "retire":
        await _retire(interaction, _needed(action, question))
    elif action == "source":
        await _source(interaction, _needed(action, every))
    else:
        await _review_channel(interaction, _needed(action, where))


def _needed(action: str, value: T | None) -> T:
    if value is None:
        raise QotdError(NEEDS[action])
    return value


async def _say(
    interaction: discord.Interaction, text: str, file: discord.File | None = None
) -> None:
    text = limits.clip(text, limits.CONTENT)
    if file is None:
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.followup.send(text, file=file, ephemeral=True)


def list_line(line: GroupQuestionLine) -> str:
    state = " (retired)" if line.retired else ""
    credit = f" · suggested by {limits.escape(line.credit)}" if line.credit else ""
    prompt = limits.escape(limits.clip(" ".join(line.prompt.split()), LIST_PROMPT))
    return f"`{line.slug}`{state}{credit}: {prompt}"


async def _list(interaction: discord.Interaction) -> None:
    lines = await group_questions.list_questions(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction)
    )
    if not lines:
        await _say(
            interaction,
            "The group has no questions of its own yet: `/qotd suggest` one, or "
            "`/qotd questions action:import` a file.",
        )
        return
    pieces = limits.split_text(
        "\n".join(list_line(line) for line in lines), limits.EMBED_DESCRIPTION
    )
    embeds = [
        discord.Embed(
            title="The group's questions" if index == 0 else "The group's questions (continued)",
            description=piece,
            colour=discord.Colour.blurple(),
        )
        for index, piece in enumerate(pieces)
    ]
    messages = limits.pack_embeds(embeds)
    for batch in messages[:LIST_MESSAGES]:
        await interaction.followup.send(embeds=batch, ephemeral=True)
    if len(messages) > LIST_MESSAGES:
        await _say(
            interaction,
            f"…and more ({len(lines)} in all): `/qotd questions action:export` has every one.",
        )


async def _may_import(interaction: discord.Interaction) -> None:
    """Who may import, before the bot downloads their file (the core checks again)."""
    actor = actor_of(interaction)
    if actor.is_admin:
        return
    try:
        current = await subscriptions.channel_status(
            services_of(interaction).core, channel_of(interaction)
        )
    except NotSubscribed:
        require_admin(actor, None, "import questions")
    else:
        require_admin(actor, current.subscription, "import questions")


async def _import(
    interaction: discord.Interaction, file: discord.Attachment, dry_run: bool
) -> None:
    await _may_import(interaction)
    name = limits.escape(file.filename)
    kind = file_format(file.filename)
    # Checked before downloading: Discord says the size, and nothing larger is read.
    if file.size > MAX_FILE_BYTES:
        raise QotdError(f"{name} has {file.size:,} bytes; a file may have {MAX_FILE_BYTES:,}.")
    try:
        text = (await file.read()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QotdError(f"{name} is not UTF-8 text: save it as UTF-8 and try again.") from None
    except discord.HTTPException as error:
        raise QotdError(f"Discord did not hand over {name} ({error.status}); try again.") from None
    try:
        report = await group_questions.import_questions(
            services_of(interaction).core,
            channel_of(interaction),
            actor_of(interaction),
            text,
            kind,
            dry_run=dry_run,
        )
    except QuestionsRejected as rejected:
        await _report_problems(interaction, rejected)
        return
    await _say(interaction, report.describe())


async def _report_problems(interaction: discord.Interaction, rejected: QuestionsRejected) -> None:
    """Every problem: in the reply when it fits, else the start of it and the whole report
    as a text file (or, without Attach Files, how many more there are)."""
    text = limits.escape(rejected.message)
    if len(text) <= limits.CONTENT:
        await _say(interaction, text)
        return
    report = rejected.message.encode()
    may_attach = interaction.app_permissions.attach_files
    if may_attach and len(report) <= interaction.filesize_limit:
        tail = f"\n…the full report of {len(rejected.problems)} problems is attached."
        file = discord.File(io.BytesIO(report), filename=PROBLEMS_NAME)
        await _say(interaction, _head(text, limits.CONTENT - len(tail)) + tail, file=file)
        return
    tail = (
        f"\n…{len(rejected.problems)} problems in all: give the bot Attach Files here to get "
        "the full report as a file."
    )
    await _say(interaction, _head(text, limits.CONTENT - len(tail)) + tail)


def _head(text: str, room: int) -> str:
    """The whole lines of `text` that fit in `room` characters."""
    kept: list[str] = []
    size = 0
    for line in text.splitlines():
        if size + len(line) + 1 > room:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept) or limits.clip(text, room)


async def _export(interaction: discord.Interaction) -> None:
    text = await group_questions.export_questions(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction)
    )
    data = text.encode()
    if not interaction.app_permissions.attach_files:
        raise QotdError(NO_ATTACH)
    if len(data) > interaction.filesize_limit:
        raise QotdError(
            f"The export has {len(data):,} bytes, over this server's upload limit "
            f"({interaction.filesize_limit:,})."
        )
    await _say(
        interaction,
        "The group's questions in use, as a file `/qotd questions action:import` reads.",
        file=discord.File(io.BytesIO(data), filename=EXPORT_NAME),
    )


async def _open_edit(interaction: discord.Interaction, slug: str) -> None:
    # One quick read before the form opens (a modal must be the first response).
    slug = slug.strip()
    form = await group_questions.question_form(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction), slug
    )
    modal = question_forms.question_modal(f"Edit {slug}", QUESTION_EDIT_FORM.build(slug=slug), form)
    await interaction.response.send_modal(modal)


async def submit_edit(interaction: discord.Interaction, match: re.Match[str]) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    edited = await group_questions.edit_question(
        services_of(interaction).core,
        channel_of(interaction),
        actor_of(interaction),
        match["slug"],
        question_forms.submitted_form(interaction),
    )
    await _say(interaction, f"Saved `{match['slug']}`: {limits.escape(edited.prompt)}")


async def _retire(interaction: discord.Interaction, slug: str) -> None:
    await group_questions.retire_question(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction), slug
    )
    await _say(
        interaction,
        f"Retired `{limits.escape(slug.strip())}`; past posts, answers and reviews keep it.",
    )


async def _source(interaction: discord.Interaction, every: int) -> None:
    await group_questions.set_source(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction), every
    )
    if every == 0:
        text = "This channel's questions come from the pack only."
    elif every == 1:
        text = "This channel's questions come from the group's own questions only."
    else:
        text = f"One question in {every} comes from the group's own questions."
    await _say(interaction, text)


async def _review_channel(interaction: discord.Interaction, where: str) -> None:
    here = where == "here"
    await suggestions.set_review_channel(
        services_of(interaction).core, channel_of(interaction), actor_of(interaction), here
    )
    await _say(
        interaction,
        "New suggestions are announced here, with their review buttons."
        if here
        else "New suggestions are not announced; `/qotd suggestions` lists them.",
    )


# Forms routed by their custom_id from `QotdClient.on_interaction`.
FORMS = ((QUESTION_EDIT_FORM, submit_edit),)

# Each command's description is its summary in the catalogue (bot/commands.py).
COMMANDS: tuple[tuple[str, Callback], ...] = (("questions", questions),)
