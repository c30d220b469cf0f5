"""The question form as a Slack modal (suggest a question, edit a suggestion, edit a group
question) and the decline form; reading them back when they are submitted."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import Block, InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from adapters.slack import ids, limits
from adapters.slack.blocks import context
from adapters.slack.mrkdwn import trim
from bot.content.records import QuestionsRejected
from bot.domain.question_form import FIELDS, LABELS, LIMITS, QuestionForm
from bot.errors import QotdError
from bot.services.suggestions import MAX_REASON

INPUT = "value"  # every input's action id; its block id names the field
REASON_BLOCK = "reason"
REQUIRED = ("prompt", "answer")
PLACEHOLDERS = {
    "prompt": "Why can a model with 99% accuracy still be useless?",
    "answer": "What a strong candidate would say…",
    "choices": "*Accuracy hides the rare class | the majority class alone scores 99%",
    "key_points": "accuracy hides the rare class",
    "tags": "intermediate, concept, evaluation",
}
# Problems the pack model finds in a tag (difficulty, category, topics) belong to `tags`.
_TAG_FIELDS = {"difficulty": "tags", "category": "tags", "topics": "tags"}
_NAMED = re.compile(rf"^(?:The )?({'|'.join([*FIELDS, *_TAG_FIELDS])})\b")


def _plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=trim(text, limit), emoji=False)


def question_modal(
    callback_id: str,
    title: str,
    where: ids.ViewContext,
    intro: str,
    form: QuestionForm | None = None,
    submit: str = "Send",
) -> View:
    """Five text fields, filled in from `form` when given; `intro` is mrkdwn (escaped)."""
    blocks: list[Block] = [context(intro)]
    for name in FIELDS:
        value = getattr(form, name) if form else ""
        blocks.append(
            InputBlock(
                block_id=name,
                label=_plain(LABELS[name], limits.INPUT_LABEL),
                hint=_plain(f"Up to {LIMITS[name]:,} characters.", limits.INPUT_LABEL),
                optional=name not in REQUIRED,
                element=PlainTextInputElement(
                    action_id=INPUT,
                    multiline=name != "tags",
                    # A stored form is within LIMITS, so it always fits as the initial value.
                    max_length=min(LIMITS[name], limits.INPUT_MAX_LENGTH),
                    initial_value=value or None,
                    placeholder=_plain(PLACEHOLDERS[name], limits.PLACEHOLDER),
                ),
            )
        )
    return View(
        type="modal",
        callback_id=callback_id,
        title=_plain(title, limits.MODAL_TITLE),
        submit=_plain(submit, limits.MODAL_BUTTON),
        close=_plain("Cancel", limits.MODAL_BUTTON),
        private_metadata=where.dump(),
        blocks=blocks,
    )


def decline_modal(where: ids.ViewContext, intro: str) -> View:
    """The reason for declining a suggestion (optional), told to the member privately."""
    return View(
        type="modal",
        callback_id=ids.DECLINE_VIEW,
        title=_plain("Decline a suggestion", limits.MODAL_TITLE),
        submit=_plain("Decline", limits.MODAL_BUTTON),
        close=_plain("Cancel", limits.MODAL_BUTTON),
        private_metadata=where.dump(),
        blocks=[
            context(intro),
            InputBlock(
                block_id=REASON_BLOCK,
                label=_plain("Reason (optional): the member reads it", limits.INPUT_LABEL),
                optional=True,
                element=PlainTextInputElement(
                    action_id=INPUT, multiline=True, max_length=MAX_REASON
                ),
            ),
        ],
    )


def submitted_form(view: dict[str, Any]) -> QuestionForm:
    """The five fields as submitted (an optional field left empty is "")."""
    return QuestionForm.from_dict({name: _value(view, name) for name in FIELDS})


def submitted_reason(view: dict[str, Any]) -> str:
    return _value(view, REASON_BLOCK)


def _value(view: dict[str, Any], block_id: str) -> str:
    values = (view.get("state") or {}).get("values") or {}
    state = (values.get(block_id) or {}).get(INPUT) or {}
    return str(state.get("value") or "")


def field_of(error: QotdError) -> str:
    """The form field a refusal is about (its block id), else the first field."""
    if isinstance(error, QuestionsRejected) and error.problems:
        name = re.split(r"[.\[ ]", error.problems[0].field, maxsplit=1)[0]
    else:
        match = _NAMED.match(error.message)
        name = match[1] if match else FIELDS[0]
    name = _TAG_FIELDS.get(name, name)
    return name if name in FIELDS else FIELDS[0]
