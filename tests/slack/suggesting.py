"""Members and admins using suggestions through the real Bolt app: open a form with a command
or a button, fill it in and submit it, click a suggestion's buttons, read DMs."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from adapters.slack import ids
from adapters.slack.question_forms import INPUT, REASON_BLOCK
from bot.domain.question import Question
from bot.domain.question_form import FIELDS, QuestionForm
from bot.services.group_packs import stored_id
from tests.slack import signing
from tests.slack.checks import text_of
from tests.slack.fake_api import TEAM
from tests.slack.harness import SlackHarness

A_DAY = timedelta(days=1)
A_HALF_DAY = timedelta(hours=12)
_urls = count(1)


def form_values(form: QuestionForm) -> dict[str, Any]:
    """A question form's state as Slack submits it (an empty optional field has no value)."""
    return {
        name: {INPUT: {"type": "plain_text_input", "value": getattr(form, name) or None}}
        for name in FIELDS
    }


def reason_values(reason: str) -> dict[str, Any]:
    return {REASON_BLOCK: {INPUT: {"type": "plain_text_input", "value": reason or None}}}


def initial_form(view: dict[str, Any]) -> QuestionForm:
    """What a question form shows filled in when it opens."""
    shown = {
        block["block_id"]: block["element"].get("initial_value") or ""
        for block in view["blocks"]
        if block["type"] == "input"
    }
    return QuestionForm.from_dict(shown)


async def command_form(slack: SlackHarness, user: str, text: str) -> dict[str, Any]:
    """`/qotd <text>` that opens a form; the modal Slack opened."""
    before = len(slack.fake.called("views.open"))
    reply = await slack.command(user, text)
    views = slack.fake.called("views.open")
    assert len(views) == before + 1, f"no form opened; the reply: {reply}"
    view: dict[str, Any] = views[-1].args["view"]
    return view


async def suggest(slack: SlackHarness, user: str, form: QuestionForm) -> str:
    """The member opens `/qotd suggest`, fills the form in and sends it."""
    view = await command_form(slack, user, "suggest")
    return await slack.submit(user, view, form_values(form))


def suggestion_button(slack: SlackHarness, verb: str, number: int) -> str:
    """The action id of a suggestion's button, as the bot sent it in a reply or message."""
    wanted = ids.suggestion(verb, number)
    sent = [*slack.fake.responses(), *(c.args for c in slack.fake.calls if "blocks" in c.args)]
    for message in reversed(sent):
        for block in message.get("blocks") or []:
            for element in block.get("elements") or []:
                if element.get("action_id") == wanted:
                    return wanted
    raise AssertionError(f"no {verb} button for suggestion #{number} was sent")


async def click_suggestion(
    slack: SlackHarness, user: str, verb: str, number: int, **options: Any
) -> str:
    """Click a suggestion's button on a private reply; the replies it produced."""
    action_id = suggestion_button(slack, verb, number)
    return await slack.click(user, action_id, ephemeral=True, **options)


async def button_form(
    slack: SlackHarness, user: str, verb: str, number: int
) -> tuple[dict[str, Any] | None, str]:
    """Click Edit or Decline; the modal it opened (None: none) and any private reply."""
    before = len(slack.fake.called("views.open"))
    reply = await click_suggestion(slack, user, verb, number)
    views = slack.fake.called("views.open")
    return (views[-1].args["view"] if len(views) > before else None), reply


async def edit(slack: SlackHarness, user: str, number: int, changes: dict[str, str]) -> str:
    """Click Edit, change some fields of the filled-in form, and save it."""
    view, reply = await button_form(slack, user, "edit", number)
    assert view is not None, f"the edit form did not open: {reply}"
    form = initial_form(view).with_changes(changes)
    return await slack.submit(user, view, form_values(form))


def dms(slack: SlackHarness, user: str) -> list[str]:
    """The text of every direct message the bot sent the member."""
    channel = slack.fake.dms.get(signing.user_id(user))
    return [
        text_of(call.args)
        for call in slack.fake.called("chat.postMessage")
        if channel and call.args.get("channel") == channel and "ts" in call.args
    ]


async def command_in(
    slack: SlackHarness, user: str, text: str, channel: str, *, team: str = TEAM
) -> str:
    """`/qotd <text>` in another channel (or workspace); the private reply's text."""
    start = len(slack.fake.responses())
    url = slack.fake.response_url(f"in{next(_urls)}")
    body = signing.command(text, user, url, channel=channel, team=team)
    response = await slack.send(body, signing.FORM)
    assert response.status == 200, response.body
    return "\n".join(text_of(reply) for reply in slack.fake.responses()[start:])


async def group_question(slack: SlackHarness, slug: str, team: str = TEAM) -> Question:
    """One of the workspace's own questions, as the core holds it."""
    async with slack.core.storage.read() as uow:
        group_id = await uow.members.find_group("slack", team)
        assert group_id is not None
        pack = await slack.core.group_packs.load(uow, group_id)
    return pack.pack.by_id[stored_id(group_id, slug)]
