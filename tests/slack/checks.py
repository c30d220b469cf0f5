"""Slack's documented limits, checked the way Slack checks a message or a view (the fake
API refuses any request these find a problem in)."""

from __future__ import annotations

import json
import re
from typing import Any

MASS_MENTION = re.compile(r"<!(channel|here|everyone)\b")

# Slack's documented limits, written out here on their own so the fake does not trust the
# adapter's copy of them.
MAX = {
    "message_blocks": 50,
    "view_blocks": 100,
    "message_text": 40_000,
    "section_text": 3000,
    "section_fields": 10,
    "field_text": 2000,
    "header_text": 150,
    "context_elements": 10,
    "actions_elements": 25,
    "button_text": 75,
    "action_id": 255,
    "block_id": 255,
    "button_value": 2000,
    "url": 3000,
    "modal_title": 24,
    "modal_button": 24,
    "private_metadata": 3000,
    "callback_id": 255,
    "input_max_length": 3000,
    "input_label": 2000,
    "placeholder": 150,
    "option_text": 75,
    "option_value": 150,
    "select_options": 100,
    "checkbox_options": 10,
    "alt_text": 2000,
    "image_title": 2000,
}


def check_message(payload: dict[str, Any]) -> list[str]:
    """What in a message breaks Slack's documented limits (or lets a mass mention through)."""
    problems = []
    blocks = payload.get("blocks") or []
    text = payload.get("text") or ""
    if not blocks and not text:
        problems.append("a message needs text or blocks")
    if len(text) > MAX["message_text"]:
        problems.append(f"text is {len(text)} characters")
    if len(blocks) > MAX["message_blocks"]:
        problems.append(f"{len(blocks)} blocks in one message")
    problems += _check_blocks(blocks)
    problems += check_no_mass_mention(payload)
    return problems


def check_no_mass_mention(payload: Any) -> list[str]:
    found = MASS_MENTION.findall(json.dumps(payload))
    return [f"a mass mention <!{name}> reached a message" for name in found]


def check_view(view: dict[str, Any]) -> list[str]:
    problems = []
    kind = view.get("type")
    blocks = view.get("blocks") or []
    if kind not in ("modal", "home"):
        problems.append(f"unknown view type {kind!r}")
    if not 0 < len(blocks) <= MAX["view_blocks"]:
        problems.append(f"a view has {len(blocks)} blocks")
    if kind == "modal":
        title = (view.get("title") or {}).get("text", "")
        if not 0 < len(title) <= MAX["modal_title"]:
            problems.append(f"modal title {title!r} is {len(title)} characters")
        for key in ("submit", "close"):
            if view.get(key) and len(view[key]["text"]) > MAX["modal_button"]:
                problems.append(f"modal {key} is too long")
        if any(block.get("type") == "input" for block in blocks) and not view.get("submit"):
            problems.append("a modal with inputs needs a submit button")
    elif view.get("submit") or view.get("close"):
        problems.append("a Home tab has no submit or close")
    if len(view.get("private_metadata") or "") > MAX["private_metadata"]:
        problems.append("private_metadata is too long")
    if len(view.get("callback_id") or "") > MAX["callback_id"]:
        problems.append("callback_id is too long")
    problems += _check_blocks(blocks)
    problems += check_no_mass_mention(_without_input_values(view))
    return problems


def _without_input_values(view: dict[str, Any]) -> dict[str, Any]:
    """The view less its text inputs' initial values: an input shows its value as typed, to
    the one member filling in the form, never as mrkdwn, so it cannot ping anyone (and an
    edit form must show what was written exactly, or saving it would change it)."""
    blocks = []
    for block in view.get("blocks") or []:
        element = block.get("element") or {}
        if block.get("type") == "input" and element.get("type") == "plain_text_input":
            element = {key: value for key, value in element.items() if key != "initial_value"}
            block = {**block, "element": element}
        blocks.append(block)
    return {**view, "blocks": blocks}


def _check_blocks(blocks: list[dict[str, Any]]) -> list[str]:
    problems = []
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    if len(block_ids) != len(set(block_ids)):
        problems.append("block_ids repeat within one message")
    for block in blocks:
        problems += _check_block(block)
    return problems


