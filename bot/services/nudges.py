"""Opt-in daily reminders: reviews due or a streak at risk, never more than one a day."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.schedule import parse_time, zone
from bot.ports import Chat, DirectMessages, OutgoingNudge, StreakAtRisk
from bot.services.context import Core
from bot.storage.cards import NudgeRow

log = logging.getLogger(__name__)


async def set_reminder(
    core: Core, member: MemberRef, at: str, timezone: str | None = None
) -> tuple[time, str]:
    """Ask for a daily private reminder at a local time (HH:MM in an IANA time zone)."""
    when = parse_time(at)
    tz_name = (timezone or core.default_timezone).strip()
    zone(tz_name)
    async with core.storage.write() as uow:
        member_id = await uow.members.member_id(member, core.clock.now())
        await uow.cards.set_nudge(member_id, f"{when:%H:%M}", tz_name, core.clock.now())
    return when, tz_name


async def stop_reminder(core: Core, member: MemberRef) -> bool:
    async with core.storage.write() as uow:
        member_id = await uow.members.find_member(member)
        return member_id is not None and await uow.cards.clear_nudge(member_id)


async def send_due_nudges(core: Core, chats: Mapping[str, Chat]) -> int:
    """Send today's reminders whose local time has come and that have something to say."""
    capable = {
        platform: chat for platform, chat in chats.items() if isinstance(chat, DirectMessages)
    }
    if not capable:
        return 0
    now = core.clock.now()
    async with core.storage.read() as uow:
        rows = await uow.cards.nudges(capable)
    sent = 0
    for row in rows:
        local = now.astimezone(zone(row.timezone))
        if row.last_sent_on == local.date() or local.time() < time.fromisoformat(row.remind_at):
            continue
        nudge = await _compose(core, row)
        if nudge is None:
            continue  # nothing due and no streak at risk: stay quiet (a later tick may still send)
        async with core.storage.write() as uow:
            if not await uow.cards.mark_nudged(row.member_id, local.date()):
                continue  # another worker sent today's reminder
        chat = capable[row.platform]
        try:
            await chat.send_nudge(nudge)
            sent += 1
        except Exception as error:  # the day's reminder is spent either way: at most one a day
            log.warning("reminder to member=%s failed: %s", row.member_id, error)
    return sent


def next_reminder_at(row: NudgeRow, after: datetime) -> datetime:
    """The first instant strictly after `after` at which this reminder is checked again.

    Today's reminder counts only while it has not been sent; a local time skipped by a
    spring-forward gap moves forward by the gap, as post times do.
    """
    tz = zone(row.timezone)
    remind_at = time.fromisoformat(row.remind_at)
    day: date = after.astimezone(tz).date()
    for _ in range(3):
        instant = datetime.combine(day, remind_at, tzinfo=tz).astimezone(UTC)
        if instant > after and row.last_sent_on != day:
            return instant
        day += timedelta(days=1)
    raise AssertionError("a daily reminder comes within three days")


async def _compose(core: Core, row: NudgeRow) -> OutgoingNudge | None:
    now = core.clock.now()
    async with core.storage.read() as uow:
        due = await uow.cards.count_due(row.member_id, now)
        risky = await uow.answers.streaks_at_risk(row.member_id, now)
    at_risk = tuple(
        StreakAtRisk(
            ChannelRef(item.platform, item.external_id, item.channel_id),
            item.current,
            item.reveal_at,
        )
        for item in risky
    )
    if not due and not at_risk:
        return None
    return OutgoingNudge(MemberRef(row.platform, row.external_id), due, at_risk)
