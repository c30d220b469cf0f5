"""`qotd status` and `qotd export` (read-only reports for whoever runs the bot), and
`qotd questions import|export` (a group's own questions, with the host as its admin)."""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import UTC, datetime

from bot.bootstrap import open_core
from bot.config import Settings
from bot.domain.identity import ChannelRef, MemberRef
from bot.domain.local_time import format_day, format_local
from bot.errors import QotdError
from bot.services.access import Actor
from bot.services.reports import (
    SubscriptionReport,
    all_subscriptions,
    export_group,
    parse_group,
    worker_ticks,
)


async def run_report(args: argparse.Namespace, settings: Settings) -> int:
    async with open_core(settings, exclusive=False) as core:
        if args.command == "status":
            print(format_status(await all_subscriptions(core)))
            print(format_workers(await worker_ticks(core), core.clock.now()))
            return 0
        data = await export_group(core, args.group)
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(to_csv(data[args.table or "answers"]), end="")
    return 0


async def run_questions(args: argparse.Namespace, settings: Settings) -> int:
    """`qotd questions import|export --group platform:id`: the host acts as the group's admin."""
    from bot.content.records import file_format
    from bot.services import group_questions

    platform, external = parse_group(args.group)
    channel = ChannelRef(platform, external, "")
    host = Actor(MemberRef(platform, "qotd-cli", "qotd command line"), is_admin=True)
    if args.questions_command == "import":
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QotdError(f"Cannot read {args.file}: {error}") from None
        kind = file_format(args.file.name)
    async with open_core(settings, exclusive=False) as core:
        if args.questions_command == "export":
            print(await group_questions.export_questions(core, channel, host), end="")
            return 0
        report = await group_questions.import_questions(
            core, channel, host, text, kind, dry_run=args.dry_run
        )
    print(report.describe())
    return 0


def format_status(reports: list[SubscriptionReport]) -> str:
    """Every subscription's state, with times in the subscription's own time zone."""
    if not reports:
        return "No subscriptions yet: schedule a channel from Discord, Slack or the console."
    lines = []
    for report in reports:
        subscription = report.subscription
        channel = subscription.channel
        tz = subscription.schedule.tz
        state = f"paused ({subscription.pause_reason})" if subscription.paused else "active"
        lines.append(f"{channel.platform}:{channel.group_id}/{channel.channel_id}  {state}")
        lines.append(f"  schedule:   {subscription.schedule.describe()} · pack {subscription.pack}")
        if report.next_post_at is not None:
            lines.append(f"  next post:  {format_local(report.next_post_at, tz)}")
        if report.last_post is not None:
            last = report.last_post
            lines.append(
                f"  last post:  {format_day(last.local_date)} {last.status.value} (question {last.question_id or '-'})"
            )
        if subscription.last_error:
            at = subscription.last_error_at
            when = format_local(at, tz) if at else ""
            lines.append(f"  last error: {subscription.last_error} {when}".rstrip())
    return "\n".join(lines)


def format_workers(ticks: list[tuple[str, datetime]], now: datetime) -> str:
    """Each worker's last completed tick, and how long ago (UTC: workers have no zone)."""
    if not ticks:
        return "workers: none has ticked yet"
    lines = ["workers (last completed tick):"]
    for name, at in ticks:
        ago = int((now - at).total_seconds())
        lines.append(f"  {name:<32} {format_local(at, UTC)}  ({ago} s ago)")
    return "\n".join(lines)


def to_csv(rows: list[dict[str, object]]) -> str:
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({key: _cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def _cell(value: object) -> object:
    # A member's written answer starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
