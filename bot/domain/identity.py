"""Neutral identities: the core sees platform ids as strings, never platform objects."""

from __future__ import annotations

from dataclasses import dataclass

# The largest id a row can have (a signed 64-bit integer, SQLite's and PostgreSQL's BIGINT).
MAX_ROW_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel of a group (Discord guild / Slack workspace / the console)."""

    platform: str
    group_id: str
    channel_id: str


@dataclass(frozen=True, slots=True)
class MemberRef:
    """A member of a platform. `name` is for display only and may change."""

    platform: str
    member_id: str
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.member_id


def is_row_id(value: int) -> bool:
    """Whether `value` can be a database id at all; others never reach a query (an id past
    64 bits would fail the whole statement, and with it a batch of other members' answers)."""
    return 0 < value <= MAX_ROW_ID
