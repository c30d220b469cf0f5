"""Suggestions on Slack: `/qotd suggest | suggestions | accept | decline`, and the work of the
Accept / Edit / Decline buttons and forms. Each step is one service call; after Accept or
Decline the member is told by direct message."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import ids, replies, suggestion_blocks
from adapters.slack.blocks import Message
from adapters.slack.chat import NETWORK_ERRORS
from adapters.slack.direct import send_dm
from adapters.slack.invocation import Invocation
from adapters.slack.mrkdwn import escape
from adapters.slack.question_forms import decline_modal, question_modal
from bot.content.records import QuestionsRejected
from bot.domain.form_words import accept_words, decline_words, one_line_form
from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.question_form import QuestionForm
from bot.errors import QotdError
from bot.services import suggestions
from bot.services.access import Actor
from bot.services.context import Core
from bot.services.group_packs import local_id
from bot.services.suggestions import Notice

SUGGEST_USAGE = (
    "Usage: `/qotd suggest` opens the form; or `/qotd suggest <question> | <answer> "
    "[| <choices> [| <key points> [| <tags>]]]` with choices `*right -- why; wrong -- why`."
)
ACCEPT_USAGE = "Usage: `/qotd accept <n> [written-only] [field=value ...]`."
DECLINE_USAGE = "Usage: `/qotd decline <n> [reason]`."

log = logging.getLogger(__name__)
SUGGEST_INTRO = (
    "Your question goes to the group's admins, who may edit it before the group gets it. "
    "Your name is shown with it."
)


# -- members ----------------------------------------------------------------------------------


async def suggest(inv: Invocation, args: str) -> Message | None:
    """`/qotd suggest` opens the form; with words, they are the one-line form."""
    if not args:
        if inv.trigger_id is None:
            raise QotdError(SUGGEST_USAGE)
        where = ids.ViewContext(inv.channel.group_id, inv.channel.channel_id)
        view = question_modal(ids.SUGGEST_VIEW, "Suggest a question", where, SUGGEST_INTRO)
        await inv.client.views_open(trigger_id=inv.trigger_id, view=view)
        return None
    return await send_suggestion(
        inv.core, inv.client, inv.channel, inv.member, one_line_form(args, SUGGEST_USAGE)
    )


async def send_suggestion(
    core: Core, client: AsyncWebClient, channel: ChannelRef, member: MemberRef, form: QuestionForm
) -> Message:
    """Store the suggestion, announce it where the group's admins asked, and say what next."""
    sent = await suggestions.suggest(core, channel, member, form)
    if sent.review_channel is not None:
        notice = suggestion_blocks.announcement(sent.suggestion_id, member.label, form)
        try:
            await client.chat_postMessage(
                channel=sent.review_channel.channel_id,
                text=notice.text,
                blocks=notice.dicts(),
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackApiError, *NETWORK_ERRORS) as error:
            # The suggestion is stored and shows in `/qotd suggestions` all the same.
            log.warning("could not announce suggestion %s: %s", sent.suggestion_id, error)
    return replies.text(sent.next_steps)


# -- admins -----------------------------------------------------------------------------------


async def queue(inv: Invocation, _: str) -> Message:
    """`/qotd suggestions`: the waiting suggestions with their buttons."""
    waiting, total = await suggestions.pending(inv.core, inv.channel, await inv.actor())
    return suggestion_blocks.queue(waiting, total)


async def accept_command(inv: Invocation, args: str) -> Message:
    """`/qotd accept <n> [written-only] [field=value ...]`."""
    decision = accept_words(args, ACCEPT_USAGE)
    return await accept(
        inv.core,
        inv.client,
        inv.channel,
        await inv.actor(),
        decision.number,
        changes=decision.changes,
        written_only=decision.written_only,
    )


async def decline_command(inv: Invocation, args: str) -> Message:
    """`/qotd decline <n> [reason]`."""
    number, reason = decline_words(args, DECLINE_USAGE)
    return await decline(inv.core, inv.client, inv.channel, await inv.actor(), number, reason)


async def accept(
    core: Core,
    client: AsyncWebClient,
    channel: ChannelRef,
    actor: Actor,
    number: int,
    *,
    changes: dict[str, str] | None = None,
    written_only: bool = False,
) -> Message:
    """Accept suggestion `number`; when it does not pass, why, with the buttons that fix it."""
    try:
        accepted = await suggestions.accept(
            core, channel, actor, number, changes=changes, written_only=written_only
        )
    except QuestionsRejected as error:
        return suggestion_blocks.refused(number, error.message, needs_choices=False)
    except suggestions.NeedsChoices as error:
        return suggestion_blocks.refused(number, error.message, needs_choices=True)
    told = await tell(client, accepted.notice)
    slug = local_id(accepted.question.id)
    summary = f"Accepted suggestion #{number}: it is the group's question `{escape(slug)}` now."
    return suggestion_blocks.notice_reply(summary, accepted.notice.member.name, told)


async def decline(
    core: Core, client: AsyncWebClient, channel: ChannelRef, actor: Actor, number: int, reason: str
) -> Message:
    notice = await suggestions.decline(core, channel, actor, number, reason)
    told = await tell(client, notice)
    return suggestion_blocks.notice_reply(
        f"Declined suggestion #{number}.", notice.member.name, told
    )


async def tell(client: AsyncWebClient, notice: Notice) -> bool:
    """Send the member their notice by DM; False when Slack would not deliver it."""
    try:
        await send_dm(client, notice.member.member_id, replies.text(escape(notice.text)))
    except (SlackApiError, *NETWORK_ERRORS) as error:
        log.warning("could not tell %s privately: %s", notice.member.member_id, error)
        return False
    return True


async def open_edit(
    core: Core,
    client: AsyncWebClient,
    trigger_id: str,
    channel: ChannelRef,
    actor: Actor,
    number: int,
) -> None:
    """The Edit button: the suggestion's form, filled in (admins only, checked first)."""
    form = await suggestions.suggestion_form(core, channel, actor, number)
    where = ids.ViewContext(channel.group_id, channel.channel_id, target=str(number))
    intro = f"Suggestion #{number}. Save keeps your changes; Accept is a separate step."
    view = question_modal(ids.SUGGESTION_EDIT_VIEW, "Edit a suggestion", where, intro, form, "Save")
    await client.views_open(trigger_id=trigger_id, view=view)


async def save_edit(
    core: Core, channel: ChannelRef, actor: Actor, number: int, form: QuestionForm
) -> Message:
    """The Edit form's submission: the suggestion as saved, with its buttons."""
    saved = await suggestions.edit(core, channel, actor, number, form.as_dict())
    return suggestion_blocks.edited(number, saved)


async def open_decline(
    core: Core,
    client: AsyncWebClient,
    trigger_id: str,
    channel: ChannelRef,
    actor: Actor,
    number: int,
) -> None:
    """The Decline button: the reason form, once the admin may and the suggestion waits."""
    await suggestions.suggestion_form(core, channel, actor, number)
    where = ids.ViewContext(channel.group_id, channel.channel_id, target=str(number))
    intro = (
        f"Decline suggestion #{number}. The member is told privately, with your reason if "
        "you give one."
    )
    await client.views_open(trigger_id=trigger_id, view=decline_modal(where, intro))
