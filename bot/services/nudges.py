"""Opt-in daily reminders: reviews due or a streak at risk, never more than one a day."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.schedule import parse_time, zone
from bot.ports import Chat, DirectMessages, OutgoingNudge, StreakAtRisk
from bot.services.context import Core
from bot.shards import served_shards
from bot.storage.cards import NudgeRow

log = logging.getLogger(__name__)

NUDGE_PAGE = 200  # reminders worked out per read transaction


async def set_reminder(
    core: Core,
    member: MemberRef,
    at: str,
    timezone: str | None = None,
    *,
    home_group: str | None = None,
) -> tuple[time, str]:
    """Ask for a daily private reminder at a local time (HH:MM in an IANA time zone);
    `home_group` is the group it was asked for in (the front end that serves many
    workspaces sends it with that one's token)."""
    when = parse_time(at)
    tz_name = (timezone or core.default_timezone).strip()
    zone(tz_name)
    async with core.storage.write() as uow:
        member_id = await uow.members.member_id(member, core.clock.now())
        await uow.cards.set_nudge(member_id, f"{when:%H:%M}", tz_name, core.clock.now(), home_group)
    return when, tz_name


async def stop_reminder(core: Core, member: MemberRef) -> bool:
    async with core.storage.write() as uow:
        member_id = await uow.members.find_member(member)
        return member_id is not None and await uow.cards.clear_nudge(member_id)


async def send_due_nudges(core: Core, chats: Mapping[str, Chat]) -> int:
    """Send the reminders whose time has come and that have something to say.

    Only reminders due to be looked at are read. One with nothing to say is looked at again
    when that could change (a card falls due or is scheduled, a post goes out where the
    member keeps a streak) or at tomorrow's time, never on every tick.
    """
    capable = {
        platform: chat for platform, chat in chats.items() if isinstance(chat, DirectMessages)
    }
    if not capable or core.pulse.stopping:
        return 0
    now = core.clock.now()
    async with core.storage.read() as uow:
        rows = await uow.cards.due_nudges(capable, now, served_shards(capable))
    sent = 0
    for first in range(0, len(rows), NUDGE_PAGE):
        for row, nudge in await _look_at(core, rows[first : first + NUDGE_PAGE], now):
            sent += await _send(core, capable[row.platform], row, nudge, now)
    return sent


async def _look_at(
    core: Core, rows: list[NudgeRow], now: datetime
) -> list[tuple[NudgeRow, OutgoingNudge]]:
    """Work out a page of reminders with three reads for the whole page, and when each
    quiet one is looked at next in one write; returns the reminders to send."""
    later: dict[int, datetime] = {}
    come = []
    for row in rows:
        local = now.astimezone(zone(row.timezone))
        if row.last_sent_on == local.date() or local.time() < time.fromisoformat(row.remind_at):
            later[row.member_id] = next_reminder_at(row, now)
        else:
            come.append(row)
    due: dict[int, int] = {}
    risky: dict[int, list[Any]] = {}
    next_due: dict[int, datetime] = {}
    if come:
        ids = [row.member_id for row in come]
        async with core.storage.read() as uow:
            due = await uow.cards.count_due_of(ids, now)
            risky = await uow.answers.streaks_at_risk_of(ids, now)
            next_due = await uow.cards.next_due_after_of(ids, now)
    to_send = []
    for row in come:
        nudge = _compose(row, due.get(row.member_id, 0), risky.get(row.member_id, []))
        if nudge is None:  # nothing due and no streak at risk: quiet until that changes
            later[row.member_id] = _next_change(row, next_due.get(row.member_id), now)
        else:
            to_send.append((row, nudge))
    async with core.storage.write() as uow:
        await uow.cards.check_nudges_at(later)
    return to_send


async def _send(
    core: Core, chat: DirectMessages, row: NudgeRow, nudge: OutgoingNudge, now: datetime
) -> int:
    today = now.astimezone(zone(row.timezone)).date()
    async with core.storage.write() as uow:
        if not await uow.cards.mark_nudged(row.member_id, today):
            return 0  # another worker sent today's reminder
        sent_today = replace(row, last_sent_on=today)
        await uow.cards.check_nudges_at({row.member_id: next_reminder_at(sent_today, now)})
    try:
        await chat.send_nudge(nudge)
    except Exception as error:  # the day's reminder is spent either way: at most one a day
        log.warning("reminder to member=%s failed: %s", row.member_id, error)
        return 0
    return 1


def _next_change(row: NudgeRow, card_due: datetime | None, now: datetime) -> datetime:
    """When a quiet reminder is looked at again: when its next card falls due, or at
    tomorrow's time. (A post where the member keeps a streak, and a newly scheduled card,
    bring it forward when they happen: `apply_reviews`, `send_claimed`.)"""
    today = now.astimezone(zone(row.timezone)).date()
    tomorrow = next_reminder_at(replace(row, last_sent_on=today), now)
    return min(card_due, tomorrow) if card_due is not None else tomorrow


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


def _compose(row: NudgeRow, due: int, risky: list[Any]) -> OutgoingNudge | None:
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
    return OutgoingNudge(MemberRef(row.platform, row.external_id), due, at_risk, row.home_group)
