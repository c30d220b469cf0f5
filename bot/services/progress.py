"""The numbers behind the progress pictures: the same ones the text versions show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.periods import Period, Scope, period_key, scope_key
from bot.domain.schedule import zone
from bot.errors import NotSubscribed
from bot.services.boards import MemberStats, member_stats
from bot.services.context import Core
from bot.services.review import ReviewStats, review_stats

CALENDAR_WEEKS = 26


@dataclass(frozen=True, slots=True)
class Progress:
    stats: MemberStats
    review: ReviewStats
    activity: dict[date, int]  # answers per local day, last CALENDAR_WEEKS weeks
    first_day: date
    last_day: date


async def member_progress(
    core: Core, member: MemberRef, channel: ChannelRef | None = None
) -> Progress:
    stats = await member_stats(core, member, channel)
    review = await review_stats(core, member, stats)  # same answers: read them once
    now = core.clock.now()
    tz = zone(core.default_timezone)
    if channel is not None:
        async with core.storage.read() as uow:
            subscription = await uow.subscriptions.for_channel(channel)
        if subscription is not None:
            tz = subscription.schedule.tz
    last_day = now.astimezone(tz).date()
    # Whole weeks, Monday first, so the calendar's columns are weeks.
    first_day = last_day - timedelta(days=last_day.weekday()) - timedelta(weeks=CALENDAR_WEEKS - 1)
    since = datetime.combine(first_day, datetime.min.time(), tzinfo=tz)
    async with core.storage.read() as uow:
        member_id = await uow.members.find_member(member)
        moments = await uow.answers.activity(member_id, since) if member_id else []
    activity = Counter(moment.astimezone(tz).date() for moment in moments)
    return Progress(stats, review, dict(activity), first_day, last_day)


@dataclass(frozen=True, slots=True)
class WeeklyPoints:
    scope: Scope
    weeks: tuple[tuple[str, int], ...]  # (ISO week label, points), oldest first


async def weekly_points(
    core: Core, channel: ChannelRef, scope: Scope = Scope.GROUP, weeks: int = 8
) -> WeeklyPoints:
    """The group's (or channel's) total points in each of the last `weeks` ISO weeks."""
    now = core.clock.now()
    async with core.storage.read() as uow:
        subscription = await uow.subscriptions.for_channel(channel)
        if subscription is None:
            raise NotSubscribed()
        group_id = await uow.members.find_group(channel.platform, channel.group_id)
        assert group_id is not None
        tz = subscription.schedule.tz
        keys = [
            period_key(Period.WEEK, now - timedelta(weeks=back), tz)
            for back in reversed(range(weeks))
        ]
        totals = await uow.answers.weekly_points(scope_key(scope, group_id, subscription.id), keys)
    return WeeklyPoints(scope, tuple((key[1:], totals.get(key, 0)) for key in keys))
