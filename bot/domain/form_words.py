"""The words of `suggest`, `accept` and `decline` as typed on one line (the console, a Slack
slash command): a suggestion's number, a one-line question form, and `field=value` changes.

`|` separates a one-line form's fields (question | answer | choices | key points | tags, the
last three optional), so a choice's reason follows ` -- `; a listed field's items (choices,
key points) are separated by `;` or line breaks. Each front end passes its own usage text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.question_form import FIELDS, QuestionForm
from bot.errors import QotdError

_CHANGE = re.compile(rf"(?:^|(?<=\s))({'|'.join(FIELDS)})=")
_LISTED = ("choices", "key_points")
MAX_NUMBER = 10**18 - 1  # a database id has at most 18 digits


@dataclass(frozen=True, slots=True)
class Decision:
    """`accept 3 written-only tags=beginner` as its parts."""

    number: int
    written_only: bool
    changes: dict[str, str]


def number(text: str, usage: str) -> int:
    """`12` or `#12` -> 12; anything else is refused with `usage` (the text typed is not
    echoed, so no front end has to escape it here)."""
    word = text.strip().removeprefix("#")
    if not word.isascii() or not word.isdigit() or not 0 < int(word) <= MAX_NUMBER:
        raise QotdError(f"That is not a suggestion number. {usage}")
    return int(word)


def accept_words(args: str, usage: str) -> Decision:
    first, _, rest = args.strip().partition(" ")
    if not first:
        raise QotdError(usage)
    rest = rest.strip()
    written_only = rest.startswith("written-only")
    if written_only:
        rest = rest.removeprefix("written-only")
    return Decision(number(first, usage), written_only, field_changes(rest))


def decline_words(args: str, usage: str) -> tuple[int, str]:
    first, _, reason = args.strip().partition(" ")
    if not first:
        raise QotdError(usage)
    return number(first, usage), reason.strip()


def field_changes(text: str) -> dict[str, str]:
    """`key_points=a; b tags=beginner, concept` -> each named field's new form text."""
    found = list(_CHANGE.finditer(text))
    if text.strip() and (not found or text[: found[0].start()].strip()):
        raise QotdError(f"Changes are written field=value; the fields: {', '.join(FIELDS)}.")
    changes: dict[str, str] = {}
    for match, after in zip(found, [*found[1:], None], strict=False):
        value = text[match.end() : after.start() if after else len(text)].strip()
        name = match.group(1)
        changes[name] = _lines(value) if name in _LISTED else value
    return changes


def one_line_form(text: str, usage: str) -> QuestionForm:
    parts = [part.strip() for part in text.split("|")]
    if len(parts) < 2 or len(parts) > len(FIELDS):
        raise QotdError(usage)
    values = dict(zip(FIELDS, parts, strict=False))
    for name in _LISTED:
        if name in values:
            values[name] = _lines(values[name])
    return QuestionForm.from_dict(values)


def _lines(value: str) -> str:
    """A listed field's items, one per line, from `;` or line breaks."""
    items = (item.strip() for line in value.splitlines() for item in line.split(";"))
    return "\n".join(item for item in items if item)
