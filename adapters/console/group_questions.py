"""The console's commands for a group's own questions: suggest, review, import and export.

One-line forms: the fields of a suggestion are separated by `|`, the lines inside a field
(choices, key points) by `;`, and a choice's reason follows ` -- `.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from adapters.console.words import echo
from bot.content.records import file_format
from bot.domain.form_words import accept_words, decline_words, field_changes, one_line_form
from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.question_form import FIELDS
from bot.errors import QotdError
from bot.services import group_questions, suggestions
from bot.services.access import Actor
from bot.services.context import Core
from bot.services.group_packs import local_id
from bot.services.suggestions import Notice

SUGGEST_USAGE = (
    "Usage: suggest <question> | <answer> [| <choices> [| <key points> [| <tags>]]]\n"
    "  choices: `*right -- why; wrong -- why; ...` (four, * marks the correct one)\n"
    "  key points: `first; second`   tags: `intermediate, concept, evaluation`"
)
ACCEPT_USAGE = "Usage: accept <n> [written-only] [field=value ...]"
DECLINE_USAGE = "Usage: decline <n> [reason]"
QUESTIONS_USAGE = (
    "Usage: questions list | import <file.yaml|file.csv> [dry-run] | export [file] | "
    "edit <id> <field>=<value> ... | retire <id> | source <0|1|N> | review-channel here|off"
)


class GroupQuestionCommands:
    def __init__(
        self,
        core: Core,
        channel: ChannelRef,
        write: Callable[[str], None],
        member: Callable[[], MemberRef],
        actor: Callable[[], Actor],
    ) -> None:
        self.core = core
        self.channel = channel
        self.write = write
        self.member = member
        self.actor = actor

    def handlers(self) -> dict[str, Callable[[str], Awaitable[None]]]:
        return {
            "suggest": self.suggest,
            "suggestions": self.suggestions,
            "accept": self.accept,
            "decline": self.decline,
            "questions": self.questions,
        }

    async def suggest(self, args: str) -> None:
        form = one_line_form(args, SUGGEST_USAGE)
        sent = await suggestions.suggest(self.core, self.channel, self.member(), form)
        self.write(sent.next_steps)
        if sent.review_channel is not None:
            self.write(
                f"[#{sent.review_channel.channel_id}] New suggestion #{sent.suggestion_id}: see `suggestions`."
            )

    async def suggestions(self, _: str) -> None:
        waiting, total = await suggestions.pending(self.core, self.channel, self.actor())
        if not waiting:
            self.write("No suggestions are waiting.")
            return
        self.write(f"{total} suggestion(s) waiting; the oldest first:")
        for item in waiting:
            self.write(f"#{item.suggestion_id} from {item.member_name}:")
            for name in FIELDS:
                value = getattr(item.form, name)
                if value:
                    self.write(f"  {name}: {value.replace(chr(10), '; ')}")
        self.write("`accept <n> [written-only] [field=value ...]` or `decline <n> [reason]`.")

    async def accept(self, args: str) -> None:
        decision = accept_words(args, ACCEPT_USAGE)
        accepted = await suggestions.accept(
            self.core,
            self.channel,
            self.actor(),
            decision.number,
            changes=decision.changes,
            written_only=decision.written_only,
        )
        slug = local_id(accepted.question.id)
        self.write(f"Accepted: it is the group's question {slug!r} now.")
        self._private(accepted.notice)

    async def decline(self, args: str) -> None:
        number, reason = decline_words(args, DECLINE_USAGE)
        notice = await suggestions.decline(self.core, self.channel, self.actor(), number, reason)
        self.write("Declined.")
        self._private(notice)

    async def questions(self, args: str) -> None:
        word, _, rest = args.strip().partition(" ")
        rest = rest.strip()
        core, channel, actor = self.core, self.channel, self.actor()
        if word in ("", "list"):
            lines = await group_questions.list_questions(core, channel, actor)
            if not lines:
                self.write(
                    "The group has no questions of its own yet: `suggest` one or `questions import` a file."
                )
            for line in lines:
                state = " (retired)" if line.retired else ""
                credit = f" · suggested by {line.credit}" if line.credit else ""
                self.write(f"{line.slug}{state}{credit}: {line.prompt}")
        elif word == "import":
            path_text, _, flag = rest.partition(" ")
            if not path_text or flag.strip() not in ("", "dry-run"):
                raise QotdError(QUESTIONS_USAGE)
            kind = file_format(path_text)
            text = await asyncio.to_thread(_read, path_text)
            report = await group_questions.import_questions(
                core, channel, actor, text, kind, dry_run=bool(flag.strip())
            )
            self.write(report.describe())
        elif word == "export":
            text = await group_questions.export_questions(core, channel, actor)
            if rest:
                await asyncio.to_thread(_write, rest, text)
                self.write(f"Wrote the group's questions to {rest}.")
            else:
                self.write(text.rstrip())
        elif word == "edit":
            slug, _, changes = rest.partition(" ")
            edited = await group_questions.edit_question(
                core, channel, actor, slug, field_changes(changes)
            )
            self.write(f"Saved {slug!r}: {edited.prompt}")
        elif word == "retire":
            retired = await group_questions.retire_question(core, channel, actor, rest)
            self.write(
                f"Retired {rest!r}; past posts, answers and reviews keep it. ({retired.prompt})"
            )
        elif word == "source":
            every = _number(rest)
            await group_questions.set_source(core, channel, actor, every)
            self.write(_source(every))
        elif word == "review-channel":
            if rest not in ("here", "off"):
                raise QotdError(QUESTIONS_USAGE)
            await suggestions.set_review_channel(core, channel, actor, rest == "here")
            self.write(
                "New suggestions are announced here."
                if rest == "here"
                else "New suggestions are not announced."
            )
        else:
            raise QotdError(QUESTIONS_USAGE)

    def _private(self, notice: Notice) -> None:
        self.write(f"[private to {notice.member.name}] {notice.text}")


def _read(path_text: str) -> str:
    try:
        return Path(path_text).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QotdError(f"Cannot read {echo(path_text)}: {error}") from None


def _write(path_text: str, text: str) -> None:
    try:
        Path(path_text).expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        raise QotdError(f"Cannot write {echo(path_text)}: {error}") from None


def _number(text: str) -> int:
    try:
        return int(text.strip().lstrip("#"))
    except ValueError:
        raise QotdError(f"{echo(text)} is not a number.") from None


def _source(every: int) -> str:
    if every == 0:
        return "Questions come from the pack only."
    if every == 1:
        return "Questions come from the group's own questions only."
    return f"One question in {every} comes from the group's own questions."
