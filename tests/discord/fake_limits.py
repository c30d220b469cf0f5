"""Discord's documented limits, as the fake API checks them on every request it receives.

Each function returns the problems it finds (empty when the payload is within the limits).
"""

from __future__ import annotations

import re
from typing import Any

NAME = re.compile(r"^[-_\w]{1,32}$")


def embed_problems(embeds: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds (max 10)")
    total = 0
    for index, embed in enumerate(embeds):
        where = f"embeds[{index}]"
        title = embed.get("title") or ""
        description = embed.get("description") or ""
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        fields = embed.get("fields") or []
        for label, text, limit in (
            ("title", title, 256),
            ("description", description, 4096),
            ("footer.text", footer, 2048),
            ("author.name", author, 256),
        ):
            if len(text) > limit:
                problems.append(f"{where}.{label} has {len(text)} characters (max {limit})")
        if len(fields) > 25:
            problems.append(f"{where} has {len(fields)} fields (max 25)")
        for number, item in enumerate(fields):
            name, value = item.get("name") or "", item.get("value") or ""
            if not 1 <= len(name) <= 256:
                problems.append(f"{where}.fields[{number}].name has {len(name)} characters")
            if not 1 <= len(value) <= 1024:
                problems.append(f"{where}.fields[{number}].value has {len(value)} characters")
            total += len(name) + len(value)
        total += len(title) + len(description) + len(footer) + len(author)
    if total > 6000:
        problems.append(f"embeds hold {total} characters in all (max 6000)")
    return problems


def component_problems(rows: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(rows) > 5:
        problems.append(f"{len(rows)} action rows (max 5)")
    seen: set[str] = set()
    for index, row in enumerate(rows):
        children = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(children) <= 5:
            problems.append(f"components[{index}] must be an action row of 1-5 components")
        for child in children:
            custom_id = child.get("custom_id") or ""
            label = child.get("label") or ""
            if child.get("style") != 5 and not 1 <= len(custom_id) <= 100:
                problems.append(f"custom_id {custom_id!r} has {len(custom_id)} characters (1-100)")
            if custom_id in seen:
                problems.append(f"custom_id {custom_id!r} repeats")
            seen.add(custom_id)
            if len(label) > 80:
                problems.append(f"button label has {len(label)} characters (max 80)")
            if not label and not child.get("emoji"):
                problems.append("a button needs a label or an emoji")
    return problems


def pings(body: dict[str, Any]) -> dict[str, list[str]]:
    """Who the message would notify, given its content and allowed_mentions."""
    content = body.get("content") or ""
    allowed = body.get("allowed_mentions")
    parse = allowed.get("parse", []) if allowed is not None else ["everyone", "roles", "users"]
    roles = {str(role) for role in allowed.get("roles", [])} if allowed else set()
    users = {str(user) for user in allowed.get("users", [])} if allowed else set()
    return {
        "everyone": re.findall(r"@(everyone|here)", content) if "everyone" in parse else [],
        "roles": [
            role for role in re.findall(r"<@&(\d+)>", content) if "roles" in parse or role in roles
        ],
        "users": [
            user for user in re.findall(r"<@!?(\d+)>", content) if "users" in parse or user in users
        ],
    }


def message_problems(body: dict[str, Any], *, edit: bool = False) -> list[str]:
    """Every documented limit the message payload breaks."""
    problems = []
    content = body.get("content") or ""
    if len(content) > 2000:
        problems.append(f"content has {len(content)} characters (max 2000)")
    embeds = body.get("embeds") or []
    components = body.get("components") or []
    problems += embed_problems(embeds)
    problems += component_problems(components)
    if not edit and not content and not embeds and not body.get("attachments"):
        problems.append("an empty message (50006)")
    notified = pings(body)
    if notified["everyone"]:
        problems.append("the message would ping @everyone/@here")
    if notified["users"]:
        problems.append(f"the message would ping users {notified['users']}")
    return problems


def modal_problems(data: dict[str, Any]) -> list[str]:
    problems = []
    title = data.get("title") or ""
    if not 1 <= len(title) <= 45:
        problems.append(f"modal title has {len(title)} characters (1-45)")
    if not 1 <= len(data.get("custom_id") or "") <= 100:
        problems.append("modal custom_id must have 1-100 characters")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        problems.append(f"a modal has 1-5 components, not {len(rows)}")
    for row in rows:
        if row.get("type") == 18:
            if not 1 <= len(row.get("label") or "") <= 45:
                problems.append("label text must have 1-45 characters")
            if len(row.get("description") or "") > 100:
                problems.append("label description over 100 characters")
            inputs = [row.get("component") or {}]
        else:
            inputs = row.get("components") or []
        for item in inputs:
            if item.get("type") != 4:
                continue
            longest = item.get("max_length") or 4000
            if longest > 4000:
                problems.append(f"text input max_length {item['max_length']} (max 4000)")
            value = item.get("value") or ""
            if len(value) > min(longest, 4000):
                problems.append(f"text input value has {len(value)} characters (max {longest})")
            if len(item.get("placeholder") or "") > 100:
                problems.append("text input placeholder over 100 characters")
            if len(item.get("label") or "") > 45:
                problems.append("text input label over 45 characters")
    return problems


def choice_problems(choices: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(choices) > 25:
        problems.append(f"{len(choices)} autocomplete choices (max 25)")
    for choice in choices:
        name, value = choice.get("name") or "", choice.get("value")
        if not 1 <= len(name) <= 100:
            problems.append(f"choice name {name!r} has {len(name)} characters (1-100)")
        if isinstance(value, str) and len(value) > 100:
            problems.append(f"choice value {value!r} over 100 characters")
    return problems


def command_problems(command: dict[str, Any], where: str = "") -> list[str]:
    problems = []
    where = f"{where}/{command.get('name')}"
    name = command.get("name") or ""
    if not NAME.match(name) or name != name.lower():
        problems.append(f"{where}: bad name")
    description = command.get("description") or ""
    if command.get("type", 1) == 1 and not 1 <= len(description) <= 100:
        problems.append(f"{where}: description has {len(description)} characters (1-100)")
    options = command.get("options") or []
    if len(options) > 25:
        problems.append(f"{where}: {len(options)} options (max 25)")
    required_done = False
    for option in options:
        if option.get("type") in (1, 2):
            problems += command_problems(option, where)
            continue
        problems += command_problems({**option, "options": []}, where)
        if option.get("required") and required_done:
            problems.append(f"{where}: required option {option['name']} after an optional one")
        required_done = required_done or not option.get("required")
        choices = option.get("choices") or []
        problems += choice_problems(choices)
        if choices and option.get("autocomplete"):
            problems.append(f"{where}: {option['name']} has both choices and autocomplete")
    return problems