def _check_block(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    problems = _too_long(block.get("block_id"), "block_id")
    if kind == "section":
        if "text" not in block and "fields" not in block:
            problems.append("a section needs text or fields")
        if "text" in block:
            problems += _check_text(block["text"], "section_text")
        fields = block.get("fields") or []
        if len(fields) > MAX["section_fields"]:
            problems.append("too many section fields")
        for item in fields:
            problems += _check_text(item, "field_text")
        if "accessory" in block:
            problems += _check_element(block["accessory"])
    elif kind == "header":
        problems += _check_text(block.get("text"), "header_text", plain=True)
    elif kind == "context":
        elements = block.get("elements") or []
        if not 0 < len(elements) <= MAX["context_elements"]:
            problems.append(f"a context block has {len(elements)} elements")
        for element in elements:
            problems += _check_text(element, "section_text")
    elif kind == "actions":
        elements = block.get("elements") or []
        if not 0 < len(elements) <= MAX["actions_elements"]:
            problems.append(f"an actions block has {len(elements)} elements")
        action_ids = [element.get("action_id") for element in elements]
        if len(action_ids) != len(set(action_ids)):
            problems.append("action_ids repeat within an actions block")
        for element in elements:
            problems += _check_element(element)
    elif kind == "input":
        problems += _check_text(block.get("label"), "input_label", plain=True)
        if block.get("hint"):
            problems += _check_text(block["hint"], "input_label", plain=True)
        problems += _check_element(block.get("element") or {})
    elif kind == "image":
        problems += _check_image(block)
    elif kind != "divider":
        problems.append(f"unexpected block type {kind!r}")
    return problems


def _check_image(block: dict[str, Any]) -> list[str]:
    """An image: alt text, and exactly one source (a public URL or a Slack file by id or url)."""
    alt = block.get("alt_text") or ""
    problems = [] if alt else ["an image needs alt_text"]
    problems += _too_long(alt, "alt_text")
    sources = [key for key in ("image_url", "slack_file") if block.get(key)]
    if len(sources) != 1:
        problems.append(f"an image needs exactly one of image_url or slack_file, not {sources}")
    slack_file = block.get("slack_file") or {}
    if slack_file and len([key for key in ("id", "url") if slack_file.get(key)]) != 1:
        problems.append("slack_file takes exactly one of id or url")
    if block.get("title"):
        problems += _check_text(block["title"], "image_title", plain=True)
    return problems


def _check_text(obj: Any, limit: str, *, plain: bool = False) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [f"not a text object: {obj!r}"[:200]]
    if plain and obj["type"] != "plain_text":
        return [f"{limit} must be plain_text"]
    text = obj.get("text") or ""
    if not text:
        return [f"empty {limit}"]
    return _too_long(text, limit)


def _too_long(value: Any, limit: str) -> list[str]:
    if value is not None and len(str(value)) > MAX[limit]:
        return [f"{limit} is {len(str(value))} characters (max {MAX[limit]})"]
    return []


def _check_element(element: dict[str, Any]) -> list[str]:
    kind = element.get("type")
    problems = _too_long(element.get("action_id"), "action_id")
    if kind == "button":
        problems += _check_text(element.get("text"), "button_text", plain=True)
        problems += _too_long(element.get("value"), "button_value")
        problems += _too_long(element.get("url"), "url")
    elif kind == "plain_text_input":
        if element.get("placeholder"):
            problems += _check_text(element["placeholder"], "placeholder", plain=True)
        limit = element.get("max_length", MAX["input_max_length"])
        if limit > MAX["input_max_length"]:
            problems.append(f"plain_text_input max_length {limit} is over 3000")
        if len(element.get("initial_value") or "") > limit:
            problems.append("initial_value is longer than max_length")
    elif kind in ("checkboxes", "static_select", "multi_static_select"):
        options = element.get("options") or []
        limit = MAX["checkbox_options"] if kind == "checkboxes" else MAX["select_options"]
        if not 0 < len(options) <= limit:
            problems.append(f"{kind} has {len(options)} options")
        for option in [*options, *(element.get("initial_options") or [])]:
            problems += _check_text(option.get("text"), "option_text")
            problems += _too_long(option.get("value"), "option_value")
        if element.get("placeholder"):
            problems += _check_text(element["placeholder"], "placeholder", plain=True)
    elif kind == "timepicker":
        if element.get("initial_time") and not re.fullmatch(r"\d\d:\d\d", element["initial_time"]):
            problems.append("initial_time must be HH:mm")
    else:
        problems.append(f"unexpected element type {kind!r}")
    return problems


def text_of(payload: dict[str, Any]) -> str:
    """The words of a message or view as a reader sees them (entities unescaped)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
                parts.append(node["text"])
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload.get("blocks") or [])
    if not parts:
        parts.append(payload.get("text") or "")
    text = "\n".join(parts)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
