"""The status and leaderboard facts are worded once: every front end shows every fact, and
escapes what a member or a platform wrote."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.console import render as console
from adapters.discord import replies as discord_replies
from adapters.slack import replies as slack_replies
from bot.domain.identity import ChannelRef
from bot.domain.post import Post, PostStatus
from bot.domain.schedule import Schedule
from bot.domain.subscription import Subscription
from bot.presentation import QUEUE_SHOWN, queue_text, status_facts
from bot.services.subscriptions import ChannelStatus

HOSTILE = "<!channel> @everyone *bold* <https://evil.example|click>"


def channel_status(**changes: object) -> ChannelStatus:
    subscription = Subscription(
        1,
        ChannelRef("test", "group-1", "channel-1"),
        Schedule.parse("09:00", "Europe/Berlin", "mon-fri", "after 8h"),
        "ml",
        mention="S0123ABCD",
        thread=True,
        admins=frozenset({"U01ADMIN", "U02ADMIN"}),
        last_error=HOSTILE,
    ).with_changes(**changes)
    last = Post(7, 1, date(2026, 3, 2), "bias-variance", PostStatus.REVEALED, *[_at(8)] * 2)
    return ChannelStatus(subscription, _at(9), last, ("a-question", "b-question"), 42)


def _at(hour: int) -> datetime:
    return datetime(2026, 3, 3, hour, 0, tzinfo=UTC)


def discord_text(result: ChannelStatus) -> str:
    parts = []
    for embed in discord_replies.status_embeds(result):
        parts += [embed.title or "", embed.description or ""]
        parts += [f"{field.name}\n{field.value}" for field in embed.fields]
    return "\n".join(parts)


def slack_text(result: ChannelStatus) -> str:
    blocks = slack_replies.status(result).dicts()
    return "\n".join(str(block["text"]["text"]) for block in blocks)  # type: ignore[index]


RENDERERS = {
    "console": console.status,
    "slack": slack_text,
    "discord": discord_text,
}


def test_the_facts_come_in_one_order_with_every_setting():
    labels = [fact.label for fact in status_facts(channel_status())]
    assert labels == [
        "Schedule",
        "Questions",
        "Thread",
        "Mentions",
        "Channel admins",
        "Next post",
        "Last post",
        "Queued",
        "Last error",
    ]
    paused = status_facts(channel_status(paused=True, pause_reason="403 from Slack"))
    assert [fact.text for fact in paused if fact.label == "Paused"] == ["403 from Slack"]
    assert "Next post" not in [fact.label for fact in paused]


@pytest.mark.parametrize("front_end", RENDERERS)
def test_every_front_end_shows_every_status_fact(front_end):
    shown = RENDERERS[front_end](channel_status())
    for fact in status_facts(channel_status()):
        assert fact.label in shown, f"{front_end} drops {fact.label}"
    assert "a-question" in shown and "42" in shown


@pytest.mark.parametrize(
    ("front_end", "live"),
    [
        ("slack", ["<!channel>", "<https://evil.example|click>"]),
        ("discord", ["@everyone", "*bold*"]),
    ],
)
def test_a_platform_error_in_the_status_cannot_ping_or_link(front_end, live):
    shown = RENDERERS[front_end](channel_status())
    for markup in live:
        assert markup not in shown


def test_a_long_queue_lists_the_first_ids_and_counts_the_rest():
    queued = tuple(f"q-{number}" for number in range(QUEUE_SHOWN + 7))
    text = queue_text(queued)
    assert text.startswith("q-0, q-1")
    assert f"q-{QUEUE_SHOWN - 1} … and 7 more" in text
    assert f"q-{QUEUE_SHOWN}," not in text
