"""Modals (write an answer, set a schedule) and the App Home tab, built with slack_sdk views."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ImageBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticMultiSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from adapters.slack import ids, limits
from adapters.slack.blocks import context, header, sections
from adapters.slack.mrkdwn import escape, from_markdown, trim
from bot.domain.question import Difficulty, Question
from bot.domain.schedule import DAY_NAMES
from bot.domain.subscription import Subscription

DAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=trim(text, limit), emoji=False)


def _option(label: str, value: str) -> Option:
    return Option(text=_plain(label, limits.OPTION_TEXT), value=value[: limits.OPTION_VALUE])


def write_modal(question: Question, where: ids.ViewContext, max_chars: int) -> View:
    """The "Write an answer" form for a daily post."""
    prompt = trim(from_markdown(question.prompt), limits.SECTION_TEXT - 20)
    return View(
        type="modal",
        callback_id=ids.WRITE_VIEW,
        title=_plain("Your answer", limits.MODAL_TITLE),
        submit=_plain("Send", limits.MODAL_BUTTON),
        close=_plain("Cancel", limits.MODAL_BUTTON),
        private_metadata=where.dump(),
        blocks=[
            *sections(f"*Question:* {prompt}"),
            InputBlock(
                block_id=ids.WRITE_BLOCK,
                label=_plain("Your written answer", limits.INPUT_LABEL),
                hint=_plain(
                    f"{_length_cap(max_chars)} Only you see it until the reveal, when it is "
                    "shown beside the reference answer.",
                    limits.INPUT_LABEL,
                ),
                element=PlainTextInputElement(
                    action_id=ids.WRITE_INPUT,
                    multiline=True,
                    max_length=written_cap(max_chars),
                    placeholder=_plain(
                        "Explain it as you would in the interview…", limits.PLACEHOLDER
                    ),
                ),
            ),
        ],
    )


def written_cap(max_chars: int) -> int:
    """The longest written answer the Slack form takes: qotd's limit, within Slack's cap."""
    return min(max_chars, limits.INPUT_MAX_LENGTH)


def _length_cap(max_chars: int) -> str:
    cap = written_cap(max_chars)
    if cap < max_chars:  # qotd allows more than a Slack form field can hold
        return f"Up to {cap:,} characters (Slack's limit for a form field)."
    return f"Up to {cap:,} characters."


def schedule_modal(
    where: ids.ViewContext, topics: Sequence[str], current: Subscription | None
) -> View:
    """The schedule form for admins, filled in with the channel's current schedule."""
    schedule = current.schedule if current else None
    days = sorted(schedule.days) if schedule else list(range(5))
    day_options = [_option(DAY_LABELS[day], DAY_NAMES[day]) for day in range(7)]
    topic_options = [_option(topic, topic) for topic in topics][: limits.SELECT_OPTIONS]
    level_options = [_option(level.value.title(), level.value) for level in Difficulty]
    chosen_topics = [o for o in topic_options if current and o.value in current.filter.topics]
    chosen_levels = [o for o in level_options if current and o.value in current.filter.difficulties]
    thread_option = _option("Open a discussion thread under each post", "thread")
    blocks: list[Block] = [
        _input(
            "time",
            "Post time",
            TimePickerElement(
                action_id="value",
                initial_time=f"{schedule.post_time:%H:%M}" if schedule else "09:00",
            ),
        ),
        _input(
            "timezone",
            "Time zone (IANA name)",
            PlainTextInputElement(
                action_id="value",
                initial_value=schedule.timezone if schedule else "UTC",
                placeholder=_plain("Europe/Berlin", limits.PLACEHOLDER),
                max_length=64,
            ),
        ),
        _input(
            "days",
            "Days",
            CheckboxesElement(
                action_id="value",
                options=day_options,
                initial_options=[day_options[day] for day in days],
            ),
        ),
        _input(
            "reveal",
            "Reveal the answer",
            PlainTextInputElement(
                action_id="value",
                initial_value=f"{schedule.reveal.describe()}" if schedule else "after 8h",
                placeholder=_plain("after 8h, or at 17:00", limits.PLACEHOLDER),
                max_length=32,
            ),
        ),
        _input(
            "topics",
            "Topics (none for all)",
            StaticMultiSelectElement(
                action_id="value",
                options=topic_options,
                initial_options=chosen_topics or None,
                placeholder=_plain("All topics", limits.PLACEHOLDER),
            ),
            optional=True,
        ),
        _input(
            "difficulty",
            "Difficulty (none for all)",
            CheckboxesElement(
                action_id="value", options=level_options, initial_options=chosen_levels or None
            ),
            optional=True,
        ),
        _input(
            "thread",
            "Thread",
            CheckboxesElement(
                action_id="value",
                options=[thread_option],
                initial_options=[thread_option] if current and current.thread else None,
            ),
            optional=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.SCHEDULE_VIEW,
        title=_plain("Question schedule", limits.MODAL_TITLE),
        submit=_plain("Save", limits.MODAL_BUTTON),
        close=_plain("Cancel", limits.MODAL_BUTTON),
        private_metadata=where.dump(),
        blocks=blocks,
    )


def _input(block_id: str, label: str, element: object, *, optional: bool = False) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=_plain(label, limits.INPUT_LABEL),
        element=element,  # type: ignore[arg-type]
        optional=optional,
    )


def home_view(sections_mrkdwn: Sequence[tuple[str, str]], card_file: str | None = None) -> View:
    """The App Home tab: a titled section per part (stats, streaks, leaderboard), and the
    member's progress card (a file shared in their DM, so they may see it)."""
    blocks: list[Block] = [header("qotd: your daily interview question")]
    for title, body in sections_mrkdwn:
        blocks += sections(f"*{escape(title)}*\n{body}")
    if card_file:
        blocks.append(
            ImageBlock(
                slack_file={"id": card_file},
                alt_text="Your progress card: answers per day and accuracy by topic (the numbers are above).",
                title=_plain("Your progress card", limits.SECTION_TEXT),
            )
        )
    else:
        blocks.append(context("`/qotd stats` draws your progress card and shows it here."))
    blocks.append(
        context(
            "Answer the daily question in its channel; `/qotd quiz` starts a private quiz, "
            "`/qotd review` reviews what is due."
        )
    )
    return View(type="home", blocks=blocks[: limits.VIEW_BLOCKS])
