"""The App Home tab: the member's stats and streaks, and the workspace leaderboard."""

from __future__ import annotations

from slack_sdk.models.views import View

from adapters.slack.chat import PLATFORM
from adapters.slack.replies import board_text, review_stats
from adapters.slack.views import home_view
from bot.domain.identity import MemberRef
from bot.domain.periods import Period, Scope
from bot.services import boards, review
from bot.services.context import Core
from bot.services.groups import group_channels

MAX_CHANNELS = 20


async def build_home(
    core: Core, team_id: str, member: MemberRef, card_file: str | None = None
) -> View:
    """The Home tab as this member sees it now, with their latest progress card if known."""
    stats = await boards.member_stats(core, member)
    accuracy = f"{stats.accuracy:.0%}" if stats.accuracy is not None else "no picks yet"
    parts = [
        (
            "Your stats",
            f"Daily answers: {stats.daily_answers} ({stats.daily_correct}/{stats.daily_picks} "
            f"picks right, {stats.written} written)\nQuiz answers: {stats.quiz_answers} "
            f"({stats.quiz_correct} right)\nAccuracy: {accuracy}",
        ),
        ("Reviews", review_stats(await review.review_stats(core, member))),
    ]
    channels = (await group_channels(core, PLATFORM, team_id))[:MAX_CHANNELS]
    if not channels:
        parts.append(
            (
                "Get started",
                "No channel in this workspace has a schedule yet: an admin runs "
                "`/qotd schedule` in a channel (after `/invite @qotd`).",
            )
        )
        return home_view(parts, card_file)
    streak_lines = []
    for channel in channels:
        streak = await boards.member_streak(core, channel, member)
        streak_lines.append(f"<#{channel.channel_id}>: streak {streak.describe()}")
    parts.append(("Your streaks", "\n".join(streak_lines)))
    board = await boards.leaderboard(core, channels[0], member, Period.WEEK, Scope.GROUP)
    parts.append(board_text(board))
    return home_view(parts, card_file)
